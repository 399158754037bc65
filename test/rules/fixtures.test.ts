import { describe, expect, it } from "vitest";
import { POLICIES } from "../../policy-pack/policies";
import { FIXTURES } from "../fixtures/policy";
import { ISSUE_CLASSES } from "../fixtures/policy/build";
import { runDirectly, verdictProblems } from "../support/policy-fixtures";

/**
 * The fixture corpus run through the pack's own policy objects, in this process: for every policy,
 * resources it must block, near misses it must pass, and preview unknowns it must report as
 * advisories. `policy-analyzer.test.ts` runs the same corpus through the real analyzer protocol.
 */
describe("the fixture corpus covers the pack", () => {
  // A literal secret is known at preview by definition: nothing of no-static-credentials waits for apply.
  const NOTHING_WAITS = new Set(["no-static-credentials"]);

  /** The policies of the issue's table (later issues add policies with their own tests). */
  const TABLE = [
    "no-static-credentials",
    "agent-must-have-owner",
    "agent-identity-registered",
    "no-overbroad-aws-scopes",
    "no-overbroad-gcp-scopes",
    "no-overbroad-azure-scopes",
    "federated-trust-pinned",
    "short-lived-credentials",
    "agent-identity-expiry",
    "environment-isolation",
    "high-risk-requires-approval",
    "permissions-boundary-required",
  ];

  it("has one fixture per policy of the table, each with violations, passes and (where a decision can wait) a preview case", () => {
    const covered = FIXTURES.map((fixture) => fixture.policy);
    for (const name of TABLE) expect(covered, `a fixture for ${name}`).toContain(name);
    for (const name of covered)
      expect(
        POLICIES.map((policy) => policy.name),
        `${name} is a policy of the pack`,
      ).toContain(name);
    expect(new Set(covered).size).toBe(covered.length);
    for (const fixture of FIXTURES) {
      const verdicts = new Set(fixture.cases.map((testCase) => testCase.verdict));
      const expected = NOTHING_WAITS.has(fixture.policy) ? ["pass", "violation"] : ["advisory", "pass", "violation"];
      expect([fixture.policy, [...verdicts].sort()]).toEqual([fixture.policy, expected]);
    }
  });
});

for (const fixture of FIXTURES)
  describe(fixture.policy, () => {
    it.each(fixture.cases.map((testCase) => [testCase.verdict, testCase.name, testCase] as const))(
      "%s: %s",
      (_verdict, _name, testCase) => {
        expect(verdictProblems(testCase, fixture.policy, runDirectly(fixture.policy, testCase))).toEqual([]);
      },
    );
  });

describe("issue 18's classes of hand-written insecure programs", () => {
  const tagged = FIXTURES.flatMap((fixture) =>
    fixture.cases.filter((testCase) => testCase.class).map((testCase) => ({ policy: fixture.policy, testCase })),
  );

  it("every class has blocked programs and near misses; prints the catch rate and the rules that own each class", () => {
    const rows = Object.entries(ISSUE_CLASSES).map(([key, title]) => {
      const cases = tagged.filter(({ testCase }) => testCase.class === key);
      const insecure = cases.filter(({ testCase }) => testCase.verdict !== "pass");
      const nearMisses = cases.filter(({ testCase }) => testCase.verdict === "pass");
      const judged = (list: typeof cases) =>
        list.filter(
          ({ policy, testCase }) => verdictProblems(testCase, policy, runDirectly(policy, testCase)).length === 0,
        );
      return {
        key,
        title,
        caught: judged(insecure).length,
        insecure: insecure.length,
        passed: judged(nearMisses).length,
        nearMisses: nearMisses.length,
        owners: [...new Set(insecure.map(({ policy }) => policy))].sort(),
      };
    });
    const total = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
    console.log(
      [
        "issue 18 catch rate on the fixture corpus (blocked insecure programs; near misses that pass):",
        ...rows.map(
          (row) =>
            `  ${row.title}: caught ${row.caught}/${row.insecure}, near misses passed ${row.passed}/${row.nearMisses}${row.owners.length ? ` (${row.owners.join(", ")})` : ""}`,
        ),
        `  total: caught ${total((row) => row.caught)}/${total((row) => row.insecure)}, near misses passed ${total((row) => row.passed)}/${total((row) => row.nearMisses)}`,
      ].join("\n"),
    );
    for (const row of rows) {
      expect([row.key, row.nearMisses > 0]).toEqual([row.key, true]);
      if (row.key !== "false-positives") expect([row.key, row.insecure > 0]).toEqual([row.key, true]);
      expect([row.key, row.caught, row.passed]).toEqual([row.key, row.insecure, row.nearMisses]);
    }
  });
});
