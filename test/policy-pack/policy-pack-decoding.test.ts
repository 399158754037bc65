import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFleetProgram } from "../../bench/fleet";
import { recordForPacks } from "../../bench/recorded";
import { PolicyPackError, PolicyPackProcess, type AnalyzerDiagnostic, type AnalyzerResource, type PackStack } from "../../src/gate/analyzer";
import { FIXTURES } from "../fixtures/policy";
import { judgeThroughPack } from "../support/analyzer-run";

/**
 * The pack's server decodes requests into views (policy-pack/wire-decoding.ts). Whatever the
 * decoder, the pack must answer the engine the same: each request here goes to two processes of
 * the pack, one that must use the views (`AGENT_IAM_PACK_DECODER=views`: it refuses to start
 * without them) and one on google-protobuf, and their diagnostics must be the same, in the same order.
 */

const PACK = "policy-pack";
const started: PolicyPackProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((pack) => pack.close()));
});

async function pair(stack: PackStack): Promise<{ views: PolicyPackProcess; google: PolicyPackProcess }> {
  const [views, google] = await Promise.all(
    (["views", "google-protobuf"] as const).map((decoder) => PolicyPackProcess.start(PACK, { stack, config: { all: "mandatory" }, env: { AGENT_IAM_PACK_DECODER: decoder } })),
  );
  started.push(views!, google!);
  return { views: views!, google: google! };
}

async function both(packs: { views: PolicyPackProcess; google: PolicyPackProcess }, analyze: readonly AnalyzerResource[], stack: readonly AnalyzerResource[]): Promise<[AnalyzerDiagnostic[], AnalyzerDiagnostic[]]> {
  return Promise.all([judgeThroughPack(packs.views, analyze, stack), judgeThroughPack(packs.google, analyze, stack)]);
}

describe("the pack answers the same with either decoder", () => {
  it("on every case of the fixture corpus", async () => {
    const byStack = new Map<string, typeof FIXTURES[number]["cases"][number][]>();
    for (const fixture of FIXTURES)
      for (const testCase of fixture.cases) {
        const key = JSON.stringify(testCase.stack ?? null);
        byStack.set(key, [...(byStack.get(key) ?? []), testCase]);
      }
    let compared = 0;
    for (const [key, cases] of byStack) {
      const stack = JSON.parse(key) as { name: string; config?: Record<string, string> } | null;
      const packs = await pair({ name: stack?.name ?? "dev", project: "fixtures", config: stack?.config ?? {}, preview: false });
      for (const testCase of cases) {
        const config = { all: "mandatory" as const, ...(testCase.config ? Object.fromEntries(FIXTURES.filter((fixture) => fixture.cases.includes(testCase)).map((fixture) => [fixture.policy, testCase.config!])) : {}) };
        await Promise.all([packs.views.configure(config), packs.google.configure(config)]);
        const [views, google] = await both(packs, testCase.resources, testCase.resources);
        expect(views, testCase.name).toEqual(google);
        compared += views.length;
      }
    }
    // The corpus is mostly violations: the comparison is between non-empty answers.
    expect(compared).toBeGreaterThan(100);
  }, 120_000);

  it("on a recorded fleet of agents declared with the components", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-iam-decoding-"));
    try {
      writeFleetProgram(dir, 12);
      const recording = await recordForPacks(dir);
      const packs = await pair({ name: recording.stack, project: recording.project, config: recording.config, preview: false });
      const [views, google] = await both(packs, recording.analyze, recording.stackResources);
      expect(views).toEqual(google);
      expect(recording.stackResources.length).toBeGreaterThan(150);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses to start on a decoder it does not know, saying which setting to change", async () => {
    await expect(PolicyPackProcess.start(PACK, { env: { AGENT_IAM_PACK_DECODER: "fast" } })).rejects.toThrow(PolicyPackError);
    await expect(PolicyPackProcess.start(PACK, { env: { AGENT_IAM_PACK_DECODER: "fast" } })).rejects.toThrow(/AGENT_IAM_PACK_DECODER=fast is not a decoder: set it to "views" or "google-protobuf"/);
  }, 60_000);
});
