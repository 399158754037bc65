import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { awsguardInstalled } from "../../bench/awsguard";
import { generateFleet } from "../../bench/fleet";
import { splitFleet } from "../../bench/org-figures";
import type { BenchResults, OrgBenchResults } from "../../bench/results";
import { runBench, runOrgBench } from "../../bench/run";
import { formatOrgTable, formatTable } from "../../bench/table";
import { RULES } from "../../src/rules";

/**
 * A smoke run of `npm run bench` at 50 agents: the benchmark's whole code path works, prints a table
 * with all five figures and writes results.json in its shape. It checks that the benchmark runs,
 * never how fast anything is. Figures 3 and 4 need awsguard's wrapper pack: `npm test`'s pretest
 * installs it from its lock file (scripts/ensure-bench-packs.sh), so they run here too.
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
    expect(new Set(fleet.map((agent) => agent.spec.runsOn.kind))).toEqual(
      new Set(["github-actions", "gitlab-ci", "kubernetes"]),
    );
    expect(new Set(fleet.map((agent) => agent.spec.environment))).toEqual(new Set(["prod", "staging", "dev"]));
    expect(new Set(fleet.flatMap((agent) => agent.clouds))).toEqual(new Set(["aws", "gcp", "azure"]));
  });
});

describe("npm run bench, smoke run at 50 agents", () => {
  let results: BenchResults;
  let table: string;
  const resultsFile = join(scratch, "results.json");

  it("runs every figure and writes results.json", async () => {
    expect(
      awsguardInstalled(),
      "bench/awsguard-pack/node_modules is missing: run npm test (its pretest installs it) or npm ci --prefix bench/awsguard-pack",
    ).toBe(true);
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
  }, 300_000);

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

  it("measures both packs' policies in process on the same AWS resources, and their cold starts", () => {
    const { policyCost, coldStart } = results.figures;
    if ("skipped" in policyCost || "skipped" in coldStart)
      throw new Error(`figures 3 and 4 were not measured: ${JSON.stringify({ policyCost, coldStart })}`);
    expect(policyCost.resources).toBeGreaterThan(0);
    expect(Object.keys(policyCost.types).every((type) => type.startsWith("aws:"))).toBe(true);
    expect(policyCost.ours.pack).toMatch(/^agent-iam@/);
    expect(policyCost.awsguard.pack).toMatch(/^pulumi-awsguard@/);
    for (const cost of [policyCost.ours, policyCost.awsguard]) {
      expect(cost.wallUsPerResource).toBeGreaterThan(0);
      if (cost.cpuUsPerResource !== undefined)
        expect(cost.cpuUsPerResource).toBeCloseTo(cost.analyzeCpuUsPerResource! + cost.stackCpuUsPerResource!, 6);
    }
    // The fleet breaks no policy of ours; awsguard's defaults flag what a fleet of agent roles does not set (as it
    // should: all its policies are on), which shows its policies were called.
    expect(policyCost.awsguard.diagnostics).toBeGreaterThan(0);
    // Every rule of the table is a policy the pack process serves.
    expect(policyCost.ours.policies).toBe(RULES.length);
    expect(policyCost.ratio).toBeGreaterThan(0);
    expect(coldStart.ours.ms).toBeGreaterThan(0);
    expect(coldStart.awsguard.ms).toBeGreaterThan(0);
    expect(coldStart.ratio).toBeCloseTo(coldStart.ours.ms / coldStart.awsguard.ms, 6);
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

describe("npm run bench -- --org, smoke run at 30 agents in programs of at most 12", () => {
  let results: OrgBenchResults;
  const resultsFile = join(scratch, "results-org.json");

  it("splits the seed's fleet by environment into programs of at most the size, every agent once", () => {
    const fleet = generateFleet(1000, { today: "2026-11-23" });
    const parts = splitFleet(fleet, 200);
    expect(parts.every((part) => part.agents.length <= 200 && part.agents.length > 0)).toBe(true);
    expect(parts.every((part) => part.agents.every((agent) => agent.spec.environment === part.environment))).toBe(true);
    expect(parts.flatMap((part) => part.agents.map((agent) => agent.name)).sort()).toEqual(
      fleet.map((agent) => agent.name).sort(),
    );
  });

  it("measures the floors, the organisation check and the checks one by one, and writes results-org.json", async () => {
    results = await runOrgBench({ agents: 30, programSize: 12, resultsFile, smoke: true, log: () => undefined });
    expect(JSON.parse(readFileSync(resultsFile, "utf8"))).toEqual(JSON.parse(JSON.stringify(results)));
    const figure = results.organisation;
    expect(figure.programs.length).toBeGreaterThanOrEqual(3);
    expect(figure.programs.reduce((sum, program) => sum + program.agents, 0)).toBe(30);
    for (const program of figure.programs) {
      expect(program.resources).toBeGreaterThan(program.agents);
      expect(program.floor.wallMs).toBeGreaterThan(0);
      expect([0, 1]).toContain(program.check.exitCode);
    }
    expect(figure.organisation.parallelism).toBeGreaterThanOrEqual(1);
    expect([0, 1]).toContain(figure.organisation.exitCode);
    expect(figure.organisation.summary).toMatch(/30 agents/);
    expect(figure.wallOverFloors).toBeCloseTo(
      figure.organisation.wallMs / (figure.floorsWallMs / figure.organisation.parallelism),
      3,
    );
    if (process.platform === "linux") {
      expect(figure.organisation.peakTreeKb).toBeGreaterThan(0);
      expect(figure.memoryOverLargest).not.toBeNull();
    }
  }, 600_000);

  it("prints figure 6 with its two targets", () => {
    const table = formatOrgTable(results);
    expect(table).toMatch(/^\| 6 /m);
    expect(results.targets.map((target) => target.target)).toEqual(["≤ 1.3", "≤ 1.5"]);
    expect(table).toMatch(/smoke run/);
  });
});
