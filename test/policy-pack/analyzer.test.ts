import { getPriority } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyPackProcess, type AnalyzerDiagnostic } from "../../src/gate/analyzer";
import packageJson from "../../policy-pack/package.json";
import { FIXTURES, type PolicyCase } from "../fixtures/policy";
import { verdictProblems } from "../support/policy-fixtures";
import { PACK_PRIORITY_BELOW_CHECK } from "../../src/gate/cli/check/packs";

/**
 * The fixture corpus through the real analyzer protocol: the pack runs in its own process, started
 * as the Pulumi CLI starts it, and every case goes through Configure (its policy at mandatory, with
 * the case's config), Analyze for each resource and AnalyzeStack for all of them, as the engine
 * sends them. One process per stack (the stack's name and config reach a pack at start, through its
 * environment, as the CLI passes them); each case configures it anew.
 */

const PACK = "policy-pack";
const packs = new Map<string, Promise<PolicyPackProcess>>();

function packFor(stack: PolicyCase["stack"]): Promise<PolicyPackProcess> {
  const key = JSON.stringify(stack ?? null);
  let pack = packs.get(key);
  if (!pack) {
    pack = PolicyPackProcess.start(
      PACK,
      stack ? { stack: { name: stack.name, project: "fixtures", config: stack.config } } : {},
    );
    packs.set(key, pack);
  }
  return pack;
}

afterAll(async () => {
  await Promise.all([...packs.values()].map(async (pack) => (await pack).close()));
});

async function diagnose(policy: string, testCase: PolicyCase): Promise<AnalyzerDiagnostic[]> {
  return diagnoseWith(await packFor(testCase.stack), policy, testCase);
}

async function diagnoseWith(
  pack: PolicyPackProcess,
  policy: string,
  testCase: PolicyCase,
): Promise<AnalyzerDiagnostic[]> {
  await pack.configure({ all: "mandatory", ...(testCase.config ? { [policy]: testCase.config } : {}) });
  const diagnostics: AnalyzerDiagnostic[] = [];
  for (const resource of testCase.resources) diagnostics.push(...(await pack.analyze(resource)));
  diagnostics.push(...(await pack.analyzeStack([...testCase.resources])));
  return diagnostics;
}

for (const fixture of FIXTURES)
  describe(`${fixture.policy} through the analyzer`, () => {
    it.each(fixture.cases.map((testCase) => [testCase.verdict, testCase.name, testCase] as const))(
      "%s: %s",
      async (_verdict, _name, testCase) => {
        const diagnostics = await diagnose(fixture.policy, testCase);
        expect(verdictProblems(testCase, fixture.policy, diagnostics)).toEqual([]);
        for (const diagnostic of diagnostics) {
          expect(diagnostic.policyPackName).toBe("agent-iam");
          expect(diagnostic.policyPackVersion).toBe(packageJson.version);
          expect(diagnostic.description.length).toBeGreaterThan(40);
        }
      },
    );
  });

describe("the pack's process", () => {
  it("runs at a lower priority when asked, as agent-iam check asks (PACK_PRIORITY_BELOW_CHECK), and answers as before", async () => {
    const pack = await PolicyPackProcess.start(PACK, { lowerPriorityBy: PACK_PRIORITY_BELOW_CHECK });
    try {
      expect(PACK_PRIORITY_BELOW_CHECK).toBeGreaterThan(0);
      expect(getPriority(pack.pid!)).toBe(Math.min(19, getPriority() + PACK_PRIORITY_BELOW_CHECK));
      const [first] = FIXTURES[0]!.cases.filter((testCase) => testCase.verdict === "violation" && !testCase.stack);
      expect(
        verdictProblems(first!, FIXTURES[0]!.policy, await diagnoseWith(pack, FIXTURES[0]!.policy, first!)),
      ).toEqual([]);
    } finally {
      await pack.close();
    }
  });
});
