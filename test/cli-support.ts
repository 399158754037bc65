import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** Helpers for the CLI's end-to-end tests: spawn the real `bin/agent-iam.js` and write throwaway programs. */

export const REPO = resolve(__dirname, "..");
export const BIN = join(REPO, "bin", "agent-iam.js");
/** A team's own pack (not agent-iam's), used where a test must not depend on the project's pack. */
export const TEAM_PACK = join(REPO, "test", "fixtures", "cli-pack");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/agent-iam.js ARGS` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...options.env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Writes a program folder under a fresh temporary folder: `{ "Pulumi.yaml": "...", "index.ts": "..." }`. */
export function writeProgram(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "agent-iam-cli-"));
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
