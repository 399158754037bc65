/**
 * An independent reading of how STS evaluates a role trust policy for AssumeRoleWithWebIdentity,
 * written from the IAM User Guide ("IAM JSON policy elements: Condition operators", "Policy
 * evaluation logic") rather than from our generator. iam-simulate cannot judge these conditions:
 * it drops provider-specific keys such as `token.actions.githubusercontent.com:sub` as unknown
 * (see shared NOTES), so the trust is tested here against forged claim sets.
 *
 * - A request is allowed when some Allow statement matches and no Deny statement matches.
 * - Every operator in a Condition block must hold; within an operator every key must hold; a key
 *   holds when the request value matches any listed value. A missing key fails the condition.
 * - Condition key names are case-insensitive; StringEquals / StringLike values are case-sensitive.
 */
export interface WebIdentityRequest {
  providerArn: string;
  /** Context keys as STS fills them: `HOST:sub`, `HOST:aud`, `sts:RoleSessionName`. */
  context: Record<string, string>;
}

type Statement = {
  Effect: string;
  Principal?: { Federated?: string | string[] };
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return regex.test(value);
}

function conditionHolds(condition: Statement["Condition"], context: Record<string, string>): boolean {
  const lowerContext = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = lowerContext.get(key.toLowerCase());
      if (actual === undefined) return false;
      const values = asList(expected);
      if (operator === "StringEquals" && !values.includes(actual)) return false;
      else if (operator === "StringLike" && !values.some((pattern) => globMatches(pattern, actual))) return false;
      else if (operator !== "StringEquals" && operator !== "StringLike")
        throw new Error(`operator ${operator} not modelled`);
    }
  }
  return true;
}

function statementMatches(statement: Statement, request: WebIdentityRequest): boolean {
  const actionMatches = asList(statement.Action).some((action) =>
    globMatches(action.toLowerCase(), "sts:assumerolewithwebidentity"),
  );
  const principalMatches = asList(statement.Principal?.Federated).includes(request.providerArn);
  return actionMatches && principalMatches && conditionHolds(statement.Condition, request.context);
}

/** Whether the trust policy lets this token (as STS sees it) assume the role. */
export function trustAllows(policy: { Statement: readonly unknown[] }, request: WebIdentityRequest): boolean {
  const statements = policy.Statement as Statement[];
  if (statements.some((statement) => statement.Effect === "Deny" && statementMatches(statement, request))) return false;
  return statements.some((statement) => statement.Effect === "Allow" && statementMatches(statement, request));
}
