/**
 * Reading the scope of Cedar policies as the pack needs it: for each policy of a statement, its effect,
 * its principal, action and resource constraints, and the text of its `when`/`unless` conditions.
 * Conditions are not evaluated: the pack only asks whether a `permit` pins who and which tool. The
 * grammar followed is Cedar's (docs.cedarpolicy.com, "Cedar policy grammar": Policy, Scope, Principal,
 * Action, Resource, Condition, Annotation, Entity, STR with its escapes, `//` comments); tests hold
 * this reader to the official engine's own parse (`policyToJson` of `@cedar-policy/cedar-wasm`).
 */

/** An entity reference: `AgentCore::Action::"jira___create_issue"` → type `AgentCore::Action`, id `jira___create_issue`. */
export interface CedarEntityRef {
  readonly type: string;
  readonly id: string;
}

/** A scope constraint, as Cedar's JSON policy format names them (`All`, `==`, `in`, `is`). */
export type CedarConstraint =
  | { readonly op: "All" }
  | { readonly op: "=="; readonly entity: CedarEntityRef | { readonly slot: string } }
  | { readonly op: "in"; readonly entity: CedarEntityRef | { readonly slot: string } }
  | { readonly op: "in"; readonly entities: readonly CedarEntityRef[] }
  | { readonly op: "is"; readonly entityType: string; readonly in?: CedarEntityRef | { readonly slot: string } };

/** One policy's scope and conditions. */
export interface CedarPolicyHead {
  readonly effect: "permit" | "forbid";
  readonly principal: CedarConstraint;
  readonly action: CedarConstraint;
  readonly resource: CedarConstraint;
  /** Each `when` or `unless` clause, with its body's text as written. */
  readonly conditions: readonly { readonly kind: "when" | "unless"; readonly body: string }[];
}

export type CedarReading =
  | { readonly kind: "policies"; readonly policies: readonly CedarPolicyHead[] }
  | { readonly kind: "invalid"; readonly error: string };

class CedarSyntaxError extends Error {}

class Scanner {
  position = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new CedarSyntaxError(`${what} at character ${this.position + 1}`);
  }

  skipSpace(): void {
    for (;;) {
      while (this.position < this.text.length && /\s/.test(this.text[this.position]!)) this.position++;
      if (this.text.startsWith("//", this.position)) {
        const end = this.text.indexOf("\n", this.position);
        this.position = end < 0 ? this.text.length : end + 1;
      } else return;
    }
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.position >= this.text.length;
  }

  peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.position);
  }

  accept(token: string): boolean {
    if (!this.peek(token)) return false;
    this.position += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.accept(token)) this.fail(`expected "${token}"`);
  }

  identifier(): string | undefined {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.position));
    if (!match) return undefined;
    this.position += match[0].length;
    return match[0];
  }

  keyword(word: string): boolean {
    const start = this.position;
    if (this.identifier() === word) return true;
    this.position = start;
    return false;
  }

  /** A string literal, its escapes decoded (`\*` only in a `like` pattern's, which `lenient` skips over). */
  string(lenient = false): string {
    this.skipSpace();
    if (this.text[this.position] !== '"') this.fail("expected a string");
    this.position++;
    let value = "";
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) this.fail("unterminated string");
      this.position++;
      if (char === '"') return value;
      if (char !== "\\") {
        value += char;
        continue;
      }
      const escaped = this.text[this.position++];
      const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'" };
      if (escaped !== undefined && escaped in simple) value += simple[escaped];
      else if (lenient && escaped === "*") value += "*";
      else if (escaped === "u") {
        const match = /^\{([0-9A-Fa-f]{1,6})\}/.exec(this.text.slice(this.position));
        if (!match) this.fail("bad unicode escape");
        value += String.fromCodePoint(Number.parseInt(match[1]!, 16));
        this.position += match[0].length;
      } else this.fail("bad escape in a string");
    }
  }

  /** `Ns::Type::"id"`, or a type path alone when `typeOnly`. */
  path(): string {
    const parts = [this.identifier() ?? this.fail("expected a name")];
    for (;;) {
      const start = this.position;
      if (!this.accept("::")) break;
      if (this.peek('"')) {
        this.position = start;
        break;
      }
      parts.push(this.identifier() ?? this.fail("expected a name after ::"));
    }
    return parts.join("::");
  }

  entity(): CedarEntityRef {
    const type = this.path();
    this.expect("::");
    return { type, id: this.string() };
  }

  entityOrSlot(): CedarEntityRef | { slot: string } {
    this.skipSpace();
    if (this.text[this.position] === "?") {
      this.position++;
      return { slot: `?${this.identifier() ?? this.fail("expected a slot name")}` };
    }
    return this.entity();
  }

  /** The text up to the brace that closes the one just read, skipping strings and comments. */
  block(): string {
    const start = this.position;
    let depth = 1;
    while (depth > 0) {
      const char = this.text[this.position];
      if (char === undefined) this.fail("unclosed {");
      if (char === '"') {
        this.string(true);
        continue;
      }
      if (this.text.startsWith("//", this.position)) {
        this.skipSpace();
        continue;
      }
      if (char === "{") depth++;
      if (char === "}") depth--;
      this.position++;
    }
    return this.text.slice(start, this.position - 1).trim();
  }
}

function annotations(scanner: Scanner): void {
  while (scanner.accept("@")) {
    scanner.identifier() ?? scanner.fail("expected an annotation name");
    if (scanner.accept("(")) {
      scanner.string();
      scanner.expect(")");
    }
  }
}

function principalOrResource(scanner: Scanner, variable: "principal" | "resource"): CedarConstraint {
  if (!scanner.keyword(variable)) scanner.fail(`expected ${variable}`);
  if (scanner.accept("==")) return { op: "==", entity: scanner.entityOrSlot() };
  if (scanner.keyword("is")) {
    const entityType = scanner.path();
    if (scanner.keyword("in")) return { op: "is", entityType, in: scanner.entityOrSlot() };
    return { op: "is", entityType };
  }
  if (scanner.keyword("in")) return { op: "in", entity: scanner.entityOrSlot() };
  return { op: "All" };
}

function action(scanner: Scanner): CedarConstraint {
  if (!scanner.keyword("action")) scanner.fail("expected action");
  if (scanner.accept("==")) return { op: "==", entity: scanner.entity() };
  if (scanner.keyword("in")) {
    if (!scanner.accept("[")) return { op: "in", entity: scanner.entity() };
    const entities: CedarEntityRef[] = [];
    if (!scanner.accept("]")) {
      do entities.push(scanner.entity());
      while (scanner.accept(","));
      scanner.expect("]");
    }
    return { op: "in", entities };
  }
  return { op: "All" };
}

function policy(scanner: Scanner): CedarPolicyHead {
  annotations(scanner);
  const effect = scanner.identifier();
  if (effect !== "permit" && effect !== "forbid") scanner.fail('expected "permit" or "forbid"');
  scanner.expect("(");
  const principal = principalOrResource(scanner, "principal");
  scanner.expect(",");
  const act = action(scanner);
  scanner.expect(",");
  const resource = principalOrResource(scanner, "resource");
  scanner.accept(",");
  scanner.expect(")");
  const conditions: { kind: "when" | "unless"; body: string }[] = [];
  for (;;) {
    const kind = scanner.keyword("when") ? "when" : scanner.keyword("unless") ? "unless" : undefined;
    if (!kind) break;
    scanner.expect("{");
    conditions.push({ kind, body: scanner.block() });
  }
  scanner.expect(";");
  return { effect, principal, action: act, resource, conditions };
}

/** The policies of a Cedar policy set's text, or why it does not read as one. */
export function readCedarPolicies(text: string): CedarReading {
  const scanner = new Scanner(text);
  const policies: CedarPolicyHead[] = [];
  try {
    while (!scanner.atEnd()) policies.push(policy(scanner));
  } catch (error) {
    if (error instanceof CedarSyntaxError) return { kind: "invalid", error: error.message };
    throw error;
  }
  return policies.length > 0
    ? { kind: "policies", policies }
    : { kind: "invalid", error: "no policy in the statement" };
}

/** The action groups every AgentCore tool action belongs to ("Schema constraints": CallTool → Mcp). */
export const AGENTCORE_ACTION_GROUPS: readonly string[] = ["CallTool", "Mcp"];

const mentions = (body: string, variable: string) => new RegExp(`(^|[^A-Za-z0-9_."])${variable}\\b`).test(body);

/**
 * Why a permit lets more than one caller or more than one tool through, in words; empty when it
 * pins both. A principal is pinned by `==` or `in` in the scope, or by a `when` clause that tests the
 * principal (its id or its token's claims); an action by `==` or `in` a list of tools (an `in` of
 * the `CallTool` or `Mcp` group is every tool).
 */
export function unconstrainedParts(head: CedarPolicyHead): string[] {
  if (head.effect !== "permit") return [];
  const parts: string[] = [];
  const principalTested = head.conditions.some(
    (clause) => clause.kind === "when" && mentions(clause.body, "principal"),
  );
  if ((head.principal.op === "All" || (head.principal.op === "is" && !head.principal.in)) && !principalTested)
    parts.push(
      head.principal.op === "All"
        ? "any principal (the scope says `principal` and no condition tests it)"
        : `any ${head.principal.op === "is" ? head.principal.entityType : ""} (no condition tests which one)`,
    );
  const group = (entity: CedarEntityRef) => AGENTCORE_ACTION_GROUPS.includes(entity.id);
  if (head.action.op === "All") parts.push("any tool (the scope says `action`)");
  else if (head.action.op === "in" && "entities" in head.action && head.action.entities.some(group))
    parts.push("every tool (an action group)");
  else if (
    head.action.op === "in" &&
    "entity" in head.action &&
    "id" in head.action.entity &&
    group(head.action.entity)
  )
    parts.push(`every tool (the ${head.action.entity.id} group)`);
  return parts;
}
