import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { awsguardInstalled } from "../bench/awsguard";
import { generateFleet } from "../bench/fleet";
import type { BenchResults } from "../bench/results";
import { runBench } from "../bench/run";
import { formatTable } from "../bench/table";

/**
 * A smoke run of `npm run bench` at 50 agents: the benchmark's whole code path works, prints a table
 * with all five figures and writes results.json in its shape. It checks that the benchmark runs,
 * never how fast anything is. Figures 3 and 4 need awsguard's wrapper pack, whose install takes
 * over a minute: they run here only when `bench/awsguard-pack/node_modules` already exists (after
 * one `npm run bench`), and the test says so when it skips them.
 */

const scratch = mkdtempSync(join(tmpdir(), "agent-iam-bench-smoke-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the fleet generator", () => {
  it("gives the same fleet for the same seed, and a mix of roles, issuers, environments and clouds", () => {
    const today = "2026-11-23";
    const fleet = generateFleet(200, { today });
    expect(generateFleet(200, { today })).toEqual(fleet);
    expect(generateFleet(200, { today, seed: 7 })).not.toEqual(fleet);
    expect(new Set(fleet.map((agent) => agent.name)).size).toBe(200);
    expect(new Set(fleet.map((agent) => agent.spec.grants[0]!.role)).size).toBe(4);
    expect(new Set(fleet.map((agent) => agent.spec.runsOn.kind))).toEqual(new Set(["github-actions", "gitlab-ci", "kubernetes"]));
    expect(new Set(fleet.map((agent) => agent.spec.environment))).toEqual(new Set(["prod", "staging", "dev"]));
    expect(new Set(fleet.flatMap((agent) => agent.clouds))).toEqual(new Set(["aws", "gcp", "azure"]));
  });
});

describe("npm run bench, smoke run at 50 agents", () => {
  const withPacks = awsguardInstalled();
  let results: BenchResults;
  let table: string;
  const resultsFile = join(scratch, "results.json");

  it(
    "runs every figure and writes results.json",
    async () => {
      if (!withPacks)
        process.stderr.write("bench smoke: figures 3 and 4 skipped: bench/awsguard-pack/node_modules is missing (npm run bench installs it once)\n");
      results = await runBench({
        agents: [50],
        repeats: 1,
        policyCostAgents: 50,
        policyCostPasses: 1,
        coldStartRepeats: 1,
        installAwsguard: false,
        resultsFile,
        smoke: true,
        log: () => undefined,
      });
      table = formatTable(results);
      expect(existsSync(resultsFile)).toBe(true);
      expect(JSON.parse(readFileSync(resultsFile, "utf8"))).toEqual(JSON.parse(JSON.stringify(results)));
    },
    120_000,
  );

  it("measures the check and the floor on the generated fleet", () => {
    const [row] = results.figures.check.rows;
    expect(row).toBeDefined();
    expect(row!.agents).toBe(50);
    expect(row!.resources).toBeGreaterThan(50 * 5);
    expect([0, 1]).toContain(row!.check.exitCode);
    expect(row!.check.summary).toMatch(/50 agents/);
    expect(row!.check.wallMs).toBeGreaterThan(0);
    expect(row!.floor.wallMs).toBeGreaterThan(0);
    expect(row!.checkOverFloor).toBeCloseTo(row!.check.wallMs / row!.floor.wallMs, 1);
    expect(results.figures.check.ratioAt).toBe(50);
  });

  it("measures packing for every catalog role at 1, 10 and 100 resources", () => {
    expect(results.figures.packing).toHaveLength(12);
    for (const row of results.figures.packing) {
      expect(row.policies).toBeGreaterThanOrEqual(row.lowerBound);
      expect(row.largestDocument).toBeGreaterThan(0);
    }
  });

  it("measures both packs when awsguard is installed, and says why not otherwise", () => {
    const { policyCost, coldStart } = results.figures;
    if (withPacks) {
      expect("skipped" in policyCost).toBe(false);
      expect("skipped" in coldStart).toBe(false);
      if (!("skipped" in policyCost)) {
        expect(policyCost.resources).toBeGreaterThan(0);
        expect(policyCost.ours.pack).toMatch(/^agent-iam@/);
        expect(policyCost.awsguard.pack).toMatch(/^pulumi-awsguard@/);
        expect(policyCost.ratio).toBeGreaterThan(0);
      }
      if (!("skipped" in coldStart)) expect(coldStart.ours.ms).toBeGreaterThan(0);
    } else {
      expect(policyCost).toEqual({ skipped: expect.stringContaining("awsguard-pack/node_modules") });
      expect(coldStart).toEqual({ skipped: expect.stringContaining("awsguard-pack/node_modules") });
    }
  });

  it("prints one table with all five figures and every target", () => {
    for (const figure of ["1", "2", "3", "4", "5"]) expect(table).toMatch(new RegExp(`^\\| ${figure} `, "m"));
    expect(results.targets.map((target) => target.figure)).toEqual([1, 2, 3, 4, 5]);
    expect(table).toMatch(/check \/ floor at 50 agents/);
    expect(table).toMatch(/smoke run/);
    // One size only: growth needs two, and says so rather than inventing a number.
    expect(results.targets[0]).toMatchObject({ value: null, met: null });
    expect(results.settings).toMatchObject({ agents: [50], smoke: true });
  });
});
