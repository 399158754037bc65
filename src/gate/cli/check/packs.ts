import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../program/errors";
import { PACKAGE_ROOT } from "../../program/package-root";
import {
  PackConfigError,
  PolicyPackError,
  PolicyPackProcess,
  type AnalyzerInfo,
  type AnalyzerResource,
} from "../../analyzer";
import type { PolicyConfig } from "./policy-config";
import type { DiagnosticLike } from "./violations";

/** This project's CrossGuard pack, found next to the CLI (not in the current folder). */
export const DEFAULT_PACK_DIR = join(PACKAGE_ROOT, "policy-pack");

/** A policy as a pack describes itself. */
export interface PackPolicy {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: string;
  /** Whether it judges each resource (`Analyze`) or the whole stack (`AnalyzeStack`). */
  readonly type?: "resource" | "stack" | "unknown";
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
  /** `AnalyzeStack` with the request already encoded (`analyzeStackRequestBytes` of `src/gate/analyzer/wire`). */
  analyzeStackEncoded(request: Uint8Array): Promise<DiagnosticLike[]>;
  close(): Promise<void>;
}

/** Checks a `--policy-pack` folder before anything starts: it must exist and hold `PulumiPolicy.yaml`. */
export function resolvePackDir(dir: string, cwd: string): string {
  const absolute = resolve(cwd, dir);
  if (!existsSync(absolute)) throw new UsageError(`--policy-pack ${dir}: no such folder`);
  if (!statSync(absolute).isDirectory())
    throw new UsageError(`--policy-pack ${dir}: not a folder; give the folder that holds PulumiPolicy.yaml`);
  if (!existsSync(join(absolute, "PulumiPolicy.yaml")))
    throw new UsageError(`--policy-pack ${dir}: not a CrossGuard policy pack (no PulumiPolicy.yaml in it)`);
  return absolute;
}

/** What the check keeps of a pack's `GetAnalyzerInfo`. */
export function packInfoOf(dir: string, info: AnalyzerInfo): PackInfo {
  return {
    dir,
    name: info.name,
    version: info.version,
    policies: info.policies.map((policy) => ({
      name: policy.name,
      description: policy.description,
      enforcementLevel: policy.enforcementLevel,
      type: policy.type,
    })),
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
      `${file}: ${unknown.map((name) => `"${name}"`).join(", ")} ${unknown.length === 1 ? "is" : "are"} not a policy of ${packs.length === 1 ? "the pack" : "any pack"}; the policies are ${[...known].sort().join(", ")}`,
    );
}

/** The stack a pack is told it judges (the engine's `ConfigureStack`). */
export interface PackStackInfo {
  readonly name: string;
  readonly project: string;
  readonly config: Readonly<Record<string, string>>;
  readonly preview: boolean;
}

/**
 * How much lower than the check's own a pack process runs (Unix niceness). The program's thread is
 * the check's critical path, and on a machine with few cores the packs compete with it for CPU
 * while the program runs; at a lower priority they use what it leaves and finish at the end, when
 * nothing else runs (measured in bench/README.md).
 */
export const PACK_PRIORITY_BELOW_CHECK = 10;

/** Starts one pack, configured with its policies' defaults; a pack that cannot start is a {@link UsageError} with the harness's message. */
export async function startPack(
  dir: string,
  stack: PackStackInfo,
): Promise<PackSession & { configure(config: PolicyConfig): Promise<void> }> {
  let process: PolicyPackProcess;
  try {
    process = await PolicyPackProcess.start(dir, { stack, lowerPriorityBy: PACK_PRIORITY_BELOW_CHECK });
  } catch (error) {
    throw new UsageError(
      error instanceof PolicyPackError
        ? error.message
        : `policy pack "${dir}" did not start: ${(error as Error).message}`,
    );
  }
  return {
    info: packInfoOf(dir, process.startInfo),
    analyze: (resource) => process.analyze(resource),
    analyzeStack: (resources) => process.analyzeStack(resources),
    analyzeStackEncoded: (request) => process.analyzeStackEncoded(request),
    close: () => process.close(),
    configure: (config) => process.configure(config),
  };
}

/**
 * Starts every pack and configures it as the engine does: each pack gets the entries of the config
 * file that name its policies (and `all`). An entry that names a policy of no pack, or that breaks
 * a policy's config schema, is a {@link UsageError} naming the file.
 */
export async function startPacks(
  dirs: readonly string[],
  config: PolicyConfig | undefined,
  stack: PackStackInfo,
  configLabel: string,
): Promise<PackSession[]> {
  const packs = await settleAll(dirs.map((dir) => startPack(dir, stack)));
  if (!config) return packs;
  try {
    checkConfigNames(
      config,
      packs.map((pack) => pack.info),
      configLabel,
    );
    for (const pack of packs) {
      const names = new Set(pack.info.policies.map((policy) => policy.name));
      const own = Object.fromEntries(Object.entries(config).filter(([name]) => name === "all" || names.has(name)));
      try {
        await pack.configure(own);
      } catch (error) {
        throw error instanceof PackConfigError ? new UsageError(`${configLabel}: ${error.message}`) : error;
      }
    }
    return packs;
  } catch (error) {
    await Promise.all(packs.map((pack) => pack.close().catch(() => undefined)));
    throw error;
  }
}

/** Waits for every start; if one failed, closes the others and throws the first failure. */
async function settleAll<T extends PackSession>(starts: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  const started = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value as T] : []));
  if (failed) {
    await Promise.all(started.map((session) => session.close().catch(() => undefined)));
    throw failed.reason;
  }
  return started;
}
