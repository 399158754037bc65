import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * `@pulumi/awsguard` wrapped as a pack (`bench/awsguard-pack/`), the pack figures 3 and 4 compare
 * ours with. It depends on `@pulumi/aws` 4 and `aws-sdk` 2, so it lives in its own folder with its
 * own package.json and is installed on demand, never into agent-iam's dependencies.
 */

/** The wrapper pack's folder. */
export const AWSGUARD_PACK_DIR = join(__dirname, "awsguard-pack");

/** Whether the wrapper's dependencies are installed. */
export function awsguardInstalled(): boolean {
  return existsSync(join(AWSGUARD_PACK_DIR, "node_modules", "@pulumi", "awsguard", "package.json"));
}

/** What {@link ensureAwsguard} did. */
export type AwsguardReady =
  | { readonly ready: true; readonly installMs?: number }
  | { readonly ready: false; readonly reason: string };

/**
 * Makes the wrapper pack usable: already installed, or (when `install`) installed now with
 * `npm ci --prefix bench/awsguard-pack --no-audit --no-fund` (from its lock file), timed.
 */
export async function ensureAwsguard(install: boolean, log: (line: string) => void): Promise<AwsguardReady> {
  if (awsguardInstalled()) return { ready: true };
  if (!install)
    return {
      ready: false,
      reason:
        "bench/awsguard-pack/node_modules is missing (run npm run bench once, or npm ci --prefix bench/awsguard-pack)",
    };
  log("  installing @pulumi/awsguard into bench/awsguard-pack (once) …");
  const started = Date.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const { code, output } = await new Promise<{ code: number; output: string }>((resolvePromise) => {
    const child = spawn(npm, ["ci", "--prefix", AWSGUARD_PACK_DIR, "--no-audit", "--no-fund"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => void (text += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => void (text += chunk.toString("utf8")));
    child.once("error", (error) => resolvePromise({ code: 1, output: error.message }));
    child.once("close", (exit) => resolvePromise({ code: exit ?? 1, output: text }));
  });
  if (code !== 0 || !awsguardInstalled())
    return {
      ready: false,
      reason: `npm ci in bench/awsguard-pack failed: ${output.trim().split("\n").slice(-5).join(" / ")}`,
    };
  return { ready: true, installMs: Date.now() - started };
}
