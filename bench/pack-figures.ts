import { existsSync, readFileSync } from "node:fs";
import { PolicyPackProcess, type AnalyzerResource } from "../src/gate/analyzer";
import { median } from "./measure";
import type { RecordedForPacks } from "./recorded";

/**
 * Figures 3 and 4: what a pack costs through the analyzer path `agent-iam check` uses
 * (`src/gate/analyzer`, the Pulumi engine's protocol): per resource, and to start.
 */

/** Analyze requests in flight at once, as `agent-iam check` sends them (src/gate/cli/check/run-check.ts). */
const IN_FLIGHT = 64;

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

async function analyzePass(pack: PolicyPackProcess, resources: readonly AnalyzerResource[]): Promise<number> {
  let running = 0;
  let diagnostics = 0;
  const waiting: (() => void)[] = [];
  await Promise.all(
    resources.map(async (resource) => {
      if (running >= IN_FLIGHT) await new Promise<void>((ready) => waiting.push(ready));
      running += 1;
      try {
        diagnostics += (await pack.analyze(resource)).length;
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    }),
  );
  return diagnostics;
}

/** Pack CPU (ms) a piece of work costs, from /proc; undefined where there is none. */
async function cpuOf<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ value: T; cpuMs?: number }> {
  const before = processCpuMs(pid);
  const value = await work();
  const after = processCpuMs(pid);
  return { value, ...(before !== undefined && after !== undefined ? { cpuMs: after - before } : {}) };
}

/** One pass of a pack: its CPU for `Analyze` of each resource and for `AnalyzeStack` of all, and the wall time. */
interface Pass {
  readonly wall: number;
  readonly analyze?: number;
  readonly stack?: number;
}

async function onePass(
  pack: PolicyPackProcess,
  analyze: readonly AnalyzerResource[],
  stack: AnalyzerResource[],
): Promise<Pass> {
  const started = process.hrtime.bigint();
  const resources = await cpuOf(pack.pid, () => analyzePass(pack, analyze));
  const stackWide = await cpuOf(pack.pid, () => pack.analyzeStack(stack));
  return { wall: Number(process.hrtime.bigint() - started) / 1e6, analyze: resources.cpuMs, stack: stackWide.cpuMs };
}

/** The cheapest of a pack's passes (by CPU where /proc gives it, else by wall time), per resource. */
function packCost(pack: PolicyPackProcess, passes: readonly Pass[], resources: number, diagnostics: number): PackCost {
  const cost = (pass: Pass) =>
    pass.analyze !== undefined && pass.stack !== undefined ? pass.analyze + pass.stack : pass.wall;
  const best = passes.reduce((cheapest, pass) => (cost(pass) < cost(cheapest) ? pass : cheapest));
  const perResource = (ms: number) => (ms * 1000) / resources;
  return {
    pack: `${pack.startInfo.name}@${pack.startInfo.version}`,
    policies: pack.startInfo.policies.length,
    ...(best.analyze !== undefined && best.stack !== undefined
      ? {
          cpuUsPerResource: perResource(best.analyze + best.stack),
          analyzeCpuUsPerResource: perResource(best.analyze),
          stackCpuUsPerResource: perResource(best.stack),
        }
      : {}),
    wallUsPerResource: perResource(best.wall),
    diagnostics,
  };
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

/**
 * Figure 3: both packs started as the gate starts a pack for the recorded stack, one warm-up pass
 * each, then `passes` passes of each, alternating (the machine's drift falls on both alike); the
 * cheapest pass of each counts (noise only ever adds time). One pack works at a time.
 */
export async function measurePolicyCost(
  recording: RecordedForPacks,
  agents: number,
  packs: { ours: string; awsguard: string },
  passes: number,
): Promise<PolicyCostFigure> {
  const isAws = (resource: AnalyzerResource) => resource.type.startsWith("aws:");
  const resources = recording.analyze.filter(isAws);
  const stack = withAncestors(recording.stackResources, isAws);
  const types: Record<string, number> = {};
  for (const resource of resources) types[resource.type] = (types[resource.type] ?? 0) + 1;
  const stackInfo = { name: recording.stack, project: recording.project, config: recording.config, preview: false };
  const started: PolicyPackProcess[] = [];
  try {
    for (const dir of [packs.ours, packs.awsguard])
      started.push(await PolicyPackProcess.start(dir, { stack: stackInfo }));
    const [ourPack, theirPack] = started as [PolicyPackProcess, PolicyPackProcess];
    const diagnostics: number[] = [];
    for (const pack of started)
      diagnostics.push((await analyzePass(pack, resources)) + (await pack.analyzeStack(stack)).length);
    const ourPasses: Pass[] = [];
    const theirPasses: Pass[] = [];
    for (let pass = 0; pass < passes; pass += 1) {
      ourPasses.push(await onePass(ourPack, resources, stack));
      theirPasses.push(await onePass(theirPack, resources, stack));
    }
    const ours = packCost(ourPack, ourPasses, resources.length, diagnostics[0]!);
    const awsguard = packCost(theirPack, theirPasses, resources.length, diagnostics[1]!);
    const basis = ours.cpuUsPerResource !== undefined && awsguard.cpuUsPerResource !== undefined ? "cpu" : "wall";
    const ratio =
      basis === "cpu"
        ? ours.cpuUsPerResource! / awsguard.cpuUsPerResource!
        : ours.wallUsPerResource / awsguard.wallUsPerResource;
    const analyzeRatio =
      ours.analyzeCpuUsPerResource !== undefined && awsguard.analyzeCpuUsPerResource
        ? ours.analyzeCpuUsPerResource / awsguard.analyzeCpuUsPerResource
        : undefined;
    return {
      agents,
      resources: resources.length,
      types,
      passes,
      ours,
      awsguard,
      ratio,
      ...(analyzeRatio !== undefined ? { analyzeRatio } : {}),
      basis,
    };
  } finally {
    await Promise.all(started.map((pack) => pack.close()));
  }
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
