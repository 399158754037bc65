import { isUnknown } from "../../model/unknown";
import { awsActionInfo, awsServiceActions, type AwsActionInfo } from "./iam-catalog";
import { wildcardMatches } from "../../model/wildcard";

/**
 * Reads IAM policy documents the way IAM does, whatever shape a program wrote them in: a JSON
 * string or an object, `Statement` as one statement or a list, `Action`/`NotAction`/`Resource`/
 * `NotResource` as a value or a list, and action names compared case-insensitively (`S3:*` is
 * `s3:*`; IAM User Guide, "IAM JSON policy elements: Action").
 *
 * Values that are still unknown during a preview stay in place as the engine's sentinel string,
 * so that each rule can say which decision has to wait for apply (see `src/model/unknown.ts`).
 */

/** One statement, normalised. Lists are empty when the element is absent. */
export interface PolicyStatement {
  readonly index: number;
  readonly sid?: string;
  /** `unknown` when the effect itself is not known yet. */
  readonly effect: "Allow" | "Deny" | "unknown";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principal?: unknown;
  readonly notPrincipal?: unknown;
  /** Operator → condition key → value or values (values kept as written, lists or single). */
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Whether an element of the statement could not be read now (an unknown value inside it). */
  readonly hasUnknown: boolean;
}

/** A document read from any accepted form, or why it could not be. */
export type PolicyDocumentReading =
  | { readonly kind: "document"; readonly statements: readonly PolicyStatement[] }
  | { readonly kind: "unknown" }
  | { readonly kind: "absent" }
  | { readonly kind: "invalid"; readonly error: string };

/** Finds a key case-insensitively (`Statement`, `statement`). */
function field(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

/** A value or a list of values, as strings (non-strings are rendered; unknown sentinels kept). */
function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function hasUnknownInside(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknownInside);
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasUnknownInside);
  return false;
}

function readCondition(value: unknown): Record<string, Record<string, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const result: Record<string, Record<string, unknown>> = {};
  for (const [operator, block] of Object.entries(value)) {
    if (typeof block === "object" && block !== null && !Array.isArray(block))
      result[operator] = { ...(block as Record<string, unknown>) };
  }
  return result;
}

function readStatement(raw: unknown, index: number): PolicyStatement | { error: string } {
  if (isUnknown(raw)) {
    return {
      index,
      effect: "unknown",
      actions: [],
      notActions: [],
      resources: [],
      notResources: [],
      condition: {},
      hasUnknown: true,
    };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { error: `Statement[${index}] is not an object` };
  const object = raw as Record<string, unknown>;
  const effectRaw = field(object, "Effect");
  const effect = isUnknown(effectRaw)
    ? "unknown"
    : effectRaw === "Allow" || effectRaw === "Deny"
      ? effectRaw
      : undefined;
  if (effect === undefined) return { error: `Statement[${index}].Effect must be "Allow" or "Deny"` };
  const sid = field(object, "Sid");
  return {
    index,
    sid: typeof sid === "string" ? sid : undefined,
    effect,
    actions: stringList(field(object, "Action")),
    notActions: stringList(field(object, "NotAction")),
    resources: stringList(field(object, "Resource")),
    notResources: stringList(field(object, "NotResource")),
    principal: field(object, "Principal"),
    notPrincipal: field(object, "NotPrincipal"),
    condition: readCondition(field(object, "Condition")),
    hasUnknown: hasUnknownInside(object),
  };
}

/**
 * Reads a policy document given as a JSON string or an object. Returns `unknown` when the whole
 * document is not known yet, `absent` for undefined/null/empty text, `invalid` with the reason when
 * it is neither JSON nor a policy.
 */
export function readPolicyDocument(input: unknown): PolicyDocumentReading {
  if (input === undefined || input === null || input === "") return { kind: "absent" };
  if (isUnknown(input)) return { kind: "unknown" };
  let document: unknown = input;
  if (typeof input === "string") {
    try {
      document = JSON.parse(input);
    } catch {
      return { kind: "invalid", error: "the policy is not valid JSON" };
    }
  }
  if (typeof document !== "object" || document === null || Array.isArray(document))
    return { kind: "invalid", error: "the policy is not a JSON object" };
  const rawStatements = field(document as Record<string, unknown>, "Statement");
  if (isUnknown(rawStatements)) return { kind: "unknown" };
  if (rawStatements === undefined) return { kind: "invalid", error: "the policy has no Statement" };
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements: PolicyStatement[] = [];
  for (const [index, raw] of list.entries()) {
    const statement = readStatement(raw, index);
    if ("error" in statement) return { kind: "invalid", error: statement.error };
    statements.push(statement);
  }
  return { kind: "document", statements };
}

/**
 * Whether an IAM action pattern (`s3:Get*`, `*`, `iam:?ass*`) matches an action, case-insensitively.
 * No regular expression: a hostile pattern of any length neither fails to compile nor fills a cache.
 */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatches(pattern, action);
}

/** Whether a statement's action element covers an action (`Action` matches, or `NotAction` does not). */
export function statementCoversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.notActions.length > 0)
    return !statement.notActions.some((pattern) => !isUnknown(pattern) && actionMatches(pattern, action));
  return statement.actions.some((pattern) => !isUnknown(pattern) && actionMatches(pattern, action));
}

/** Whether an action pattern names every action of a service, or of every service (`*`, `s3:*`, `*:Get*`). */
export function isServiceWildcard(pattern: string): boolean {
  if (pattern.trim() === "*") return true;
  const colon = pattern.indexOf(":");
  if (colon < 0) return false;
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  return /[*?]/.test(service) || name === "*";
}

/** The result of expanding an action pattern against the IAM catalog. */
export interface ActionExpansion {
  /** The pattern spans services (`*`, `*:Get*`): every action of every service. */
  readonly everyService: boolean;
  /** Catalog actions the pattern matches (empty when it spans services or names no known action). */
  readonly actions: readonly AwsActionInfo[];
}

/** Expands an action pattern to the catalog actions it matches. */
export function expandActionPattern(pattern: string): ActionExpansion {
  const colon = pattern.indexOf(":");
  if (pattern.trim() === "*" || (colon > 0 && /[*?]/.test(pattern.slice(0, colon))))
    return { everyService: true, actions: [] };
  if (colon <= 0) return { everyService: false, actions: [] };
  if (!/[*?]/.test(pattern)) {
    const info = awsActionInfo(pattern);
    return { everyService: false, actions: info ? [info] : [] };
  }
  const service = pattern.slice(0, colon);
  const actions = [...awsServiceActions(service).values()].filter((info) => actionMatches(pattern, info.action));
  return { everyService: false, actions };
}

/** How much a resource element covers. */
export type ResourceBreadth = "all" | "pattern" | "named" | "unknown";

/**
 * `all` for `*` and ARNs whose resource part is `*` (`arn:aws:s3:::*`, every bucket); `pattern`
 * for other wildcards; `named` for an exact ARN; `unknown` for a value not known yet.
 */
export function resourceBreadth(resource: string): ResourceBreadth {
  if (isUnknown(resource)) return "unknown";
  const value = resource.trim();
  if (value === "*") return "all";
  if (!/[*?]/.test(value)) return "named";
  const parts = value.split(":");
  if (parts[0] === "arn" && parts.length >= 6 && parts.slice(5).join(":") === "*") return "all";
  return "pattern";
}

/**
 * Whether a statement applies to every resource: `Resource: "*"` (or an ARN for every resource of
 * a service), or any `NotResource` (everything but a list).
 */
export function statementCoversAllResources(statement: PolicyStatement): boolean {
  if (statement.notResources.length > 0) return true;
  return statement.resources.some((resource) => resourceBreadth(resource) === "all");
}

/** Whether a Deny statement removes an action everywhere: unconditional, on every resource. */
export function statementDeniesEverywhere(statement: PolicyStatement, action: string): boolean {
  return (
    statement.effect === "Deny" &&
    Object.keys(statement.condition).length === 0 &&
    statement.notResources.length === 0 &&
    statement.resources.some((resource) => resourceBreadth(resource) === "all") &&
    statementCoversAction(statement, action)
  );
}
