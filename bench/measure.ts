import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleTreeMemory } from "./tree-memory";

/**
 * Runs a command as a child process and measures it: wall time (from spawn to exit, in this
 * process), peak memory and CPU time. Peak memory is the largest resident set of the child or any
 * process it waited for (a pack it started): GNU time's `%M`, or, without `/usr/bin/time`, the
 * child's own `process.resourceUsage().maxRSS` reported at exit through `bench/rss-hook.js`.
 */

/** What one run cost. */
export interface ProcessMeasure {
  readonly wallMs: number;
  /** Peak resident set size in KiB (undefined when it could not be measured). */
  readonly peakRssKb?: number;
  /** User + system CPU of the child and the processes it waited for, in ms (undefined without GNU time). */
  readonly cpuMs?: number;
  readonly exitCode: number;
  /** What the child wrote to stdout (to a file when `stdoutFile` was given; then empty here). */
  readonly stdout: string;
  readonly stderr: string;
  /** How peak memory was measured. */
  readonly memorySource: "gnu-time" | "rss-hook" | "none";
  /** The largest memory of the whole process tree at once, in KiB (with `sampleTree`; see tree-memory.ts). */
  readonly peakTreeKb?: number;
}

/** Options of {@link measureProcess}. */
export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Write the child's stdout to this file instead of keeping it in memory (reports can be large). */
  readonly stdoutFile?: string;
  /** Kill the child after this long (default 1 hour). */
  readonly timeoutMs?: number;
  /** Also sample the memory of the child and every process below it (`peakTreeKb`). */
  readonly sampleTree?: boolean;
}

const GNU_TIME = "/usr/bin/time";
const RSS_HOOK = join(__dirname, "rss-hook.js");

let gnuTime: boolean | undefined;

/** Whether `/usr/bin/time` is GNU time (it accepts `-f` and `-o`). */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    gnuTime = false;
    if (existsSync(GNU_TIME)) {
      try {
        const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
        const probe = spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" });
        gnuTime = probe.status === 0 && /^\d+\s*$/m.test(probe.stderr);
      } catch {
        gnuTime = false;
      }
    }
  }
  return gnuTime;
}

/** Spawns `command args`, waits for it, and measures it (see {@link ProcessMeasure}). */
export async function measureProcess(
  command: string,
  args: readonly string[],
  options: MeasureOptions = {},
): Promise<ProcessMeasure> {
  const scratch = mkdtempSync(join(tmpdir(), "agent-iam-bench-measure-"));
  try {
    const timeFile = join(scratch, "time.txt");
    const rssFile = join(scratch, "rss.txt");
    const useTime = hasGnuTime();
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    if (!useTime) {
      env.AGENT_IAM_BENCH_RSS_FILE = rssFile;
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --require ${RSS_HOOK}`.trim();
    }
    const [file, argv] = useTime
      ? [GNU_TIME, ["-f", "%M %U %S", "-o", timeFile, command, ...args]]
      : [command, [...args]];
    const out = options.stdoutFile ? openSync(options.stdoutFile, "w") : undefined;
    let sampler: { stop(): number | undefined } | undefined;
    const started = process.hrtime.bigint();
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolvePromise, reject) => {
        const child = spawn(file, argv, { cwd: options.cwd, env, stdio: ["ignore", out ?? "pipe", "pipe"] });
        if (options.sampleTree && child.pid !== undefined) sampler = sampleTreeMemory(child.pid);
        let stdoutText = "";
        let stderrText = "";
        child.stdout?.on("data", (chunk: Buffer) => void (stdoutText += chunk.toString("utf8")));
        child.stderr?.on("data", (chunk: Buffer) => {
          stderrText += chunk.toString("utf8");
          if (stderrText.length > 200_000) stderrText = stderrText.slice(-100_000);
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 3_600_000);
        child.once("error", (error) => {
          clearTimeout(timer);
          sampler?.stop();
          reject(error);
        });
        child.once("close", (exit, signal) => {
          clearTimeout(timer);
          resolvePromise({ code: exit ?? (signal ? 128 : 1), stdout: stdoutText, stderr: stderrText });
        });
      },
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const peakTreeKb = sampler?.stop();
    if (out !== undefined) closeSync(out);
    let peakRssKb: number | undefined;
    let cpuMs: number | undefined;
    let memorySource: ProcessMeasure["memorySource"] = "none";
    if (useTime && existsSync(timeFile)) {
      // GNU time writes "Command exited with non-zero status N" before the format line when the child fails.
      const line = readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "";
      const [rss, user, system] = line.split(/\s+/).map(Number);
      if (Number.isFinite(rss)) [peakRssKb, memorySource] = [rss, "gnu-time"];
      if (Number.isFinite(user) && Number.isFinite(system)) cpuMs = Math.round((user! + system!) * 1000);
    } else if (existsSync(rssFile)) {
      const values = readFileSync(rssFile, "utf8")
        .split("\n")
        .map(Number)
        .filter((value) => Number.isFinite(value) && value > 0);
      if (values.length > 0) [peakRssKb, memorySource] = [Math.max(...values), "rss-hook"];
    }
    return {
      wallMs,
      peakRssKb,
      cpuMs,
      exitCode: code,
      stdout,
      stderr,
      memorySource,
      ...(peakTreeKb !== undefined ? { peakTreeKb } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
