import type { CheckRow } from "./check-figures";
import type { ColdStartFigure, PolicyCostFigure } from "./pack-figures";
import type { OrgFigure } from "./org-figures";
import type { PackingRow } from "./packing-figure";

/**
 * What `npm run bench` writes to `bench/results.json` and prints as one table. Every figure is a
 * ratio of two measurements taken in the same run; absolute times are printed for context and
 * never asserted.
 */

/** A target of the issue, evaluated on this run. */
export interface TargetResult {
  readonly figure: 1 | 2 | 3 | 4 | 5;
  readonly name: string;
  /** The measured value (a ratio, or a count). */
  readonly value: number | null;
  /** The target, in words: `≤ 1.5`. */
  readonly target: string;
  /** null when the run did not measure it (figures 3 and 4 without awsguard, growth without both sizes). */
  readonly met: boolean | null;
  readonly note?: string;
}

/** Figure 3 and 4, or why they were not measured. */
export type Skipped = { readonly skipped: string };

/** The whole document. */
export interface BenchResults {
  readonly version: 1;
  readonly generatedAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
    readonly loadAverage: readonly number[];
  };
  readonly settings: {
    readonly seed: number;
    readonly agents: readonly number[];
    readonly repeats: number;
    readonly nodeOptions: string;
    readonly policyCostAgents: number;
    readonly smoke: boolean;
  };
  readonly figures: {
    /** Figures 1 and 2: per fleet size, the check and the floor. */
    readonly check: {
      readonly rows: readonly CheckRow[];
      readonly growth: { readonly from: number; readonly to: number; readonly value: number } | null;
      readonly ratioAt: number | null;
    };
    readonly policyCost: PolicyCostFigure | Skipped;
    readonly coldStart: ColdStartFigure | Skipped;
    readonly packing: readonly PackingRow[];
  };
  readonly targets: readonly TargetResult[];
  readonly durationMs: number;
}

/**
 * Figure 3's target: what agent-iam's policies cost per resource, as a share of what running the
 * program costs per resource under plain mocks (the floor of figure 2): the pack's own work beside
 * the work every `pulumi preview` of the program does anyway.
 */
export function policyShare(policyCost: PolicyCostFigure | undefined, row: CheckRow | undefined): number | null {
  if (!policyCost?.ours.cpuUsPerResource || !row) return null;
  const floorUsPerResource = ((row.floor.cpuMs ?? row.floor.wallMs) * 1000) / row.resources;
  return policyCost.ours.cpuUsPerResource / floorUsPerResource;
}

/** The targets of the issue, on these figures. */
export function evaluateTargets(figures: BenchResults["figures"]): TargetResult[] {
  const { rows, growth, ratioAt } = figures.check;
  const atRatio = rows.find((row) => row.agents === ratioAt);
  const policyCost = "skipped" in figures.policyCost ? undefined : figures.policyCost;
  const coldStart = "skipped" in figures.coldStart ? undefined : figures.coldStart;
  const packingMet = figures.packing.every((row) => row.withinOneOfBound && row.withinLimits);
  return [
    {
      figure: 1,
      name: growth
        ? `check growth ${growth.from.toLocaleString("en")}→${growth.to.toLocaleString("en")} agents (linear ${(growth.to / growth.from).toFixed(1)})`
        : "check growth",
      value: growth ? growth.value : null,
      target: growth ? `≤ ${((growth.to / growth.from) * 1.1).toFixed(1)}` : "≤ 5.5",
      met: growth ? growth.value <= (growth.to / growth.from) * 1.1 : null,
      ...(growth ? {} : { note: "needs two fleet sizes" }),
    },
    {
      figure: 2,
      name: `check / floor at ${ratioAt?.toLocaleString("en") ?? "1,000"} agents`,
      value: atRatio ? atRatio.checkOverFloor : null,
      target: "≤ 1.5",
      met: atRatio ? atRatio.checkOverFloor <= 1.5 : null,
    },
    {
      figure: 3,
      name: "our policies' CPU per resource / the floor's CPU per resource",
      value: policyShare(policyCost, atRatio),
      target: "≤ 0.15",
      met: policyCost && atRatio ? policyShare(policyCost, atRatio)! <= 0.15 : null,
      ...(policyCost ? {} : { note: (figures.policyCost as Skipped).skipped }),
    },
    {
      figure: 4,
      name: "pack cold start, ours / awsguard",
      value: coldStart ? coldStart.ratio : null,
      target: "≤ 1.0",
      met: coldStart ? coldStart.ratio <= 1 : null,
      ...(coldStart ? {} : { note: (figures.coldStart as Skipped).skipped }),
    },
    {
      figure: 5,
      name: "managed policies − lower bound (worst role and size)",
      value:
        figures.packing.length > 0
          ? Math.max(...figures.packing.map((row) => (row.error ? Infinity : row.policies - row.lowerBound)))
          : null,
      target: "≤ 1, every document ≤ 6,144 chars",
      met: figures.packing.length > 0 ? packingMet : null,
    },
  ];
}

/** A target of figure 6, evaluated on this run. */
export interface OrgTargetResult {
  readonly name: string;
  readonly value: number | null;
  readonly target: string;
  readonly met: boolean | null;
}

/** What `npm run bench -- --org N` writes to `bench/results-org.json`. */
export interface OrgBenchResults {
  readonly version: 1;
  readonly generatedAt: string;
  readonly machine: BenchResults["machine"];
  readonly settings: {
    readonly seed: number;
    readonly agents: number;
    readonly programSize: number;
    readonly nodeOptions: string;
    readonly smoke: boolean;
  };
  readonly organisation: OrgFigure;
  readonly targets: readonly OrgTargetResult[];
  readonly durationMs: number;
}

/** Figure 6's targets: wall ≤ 1.3 × the floors' total / the parallelism used; peak memory ≤ 1.5 × the largest program's check. */
export function evaluateOrgTargets(figure: OrgFigure): OrgTargetResult[] {
  return [
    {
      name: `organisation check wall / (floors' total / ${figure.organisation.parallelism} at a time)`,
      value: figure.wallOverFloors,
      target: "≤ 1.3",
      met: figure.wallOverFloors <= 1.3,
    },
    {
      name: "organisation check peak memory / the largest program's check",
      value: figure.memoryOverLargest,
      target: "≤ 1.5",
      met: figure.memoryOverLargest === null ? null : figure.memoryOverLargest <= 1.5,
    },
  ];
}
