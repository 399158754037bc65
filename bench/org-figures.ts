import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { ENVIRONMENT_MIX, type FleetAgent, generateFleet, writeFleetProgram } from "./fleet";
import { measureProcess, type ProcessMeasure } from "./measure";

/**
 * Figure 6, the organisation check: the seed's fleet of N agents split as an organisation splits
 * it, into programs of at most `programSize` agents (one folder per program, each environment's
 * agents in programs of their own, the stack named after the environment), all under one folder.
 * Measured in one run, each in a fresh process with the same Node options:
 * - the floor of each program (`bench/floor.js`: the program under plain mocks, nothing judged),
 *   one after another;
 * - `agent-iam check FOLDER`, the organisation check;
 * - `agent-iam check PROGRAM` once per program, one after another.
 * Wall time, and peak memory as the whole process tree's (every program, pack and thread at once:
 * `tree-memory.ts`), since the organisation check runs programs side by side.
 */

const ROOT = resolve(__dirname, "..");
const CLI = join(ROOT, "bin", "agent-iam.js");
const FLOOR = join(__dirname, "floor.js");

/** One program of the organisation. */
export interface OrgProgram {
  readonly dir: string;
  readonly environment: string;
  readonly agents: number;
}

/** One measured run. */
export interface OrgRun {
  readonly wallMs: number;
  /** User + system CPU of the whole process tree (GNU time), in ms. */
  readonly cpuMs?: number;
  /** The process tree's largest memory at once, in KiB. */
  readonly peakTreeKb?: number;
  readonly exitCode: number;
  /** The machine's one-minute load average when the run started and ended (other work on the machine slows a run). */
  readonly load: readonly [number, number];
}

/** Figure 6. */
export interface OrgFigure {
  readonly agents: number;
  readonly programSize: number;
  readonly programs: readonly (OrgProgram & {
    readonly resources: number;
    readonly floor: OrgRun;
    readonly check: OrgRun;
  })[];
  readonly organisation: OrgRun & {
    /** Programs the check ran at once, as its report says. */
    readonly parallelism: number;
    readonly summary: string;
  };
  readonly floorsWallMs: number;
  readonly checksWallMs: number;
  /** The floors' CPU, and the checks' one after another (GNU time; null without it). */
  readonly floorsCpuMs: number | null;
  readonly checksCpuMs: number | null;
  /** organisation wall / (floors' total / parallelism): target ≤ 1.3. */
  readonly wallOverFloors: number;
  /** organisation wall / the checks' total, one program after another. */
  readonly wallOverSequential: number;
  /** organisation peak memory / the largest single program check's: target ≤ 1.5. */
  readonly memoryOverLargest: number | null;
}

/** The fleet split into programs: per environment, in `ceil(n / programSize)` programs of near-equal size. */
export function splitFleet(
  fleet: readonly FleetAgent[],
  programSize: number,
): { environment: string; agents: FleetAgent[] }[] {
  const parts: { environment: string; agents: FleetAgent[] }[] = [];
  for (const [environment] of ENVIRONMENT_MIX) {
    const agents = fleet.filter((agent) => agent.spec.environment === environment);
    const count = Math.ceil(agents.length / programSize);
    for (let part = 0; part < count; part += 1)
      parts.push({
        environment,
        agents: agents.slice(
          Math.floor((part * agents.length) / count),
          Math.floor(((part + 1) * agents.length) / count),
        ),
      });
  }
  return parts;
}

/** Writes the organisation's programs under `root`, one folder each. */
export function writeOrganisation(root: string, agents: number, programSize: number): OrgProgram[] {
  const fleet = generateFleet(agents);
  return splitFleet(fleet, programSize).map(({ environment, agents: part }, index) => {
    const name = `${environment}-${String(index + 1).padStart(2, "0")}`;
    const dir = join(root, name);
    writeFleetProgram(dir, part.length, { agents: part, project: `agent-fleet-${name}`, stack: environment });
    return { dir, environment, agents: part.length };
  });
}

function failure(what: string, measure: ProcessMeasure): Error {
  const tail = measure.stderr.trim().split("\n").slice(-15).join("\n");
  return new Error(`${what} exited with code ${measure.exitCode}${tail ? `:\n${tail}` : ""}`);
}

const run = (measure: ProcessMeasure, loadBefore: number): OrgRun => ({
  wallMs: Math.round(measure.wallMs),
  ...(measure.cpuMs !== undefined ? { cpuMs: measure.cpuMs } : {}),
  ...(measure.peakTreeKb !== undefined ? { peakTreeKb: measure.peakTreeKb } : {}),
  exitCode: measure.exitCode,
  load: [round(loadBefore), round(loadavg()[0]!)],
});

const round = (value: number) => Math.round(value * 100) / 100;

/** Options of {@link measureOrganisation}. */
export interface OrgOptions {
  readonly agents: number;
  readonly programSize: number;
  readonly workDir: string;
  readonly nodeOptions: string;
  readonly log: (line: string) => void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what it strips
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** Writes the organisation and measures figure 6 on it. */
export async function measureOrganisation(options: OrgOptions): Promise<OrgFigure> {
  const root = join(options.workDir, `organisation-${options.agents}`);
  const programs = writeOrganisation(root, options.agents, options.programSize);
  options.log(
    `  ${programs.length} programs of at most ${options.programSize.toLocaleString("en")} agents under ${root}`,
  );
  const env = { NODE_OPTIONS: options.nodeOptions, NO_COLOR: "1", FORCE_COLOR: "0" };
  const timeoutMs = 4 * 3_600_000;

  const floors: { resources: number; floor: OrgRun }[] = [];
  for (const program of programs) {
    const before = loadavg()[0]!;
    const floor = await measureProcess(process.execPath, [FLOOR, program.dir], {
      cwd: ROOT,
      env,
      sampleTree: true,
      timeoutMs,
    });
    if (floor.exitCode !== 0) throw failure(`the floor of ${program.dir}`, floor);
    const resources =
      (JSON.parse(floor.stdout.trim().split("\n").pop() ?? "{}") as { resources?: number }).resources ?? 0;
    floors.push({ resources, floor: run(floor, before) });
    options.log(`  floor  ${program.dir}: ${(floor.wallMs / 1000).toFixed(1)} s, ${resources} resources`);
  }

  const reportFile = join(options.workDir, "organisation-report.txt");
  const organisationLoad = loadavg()[0]!;
  const organisation = await measureProcess(process.execPath, [CLI, "check", root], {
    cwd: ROOT,
    env,
    stdoutFile: reportFile,
    sampleTree: true,
    timeoutMs,
  });
  if (organisation.exitCode !== 0 && organisation.exitCode !== 1)
    throw failure("agent-iam check of the organisation", organisation);
  const report = plain(readFileSync(reportFile, "utf8"));
  const parallelism = Number(/ (\d+) at a time /.exec(report.split("\n")[0] ?? "")?.[1] ?? Number.NaN);
  if (!Number.isInteger(parallelism))
    throw new Error(`the organisation check's report does not say how many programs ran at once`);
  options.log(
    `  check  ${root}: ${(organisation.wallMs / 1000).toFixed(1)} s (${parallelism} at a time, exit ${organisation.exitCode})`,
  );

  const checks: OrgRun[] = [];
  for (const program of programs) {
    const before = loadavg()[0]!;
    const check = await measureProcess(process.execPath, [CLI, "check", program.dir], {
      cwd: ROOT,
      env,
      stdoutFile: join(options.workDir, "program-report.txt"),
      sampleTree: true,
      timeoutMs,
    });
    if (check.exitCode !== 0 && check.exitCode !== 1) throw failure(`agent-iam check ${program.dir}`, check);
    checks.push(run(check, before));
    options.log(`  check  ${program.dir}: ${(check.wallMs / 1000).toFixed(1)} s (exit ${check.exitCode})`);
  }

  const floorsWallMs = floors.reduce((sum, item) => sum + item.floor.wallMs, 0);
  const checksWallMs = checks.reduce((sum, item) => sum + item.wallMs, 0);
  const largest = Math.max(...checks.map((check) => check.peakTreeKb ?? 0));
  const cpu = (runs: readonly OrgRun[]) =>
    runs.every((item) => item.cpuMs !== undefined) ? runs.reduce((sum, item) => sum + item.cpuMs!, 0) : null;
  const lines = report.trimEnd().split("\n");
  return {
    agents: options.agents,
    programSize: options.programSize,
    programs: programs.map((program, index) => ({ ...program, ...floors[index]!, check: checks[index]! })),
    organisation: { ...run(organisation, organisationLoad), parallelism, summary: lines[lines.length - 1] ?? "" },
    floorsWallMs,
    checksWallMs,
    floorsCpuMs: cpu(floors.map((item) => item.floor)),
    checksCpuMs: cpu(checks),
    wallOverFloors: organisation.wallMs / (floorsWallMs / parallelism),
    wallOverSequential: organisation.wallMs / checksWallMs,
    memoryOverLargest: organisation.peakTreeKb !== undefined && largest > 0 ? organisation.peakTreeKb / largest : null,
  };
}
