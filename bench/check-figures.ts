import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFleetProgram } from "./fleet";
import { measureProcess, type ProcessMeasure } from "./measure";

/**
 * Figures 1 and 2: `agent-iam check` on a generated fleet of N agents (the real CLI, spawned as a
 * user runs it), and the floor: the same program under Pulumi's plain mocks, with no recording and
 * no policy evaluation (`bench/floor.js`). Both run in fresh processes with the same Node options;
 * each is run `repeats` times, alternating, and the fastest run of each counts (machines are noisy,
 * and noise only ever adds time).
 */

const ROOT = resolve(__dirname, "..");
const CLI = join(ROOT, "bin", "agent-iam.js");
const FLOOR = join(__dirname, "floor.js");

/** One measured run, as results.json keeps it. */
export interface RunFigure {
  readonly wallMs: number;
  readonly peakRssKb?: number;
  readonly cpuMs?: number;
}

/** Figures 1 and 2 for one fleet size. */
export interface CheckRow {
  readonly agents: number;
  /** Resources the program registers (the stack included), as the floor counted them. */
  readonly resources: number;
  readonly check: RunFigure & { readonly exitCode: number; readonly summary: string; readonly runs: readonly number[] };
  readonly floor: RunFigure & { readonly runs: readonly number[] };
  /** check wall time / floor wall time. */
  readonly checkOverFloor: number;
}

/** Options of {@link measureCheckRow}. */
export interface CheckRowOptions {
  /** Where the generated program goes. */
  readonly workDir: string;
  readonly repeats: number;
  /** Node options both processes run with (the heap limit a large fleet needs). */
  readonly nodeOptions: string;
  readonly log: (line: string) => void;
}

function best(measures: readonly ProcessMeasure[]): ProcessMeasure {
  return measures.reduce((fastest, measure) => (measure.wallMs < fastest.wallMs ? measure : fastest));
}

function figure(measure: ProcessMeasure): RunFigure {
  return {
    wallMs: Math.round(measure.wallMs),
    ...(measure.peakRssKb !== undefined ? { peakRssKb: measure.peakRssKb } : {}),
    ...(measure.cpuMs !== undefined ? { cpuMs: measure.cpuMs } : {}),
  };
}

function failure(what: string, measure: ProcessMeasure): Error {
  const tail = measure.stderr.trim().split("\n").slice(-15).join("\n");
  return new Error(`${what} exited with code ${measure.exitCode}${tail ? `:\n${tail}` : ""}`);
}

/** The report's last line: `✔ PASSED: … (100 agents, 1807 resources, 15 policies)`. */
function summaryOf(file: string): string {
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what the test looks for
  return (lines[lines.length - 1] ?? "").replace(/\u001b\[[0-9;]*m/g, "");
}

/** Generates the fleet of `agents`, then measures the floor and the check on it, alternating. */
export async function measureCheckRow(agents: number, options: CheckRowOptions): Promise<CheckRow> {
  const dir = join(options.workDir, `fleet-${agents}`);
  writeFleetProgram(dir, agents);
  const env = { NODE_OPTIONS: options.nodeOptions, NO_COLOR: "1", FORCE_COLOR: "0" };
  const floors: ProcessMeasure[] = [];
  const checks: ProcessMeasure[] = [];
  let resources = 0;
  const reportFile = join(options.workDir, `check-${agents}.txt`);
  for (let round = 0; round < options.repeats; round += 1) {
    const floor = await measureProcess(process.execPath, [FLOOR, dir], { cwd: ROOT, env });
    if (floor.exitCode !== 0) throw failure(`the floor at ${agents} agents`, floor);
    resources = (JSON.parse(floor.stdout.trim().split("\n").pop() ?? "{}") as { resources?: number }).resources ?? 0;
    floors.push(floor);
    options.log(`  floor  ${agents} agents: ${(floor.wallMs / 1000).toFixed(1)} s`);
    const check = await measureProcess(process.execPath, [CLI, "check", dir], {
      cwd: ROOT,
      env,
      stdoutFile: reportFile,
    });
    if (check.exitCode !== 0 && check.exitCode !== 1) throw failure(`agent-iam check at ${agents} agents`, check);
    checks.push(check);
    options.log(`  check  ${agents} agents: ${(check.wallMs / 1000).toFixed(1)} s (exit ${check.exitCode})`);
  }
  const check = best(checks);
  const floor = best(floors);
  return {
    agents,
    resources,
    check: {
      ...figure(check),
      exitCode: check.exitCode,
      summary: summaryOf(reportFile),
      runs: checks.map((run) => Math.round(run.wallMs)),
    },
    floor: { ...figure(floor), runs: floors.map((run) => Math.round(run.wallMs)) },
    checkOverFloor: check.wallMs / floor.wallMs,
  };
}
