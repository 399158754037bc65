import { existsSync, readFileSync } from "node:fs";
import { PolicyPackProcess, type AnalyzerResource } from "../src/gate/analyzer";
import { median } from "./measure";

/**
 * Figures 3 and 4: what a pack costs through the analyzer path `agent-iam check` uses
 * (`src/gate/analyzer`, the Pulumi engine's protocol): per resource, and to start.
 */

/** What one pack costs per resource: a pass is what the engine sends, `Analyze` of each resource, then one `AnalyzeStack` of them all. */
export interface PackCost {
  readonly pack: string;
  readonly policies: number;
  /** CPU time of the pack's process per resource for the whole pass, µs (decoding, policies, answers). */
  readonly cpuUsPerResource?: number;
  /** Of which `Analyze` (the resource policies), µs per resource. */
  readonly analyzeCpuUsPerResource?: number;
  /** Of which `AnalyzeStack` (the stack policies), µs per resource. */
  readonly stackCpuUsPerResource?: number;
  /** Wall time per resource for the whole pass as the gate sees it, µs (includes encoding on the gate's side). */
  readonly wallUsPerResource: number;
  /** Diagnostics it reported in one pass. */
  readonly diagnostics: number;
}

/** Figure 3. */
export interface PolicyCostFigure {
  /** The AWS resources replayed (from a recorded fleet of `agents` agents). */
  readonly agents: number;
  readonly resources: number;
  readonly types: Readonly<Record<string, number>>;
  readonly passes: number;
  readonly ours: PackCost;
  readonly awsguard: PackCost;
  /** ours / awsguard, on pack CPU per resource for the whole pass (on wall time when CPU could not be read): the target's figure. */
  readonly ratio: number;
  /** ours / awsguard on `Analyze` alone (the resource policies), for context; undefined without CPU times. */
  readonly analyzeRatio?: number;
  readonly basis: "cpu" | "wall";
}

/** Figure 4: milliseconds from spawning a pack until it has answered GetAnalyzerInfo and Configure. */
export interface ColdStartFigure {
  readonly ours: { readonly ms: number; readonly runs: readonly number[] };
  readonly awsguard: { readonly ms: number; readonly runs: readonly number[] };
  readonly ratio: number;
}

/** CPU time (user + system) a process has used so far, ms, from /proc; undefined where there is none. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return undefined;
  // The fields after the command name (which may hold spaces) start at state: utime and stime are the 12th and 13th of them.
  const text = readFileSync(file, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  // Linux reports in clock ticks of 1/100 s (USER_HZ) on every common architecture.
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

/**
 * The resources `AnalyzeStack` gets for the AWS part of a program: the AWS resources and the
 * components and stack they belong to (a pack may read an agent's metadata off its component), in
 * registration order.
 */
export function withAncestors(
  resources: readonly AnalyzerResource[],
  chosen: (resource: AnalyzerResource) => boolean,
): AnalyzerResource[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const kept = new Set<string>();
  for (const resource of resources) {
    if (!chosen(resource)) continue;
    for (
      let at: AnalyzerResource | undefined = resource;
      at && !kept.has(at.urn);
      at = at.parent ? byUrn.get(at.parent) : undefined
    )
      kept.add(at.urn);
  }
  return resources.filter((resource) => kept.has(resource.urn));
}

async function coldStart(dir: string): Promise<number> {
  const started = process.hrtime.bigint();
  const pack = await PolicyPackProcess.start(dir);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  await pack.close();
  return elapsed;
}

/**
 * Figure 4: each pack started `repeats` times, alternating, after one start of each that is not
 * counted (it fills the file cache and the TypeScript loader's cache, as any second run has them).
 */
export async function measureColdStart(
  packs: { ours: string; awsguard: string },
  repeats: number,
): Promise<ColdStartFigure> {
  await coldStart(packs.ours);
  await coldStart(packs.awsguard);
  const ours: number[] = [];
  const awsguard: number[] = [];
  for (let round = 0; round < repeats; round += 1) {
    ours.push(Math.round(await coldStart(packs.ours)));
    awsguard.push(Math.round(await coldStart(packs.awsguard)));
  }
  return {
    ours: { ms: median(ours), runs: ours },
    awsguard: { ms: median(awsguard), runs: awsguard },
    ratio: median(ours) / median(awsguard),
  };
}
