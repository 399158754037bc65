import type { AwsStatement } from "./actions";
import { AWS_LIMITS, policySize } from "./limits";

/** An identity policy document as IAM takes it. */
export interface AwsPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: AwsStatement[];
}

const EMPTY_DOCUMENT_SIZE = policySize({ Version: "2012-10-17", Statement: [] });

function document(statements: AwsStatement[]): AwsPolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Splits a statement whose actions alone pass the limit into several with the same resources. */
function splitOversized(statement: AwsStatement, limit: number): AwsStatement[] {
  if (EMPTY_DOCUMENT_SIZE + policySize(statement) <= limit) return [statement];
  const parts: AwsStatement[] = [];
  let current: string[] = [];
  const withActions = (actions: string[], index: number): AwsStatement => ({ ...statement, Sid: `${statement.Sid}Part${index}`, Action: actions });
  for (const action of statement.Action) {
    const candidate = [...current, action];
    if (current.length > 0 && EMPTY_DOCUMENT_SIZE + policySize(withActions(candidate, parts.length)) > limit) {
      parts.push(withActions(current, parts.length));
      current = [action];
    } else current = candidate;
  }
  if (current.length > 0) parts.push(withActions(current, parts.length));
  return parts;
}

/**
 * Packs statements into as few managed policies as fit AWS's 6,144-character limit (first-fit
 * decreasing, which stays within one policy of the optimum in practice: see bench figure 5).
 * Throws when more than the 10 managed policies a role can hold would be needed.
 */
export function packPolicies(statements: readonly AwsStatement[], limit: number = AWS_LIMITS.managedPolicyCharacters): AwsPolicyDocument[] {
  const pieces = statements.flatMap((statement) => splitOversized(statement, limit));
  const sized = pieces.map((statement) => ({ statement, size: policySize(statement) })).sort((a, b) => b.size - a.size || a.statement.Sid.localeCompare(b.statement.Sid));
  const bins: { statements: AwsStatement[]; size: number }[] = [];
  for (const { statement, size } of sized) {
    // A comma separates statements inside the array.
    const bin = bins.find((candidate) => candidate.size + size + 1 <= limit);
    if (bin) {
      bin.statements.push(statement);
      bin.size += size + 1;
    } else bins.push({ statements: [statement], size: EMPTY_DOCUMENT_SIZE + size });
  }
  if (bins.length > AWS_LIMITS.managedPoliciesPerRole)
    throw new Error(
      `the grants need ${bins.length} managed policies, but a role holds at most ${AWS_LIMITS.managedPoliciesPerRole}; split the agent's job across agents or grant fewer resources`,
    );
  // Keep the documents in a stable order for deterministic output.
  return bins.map((bin) => document([...bin.statements].sort((a, b) => a.Sid.localeCompare(b.Sid))));
}

/** The fewest policies any packing could use: total characters over the limit, rounded up. */
export function packingLowerBound(statements: readonly AwsStatement[], limit: number = AWS_LIMITS.managedPolicyCharacters): number {
  const total = statements.reduce((sum, statement) => sum + policySize(statement), 0);
  return Math.max(1, Math.ceil(total / (limit - EMPTY_DOCUMENT_SIZE)));
}
