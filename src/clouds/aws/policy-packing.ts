import type { AwsStatement } from "./actions";
import { AWS_LIMITS, policySize } from "../../model/cloud-limits";

/** An identity policy document as IAM takes it. */
export interface AwsPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: AwsStatement[];
}

const EMPTY_DOCUMENT_SIZE = policySize({ Version: "2012-10-17", Statement: [] });

function document(statements: AwsStatement[]): AwsPolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Greedily cuts `items` into runs whose built statement fits the limit. */
function chunkToFit<T>(
  items: readonly T[],
  build: (chunk: T[], index: number) => AwsStatement,
  limit: number,
): AwsStatement[] {
  const parts: AwsStatement[] = [];
  let current: T[] = [];
  for (const item of items) {
    const candidate = [...current, item];
    if (current.length > 0 && EMPTY_DOCUMENT_SIZE + policySize(build(candidate, parts.length)) > limit) {
      parts.push(build(current, parts.length));
      current = [item];
    } else current = candidate;
  }
  if (current.length > 0) parts.push(build(current, parts.length));
  return parts;
}

/**
 * Splits a statement too large for one policy: first its resources into runs that fit with the whole
 * action list, and where even one resource does not fit, its actions too.
 */
function splitOversized(statement: AwsStatement, limit: number): AwsStatement[] {
  if (EMPTY_DOCUMENT_SIZE + policySize(statement) <= limit) return [statement];
  const withOneResource = { ...statement, Resource: statement.Resource.slice(0, 1) };
  const actionRuns =
    EMPTY_DOCUMENT_SIZE + policySize(withOneResource) <= limit
      ? [statement]
      : chunkToFit(
          statement.Action,
          (actions, index) => ({ ...withOneResource, Sid: `${statement.Sid}A${index}`, Action: actions }),
          limit,
        ).map((part) => ({
          ...part,
          Resource: statement.Resource,
        }));
  return actionRuns.flatMap((run) =>
    chunkToFit(
      run.Resource,
      (resources, index) => ({ ...run, Sid: `${run.Sid}R${index}`, Resource: resources }),
      limit,
    ),
  );
}

/**
 * Packs statements into as few managed policies as fit AWS's 6,144-character limit (first-fit
 * decreasing, which stays within one policy of the optimum in practice: see bench figure 5).
 * Throws when more than the 10 managed policies a role can hold would be needed, less `reserved`
 * slots kept for other managed policies on the role (the budget stop policy).
 */
export function packPolicies(
  statements: readonly AwsStatement[],
  limit: number = AWS_LIMITS.managedPolicyCharacters,
  reserved = 0,
): AwsPolicyDocument[] {
  const pieces = statements.flatMap((statement) => splitOversized(statement, limit));
  const sized = pieces
    .map((statement) => ({ statement, size: policySize(statement) }))
    .sort((a, b) => b.size - a.size || a.statement.Sid.localeCompare(b.statement.Sid));
  const bins: { statements: AwsStatement[]; size: number }[] = [];
  for (const { statement, size } of sized) {
    // A comma separates statements inside the array.
    const bin = bins.find((candidate) => candidate.size + size + 1 <= limit);
    if (bin) {
      bin.statements.push(statement);
      bin.size += size + 1;
    } else bins.push({ statements: [statement], size: EMPTY_DOCUMENT_SIZE + size });
  }
  const available = AWS_LIMITS.managedPoliciesPerRole - reserved;
  if (bins.length > available)
    throw new Error(
      `the grants need ${bins.length} managed policies, but a role holds at most ${AWS_LIMITS.managedPoliciesPerRole}${reserved > 0 ? ` and ${reserved} of them ${reserved === 1 ? "is" : "are"} kept for the budget stop policy` : ""}; split the agent's job across agents or grant fewer resources`,
    );
  // Keep the documents in a stable order for deterministic output.
  return bins.map((bin) => document([...bin.statements].sort((a, b) => a.Sid.localeCompare(b.Sid))));
}

/** The fewest policies any packing could use: total characters over the limit, rounded up. */
export function packingLowerBound(
  statements: readonly AwsStatement[],
  limit: number = AWS_LIMITS.managedPolicyCharacters,
): number {
  const total = statements.reduce((sum, statement) => sum + policySize(statement), 0);
  return Math.max(1, Math.ceil(total / (limit - EMPTY_DOCUMENT_SIZE)));
}
