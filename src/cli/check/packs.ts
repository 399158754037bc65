import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../program/errors";
import { PACKAGE_ROOT } from "../../program/resolve-fallback";
import type { AnalyzerResource } from "./analyzer-resources";
import type { PolicyConfig } from "./policy-config";
import type { DiagnosticLike } from "./violations";

/** This project's CrossGuard pack, found next to the CLI (not in the current folder). */
export const DEFAULT_PACK_DIR = join(PACKAGE_ROOT, "policy-pack");

/** A policy as a pack describes itself. */
export interface PackPolicy {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: string;
}

/** What a running pack says about itself. */
export interface PackInfo {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly policies: readonly PackPolicy[];
}

/** A pack running in its own process, spoken to over the analyzer protocol. */
export interface PackSession {
  readonly info: PackInfo;
  analyze(resource: AnalyzerResource): Promise<DiagnosticLike[]>;
  analyzeStack(resources: AnalyzerResource[]): Promise<DiagnosticLike[]>;
  close(): Promise<void>;
}

/** The analyzer harness (`src/analyzer`): starts a pack the way the engine does and speaks its protocol. */
interface PolicyPackProcessLike {
  info(): unknown;
  analyze(resource: AnalyzerResource): Promise<DiagnosticLike[]>;
  analyzeStack(resources: AnalyzerResource[]): Promise<DiagnosticLike[]>;
  close(): unknown;
}
interface PolicyPackProcessClass {
  start(packDir: string, options?: { config?: Record<string, unknown>; env?: Record<string, string> }): Promise<PolicyPackProcessLike>;
}

/** Checks a `--policy-pack` folder before anything starts: it must exist and hold `PulumiPolicy.yaml`. */
export function resolvePackDir(dir: string, cwd: string): string {
  const absolute = resolve(cwd, dir);
  if (!existsSync(absolute)) throw new UsageError(`--policy-pack ${dir}: no such folder`);
  if (!statSync(absolute).isDirectory()) throw new UsageError(`--policy-pack ${dir}: not a folder; give the folder that holds PulumiPolicy.yaml`);
  if (!existsSync(join(absolute, "PulumiPolicy.yaml")))
    throw new UsageError(`--policy-pack ${dir}: not a CrossGuard policy pack (no PulumiPolicy.yaml in it)`);
  return absolute;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** Reads a pack's self-description, whatever casing the harness uses for the protocol fields. */
export function packInfoOf(dir: string, raw: unknown): PackInfo {
  const info = record(raw);
  const policies = Array.isArray(info.policies) ? info.policies : Array.isArray(info.policiesList) ? info.policiesList : [];
  return {
    dir,
    name: String(info.name ?? dir),
    version: String(info.version ?? ""),
    policies: policies.map((policy) => {
      const entry = record(policy);
      return { name: String(entry.name), description: String(entry.description ?? ""), enforcementLevel: String(entry.enforcementLevel ?? "advisory") };
    }),
  };
}

/**
 * Config entries that name a policy of no pack: a usage error, since a typo would otherwise leave
 * that policy silently at its default level.
 */
export function checkConfigNames(config: PolicyConfig | undefined, packs: readonly PackInfo[], file: string): void {
  if (!config) return;
  const known = new Set(packs.flatMap((pack) => pack.policies.map((policy) => policy.name)));
  const unknown = Object.keys(config).filter((name) => name !== "all" && !known.has(name));
  if (unknown.length > 0)
    throw new UsageError(
      `--config ${file}: ${unknown.map((name) => `"${name}"`).join(", ")} ${unknown.length === 1 ? "is" : "are"} not a policy of ${packs.length === 1 ? "the pack" : "any pack"}; the policies are ${[...known].sort().join(", ")}`,
    );
}

function harness(): PolicyPackProcessClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../analyzer") as { PolicyPackProcess: PolicyPackProcessClass }).PolicyPackProcess;
}

/** Starts one pack with its config; a pack that cannot start is a {@link UsageError} with its own message. */
export async function startPack(dir: string, config: PolicyConfig | undefined): Promise<PackSession> {
  let process: PolicyPackProcessLike;
  try {
    process = await harness().start(dir, config ? { config } : {});
  } catch (error) {
    throw new UsageError(`the policy pack in ${dir} did not start: ${(error as Error).message}`);
  }
  const info = packInfoOf(dir, await process.info());
  return {
    info,
    analyze: (resource) => process.analyze(resource),
    analyzeStack: (resources) => process.analyzeStack(resources),
    close: async () => {
      await process.close();
    },
  };
}
