import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Helpers for the tests that use agent-iam as a user gets it: `npm pack` of this repository or of
 * its pack folder, installed from the registry into a fresh project outside this repository.
 */

export const REPO = join(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** `npm pack` in `dir` (its `prepack` runs, as at publish), into a fresh folder; returns the tarball's path. */
export function npmPack(dir: string): string {
  const out = mkdtempSync(join(tmpdir(), "agent-iam-pack-"));
  const report = execFileSync(NPM, ["pack", "--json", "--pack-destination", out], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [packed] = JSON.parse(report.slice(report.indexOf("["))) as { filename: string }[];
  return join(out, packed!.filename);
}

/** What `npm pack --dry-run --json` says would be in the tarball: file paths and sizes. */
export function packContents(dir: string): {
  files: { path: string; size: number }[];
  size: number;
  unpackedSize: number;
} {
  const report = execFileSync(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(report.slice(report.indexOf("["))) as {
    files: { path: string; size: number }[];
    size: number;
    unpackedSize: number;
  }[];
  return packed!;
}

/** Writes a project's files under a fresh temporary folder (outside this repository). */
export function writeProject(prefix: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** `npm install` in `dir` from the registry (npm's cache first), as a user's CI does. */
export function npmInstall(dir: string, args: readonly string[] = []): void {
  execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...args], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 600_000,
  });
}

/** Runs a command in `cwd` and returns its exit code and output, never throwing for a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: withoutForceColor({ ...process.env, NO_COLOR: "1", ...env }),
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Node warns when both NO_COLOR and FORCE_COLOR are set; the runs here want no colour. */
function withoutForceColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _ignored, ...rest } = env;
  return rest;
}

/** Bytes under a folder (symbolic links not followed). */
export function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** The version of a package this repository's own install resolved, so a consumer gets the same. */
export function installedVersion(name: string): string {
  return (require(join(REPO, "node_modules", name, "package.json")) as { version: string }).version;
}
