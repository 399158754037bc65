import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { programArbitrary, packConfigOf, recordProgram } from "../support/compliant-programs";
import { OPERATORS } from "../support/mutations";
import { judgeDirectly, POLICY_NAMES, type Judged } from "../support/pack-direct";
import { runs } from "../support/property";
import { FIXTURES } from "../fixtures/policy";

/**
 * In one `AnalyzeStack`, the pack's stack policies judge the same deserialized resources, so they
 * share one `StackIndex` and its memos (agents found, role policies read) instead of each building
 * its own (policy-pack/support.ts, bench/README.md). Sharing must change no verdict: every policy
 * run with the others, on shared resources, says exactly what it says run alone.
 */

function byPolicy(diagnostics: readonly Judged[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>(POLICY_NAMES.map((name) => [name, []]));
  for (const diagnostic of diagnostics) grouped.get(diagnostic.policyName)!.push(`${diagnostic.enforcementLevel} ${diagnostic.urn ?? ""} ${diagnostic.message}`);
  return grouped;
}

function alone(run: (policies: readonly string[]) => readonly Judged[]): Map<string, string[]> {
  return byPolicy(POLICY_NAMES.flatMap((name) => run([name])));
}

describe("stack policies sharing one index say what each says alone", () => {
  it("on every case of the fixture corpus", () => {
    let judged = 0;
    for (const fixture of FIXTURES)
      for (const testCase of fixture.cases) {
        const options = { config: { all: "mandatory" as const }, ...(testCase.stack ? { stack: { name: testCase.stack.name ?? "dev", config: testCase.stack.config } } : {}) };
        const together = judgeDirectly(testCase.resources, testCase.resources, { ...options, shareStack: true });
        expect(together.crashes).toEqual([]);
        expect(byPolicy(together.diagnostics)).toEqual(alone((policies) => judgeDirectly(testCase.resources, testCase.resources, { ...options, policies }).diagnostics));
        judged += together.diagnostics.length;
      }
    // The corpus is mostly violations: the comparison is between non-empty verdicts.
    expect(judged).toBeGreaterThan(100);
  });

  it("on generated programs and each of their insecure mutants", async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary({ rich: true }), async (plan) => {
        const program = await recordProgram(plan);
        const options = { config: packConfigOf(plan), stack: { name: plan.environment, config: program.stackConfig } };
        const stacks = [program.stack, ...OPERATORS.flatMap((operator) => operator.mutants(program, { maxSessionSeconds: 3600, maxExpiryDays: 90, secret: "AKIAIOSFODNN7EXAMPLE" }).slice(0, 1).map((mutant) => mutant.stack))];
        for (const stack of stacks) {
          const together = judgeDirectly([], stack, { ...options, shareStack: true });
          expect(together.crashes).toEqual([]);
          expect(byPolicy(together.diagnostics)).toEqual(alone((policies) => judgeDirectly([], stack, { ...options, policies }).diagnostics));
        }
      }),
      runs(6),
    );
  });
});
