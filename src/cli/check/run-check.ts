import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../../program/errors";
import { loadProject, type ProgramProject } from "../../program/project";
import type { RecordedResource, RecordedStack } from "../../program/record";
import { runProject } from "../../program/run";
import { SILENT_PROGRESS, type Progress } from "../progress";
import { agentSummaries, type AgentSummary } from "./agents";
import { AnalyzerView } from "./analyzer-resources";
import { DEFAULT_PACK_DIR, resolvePackDir, startPacks, type PackInfo, type PackSession } from "./packs";
import { readPolicyConfig } from "./policy-config";
import { countByLevel, violationsFrom, type DiagnosticLike, type Violation } from "./violations";

/** What `agent-iam check` is asked to do. */
export interface CheckOptions {
  /** The program's folder (default: the current folder). */
  readonly programDir?: string;
  /** `--policy-pack` folders (default: this project's pack). */
  readonly packDirs?: readonly string[];
  /** `--config`: a policy config file in Pulumi's format (relative to `cwd`). */
  readonly configFile?: string;
  readonly stack?: string;
  readonly preview?: boolean;
  /** The folder relative paths are read from. */
  readonly cwd: string;
  readonly progress?: Progress;
}

/** What a check found. */
export interface CheckResult {
  readonly project: ProgramProject;
  readonly recorded: RecordedStack;
  readonly packs: readonly PackInfo[];
  readonly violations: readonly Violation[];
  readonly agents: readonly AgentSummary[];
  /** 0 without a mandatory violation, 1 with one. */
  readonly exitCode: 0 | 1;
}

/** How many analyze requests are in flight at once, per check. */
const IN_FLIGHT = 64;

/** Runs async work with at most `limit` tasks at a time. */
function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((ready) => waiting.push(ready));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** The outcome of one analysis, kept as a value so that a failure surfaces where it is read, not as an unhandled rejection. */
type Outcome = { diagnostics: DiagnosticLike[] } | { error: unknown };

/**
 * Runs the program under mocks and evaluates every resource and the stack against each pack,
 * through the analyzer protocol the Pulumi engine uses. Packs start while the program runs.
 * Throws `UsageError` or `ProgramFailure` (exit code 2) when it cannot check.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const progress = options.progress ?? SILENT_PROGRESS;
  const packDirs =
    options.packDirs && options.packDirs.length > 0 ? options.packDirs.map((dir) => resolvePackDir(dir, options.cwd)) : [DEFAULT_PACK_DIR];
  if (!existsSync(DEFAULT_PACK_DIR) && packDirs[0] === DEFAULT_PACK_DIR)
    throw new UsageError(`the default policy pack is missing (${DEFAULT_PACK_DIR}); reinstall agent-iam or pass --policy-pack DIR`);
  const config = options.configFile ? readPolicyConfig(resolve(options.cwd, options.configFile), options.configFile) : undefined;
  const project = loadProject(options.programDir ?? options.cwd, { stack: options.stack });

  progress.phase("starting policy packs and running the program");
  const preview = options.preview ?? false;
  const stack = { name: project.stack, project: project.name, config: project.config, preview };
  const starting = startPacks(packDirs, config, stack, `--config ${options.configFile ?? ""}`);
  // Observed at once, so that a pack failing while the program still runs is not an unhandled rejection.
  const started = starting.then(
    (packs) => ({ packs }),
    (error: unknown) => ({ packs: [] as PackSession[], error }),
  );

  // Each resource goes to the packs as soon as the program registers it, as the engine does: the
  // packs judge while the program still runs.
  const view = new AnalyzerView({ project: project.name, stack: project.stack, config: project.config });
  const limit = limiter(IN_FLIGHT);
  const analyses: Promise<Outcome>[] = [];
  let registered = 0;
  let analyzed = 0;
  const onResource = (resource: RecordedResource) => {
    view.add(resource);
    const request = view.resource(resource, "analyze");
    registered += 1;
    analyses.push(
      started
        .then(({ packs }) =>
          Promise.all(
            packs.map((pack) =>
              // A resource policy's diagnostic names no URN: the engine knows which resource it asked about.
              limit(() => pack.analyze(request)).then((found) => found.map((diagnostic) => ({ ...diagnostic, urn: diagnostic.urn || request.urn }))),
            ),
          ),
        )
        .then(
          (found): Outcome => ({ diagnostics: found.flat() }),
          (error: unknown): Outcome => ({ error }),
        )
        .finally(() => progress.count("checking resources", ++analyzed, registered)),
    );
  };

  let packs: PackSession[] = [];
  try {
    const ran = await runProject(project, { preview, onResource }).then(
      (recorded) => ({ recorded }),
      (error: unknown) => ({ error }),
    );
    const outcome = await started;
    packs = outcome.packs;
    // The program's own failure is the one to report when both fail.
    if ("error" in ran) throw ran.error;
    if ("error" in outcome) throw outcome.error;
    const { recorded } = ran;

    const diagnostics: DiagnosticLike[] = [];
    for (const analysis of await Promise.all(analyses)) {
      if ("error" in analysis) throw analysis.error;
      diagnostics.push(...analysis.diagnostics);
    }
    progress.phase("checking the stack");
    const stackWide = view.all(recorded.resources, "stack");
    for (const pack of packs) diagnostics.push(...(await pack.analyzeStack(stackWide)));

    const stackUrn = recorded.resources[0]?.urn ?? "";
    const violations = violationsFrom(diagnostics, stackUrn);
    return {
      project,
      recorded,
      packs: packs.map((pack) => pack.info),
      violations,
      agents: agentSummaries(recorded.resources),
      exitCode: countByLevel(violations).mandatory > 0 ? 1 : 0,
    };
  } finally {
    progress.stop();
    await Promise.all(packs.map((pack) => pack.close().catch(() => undefined)));
  }
}
