import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../program/errors";
import { PACKAGE_ROOT } from "../../program/resolve-fallback";
import { PackConfigError, PolicyPackError, PolicyPackProcess, type AnalyzerResource } from "../../analyzer";
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
 * Starts one pack with its config, as the engine does. A pack that cannot start, or a config it
 * refuses, is a {@link UsageError} carrying the harness's own message.
 */
export async function startPack(dir: string, config: PolicyConfig | undefined, stack: PackStackInfo, configLabel = "--config"): Promise<PackSession> {
  let process: PolicyPackProcess;
  try {
    process = await PolicyPackProcess.start(dir, { ...(config ? { config } : {}), stack });
  } catch (error) {
    if (error instanceof PackConfigError) throw new UsageError(`${configLabel}: ${error.message}`);
    throw new UsageError(error instanceof PolicyPackError ? error.message : `policy pack "${dir}" did not start: ${(error as Error).message}`);
  }
  const info = packInfoOf(dir, process.startInfo);
  return {
    info,
    analyze: (resource) => process.analyze(resource),
    analyzeStack: (resources) => process.analyzeStack(resources),
    close: () => process.close(),
  };
}

/**
 * Starts every pack. With one config for several packs, each pack gets the entries that name its
 * policies (and `all`), so it is first asked what its policies are; an entry no pack knows is a
 * {@link UsageError}.
 */
export async function startPacks(dirs: readonly string[], config: PolicyConfig | undefined, stack: PackStackInfo, configLabel: string): Promise<PackSession[]> {
  if (!config || dirs.length === 1) return settleAll(dirs.map((dir) => startPack(dir, config, stack, configLabel)));
  const probes = await settleAll(dirs.map((dir) => startPack(dir, undefined, stack, configLabel)));
  const infos = probes.map((probe) => probe.info);
  await Promise.all(probes.map((probe) => probe.close()));
  checkConfigNames(config, infos, configLabel);
  return settleAll(
    dirs.map((dir, index) => {
      const names = new Set(infos[index]!.policies.map((policy) => policy.name));
      const own = Object.fromEntries(Object.entries(config).filter(([name]) => name === "all" || names.has(name)));
      return startPack(dir, own, stack, configLabel);
    }),
  );
}

/** Waits for every start; if one failed, closes the others and throws the first failure. */
async function settleAll(starts: Promise<PackSession>[]): Promise<PackSession[]> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  const started = settled.filter((result): result is PromiseFulfilledResult<PackSession> => result.status === "fulfilled").map((result) => result.value);
  if (failed) {
    await Promise.all(started.map((session) => session.close().catch(() => undefined)));
    throw failed.reason;
  }
  return started;
}
