import { runSimulation } from "@cloud-copilot/iam-simulate";
import { MOCK_CLOUD } from "../../src/gate/program/realistic-outputs";

/**
 * The independent evaluator: @cloud-copilot/iam-simulate (AGPL, dev dependency only) decides what
 * a set of identity policies allows. Our code only produces the documents.
 */
export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface SimulationInput {
  policies: readonly unknown[];
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  permissionBoundary?: unknown;
  /** A resource policy (for a role: its trust policy). */
  resourcePolicy?: unknown;
  /** The calling principal (default: an agent role in the mock account). */
  principal?: string;
}

const PRINCIPAL = `arn:aws:iam::${MOCK_CLOUD.awsAccountId}:role/agents/agent-under-test`;

/** Runs one request through the simulator; throws when the simulator rejects the input. */
export async function decide({
  policies,
  action,
  resource,
  context = {},
  permissionBoundary,
  resourcePolicy,
  principal = PRINCIPAL,
}: SimulationInput): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource, accountId: MOCK_CLOUD.awsAccountId },
        contextVariables: context,
      },
      identityPolicies: policies.map((policy, index) => ({ name: `policy-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: permissionBoundary ? [{ name: "boundary", policy: permissionBoundary }] : undefined,
      resourcePolicy,
    },
    {},
  );
  if (result.resultType === "error")
    throw new Error(`simulator rejected ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}
