import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWSGUARD_PACK_DIR, awsguardInstalled } from "../../bench/awsguard";
import { PolicyPackProcess, type AnalyzerResource } from "../../src/gate/analyzer";
import { FIXTURES } from "../fixtures/policy";
import { ISSUE_CLASSES, type PolicyCase } from "../fixtures/policy/build";
import { runDirectly, verdictProblems } from "../support/policy-fixtures";

/**
 * The insecure programs of issue 18's classes (the fixture corpus's class-tagged cases), judged by
 * `@pulumi/awsguard` 0.3.1 (every policy on, through the analyzer protocol, as the benchmark runs it)
 * and by this pack. A case counts as caught by awsguard when it reports a policy it does not also
 * report on the same fixture's passing programs: flagging the secure and the insecure program alike
 * does not tell them apart; a control resource proves awsguard is heard. awsguard's wrapper pack is
 * installed by `npm test`'s pretest.
 */

let awsguard: PolicyPackProcess;

beforeAll(async () => {
  expect(
    awsguardInstalled(),
    "bench/awsguard-pack/node_modules is missing: run npm test (its pretest installs it) or npm ci --prefix bench/awsguard-pack",
  ).toBe(true);
  awsguard = await PolicyPackProcess.start(AWSGUARD_PACK_DIR, { stack: { name: "prod", project: "fixtures" } });
});

afterAll(async () => {
  await awsguard?.close();
});

async function awsguardPolicies(resources: readonly AnalyzerResource[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const resource of resources)
    for (const diagnostic of await awsguard.analyze(resource)) names.add(diagnostic.policyName);
  for (const diagnostic of await awsguard.analyzeStack([...resources])) names.add(diagnostic.policyName);
  return names;
}

describe("issue 18's insecure programs: this pack against @pulumi/awsguard", () => {
  it("prints how many each catches per class; the pack catches every one", async () => {
    const rows: { title: string; insecure: number; ours: number; awsguard: number; fired: Set<string> }[] = [];
    const classes = Object.entries(ISSUE_CLASSES).filter(([key]) => key !== "false-positives");
    const tally = new Map(
      classes.map(([key, title]) => [key, { title, insecure: 0, ours: 0, awsguard: 0, fired: new Set<string>() }]),
    );
    // A control: awsguard's cmk-backing-key-rotation-enabled reports a KMS key without rotation, so a
    // zero below is awsguard's verdict, not a harness that hears nothing.
    const control = await awsguardPolicies([
      {
        urn: "urn:pulumi:prod::fixtures::aws:kms/key:Key::control",
        type: "aws:kms/key:Key",
        name: "control",
        properties: { enableKeyRotation: false },
      },
    ]);
    expect([...control]).toEqual(["cmk-backing-key-rotation-enabled"]);
    // What awsguard says on the passing programs (it cannot tell those from the insecure ones).
    const saidOnPassing = new Set<string>();
    for (const fixture of FIXTURES) {
      const passing = fixture.cases.filter((testCase) => testCase.verdict === "pass");
      const baseline = new Set<string>();
      for (const testCase of passing) for (const name of await awsguardPolicies(testCase.resources)) baseline.add(name);
      for (const name of baseline) saidOnPassing.add(name);
      const insecure = fixture.cases.filter(
        (testCase): testCase is PolicyCase & { class: keyof typeof ISSUE_CLASSES } =>
          testCase.class !== undefined && testCase.class !== "false-positives" && testCase.verdict !== "pass",
      );
      for (const testCase of insecure) {
        const row = tally.get(testCase.class)!;
        row.insecure++;
        if (verdictProblems(testCase, fixture.policy, runDirectly(fixture.policy, testCase)).length === 0) row.ours++;
        const fired = [...(await awsguardPolicies(testCase.resources))].filter((name) => !baseline.has(name));
        if (fired.length > 0) row.awsguard++;
        for (const name of fired) row.fired.add(name);
      }
    }
    rows.push(...tally.values());
    const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
    console.log(
      [
        "issue 18's insecure programs (fixture corpus): caught by agent-iam / by @pulumi/awsguard 0.3.1",
        ...rows.map(
          (row) =>
            `  ${row.title}: ${row.ours}/${row.insecure} / ${row.awsguard}/${row.insecure}${row.fired.size ? ` (awsguard: ${[...row.fired].join(", ")})` : ""}`,
        ),
        `  total: ${sum((row) => row.ours)}/${sum((row) => row.insecure)} / ${sum((row) => row.awsguard)}/${sum((row) => row.insecure)}`,
        `  (awsguard on the passing programs: ${saidOnPassing.size === 0 ? "nothing" : [...saidOnPassing].sort().join(", ")})`,
      ].join("\n"),
    );
    for (const row of rows) expect([row.title, row.ours]).toEqual([row.title, row.insecure]);
    expect(sum((row) => row.awsguard)).toBeLessThan(sum((row) => row.ours));
  });
});
