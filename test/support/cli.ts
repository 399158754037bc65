import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** Helpers for the CLI's end-to-end tests: spawn the real `bin/agent-iam.js` and write throwaway programs. */

export const REPO = resolve(__dirname, "..", "..");
export const BIN = join(REPO, "bin", "agent-iam.js");
/** A team's own pack (not agent-iam's), used where a test must not depend on the project's pack. */
export const TEAM_PACK = join(REPO, "test", "fixtures", "cli-pack");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/agent-iam.js ARGS` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd ?? REPO,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Runs several CLI invocations, a few at a time (each one also starts a policy pack process), and
 * resolves with their results in order.
 */
export async function runAll(
  invocations: readonly (readonly [readonly string[], { cwd?: string; env?: Record<string, string> }?])[],
  concurrency = 3,
): Promise<CliRun[]> {
  const results = new Array<CliRun>(invocations.length);
  let next = 0;
  const worker = async () => {
    while (next < invocations.length) {
      const index = next++;
      const [args, options] = invocations[index]!;
      results[index] = await runCli(args, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, invocations.length) }, worker));
  return results;
}

/** How long a test file may take to run its shared CLI invocations. */
export const SHARED_RUNS_TIMEOUT = 600_000;

/**
 * A fresh folder for a test's Pulumi program, inside this repository (under `test-output/`, which
 * git ignores), so that the program resolves `@agent-iam/pulumi` and `@pulumi/*` from the
 * repository's own `node_modules` and package, as a program in a user's repository resolves them.
 */
export function programFolder(prefix = "agent-iam-cli-"): string {
  const parent = join(REPO, "test-output", "programs");
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, prefix));
}

/** A folder as the CLI shows it when run from the repository: relative to it. */
export function shown(dir: string): string {
  return relative(REPO, dir).split(sep).join("/");
}

/** Writes a program folder under a fresh folder: `{ "Pulumi.yaml": "...", "index.ts": "..." }`. */
export function writeProgram(files: Record<string, string>): string {
  const dir = programFolder();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A minimal `Pulumi.yaml`. */
export const PROJECT = (name = "cli-test") => `name: ${name}\nruntime: nodejs\n`;

/** What a report must never contain: a stack dump. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
