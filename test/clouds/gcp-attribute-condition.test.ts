import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { judgeAttributeCondition } from "../../src/clouds/gcp/attribute-condition";
import { CelSyntaxError, parseCelExpression } from "../../src/clouds/gcp/cel";
import { gcpProviderSpec } from "../../src/clouds/gcp/workload-identity";
import { evaluateCel } from "../support/cel";
import { runs, table } from "../support/property";

/**
 * GCP attribute conditions, judged by agent-iam's parser and reading (`src/clouds/gcp/cel.ts`,
 * `attribute-condition.ts`) and compared with an independent CEL evaluator (`test/support/cel.ts`,
 * written from Google's documentation and the CEL spec) on generated conditions and tokens:
 * - sound: a condition read as pinned never admits a token whose owner it does not name;
 * - nearly complete: a condition read as not pinned admits such a token, or admits no token at all.
 *   The reading takes claims one at a time, so a condition that keeps other owners out only through
 *   how two claims relate (a subject prefix implying an owner prefix) is read as not pinned: refused,
 *   never let through. Those are counted and printed, and must stay rare.
 */

/**
 * Owners the conditions name, and owners they never name: an unrelated one, and each proper prefix
 * of a named owner extended (`aczq`, `acmezq`), so that any prefix a condition tests has an owner
 * outside it that passes it.
 */
const NAMED = ["acme", "acme-labs", "globex"];
const UNNAMED = [
  "zq9corp",
  ...new Set(NAMED.flatMap((owner) => [...owner].map((_, length) => `${owner.slice(0, length + 1)}zq`))),
];
const REPOSITORIES = ["api", "web"];
/** Subject tails, with branches an attacker may name after another owner (`refs/heads/repo:acme/x`). */
const SUBJECT_TAILS = [
  "ref:refs/heads/main",
  "environment:prod",
  "pull_request",
  ...NAMED.map((owner) => `ref:refs/heads/repo:${owner}/x`),
];

interface Token {
  readonly owner: string;
  readonly claims: Record<string, unknown>;
}

/**
 * Tokens whose owner claims agree (repository_owner, repository and the subject name one owner, as
 * GitHub issues them) and whose other claims (ref, environment) vary independently of the subject:
 * a condition that relies on another claim to keep an owner out is then seen letting it in.
 */
function tokens(): Token[] {
  const all: Token[] = [];
  for (const owner of [...NAMED, ...UNNAMED])
    for (const repository of REPOSITORIES)
      for (const tail of SUBJECT_TAILS)
        for (const environment of ["prod", ""])
          for (const ref of ["refs/heads/main", "refs/heads/other"])
            all.push({
              owner,
              claims: {
                iss: "https://token.actions.githubusercontent.com",
                repository_owner: owner,
                repository_owner_id: String(100 + [...NAMED, ...UNNAMED].indexOf(owner)),
                repository: `${owner}/${repository}`,
                sub: `repo:${owner}/${repository}:${tail}`,
                ref,
                environment,
              },
            });
  return all;
}
const TOKENS = tokens();

const quoted = (text: string) => `'${text}'`;
const named = fc.constantFrom(...NAMED);
const atom: fc.Arbitrary<string> = fc.oneof(
  named.map((owner) => `assertion.repository_owner == ${quoted(owner)}`),
  named.map((owner) => `${quoted(owner)} == assertion.repository_owner`),
  named.map((owner) => `assertion.repository_owner != ${quoted(owner)}`),
  fc.tuple(named, named).map(([a, b]) => `assertion.repository_owner in [${quoted(a)}, ${quoted(b)}]`),
  fc.constantFrom("ac", "acme", "glob").map((prefix) => `assertion.repository_owner.startsWith(${quoted(prefix)})`),
  named.map((owner) => `assertion.sub.startsWith(${quoted(`repo:${owner}/`)})`),
  named.map((owner) => `assertion.sub.startsWith(${quoted(`repo:${owner}`)})`),
  named.map((owner) => `assertion.repository == ${quoted(`${owner}/api`)}`),
  named.map((owner) => `assertion.sub.matches(${quoted(`^repo:${owner}/.*$`)})`),
  named.map((owner) => `assertion.sub.matches(${quoted(`repo:${owner}/`)})`),
  named.map((owner) => `assertion.sub == ${quoted(`repo:${owner}/api:environment:prod`)}`),
  fc.constantFrom(
    "assertion.repository_owner != ''",
    "assertion.repository_owner.size() != 0",
    "assertion.ref == 'refs/heads/main'",
    "assertion.environment == 'prod'",
    "assertion.sub.endsWith(':pull_request')",
    "true",
    "false",
  ),
);

/** Conditions of atoms with &&, ||, !, parentheses and ?:, up to a small depth. */
const condition: fc.Arbitrary<string> = fc.letrec((tie) => ({
  expression: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc.tuple(tie("expression"), tie("expression")).map(([a, b]) => `(${a}) && (${b})`),
    fc.tuple(tie("expression"), tie("expression")).map(([a, b]) => `(${a}) || (${b})`),
    tie("expression").map((a) => `!(${a})`),
    fc.tuple(tie("expression"), tie("expression"), tie("expression")).map(([c, a, b]) => `(${c}) ? (${a}) : (${b})`),
  ),
})).expression as fc.Arbitrary<string>;

/** What the independent evaluator admits: Google admits a token only when the condition is exactly true. */
function admitted(source: string): Token[] {
  return TOKENS.filter((token) => {
    const result = evaluateCel(source, { assertion: token.claims, attribute: {}, google: {} });
    return "value" in result && result.value === true;
  });
}

const tally = { pinned: 0, notPinned: 0, notPinnedWithWitness: 0, notPinnedAdmittingNone: 0, conservative: 0 };

afterAll(() => {
  console.log(
    `GCP attribute conditions against the independent CEL evaluator\n${table(
      ["reading", "conditions"],
      [
        ["pinned (no unnamed owner admitted)", tally.pinned],
        ["not pinned, an unnamed owner admitted", tally.notPinnedWithWitness],
        ["not pinned, admits no token at all", tally.notPinnedAdmittingNone],
        ["not pinned, admits only named owners (refused, conservative)", tally.conservative],
      ],
    )}`,
  );
});

describe("attribute conditions, against an independent CEL evaluator", () => {
  it("read as pinned: no owner the condition does not name is admitted; read as not pinned: one is (or none at all)", () => {
    fc.assert(
      fc.property(condition, (source) => {
        const judgement = judgeAttributeCondition(source);
        expect(judgement.pinned, source).not.toBe("unreadable");
        const admits = admitted(source);
        const unnamed = admits.filter((token) => UNNAMED.includes(token.owner));
        if (judgement.pinned === true) {
          tally.pinned++;
          expect(
            unnamed.map((token) => token.claims.sub),
            source,
          ).toEqual([]);
        } else {
          tally.notPinned++;
          if (unnamed.length > 0) tally.notPinnedWithWitness++;
          else if (admits.length === 0) tally.notPinnedAdmittingNone++;
          else tally.conservative++;
        }
      }),
      runs(250),
    );
    expect(tally.pinned).toBeGreaterThan(20);
    expect(tally.notPinnedWithWitness).toBeGreaterThan(20);
    expect(tally.conservative / tally.notPinned).toBeLessThan(0.1);
  });

  it.each([
    ["assertion.repository_owner != ''", false],
    ["assertion.repository_owner.startsWith('acme')", false],
    ["assertion.sub.startsWith('repo:acme')", false],
    ["assertion.repository_owner == 'acme' || assertion.ref == 'refs/heads/main'", false],
    ["!(assertion.repository_owner == 'evil')", false],
    ["assertion.sub.matches('repo:acme/')", false],
    ["assertion.repository_owner == 'acme'", true],
    ["!(assertion.repository_owner != 'acme')", true],
    ["assertion.repository_owner in ['acme', 'acme-labs']", true],
    ["assertion.sub.matches('^repo:acme/.*$')", true],
    [
      "assertion['kubernetes.io']['namespace'] == 'agents' && assertion.sub.startsWith('system:serviceaccount:agents:')",
      true,
    ],
    ["assertion.namespace_path == 'group' && assertion.sub.startsWith('project_path:group/')", true],
  ])("%s: pinned %s", (source, pinned) => {
    expect(judgeAttributeCondition(source).pinned).toBe(pinned);
  });

  it("reads claims through the provider's attribute mapping", () => {
    expect(
      judgeAttributeCondition("attribute.owner == 'acme'", { "attribute.owner": "assertion.repository_owner" }).pinned,
    ).toBe(true);
    expect(judgeAttributeCondition("attribute.owner == 'acme'", { "attribute.owner": "assertion.ref" }).pinned).toBe(
      false,
    );
    expect(judgeAttributeCondition("attribute.owner == 'acme'").pinned).toBe(false);
  });

  it("agent-iam's own provider conditions are pinned, for every issuer kind", () => {
    const conditions = [
      "assertion.repository_owner == 'acme' && assertion.sub.startsWith('repo:acme/')",
      "assertion.repository_owner_id == '123' && assertion.sub.startsWith('repo:acme@123/')",
      "assertion.namespace_path == 'acme/platform' && assertion.sub.startsWith('project_path:acme/platform/')",
      "assertion['kubernetes.io']['namespace'] == 'agents' && assertion.sub.startsWith('system:serviceaccount:agents:')",
      "assertion.sub == 'spiffe://acme.example/agent'",
    ];
    for (const source of conditions) expect(judgeAttributeCondition(source).pinned, source).toBe(true);
    expect(typeof gcpProviderSpec).toBe("function");
  });
});

describe("the CEL parser", () => {
  it("parses every condition the independent evaluator parses", () => {
    fc.assert(
      fc.property(condition, (source) => {
        expect(() => parseCelExpression(source)).not.toThrow();
      }),
      runs(200),
    );
  });

  it.each([
    "assertion.repository_owner = 'acme'",
    "assertion.repository_owner == 'acme",
    "(assertion.repository_owner == 'acme'",
    "assertion.repository_owner == 'acme' &&",
    "'\\q'",
  ])("refuses %s with a position", (source) => {
    expect(() => parseCelExpression(source)).toThrow(CelSyntaxError);
  });

  it("refuses a condition longer than Google's limit, and deep nesting, without a stack overflow", () => {
    expect(() => parseCelExpression(`${"(".repeat(5000)}true${")".repeat(5000)}`)).toThrow(CelSyntaxError);
    expect(() => parseCelExpression(`${"!".repeat(1000)}true`)).toThrow(CelSyntaxError);
  });
});
