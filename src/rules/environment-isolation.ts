import { z } from "zod";
import type { StackRule } from "./support/rule";
import { subjectEnvironment } from "../clouds/aws/trust-analysis";
import { accessRank } from "../model/access";
import { isProductionEnvironment } from "../model/risk/score";
import { describeIdentity, findAgentIdentities, type AgentIdentityResource } from "./support/agents";
import { identityAccess } from "./support/stack-agents";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { forIdentity } from "./support/common";
import { crossEnvironmentRoles } from "./support/workload-trusts";

/**
 * `environment-isolation`: a stack deploys the agents of one environment, and an agent trusts only
 * workflows of its own environment. The stack's environment is the config's `environment`, else the
 * stack config `agent-iam:environment`, else the stack's name when it is one of `environments`; with
 * none, only the subject rule applies.
 */

export const DEFAULT_ENVIRONMENTS: readonly string[] = [
  "dev",
  "development",
  "test",
  "qa",
  "staging",
  "stage",
  "preprod",
  "prod",
  "production",
  "sandbox",
];

export const environmentConfig = z
  .object({
    environment: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,15}$/, {
        message: "an environment name: lower-case letters, digits and '-', such as prod",
      })
      .optional()
      .describe("The stack's environment (default: the stack name, when it is one of environments)"),
    environments: z
      .array(z.string())
      .default([...DEFAULT_ENVIRONMENTS])
      .describe("Stack names that are environment names"),
  })
  .strict();
export type EnvironmentConfig = z.output<typeof environmentConfig>;

/**
 * The stack's environment: this config's `environment`, else the stack config
 * `agent-iam:environment`, else the stack name (last part of `org/project/stack`) when it is one of
 * `environments`.
 */
export function stackEnvironment(
  config: EnvironmentConfig,
  context: Pick<CheckContext, "stackName" | "stackConfig">,
): string | undefined {
  if (config.environment) return config.environment;
  const configured = knownString(context.stackConfig["agent-iam:environment"]);
  if (configured) return configured.toLowerCase();
  const stack = context.stackName?.split("/").pop()?.toLowerCase();
  return stack && config.environments.map((name) => name.toLowerCase()).includes(stack) ? stack : undefined;
}

/**
 * Subjects of untrusted code paths: workflows that run code anyone able to open a change wrote.
 * One row per issuer's form; a new issuer or trust kind is a new row.
 */
export const UNTRUSTED_CODE_SUBJECTS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  // GitHub's subject for a `pull_request` job, classic or immutable form (GitHub, "OpenID Connect reference").
  { what: "GitHub pull_request", pattern: /^repo:[^:]+:pull_request$/ },
];

/**
 * A `pull_request` job runs code that anyone able to open a pull request wrote (a fork's, when the
 * repository runs fork workflows): GitHub's "Security hardening for GitHub Actions" keeps secrets
 * and write access away from it. An identity it can assume may read, and never in production.
 */
function pullRequestFindings(
  agent: AgentIdentityResource,
  subject: string,
  environment: string | undefined,
  index: StackIndex,
): Finding[] {
  const name = describeIdentity(agent);
  const fix = "trust a GitHub environment (repo:ORG/REPO:environment:NAME) or a protected branch instead";
  if (environment && isProductionEnvironment(environment))
    return [
      {
        message: `${name} is a ${environment} agent that trusts "${subject}": any pull request's code runs with it; ${fix}`,
      },
    ];
  const access = identityAccess(agent, index);
  if ((access.highest && accessRank(access.highest) >= accessRank("write")) || access.deletesOrExports)
    return [
      {
        message: `${name} can ${access.highest === "permissions" ? "change permissions" : "write"} and trusts "${subject}": any pull request's code runs with it; ${fix}, or keep this identity read-only`,
      },
    ];
  if (access.unknown)
    return [
      {
        level: "advisory",
        message: `${name} trusts "${subject}": whether it can write is only known at apply; a pull_request identity must stay read-only`,
      },
    ];
  return [];
}

export function checkEnvironment(
  resources: readonly PolicyResource[],
  config: EnvironmentConfig,
  context: CheckContext,
): Finding[] {
  const stackEnv = stackEnvironment(config, context);
  const index = StackIndex.of(resources);
  return findAgentIdentities(index).flatMap((agent) => {
    const name = describeIdentity(agent);
    const findings: Finding[] = [];
    const environment = agent.metadata.environment;
    const agentEnv = environment.state === "value" ? environment.value.toLowerCase() : undefined;
    if (stackEnv && environment.state === "unknown")
      findings.push({ level: "advisory", message: `${name}: its environment is not known until apply` });
    if (stackEnv && agentEnv && agentEnv !== stackEnv)
      findings.push({
        message: `${name} is a ${agentEnv} agent in the ${stackEnv} stack; deploy it from the ${agentEnv} stack, or set its environment to ${stackEnv}`,
      });
    const expectedEnv = agentEnv ?? stackEnv;
    if (expectedEnv)
      for (const { role, environment: other } of crossEnvironmentRoles(agent, index, expectedEnv, config.environments))
        findings.push({
          message: `${name} (${expectedEnv}) trusts the AWS role ${role}, named for the ${other} environment: a ${other} agent's role would act here; trust only the ${expectedEnv} agent's role`,
        });
    for (const subject of agent.subjects) {
      if (UNTRUSTED_CODE_SUBJECTS.some((row) => row.pattern.test(subject)))
        findings.push(...pullRequestFindings(agent, subject, agentEnv ?? stackEnv, index));
      const named = subjectEnvironment(subject)?.toLowerCase();
      if (!named) continue;
      const expected = agentEnv ?? stackEnv;
      if (expected && named !== expected)
        findings.push({
          message: `${name} (${expected}) trusts the subject "${subject}", which names the ${named} environment; trust only workflows of the ${expected} environment`,
        });
    }
    return forIdentity(agent, findings);
  });
}

/** One stack, one environment; an agent trusts only workflows of its own environment. */
export const environmentIsolation: StackRule<typeof environmentConfig> = {
  name: "environment-isolation",
  description:
    "Blocks agents whose environment differs from the stack's (the config's environment, else the stack name when it is an environment name; with neither, not applicable), agents whose trusted subject names another environment (repo:ORG/REPO:environment:dev on a prod agent), production agents or agents that can write that trust a GitHub pull_request subject (code from any pull request), and GCP or Azure agent identities that trust an AWS role named for another environment (agent-x-dev on a prod agent).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Deploy each agent from its own environment's stack, and pin its trust to that environment (GitHub environment in the subject).",
  config: environmentConfig,
  scope: "stack",
  check: checkEnvironment,
};
