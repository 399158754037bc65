import { z } from "zod";
import type { StackRule } from "./support/rule";
import { managedPolicyRule } from "../clouds/aws/managed-policies";
import { SELF_SCOPED_TOKEN_ACTIONS } from "../clouds/aws/privilege-escalation";
import { describeIdentity, findAgentIdentities, type AgentIdentityResource } from "./support/agents";
import {
  awsManagedPolicyName,
  rolePermissions,
  rolePolicySources,
  unlinkedAttachments,
} from "./support/aws-role-policies";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity, listed, stringList } from "./support/common";

/**
 * `no-overbroad-aws-scopes`: an agent role holds exactly what its job needs. Blocks wildcard
 * actions, NotAction allows, scopable writes on every resource, admin managed policies, and the
 * privilege-escalation methods cloudsplaining publishes (`src/clouds/aws/privilege-escalation.ts`).
 */

export const awsScopesConfig = z
  .object({
    productionEnvironments: z
      .array(z.string())
      .default(["prod", "production"])
      .describe("Environments where any *FullAccess managed policy is refused"),
    allowedEscalationMethods: stringList("allowedEscalationMethods").describe(
      "cloudsplaining escalation method names the team accepts (e.g. EditExistingLambdaFunctionWithRole)",
    ),
    allowedCredentialActions: z
      .array(z.string())
      .default([...SELF_SCOPED_TOKEN_ACTIONS])
      .describe(
        "Credential-returning actions accepted on every resource (registry logins that carry only the caller's own rights)",
      ),
  })
  .strict();
export type AwsScopesConfig = z.output<typeof awsScopesConfig>;

function roleFindings(agent: AgentIdentityResource, index: StackIndex, config: AwsScopesConfig): Finding[] {
  const name = describeIdentity(agent);
  const findings: Finding[] = [];
  const sources = rolePolicySources(agent.resource, index);
  const environment = agent.metadata.environment;
  const production = config.productionEnvironments.map((entry) => entry.toLowerCase());
  for (const source of sources) {
    if (source.policyArn && awsManagedPolicyName(source.policyArn)) {
      const policyName = awsManagedPolicyName(source.policyArn)!;
      const rule = managedPolicyRule(policyName);
      if (!rule) continue;
      if (!rule.prodOnly)
        findings.push({
          urn: source.urn,
          message: `${name} has the AWS managed policy ${policyName}, which allows ${rule.gives}; detach it and grant the named resources the agent needs`,
        });
      else if (environment.state === "value" && production.includes(environment.value.toLowerCase()))
        findings.push({
          urn: source.urn,
          message: `${name} is a ${environment.value} agent with the AWS managed policy ${policyName}, which allows ${rule.gives}; detach it and grant the named resources the agent needs`,
        });
      else if (environment.state !== "value")
        findings.push({
          urn: source.urn,
          level: "advisory",
          message: `${name} has ${policyName} (${rule.gives}) and no known environment; on a production agent it would be refused`,
        });
    } else if (source.unresolved === "unknown" || source.document?.kind === "unknown") {
      findings.push({
        urn: source.urn,
        level: "advisory",
        message: `${name}: ${source.what} is not known until apply; its statements are judged then`,
      });
    } else if (source.unresolved === "external") {
      findings.push({
        urn: source.urn,
        level: "advisory",
        message: `${name}: ${source.what} is not part of this stack, so its statements cannot be judged; manage it in the stack or review it by hand`,
      });
    } else if (source.document?.kind === "invalid") {
      findings.push({
        urn: source.urn,
        message: `${name}: ${source.what} cannot be read (${source.document.error}); fix the policy document`,
      });
    }
  }
  const analysis = rolePermissions(agent.resource, index, {
    allowedEscalationMethods: config.allowedEscalationMethods,
    allowedCredentialActions: config.allowedCredentialActions,
  });
  for (const problem of [
    ...analysis.serviceWildcards,
    ...analysis.notActionAllows,
    ...analysis.unscopedWrites,
    ...analysis.roleHopping,
    ...analysis.credentialsExposure,
  ])
    findings.push({ message: `${name}: ${problem.message}` });
  if (analysis.escalations.length > 0)
    findings.push({
      message: `${name} can escalate its own privileges by ${listed(
        analysis.escalations.map((method) => `${method.name} (${method.actions.join(" + ")})`),
        4,
      )} (methods published by cloudsplaining); remove those actions, or name an accepted method in allowedEscalationMethods`,
    });
  for (const source of analysis.unknownSources)
    findings.push({
      level: "advisory",
      message: `${name}: parts of ${source} are not known until apply; they are judged then`,
    });
  return findings;
}

export function checkAwsScopes(
  resources: readonly PolicyResource[],
  config: AwsScopesConfig,
  _context?: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  const findings = findAgentIdentities(index)
    .filter((agent) => agent.cloud === "aws")
    .flatMap((agent) => forIdentity(agent, roleFindings(agent, index, config)));
  for (const { attachment, policyArn } of unlinkedAttachments(index)) {
    const name = typeof policyArn === "string" && !isUnknown(policyArn) ? awsManagedPolicyName(policyArn) : undefined;
    const rule = name ? managedPolicyRule(name) : undefined;
    if (rule && !rule.prodOnly)
      findings.push({
        urn: attachment.urn,
        level: "advisory",
        message: `${attachment.name} attaches ${name} (${rule.gives}) to a role not known until apply; if that role is an agent's, it will be refused`,
      });
  }
  return findings;
}

/** Agent roles hold exactly what their job needs, with no path to more. */
export const noOverbroadAwsScopes: StackRule<typeof awsScopesConfig> = {
  name: "no-overbroad-aws-scopes",
  description:
    "Blocks, on agent roles: '*' or 'service:*' actions, NotAction allows, write or permissions-management actions on Resource '*' when the action can be scoped, AWS managed admin policies (AdministratorAccess, PowerUserAccess, IAMFullAccess, any *FullAccess on a production agent), iam:PassRole or sts:AssumeRole on every role, credential-returning actions on every resource, and every privilege-escalation method cloudsplaining publishes (single actions and combinations).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Grant named resources with the actions the job needs (AgentIdentity grants); keep '*' only for actions AWS offers without resource scoping.",
  config: awsScopesConfig,
  scope: "stack",
  check: checkAwsScopes,
};
