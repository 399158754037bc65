import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy-pack/policies";
import { FIXTURES } from "./fixtures/policy";
import { runDirectly, verdictProblems } from "./support/policy-fixtures";

/**
 * The fixture corpus run through the pack's own policy objects, in this process: for every policy,
 * resources it must block, near misses it must pass, and preview unknowns it must report as
 * advisories. `policy-analyzer.test.ts` runs the same corpus through the real analyzer protocol.
 */
describe("the fixture corpus covers the pack", () => {
  // A literal secret is known at preview by definition: nothing of no-static-credentials waits for apply.
  const NOTHING_WAITS = new Set(["no-static-credentials"]);

  it("has one fixture per policy, each with violations, passes and (where a decision can wait) a preview case", () => {
    expect(FIXTURES.map((fixture) => fixture.policy).sort()).toEqual(POLICIES.map((policy) => policy.name).sort());
    for (const fixture of FIXTURES) {
      const verdicts = new Set(fixture.cases.map((testCase) => testCase.verdict));
      const expected = NOTHING_WAITS.has(fixture.policy) ? ["pass", "violation"] : ["advisory", "pass", "violation"];
      expect([fixture.policy, [...verdicts].sort()]).toEqual([fixture.policy, expected]);
    }
  });
});

for (const fixture of FIXTURES)
  describe(fixture.policy, () => {
    it.each(fixture.cases.map((testCase) => [testCase.verdict, testCase.name, testCase] as const))("%s: %s", (_verdict, _name, testCase) => {
      expect(verdictProblems(testCase, fixture.policy, runDirectly(fixture.policy, testCase))).toEqual([]);
    });
  });
