import { type CelNode, CelSyntaxError, parseCelExpression } from "./cel";

/**
 * Whether a Workload Identity pool provider's attribute condition pins the issuer's owner: Google
 * admits a token only when the condition is exactly `true` (IAM docs, "Attribute conditions"), so
 * the condition pins an owner when *every* way of making it true requires an equality on an owner
 * claim: GitHub's repository owner (or its id), GitLab's namespace (or its id), a Kubernetes
 * namespace, or the exact subject. Read from the parsed condition (`cel.ts`), never from its text:
 *
 * - `a && b` pins when either side does; `a || b` only when both do; `c ? a : b` when each branch,
 *   with its test, does; negations are pushed inward (`!(x != 'acme')` is `x == 'acme'`).
 * - An equality or `in` a list of literals on an owner claim pins; so does an equality on a claim
 *   that contains the owner (`repository == 'acme/api'`, the subject), and `startsWith` / an
 *   anchored `matches` whose literal prefix ends with the owner's delimiter (`'repo:acme/'`,
 *   `'project_path:group/'`, `'system:serviceaccount:ns:'`), since owner names cannot hold it.
 * - A check that a claim is non-empty, a prefix without its delimiter (`'acme'` admits
 *   `acme-evil`), `endsWith`, `contains`, `!=` and anything else pins nothing.
 *
 * Claims are read through the provider's attribute mapping: `attribute.owner` is whatever claim
 * the mapping puts there.
 */

/** What a condition pins, and in words why not when it does not. */
export type OwnerPinning =
  | { readonly pinned: true; readonly owners: readonly string[] }
  | { readonly pinned: false; readonly reason: string }
  | { readonly pinned: "unreadable"; readonly error: string };

/** Claims whose value is the owner itself (GitHub "OpenID Connect reference"; GitLab "ID token claims"; Kubernetes projected tokens). */
const OWNER_CLAIMS: ReadonlySet<string> = new Set([
  "repository_owner",
  "repository_owner_id",
  "repository_id",
  "namespace_path",
  "namespace_id",
  "project_id",
  "kubernetes.io.namespace",
]);

/**
 * Claims whose value starts with the owner, and the shapes that make a prefix or a value pin it:
 * the literal must cover the owner and its delimiter.
 */
const OWNER_PREFIXED_CLAIMS: Readonly<Record<string, readonly RegExp[]>> = {
  // GitHub: `repo:ORG/REPO:…` or the immutable `repo:ORG@ID/REPO@ID:…`.
  sub: [/^repo:[^/:*?]+\//, /^project_path:[^:*?]+\//, /^system:serviceaccount:[^:*?]+:/],
  repository: [/^[^/*?]+\//],
  job_workflow_ref: [/^[^/*?]+\//],
  project_path: [/^[^:*?]+\//],
};

/** A reference to a claim: `assertion.x`, `assertion['kubernetes.io']['namespace']` → `x`, `kubernetes.io.namespace`. */
function claimPath(node: CelNode, mapping: ReadonlyMap<string, CelNode>, seen = 0): string | undefined {
  if (seen > 4) return undefined;
  const parts: string[] = [];
  let current = node;
  for (;;) {
    if (current.kind === "select") {
      parts.unshift(current.field);
      current = current.target;
    } else if (current.kind === "index" && current.key.kind === "string") {
      parts.unshift(current.key.value);
      current = current.target;
    } else break;
  }
  if (current.kind !== "ident" || parts.length === 0) return undefined;
  if (current.name === "assertion") return parts.join(".");
  if ((current.name === "attribute" || current.name === "google") && parts.length === 1) {
    const mapped = mapping.get(`${current.name}.${parts[0]}`);
    return mapped ? claimPath(mapped, mapping, seen + 1) : undefined;
  }
  return undefined;
}

function literalStrings(node: CelNode): string[] | undefined {
  if (node.kind === "string") return [node.value];
  if (node.kind === "list" && node.items.length > 0 && node.items.every((item) => item.kind === "string"))
    return node.items.map((item) => (item as { value: string }).value);
  return undefined;
}

/** Whether an exact value of a claim pins its owner; returns the owner in words. */
function valuePins(claim: string, value: string): string | undefined {
  // Equal to one value, even the empty one (which no issuer's owner claim holds): the owner is that value.
  if (OWNER_CLAIMS.has(claim) || claim === "sub") return JSON.stringify(value).slice(1, -1) || '""';
  const shapes = OWNER_PREFIXED_CLAIMS[claim];
  return shapes?.some((shape) => shape.test(value)) ? value : undefined;
}

/** Whether a literal prefix of a claim pins its owner. */
function prefixPins(claim: string, prefix: string): string | undefined {
  const shapes = OWNER_PREFIXED_CLAIMS[claim];
  const shape = shapes?.find((candidate) => candidate.test(prefix));
  return shape ? shape.exec(prefix)![0] : undefined;
}

/**
 * The literal start of an RE2 pattern anchored with `^` (undefined when it is not anchored, or has
 * an alternation that escapes the anchor), and whether the pattern is that literal exactly.
 */
function anchoredLiteral(pattern: string): { literal: string; exact: boolean } | undefined {
  if (!pattern.startsWith("^") || /(^|[^\\])\|/.test(pattern)) return undefined;
  let literal = "";
  let at = 1;
  while (at < pattern.length) {
    const char = pattern[at]!;
    if (char === "\\") {
      const next = pattern[at + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      literal += next;
      at += 2;
      continue;
    }
    if (".[]()*+?{}^$".includes(char)) break;
    literal += char;
    at++;
  }
  // A quantifier right after the literal applies to its last character, which is then optional.
  if (at < pattern.length && "*?{".includes(pattern[at]!)) literal = literal.slice(0, -1);
  return { literal, exact: at === pattern.length - 1 && pattern[at] === "$" };
}

interface Judge {
  readonly mapping: ReadonlyMap<string, CelNode>;
  readonly owners: Set<string>;
}

/** An atom that, when true, requires an owner equality: the owner in words, else undefined. */
function atomPins(node: CelNode, judge: Judge): string | undefined {
  // `size(x) == 0` (or `x.size() == 0`) is `x == ''`.
  if (node.kind === "binary" && node.op === "==") {
    const [sized, zero] = isZero(node.right) ? [node.left, node.right] : [node.right, node.left];
    const claim = isZero(zero) ? sizedClaim(sized, judge) : undefined;
    if (claim) return valuePins(claim, "");
  }
  if (node.kind === "binary" && (node.op === "==" || node.op === "in")) {
    const sides =
      node.op === "in"
        ? [[node.left, node.right]]
        : [
            [node.left, node.right],
            [node.right, node.left],
          ];
    for (const [claimSide, valueSide] of sides) {
      const claim = claimPath(claimSide!, judge.mapping);
      const values = claim ? literalStrings(valueSide!) : undefined;
      if (!claim || !values || (node.op === "==" && valueSide!.kind !== "string")) continue;
      const owners = values.map((value) => valuePins(claim, value));
      if (owners.every((owner) => owner !== undefined)) return owners.join(", ");
    }
    return undefined;
  }
  if (node.kind === "call" && node.target && node.args.length === 1 && node.args[0]!.kind === "string") {
    const claim = claimPath(node.target, judge.mapping);
    if (!claim) return undefined;
    const argument = node.args[0]!.value;
    if (node.name === "startsWith") return prefixPins(claim, argument);
    if (node.name === "matches") {
      const anchored = anchoredLiteral(argument);
      if (!anchored) return undefined;
      return anchored.exact ? valuePins(claim, anchored.literal) : prefixPins(claim, anchored.literal);
    }
  }
  return undefined;
}

function isZero(node: CelNode): boolean {
  return node.kind === "number" && node.value === 0;
}

/** The claim whose `size()` a node takes. */
function sizedClaim(node: CelNode, judge: Judge): string | undefined {
  if (node.kind !== "call" || node.name !== "size") return undefined;
  const target = node.target ?? (node.args.length === 1 ? node.args[0] : undefined);
  if (!target || (node.target && node.args.length > 0)) return undefined;
  return claimPath(target, judge.mapping);
}

/**
 * Whether every way of making `node` evaluate to `wanted` requires an atom `atom` accepts (it returns
 * what the atom pins, in words, or undefined): the walk of both readings of conditions, owners in
 * attribute conditions and resource names in IAM conditions. What each accepted atom pins is added
 * to `pinned`.
 */
export function everyPathRequires(
  node: CelNode,
  wanted: boolean,
  atom: (node: CelNode) => string | undefined,
  pinned: Set<string>,
): boolean {
  const walk = (current: CelNode, want: boolean): boolean => {
    switch (current.kind) {
      case "bool":
        // A branch that can never be `want` lets nothing in.
        return current.value !== want;
      case "not":
        return walk(current.operand, !want);
      case "conditional":
        return (
          (walk(current.test, true) || walk(current.then, want)) &&
          (walk(current.test, false) || walk(current.otherwise, want))
        );
      case "binary": {
        if (current.op === "&&")
          return want
            ? walk(current.left, true) || walk(current.right, true)
            : walk(current.left, false) && walk(current.right, false);
        if (current.op === "||")
          return want
            ? walk(current.left, true) && walk(current.right, true)
            : walk(current.left, false) || walk(current.right, false);
        if (current.op === "!=") {
          if (want) return false;
          const found = atom({ ...current, op: "==" });
          if (found) pinned.add(found);
          return found !== undefined;
        }
        break;
      }
      default:
        break;
    }
    if (!want) return false;
    const found = atom(current);
    if (found) pinned.add(found);
    return found !== undefined;
  };
  return walk(node, wanted);
}

/** Reads a provider's attribute mapping (`google.subject` → `assertion.sub`), skipping what does not parse. */
function readMapping(mapping: Readonly<Record<string, unknown>> | undefined): Map<string, CelNode> {
  const parsed = new Map<string, CelNode>();
  for (const [target, expression] of Object.entries(mapping ?? {})) {
    if (typeof expression !== "string") continue;
    try {
      parsed.set(target, parseCelExpression(expression));
    } catch {
      // A mapping Google would refuse maps nothing the condition can rely on.
    }
  }
  return parsed;
}

/** Judges an attribute condition, with the provider's attribute mapping. */
export function judgeAttributeCondition(
  condition: string,
  attributeMapping?: Readonly<Record<string, unknown>>,
): OwnerPinning {
  let node: CelNode;
  try {
    node = parseCelExpression(condition);
  } catch (error) {
    if (error instanceof CelSyntaxError) return { pinned: "unreadable", error: error.message };
    throw error;
  }
  const judge: Judge = { mapping: readMapping(attributeMapping), owners: new Set() };
  if (everyPathRequires(node, true, (atom) => atomPins(atom, judge), judge.owners))
    return { pinned: true, owners: [...judge.owners] };
  return {
    pinned: false,
    reason:
      "some way of making it true requires no equality on the repository owner, GitLab namespace, Kubernetes namespace or exact subject (a check that a claim is set, a prefix without its delimiter, a branch of ||, or a negation lets other owners in)",
  };
}
