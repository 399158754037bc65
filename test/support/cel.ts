/**
 * An independent evaluator of the CEL subset Google's Workload Identity Federation uses in attribute
 * mappings and attribute conditions, written from Google's documentation ("Workload Identity
 * Federation: attribute mappings, attribute conditions") and the CEL language definition
 * (github.com/google/cel-spec, langdef.md), not from agent-iam's generator.
 *
 * Supported: string, int, bool and null literals; `assertion` (the token's claims) and `google` /
 * `attribute` (mapped attributes) as variables; field selection `a.b` and indexing `a['b']`;
 * `==`, `!=`, `&&`, `||`, `!`, parentheses, `in` over a list literal, the conditional `c ? a : b`;
 * the string methods `startsWith`, `endsWith`, `contains`, `matches` (RE2, here through JavaScript's
 * RegExp, which agrees with RE2 on the patterns the tests write: literals, `.`, `*`, `^`, `$`), and
 * `size()`. For IAM Conditions (cloud.google.com/iam/docs/conditions-attribute-reference): `request`
 * and `resource` as variables, the `timestamp(string)` conversion (RFC 3339) and `<`, `<=`, `>`, `>=`
 * between two timestamps, two ints or two strings; `+` on strings and ints, and Google's `extract`
 * (IAM docs, "Attribute mappings"). Anything else is a parse error.
 *
 * Semantics that matter for security (cel-spec): selecting a field that is absent is an error, not
 * false; `&&` and `||` are commutative with respect to errors (`false && error` is false,
 * `true || error` is true, otherwise an error propagates); `==` between different types is false
 * (heterogeneous equality). Google rejects a token when the condition is not exactly `true`
 * (false or an error), and when a mapping errors or `google.subject` exceeds 127 bytes.
 */

export class CelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CelError";
  }
}

/** A CEL timestamp (google.protobuf.Timestamp), in milliseconds since the epoch. */
export class CelTimestamp {
  constructor(readonly millis: number) {}
}

type Value = string | number | boolean | null | CelTimestamp | Value[] | { readonly [key: string]: Value };

/** A value, or the error CEL carries through evaluation (errors are values until the end). */
type Result = { ok: true; value: Value } | { ok: false; error: string };

type Node =
  | { kind: "literal"; value: Value }
  | { kind: "ident"; name: string }
  | { kind: "select"; target: Node; field: string }
  | { kind: "index"; target: Node; key: Node }
  | { kind: "call"; target: Node; method: string; args: Node[] }
  | { kind: "function"; name: string; args: Node[] }
  | { kind: "list"; items: Node[] }
  | { kind: "not"; operand: Node }
  | { kind: "conditional"; test: Node; then: Node; otherwise: Node }
  | { kind: "binary"; op: "==" | "!=" | "&&" | "||" | "in" | "+" | "<" | "<=" | ">" | ">="; left: Node; right: Node };

interface Token {
  readonly type: "string" | "number" | "ident" | "op" | "end";
  readonly text: string;
  readonly value?: string | number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    if (char === "'" || char === '"') {
      let value = "";
      at++;
      for (;;) {
        if (at >= source.length) throw new CelError("unterminated string literal");
        const next = source[at]!;
        if (next === char) break;
        if (next === "\\") {
          const escaped = source[at + 1];
          const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
          if (escaped === undefined || !(escaped in map)) throw new CelError(`unsupported escape \\${escaped ?? ""}`);
          value += map[escaped];
          at += 2;
          continue;
        }
        value += next;
        at++;
      }
      at++;
      tokens.push({ type: "string", text: value, value });
      continue;
    }
    const number = /^\d+/.exec(source.slice(at));
    if (number) {
      tokens.push({ type: "number", text: number[0], value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at));
    if (ident) {
      tokens.push({ type: "ident", text: ident[0] });
      at += ident[0].length;
      continue;
    }
    const op =
      ["==", "!=", "&&", "||", "<=", ">="].find((candidate) => source.startsWith(candidate, at)) ??
      (".[](),!<>?:+".includes(char) ? char : undefined);
    if (!op) throw new CelError(`unexpected character ${JSON.stringify(char)} at ${at}`);
    tokens.push({ type: "op", text: op });
    at += op.length;
  }
  tokens.push({ type: "end", text: "" });
  return tokens;
}

/** Parses an expression of the supported subset; throws {@link CelError}. */
export function parseCel(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position]!;
  const take = () => tokens[position++]!;
  const expect = (text: string) => {
    const token = take();
    if (token.text !== text || token.type === "string")
      throw new CelError(`expected ${text}, found ${JSON.stringify(token.text)}`);
  };

  const primary = (): Node => {
    const token = take();
    if (token.type === "string") return { kind: "literal", value: token.value as string };
    if (token.type === "number") return { kind: "literal", value: token.value as number };
    if (token.type === "ident") {
      if (token.text === "true" || token.text === "false") return { kind: "literal", value: token.text === "true" };
      if (token.text === "null") return { kind: "literal", value: null };
      if (peek().text === "(" && peek().type === "op") {
        take();
        const args: Node[] = [];
        if (peek().text !== ")")
          for (;;) {
            args.push(or());
            if (peek().text === ",") take();
            else break;
          }
        expect(")");
        return { kind: "function", name: token.text, args };
      }
      return { kind: "ident", name: token.text };
    }
    if (token.text === "(") {
      const inner = conditional();
      expect(")");
      return inner;
    }
    if (token.text === "[") {
      const items: Node[] = [];
      if (peek().text !== "]")
        for (;;) {
          items.push(or());
          if (peek().text === ",") take();
          else break;
        }
      expect("]");
      return { kind: "list", items };
    }
    throw new CelError(`unexpected ${JSON.stringify(token.text)}`);
  };

  const member = (): Node => {
    let node = primary();
    for (;;) {
      if (peek().text === "." && peek().type === "op") {
        take();
        const name = take();
        if (name.type !== "ident") throw new CelError("expected a field name after .");
        if (peek().text === "(") {
          take();
          const args: Node[] = [];
          if (peek().text !== ")")
            for (;;) {
              args.push(or());
              if (peek().text === ",") take();
              else break;
            }
          expect(")");
          node = { kind: "call", target: node, method: name.text, args };
        } else node = { kind: "select", target: node, field: name.text };
      } else if (peek().text === "[" && peek().type === "op") {
        take();
        const key = or();
        expect("]");
        node = { kind: "index", target: node, key };
      } else return node;
    }
  };

  const unary = (): Node => {
    if (peek().text === "!" && peek().type === "op") {
      take();
      return { kind: "not", operand: unary() };
    }
    return member();
  };

  // CEL's additive level binds tighter than its relations (cel-spec, langdef "Syntax").
  const additive = (): Node => {
    let node = unary();
    while (peek().text === "+" && peek().type === "op") {
      take();
      node = { kind: "binary", op: "+", left: node, right: unary() };
    }
    return node;
  };

  const relation = (): Node => {
    const left = additive();
    const next = peek();
    if (["==", "!=", "<", "<=", ">", ">="].includes(next.text) && next.type === "op") {
      take();
      return { kind: "binary", op: next.text as "==" | "!=" | "<" | "<=" | ">" | ">=", left, right: additive() };
    }
    if (next.type === "ident" && next.text === "in") {
      take();
      return { kind: "binary", op: "in", left, right: additive() };
    }
    return left;
  };

  const and = (): Node => {
    let node = relation();
    while (peek().text === "&&" && peek().type === "op") {
      take();
      node = { kind: "binary", op: "&&", left: node, right: relation() };
    }
    return node;
  };

  const or = (): Node => {
    let node = and();
    while (peek().text === "||" && peek().type === "op") {
      take();
      node = { kind: "binary", op: "||", left: node, right: and() };
    }
    return node;
  };

  function conditional(): Node {
    const test = or();
    if (!(peek().text === "?" && peek().type === "op")) return test;
    take();
    const then = or();
    expect(":");
    return { kind: "conditional", test, then, otherwise: conditional() };
  }

  const node = conditional();
  if (peek().type !== "end") throw new CelError(`unexpected ${JSON.stringify(peek().text)} after the expression`);
  return node;
}

const ok = (value: Value): Result => ({ ok: true, value });
const fail = (error: string): Result => ({ ok: false, error });

function isMap(value: Value): value is { readonly [key: string]: Value } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof CelTimestamp);
}

/** The ordering of two values of one orderable type, or undefined (CEL: no matching overload). */
function compare(a: Value, b: Value): number | undefined {
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return a.millis - b.millis;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** RFC 3339 with a zone, as CEL's `timestamp(string)` requires. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function equal(a: Value, b: Value): boolean {
  if (a instanceof CelTimestamp || b instanceof CelTimestamp)
    return a instanceof CelTimestamp && b instanceof CelTimestamp && a.millis === b.millis;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => equal(item, b[index]!));
  if (isMap(a) && isMap(b))
    return (
      Object.keys(a).length === Object.keys(b).length &&
      Object.keys(a).every((key) => key in b && equal(a[key]!, b[key]!))
    );
  return a === b;
}

function evaluate(node: Node, variables: Readonly<Record<string, Value>>): Result {
  switch (node.kind) {
    case "literal":
      return ok(node.value);
    case "ident":
      return node.name in variables ? ok(variables[node.name]!) : fail(`undeclared reference to '${node.name}'`);
    case "list": {
      const items: Value[] = [];
      for (const item of node.items) {
        const result = evaluate(item, variables);
        if (!result.ok) return result;
        items.push(result.value);
      }
      return ok(items);
    }
    case "select":
    case "index": {
      const target = evaluate(node.target, variables);
      if (!target.ok) return target;
      let key: string;
      if (node.kind === "select") key = node.field;
      else {
        const evaluated = evaluate(node.key, variables);
        if (!evaluated.ok) return evaluated;
        if (typeof evaluated.value !== "string") return fail("map keys here are strings");
        key = evaluated.value;
      }
      if (!isMap(target.value)) return fail(`cannot select '${key}' of a non-map`);
      return Object.hasOwn(target.value, key) ? ok(target.value[key]!) : fail(`no such key: ${key}`);
    }
    case "call": {
      const target = evaluate(node.target, variables);
      if (!target.ok) return target;
      const args: Value[] = [];
      for (const arg of node.args) {
        const result = evaluate(arg, variables);
        if (!result.ok) return result;
        args.push(result.value);
      }
      if (node.method === "size" && args.length === 0) {
        if (typeof target.value === "string") return ok([...target.value].length);
        if (Array.isArray(target.value)) return ok(target.value.length);
        return fail("size() of an unsupported type");
      }
      if (node.method === "extract") {
        if (typeof target.value !== "string" || args.length !== 1 || typeof args[0] !== "string")
          return fail("no matching overload for extract");
        return ok(extract(target.value, args[0]));
      }
      if (node.method === "matches") {
        if (typeof target.value !== "string" || args.length !== 1 || typeof args[0] !== "string")
          return fail("no matching overload for matches");
        return ok(new RegExp(args[0]).test(target.value));
      }
      if (["startsWith", "endsWith", "contains"].includes(node.method)) {
        if (typeof target.value !== "string" || args.length !== 1 || typeof args[0] !== "string")
          return fail(`no matching overload for ${node.method}`);
        const text = target.value;
        const arg = args[0];
        return ok(
          node.method === "startsWith"
            ? text.startsWith(arg)
            : node.method === "endsWith"
              ? text.endsWith(arg)
              : text.includes(arg),
        );
      }
      return fail(`unsupported function ${node.method}`);
    }
    case "function": {
      const args: Value[] = [];
      for (const arg of node.args) {
        const result = evaluate(arg, variables);
        if (!result.ok) return result;
        args.push(result.value);
      }
      if (node.name === "timestamp" && args.length === 1 && typeof args[0] === "string") {
        if (!RFC3339.test(args[0])) return fail(`timestamp(): not RFC 3339: ${args[0]}`);
        return ok(new CelTimestamp(Date.parse(args[0])));
      }
      return fail(`unsupported function ${node.name}`);
    }
    case "conditional": {
      const test = evaluate(node.test, variables);
      if (!test.ok) return test;
      if (typeof test.value !== "boolean") return fail("?: of a non-bool");
      return evaluate(test.value ? node.then : node.otherwise, variables);
    }
    case "not": {
      const operand = evaluate(node.operand, variables);
      if (!operand.ok) return operand;
      return typeof operand.value === "boolean" ? ok(!operand.value) : fail("! of a non-bool");
    }
    case "binary": {
      if (node.op === "&&" || node.op === "||") {
        const left = evaluate(node.left, variables);
        const right = evaluate(node.right, variables);
        const absorbing = node.op === "||";
        // Commutative short-circuit: an absorbing value on either side wins over an error on the other.
        if ((left.ok && left.value === absorbing) || (right.ok && right.value === absorbing)) return ok(absorbing);
        if (!left.ok) return left;
        if (!right.ok) return right;
        if (typeof left.value !== "boolean" || typeof right.value !== "boolean")
          return fail(`${node.op} of a non-bool`);
        return ok(!absorbing);
      }
      const left = evaluate(node.left, variables);
      if (!left.ok) return left;
      const right = evaluate(node.right, variables);
      if (!right.ok) return right;
      if (node.op === "+") {
        if (typeof left.value === "string" && typeof right.value === "string") return ok(left.value + right.value);
        if (typeof left.value === "number" && typeof right.value === "number") return ok(left.value + right.value);
        return fail("no matching overload for +");
      }
      if (node.op === "in")
        return Array.isArray(right.value)
          ? ok(right.value.some((item) => equal(item, left.value)))
          : fail("in needs a list");
      if (node.op === "<" || node.op === "<=" || node.op === ">" || node.op === ">=") {
        const order = compare(left.value, right.value);
        if (order === undefined) return fail(`no matching overload for ${node.op}`);
        return ok(
          node.op === "<" ? order < 0 : node.op === "<=" ? order <= 0 : node.op === ">" ? order > 0 : order >= 0,
        );
      }
      return ok(node.op === "==" ? equal(left.value, right.value) : !equal(left.value, right.value));
    }
  }
}

const parsedCache = new Map<string, Node>();

/**
 * Google's `extract` (IAM docs, "Attribute mappings": "extract a value from a string using a
 * template"): the template is `PREFIX{name}SUFFIX`; the value is what follows the first PREFIX and
 * precedes the next SUFFIX (the rest of the string when SUFFIX is empty); an empty string when the
 * string does not fit the template.
 */
function extract(text: string, template: string): string {
  const match = /^(.*?)\{[^}]*\}(.*)$/s.exec(template);
  if (!match) return "";
  const [, prefix = "", suffix = ""] = match;
  const start = text.indexOf(prefix);
  if (start < 0) return "";
  const from = start + prefix.length;
  if (suffix === "") return text.slice(from);
  const end = text.indexOf(suffix, from);
  return end < 0 ? "" : text.slice(from, end);
}

/** Evaluates an expression; an error is a value `{ error }`, as CEL carries it. */
export function evaluateCel(
  source: string,
  variables: Readonly<Record<string, unknown>>,
): { value: unknown } | { error: string } {
  let parsed = parsedCache.get(source);
  if (!parsed) {
    parsed = parseCel(source);
    if (parsedCache.size > 1000) parsedCache.clear();
    parsedCache.set(source, parsed);
  }
  const result = evaluate(parsed, variables as Record<string, Value>);
  return result.ok ? { value: result.value } : { error: result.error };
}

/** A workload identity pool provider as Google applies it to a token. */
export interface ProviderUnderTest {
  /** The provider's full resource name (`projects/N/locations/global/workloadIdentityPools/P/providers/X`). */
  readonly name: string;
  readonly issuerUri: string;
  /** Empty: only the provider's own resource name is accepted as audience. */
  readonly allowedAudiences: readonly string[];
  readonly attributeMapping: Readonly<Record<string, string>>;
  readonly attributeCondition?: string;
}

/** Byte limit of `google.subject` (Google: "Attribute mappings"). */
const SUBJECT_LIMIT = 127;

/**
 * What Google makes of a token at a provider: the mapped `google.subject` when the token is
 * accepted, or why it is refused. Audience: one of `allowedAudiences`, or (when none are set) the
 * provider's resource name as `//iam.googleapis.com/NAME` or `https://iam.googleapis.com/NAME`.
 */
export function exchange(
  provider: ProviderUnderTest,
  claims: Readonly<Record<string, unknown>>,
): { subject: string } | { refused: string } {
  if (claims.iss !== provider.issuerUri) return { refused: "issuer" };
  const audiences =
    provider.allowedAudiences.length > 0
      ? provider.allowedAudiences
      : [`//iam.googleapis.com/${provider.name}`, `https://iam.googleapis.com/${provider.name}`];
  const tokenAudiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!tokenAudiences.some((audience) => typeof audience === "string" && audiences.includes(audience)))
    return { refused: "audience" };
  const google: Record<string, unknown> = {};
  const attribute: Record<string, unknown> = {};
  for (const [target, expression] of Object.entries(provider.attributeMapping)) {
    const result = evaluateCel(expression, { assertion: claims });
    // A mapping that cannot be computed leaves the attribute out; google.subject must be there.
    if ("error" in result) continue;
    const [space, name] = target.split(".", 2) as [string, string];
    (space === "google" ? google : attribute)[name] = result.value;
  }
  if (typeof google.subject !== "string") return { refused: "google.subject is not mapped to a string" };
  if (Buffer.byteLength(google.subject, "utf8") > SUBJECT_LIMIT) return { refused: "google.subject too long" };
  if (provider.attributeCondition !== undefined) {
    const verdict = evaluateCel(provider.attributeCondition, { assertion: claims, google, attribute });
    if (!("value" in verdict) || verdict.value !== true) return { refused: "attribute condition" };
  }
  return { subject: google.subject };
}
