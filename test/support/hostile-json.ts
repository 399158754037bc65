import fc from "fast-check";
import { readFileSync } from "node:fs";
import type { AnalyzerResource } from "../../src/gate/analyzer";
import { UNKNOWN, UNKNOWN_SENTINELS } from "../../src/model/unknown";
import { packSourceFiles } from "./pack-types";

/**
 * Hostile JSON for the policy pack: what a careless or malicious program (or a provider's odd
 * output) can hand a policy. Wrong types, nulls, empty and huge strings, deep nesting, keys such as
 * `__proto__`, the engine's unknown sentinels where a value should be, and near-valid documents
 * (IAM policy text that is almost JSON, statements with odd shapes).
 */

/** Property names the pack reads (`props.assumeRolePolicy`, `props["tags"]`), from its sources. */
export function propertyNamesReadByPack(): string[] {
  const names = new Set<string>();
  for (const file of packSourceFiles()) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/\bprops\.([A-Za-z_]\w*)/g)) names.add(match[1]!);
    for (const match of text.matchAll(/\bprops\[["']([^"']+)["']\]/g)) names.add(match[1]!);
  }
  return [...names].sort();
}

/** Keys that mean something inside the documents policies read (IAM statements, tags, bindings, claims). */
export const DOCUMENT_KEYS: readonly string[] = [
  "Version",
  "Statement",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Federated",
  "Service",
  "AWS",
  "Condition",
  "StringEquals",
  "StringLike",
  "ForAnyValue:StringLike",
  "token.actions.githubusercontent.com:sub",
  "token.actions.githubusercontent.com:aud",
  "owner",
  "purpose",
  "environment",
  "expires",
  "approval",
  "agent-iam:agent",
  "name",
  "policy",
  "role",
  "member",
  "members",
  "bindings",
  "condition",
  "expression",
  "actions",
  "dataActions",
  "permissions",
  "type",
  "private_key",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "length",
  "",
];

/** Strings with a meaning somewhere in the pack. */
const MEANINGFUL_STRINGS: readonly string[] = [
  "*",
  "s3:*",
  "S3:*",
  "iam:PassRole",
  "iam:CreatePolicyVersion",
  "Allow",
  "Deny",
  "allow",
  "sts:AssumeRoleWithWebIdentity",
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  "arn:aws:iam::123456789012:role/agent",
  "repo:acme/*",
  "repo:acme/api:environment:prod",
  "roles/owner",
  "roles/editor",
  "roles/iam.workloadIdentityUser",
  "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*",
  "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/x",
  "serviceAccount:bot@acme-prod.iam.gserviceaccount.com",
  "/subscriptions/11111111-2222-4333-8444-555555555555",
  "/providers/Microsoft.Management/managementGroups/root",
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  "api://AzureADTokenExchange",
  "keisha@acme.example",
  "2001-01-01",
  "9999-12-31",
  "2027-02-30",
  "prod",
  "true",
  "null",
  "{",
  "[]",
  '{"Statement":',
  '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  '{"Statement":{"Effect":"Allow","Action":["*"],"Resource":["*"]}}',
  '{"Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}',
  '{"Statement":[null, 1, "x", {"Condition": []}]}',
  '{"Version":"2012-10-17","Statement":[]}',
  "-----BEGIN PRIVATE KEY-----",
  "\u0000",
  "\ud83d\ude00",
  " ",
  "",
];

/** Unknown values as the engine sends them: each sentinel, and an output interpolated into a string. */
export const unknownValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...UNKNOWN_SENTINELS),
  fc.constantFrom(
    `arn:aws:iam::123456789012:role/${UNKNOWN}`,
    `serviceAccount:${UNKNOWN}`,
    `{"Statement":[{"Resource":"${UNKNOWN}"}]}`,
  ),
);

/** A string of up to `max` characters made of a repeated unit (cheap to build, costly to scan badly). */
export function hugeString(max = 200_000): fc.Arbitrary<string> {
  return fc
    .tuple(
      // Units that make a careless scanner backtrack or rescan: markers of secret formats, wildcards, separators.
      fc.constantFrom(
        "a",
        "*",
        " ",
        "\\",
        '"',
        "{",
        "arn:aws:",
        "AKIA",
        "-----BEGIN ",
        "repo:acme/",
        ":",
        "/",
        "ab",
        "é",
        '"type":"service_account",',
        '"private_key":',
        "aws_secret_access_key=",
        "ghp_",
        "xoxb-123456-",
        "; purpose=",
        "*a",
        "principal://",
      ),
      fc.integer({ min: 1_000, max }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
}

/** Scalars: every JSON type, and numbers JSON cannot spell. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...MEANINGFUL_STRINGS) },
  { weight: 2, arbitrary: unknownValue },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 3600, 7200, 43_200, Number.MAX_SAFE_INTEGER, -0),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
);

const key: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DOCUMENT_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Objects built as JSON.parse builds them: own properties, `__proto__` included. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Any JSON-like value, nested up to a few levels, with hostile leaves. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: hostileScalar },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 5 }) },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, tie("value")), { maxLength: 6 }).map(objectOf) },
  ),
})).value;

/** A value nested `depth` levels deep (alternating lists and objects), with a hostile leaf. */
export function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++)
    value = level % 2 === 0 ? [value] : { [DOCUMENT_KEYS[level % DOCUMENT_KEYS.length]!]: value };
  return value;
}

/** Deep nesting: `maxDepth` levels at most. */
export function deepValue(maxDepth: number): fc.Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 10, max: maxDepth }), hostileScalar).map(([depth, leaf]) => nested(depth, leaf));
}

/** Everything: shallow trees mostly, sometimes deep or huge. */
export function anyHostile(options: { maxDepth: number; maxString: number }): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: hostileValue },
    { weight: 1, arbitrary: deepValue(options.maxDepth) },
    { weight: 1, arbitrary: hugeString(options.maxString) },
    // A whole policy document as text with a hostile value inside it.
    { weight: 2, arbitrary: hostileValue.map((value) => JSON.stringify({ Version: "2012-10-17", Statement: value })) },
  );
}

/** A copy of a JSON value with the value at one path replaced (or deleted when `replacement` is `DELETE`). */
export const DELETE = Symbol("delete");

/** Every path to a value inside `value` (objects and lists), the root excluded. Stops at `limit` paths. */
export function pathsOf(value: unknown, limit = 400): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const walk = (current: unknown, path: (string | number)[]) => {
    if (paths.length >= limit) return;
    if (Array.isArray(current))
      current.forEach((item, index) => {
        paths.push([...path, index]);
        walk(item, [...path, index]);
      });
    else if (typeof current === "object" && current !== null)
      for (const [name, item] of Object.entries(current)) {
        paths.push([...path, name]);
        walk(item, [...path, name]);
      }
  };
  walk(value, []);
  return paths;
}

/** A deep copy of `value` with the value at `path` replaced. JSON documents stored as strings are left as they are. */
export function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    // An index an earlier edit removed: leave the list as it is (no holes, which JSON cannot spell).
    if (typeof head !== "number" || head >= value.length) return value;
    const copy = [...value];
    if (replacement === DELETE && rest.length === 0) copy.splice(head, 1);
    else copy[head] = replaceAt(copy[head], rest, replacement);
    return copy;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(
      ([name]) => !(replacement === DELETE && rest.length === 0 && name === head),
    );
    const copy = objectOf(entries);
    if (!(replacement === DELETE && rest.length === 0))
      copy[head as string] = replaceAt((value as Record<string, unknown>)[head as string], rest, replacement);
    return copy;
  }
  return value;
}

/** Resource properties with a JSON document inside a string opened up, so a mutation can reach inside it. */
function openDocuments(props: Record<string, unknown>): Record<string, unknown> {
  const open = (value: unknown): unknown => {
    if (typeof value === "string" && /^\s*[{[]/.test(value)) {
      try {
        return { __json: JSON.parse(value) as unknown };
      } catch {
        return value;
      }
    }
    if (Array.isArray(value)) return value.map(open);
    if (typeof value === "object" && value !== null)
      return objectOf(Object.entries(value).map(([name, item]) => [name, open(item)]));
    return value;
  };
  return open(props) as Record<string, unknown>;
}

function closeDocuments(props: unknown): unknown {
  if (Array.isArray(props)) return props.map(closeDocuments);
  if (typeof props === "object" && props !== null) {
    const record = props as Record<string, unknown>;
    if (Object.keys(record).length === 1 && "__json" in record) return JSON.stringify(closeDocuments(record.__json));
    return objectOf(Object.entries(record).map(([name, item]) => [name, closeDocuments(item)]));
  }
  return props;
}

/**
 * A valid resource with 1–4 values inside it (JSON documents in strings included) replaced by
 * hostile ones or removed: the inputs that reach the deepest code.
 */
export function corruptedResource(
  base: fc.Arbitrary<AnalyzerResource>,
  hostile: fc.Arbitrary<unknown>,
  editable: (path: readonly (string | number)[], properties: unknown) => boolean = () => true,
): fc.Arbitrary<AnalyzerResource> {
  return base.chain((resource) => {
    const opened = openDocuments(resource.properties);
    const paths = pathsOf(opened).filter((path) => editable(path, opened));
    if (paths.length === 0) return fc.constant(resource);
    const edit = fc.tuple(
      fc.constantFrom(...paths),
      fc.oneof({ weight: 4, arbitrary: hostile }, { weight: 1, arbitrary: fc.constant<unknown>(DELETE) }),
    );
    return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
      let props: unknown = opened;
      for (const [path, value] of edits) props = replaceAt(props, path, value);
      return { ...resource, properties: closeDocuments(props) as Record<string, unknown> };
    });
  });
}
