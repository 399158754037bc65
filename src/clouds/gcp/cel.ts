/**
 * A parser for the Common Expression Language as Google's IAM writes it in Workload Identity
 * Federation attribute conditions and IAM conditions, following the grammar of the CEL language
 * definition (github.com/google/cel-spec, `doc/langdef.md`, "Syntax"):
 *
 *     Expr           = ConditionalOr ["?" ConditionalOr ":" Expr]
 *     ConditionalOr  = [ConditionalOr "||"] ConditionalAnd
 *     ConditionalAnd = [ConditionalAnd "&&"] Relation
 *     Relation       = [Relation Relop] Addition        Relop = < <= >= > == != in
 *     Addition       = [Addition ("+" | "-")] Multiplication
 *     Multiplication = [Multiplication ("*" | "/" | "%")] Unary
 *     Unary          = Member | "!" {"!"} Member | "-" {"-"} Member
 *     Member         = Primary | Member "." IDENT ["(" [ExprList] ")"] | Member "[" Expr "]"
 *     Primary        = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")" | "[" [ExprList] [","] "]"
 *                    | "{" [MapInits] [","] "}" | LITERAL
 *
 * Literals: integers (decimal, `0x` hexadecimal, `u` suffix), doubles, quoted strings (single,
 * double, triple quotes, `r` raw prefix, the escapes of the spec), bytes (`b` prefix), `true`,
 * `false`, `null`. The result is a syntax tree: judging what a condition lets in is
 * `attribute-condition.ts`'s job. Bounded: a condition longer than Google's 4,096-character limit,
 * or nested deeper than 200 levels, is refused rather than parsed.
 */

export class CelSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CelSyntaxError";
  }
}

export type CelNode =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "null" }
  | { readonly kind: "bytes" }
  | { readonly kind: "ident"; readonly name: string }
  | { readonly kind: "select"; readonly target: CelNode; readonly field: string }
  | { readonly kind: "index"; readonly target: CelNode; readonly key: CelNode }
  /** A function (`size(x)`, `has(x.y)`) or a method (`x.startsWith('a')`, target set). */
  | { readonly kind: "call"; readonly name: string; readonly target?: CelNode; readonly args: readonly CelNode[] }
  | { readonly kind: "list"; readonly items: readonly CelNode[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [CelNode, CelNode])[] }
  | { readonly kind: "not"; readonly operand: CelNode }
  | { readonly kind: "negate"; readonly operand: CelNode }
  | {
      readonly kind: "binary";
      readonly op: "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "+" | "-" | "*" | "/" | "%";
      readonly left: CelNode;
      readonly right: CelNode;
    }
  | { readonly kind: "conditional"; readonly test: CelNode; readonly then: CelNode; readonly otherwise: CelNode };

/** Google's limit on an attribute condition (IAM API, WorkloadIdentityPoolProvider.attributeCondition). */
export const CEL_MAX_LENGTH = 4096;
const MAX_DEPTH = 200;

type TokenType = "string" | "bytes" | "number" | "ident" | "op" | "end";
interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly value?: string | number;
  readonly at: number;
}

const OPERATORS = [
  "<=",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "?",
  ":",
  ".",
  ",",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
];
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\u0007",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "?": "?",
  '"': '"',
  "'": "'",
  "`": "`",
};

/** Reads a quoted literal starting at `start` (its quote); returns its value and where it ends. */
function readQuoted(source: string, start: number, raw: boolean): { value: string; end: number } {
  const quote = source[start]!;
  const triple = source.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let at = start + close.length;
  let value = "";
  for (;;) {
    if (at >= source.length) throw new CelSyntaxError(`unterminated string literal at ${start}`);
    if (source.startsWith(close, at)) return { value, end: at + close.length };
    const char = source[at]!;
    if (!triple && (char === "\n" || char === "\r"))
      throw new CelSyntaxError(`a line break inside a quoted string at ${at}`);
    if (char !== "\\" || raw) {
      value += char;
      at++;
      continue;
    }
    const next = source[at + 1];
    if (next === undefined) throw new CelSyntaxError(`unterminated escape at ${at}`);
    if (next in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[next];
      at += 2;
    } else if (next === "x" || next === "X" || next === "u" || next === "U") {
      const length = next === "u" ? 4 : next === "U" ? 8 : 2;
      const hex = source.slice(at + 2, at + 2 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new CelSyntaxError(`bad \\${next} escape at ${at}`);
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new CelSyntaxError(`bad code point at ${at}`);
      value += String.fromCodePoint(code);
      at += 2 + length;
    } else if (/[0-3]/.test(next)) {
      const octal = source.slice(at + 1, at + 4);
      if (!/^[0-3][0-7]{2}$/.test(octal)) throw new CelSyntaxError(`bad octal escape at ${at}`);
      value += String.fromCharCode(Number.parseInt(octal, 8));
      at += 4;
    } else throw new CelSyntaxError(`unknown escape \\${next} at ${at}`);
  }
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
    if (source.startsWith("//", at)) {
      const end = source.indexOf("\n", at);
      at = end < 0 ? source.length : end + 1;
      continue;
    }
    const prefix = /^([rRbB]{1,2})(?=["'])/.exec(source.slice(at, at + 3))?.[1];
    if (char === '"' || char === "'" || prefix) {
      const flags = (prefix ?? "").toLowerCase();
      const { value, end } = readQuoted(source, at + (prefix?.length ?? 0), flags.includes("r"));
      tokens.push({ type: flags.includes("b") ? "bytes" : "string", text: source.slice(at, end), value, at });
      at = end;
      continue;
    }
    const number =
      /^(?:0[xX][0-9a-fA-F]+[uU]?|\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+[uU]?)/.exec(
        source.slice(at),
      );
    if (number && !(char === "." && tokens.at(-1)?.type === "ident")) {
      const text = number[0];
      tokens.push({ type: "number", text, value: Number(text.replace(/[uU]$/, "")), at });
      at += text.length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at));
    if (ident) {
      tokens.push({ type: "ident", text: ident[0], at });
      at += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, at));
    if (!op) throw new CelSyntaxError(`unexpected character ${JSON.stringify(char)} at ${at}`);
    tokens.push({ type: "op", text: op, at });
    at += op.length;
  }
  tokens.push({ type: "end", text: "", at });
  return tokens;
}

/** Reserved words that may not name a variable or field (cel-spec, "Syntax"). */
const RESERVED = new Set([
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/** Parses a CEL expression; throws {@link CelSyntaxError} with the position of the problem. */
export function parseCelExpression(source: string): CelNode {
  if (source.length > CEL_MAX_LENGTH)
    throw new CelSyntaxError(
      `the expression has ${source.length} characters; Google accepts at most ${CEL_MAX_LENGTH}`,
    );
  const tokens = tokenize(source);
  let position = 0;
  let depth = 0;
  const peek = () => tokens[position]!;
  const isOp = (text: string) => peek().type === "op" && peek().text === text;
  const take = () => tokens[position++]!;
  const expect = (text: string) => {
    const token = take();
    if (token.type !== "op" || token.text !== text)
      throw new CelSyntaxError(`expected "${text}" at ${token.at}, found ${JSON.stringify(token.text) || "the end"}`);
  };
  const nested = <T>(parse: () => T): T => {
    if (++depth > MAX_DEPTH) throw new CelSyntaxError(`the expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return parse();
    } finally {
      depth--;
    }
  };

  const list = (close: string): CelNode[] => {
    const items: CelNode[] = [];
    while (!isOp(close)) {
      items.push(expression());
      if (!isOp(",")) break;
      take();
    }
    expect(close);
    return items;
  };

  const primary = (): CelNode => {
    const token = take();
    if (token.type === "string") return { kind: "string", value: token.value as string };
    if (token.type === "bytes") return { kind: "bytes" };
    if (token.type === "number") return { kind: "number", value: token.value as number };
    if (token.type === "op" && token.text === ".") {
      const name = take();
      if (name.type !== "ident") throw new CelSyntaxError(`expected a name after "." at ${name.at}`);
      return identifier(name);
    }
    if (token.type === "ident") return identifier(token);
    if (token.type === "op" && token.text === "(") {
      const inner = nested(expression);
      expect(")");
      return inner;
    }
    if (token.type === "op" && token.text === "[") return { kind: "list", items: nested(() => list("]")) };
    if (token.type === "op" && token.text === "{")
      return nested(() => {
        const entries: [CelNode, CelNode][] = [];
        while (!isOp("}")) {
          const key = expression();
          expect(":");
          entries.push([key, expression()]);
          if (!isOp(",")) break;
          take();
        }
        expect("}");
        return { kind: "map", entries };
      });
    throw new CelSyntaxError(`unexpected ${JSON.stringify(token.text) || "end of the expression"} at ${token.at}`);
  };

  const identifier = (token: Token): CelNode => {
    if (token.text === "true" || token.text === "false") return { kind: "bool", value: token.text === "true" };
    if (token.text === "null") return { kind: "null" };
    if (RESERVED.has(token.text)) throw new CelSyntaxError(`"${token.text}" is reserved at ${token.at}`);
    if (isOp("(")) {
      take();
      return { kind: "call", name: token.text, args: nested(() => list(")")) };
    }
    return { kind: "ident", name: token.text };
  };

  const member = (): CelNode => {
    let node = primary();
    for (;;) {
      if (isOp(".")) {
        take();
        const name = take();
        if (name.type !== "ident") throw new CelSyntaxError(`expected a field name at ${name.at}`);
        if (isOp("(")) {
          take();
          const target = node;
          node = { kind: "call", name: name.text, target, args: nested(() => list(")")) };
        } else node = { kind: "select", target: node, field: name.text };
      } else if (isOp("[")) {
        take();
        const target = node;
        const key = nested(expression);
        expect("]");
        node = { kind: "index", target, key };
      } else return node;
    }
  };

  const unary = (): CelNode => {
    if (isOp("!")) {
      take();
      return { kind: "not", operand: nested(unary) };
    }
    if (isOp("-")) {
      take();
      return { kind: "negate", operand: nested(unary) };
    }
    return member();
  };

  const binaryLevel =
    (operators: readonly string[], next: () => CelNode, words: readonly string[] = []) =>
    (): CelNode => {
      let node = next();
      for (;;) {
        const token = peek();
        const op =
          (token.type === "op" && operators.includes(token.text)) ||
          (token.type === "ident" && words.includes(token.text))
            ? token.text
            : undefined;
        if (!op) return node;
        take();
        node = { kind: "binary", op: op as Extract<CelNode, { kind: "binary" }>["op"], left: node, right: next() };
      }
    };

  const multiplication = binaryLevel(["*", "/", "%"], unary);
  const addition = binaryLevel(["+", "-"], multiplication);
  const relation = binaryLevel(["<=", ">=", "==", "!=", "<", ">"], addition, ["in"]);
  const and = binaryLevel(["&&"], relation);
  const or = binaryLevel(["||"], and);

  function expression(): CelNode {
    return nested(() => {
      const test = or();
      if (!isOp("?")) return test;
      take();
      const then = or();
      expect(":");
      return { kind: "conditional", test, then, otherwise: expression() };
    });
  }

  const node = expression();
  if (peek().type !== "end") throw new CelSyntaxError(`unexpected ${JSON.stringify(peek().text)} at ${peek().at}`);
  return node;
}
