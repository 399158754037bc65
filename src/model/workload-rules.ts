import type { Cloud } from "./resources";
import type { RunsOn } from "./runs-on";
import type { SpecProblem } from "./agent-spec";

/**
 * What an agent that runs on a cloud's own compute needs in its spec: the block of its home cloud,
 * and for each other cloud it reaches, what that cloud's trust pins. One row per home and target;
 * every rule names the field and what to change.
 */

type WorkloadKind = "aws-workload" | "gcp-workload" | "azure-workload";

const HOME_CLOUD: Readonly<Record<WorkloadKind, Cloud>> = {
  "aws-workload": "aws",
  "gcp-workload": "gcp",
  "azure-workload": "azure",
};

interface Spec {
  readonly runsOn: RunsOn;
  readonly aws?: { readonly oidcProvider?: unknown };
  readonly gcp?: { readonly pool?: unknown };
  readonly azure?: unknown;
}

interface PairRule {
  /** Why the pair cannot be planned as written, or undefined when it can. */
  readonly problem: (spec: Spec) => SpecProblem | undefined;
}

const needsAudience = (target: string): PairRule => ({
  problem: (spec) =>
    spec.runsOn.kind === "azure-workload" && spec.runsOn.audience === undefined
      ? {
          path: "runsOn.audience",
          message: `the managed identity reaches ${target} with an Entra access token, whose aud ${target} pins: set audience to the application ID URI of an Entra application that accepts v2.0 tokens, such as api://acme-agents`,
        }
      : undefined,
});

const agentEngineStaysHome = (target: string): PairRule => ({
  problem: (spec) =>
    spec.runsOn.kind === "gcp-workload" && spec.runsOn.service === "agent-engine"
      ? {
          path: target,
          message: `an Agent Engine's agent identity has no documented token that ${target.toUpperCase()} can trust (agent identity is in preview); run the part that reaches ${target.toUpperCase()} as a service account (cloud-run, gke) or remove the ${target} block`,
        }
      : undefined,
});

/** The rules of each home → target pair (home: the workload kind; target: another cloud block). */
const PAIR_RULES: Readonly<Record<WorkloadKind, Partial<Record<Cloud, readonly PairRule[]>>>> = {
  "aws-workload": {},
  "gcp-workload": { aws: [agentEngineStaysHome("aws")], azure: [agentEngineStaysHome("azure")] },
  "azure-workload": {
    aws: [
      needsAudience("AWS"),
      {
        problem: (spec) =>
          spec.aws?.oidcProvider === undefined
            ? {
                path: "aws.oidcProvider",
                message:
                  "AWS trusts the Entra tenant through an IAM OIDC provider: pass an AwsOidcProvider for https://login.microsoftonline.com/TENANT/v2.0 whose audiences hold runsOn.audience",
              }
            : undefined,
      },
    ],
    gcp: [needsAudience("GCP")],
  },
};

/** Problems of an agent's home and of each cloud it federates to. */
export function workloadProblems(spec: Spec): SpecProblem[] {
  const kind = spec.runsOn.kind;
  const problems: SpecProblem[] = [];
  if (spec.gcp && spec.gcp.pool === undefined && kind !== "gcp-workload")
    problems.push({
      path: "gcp.pool",
      message:
        "gcp.pool is required: a GcpWorkloadIdentityPool, or { name, provider } of an existing pool and provider",
    });
  if (kind !== "aws-workload" && kind !== "gcp-workload" && kind !== "azure-workload") {
    if (spec.aws && spec.aws.oidcProvider === undefined)
      problems.push({
        path: "aws.oidcProvider",
        message: "aws.oidcProvider is required: an AwsOidcProvider, or the ARN of an existing IAM OIDC provider",
      });
    return problems;
  }
  const home = HOME_CLOUD[kind];
  if (spec[home] === undefined)
    problems.push({
      path: home,
      message: `the agent runs on ${home.toUpperCase()} (${kind}): add the "${home}" block that holds its home identity`,
    });
  if (kind === "aws-workload" && spec.aws?.oidcProvider !== undefined)
    problems.push({
      path: "aws.oidcProvider",
      message: "the agent's role trusts its AWS service, not an OIDC issuer: remove aws.oidcProvider",
    });
  for (const [target, rules] of Object.entries(PAIR_RULES[kind]) as [Cloud, readonly PairRule[]][]) {
    if (spec[target] === undefined || target === home) continue;
    for (const rule of rules) {
      const problem = rule.problem(spec);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
