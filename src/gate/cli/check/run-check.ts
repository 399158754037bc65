import { existsSync } from "node:fs";
import type { StackTooLarge } from "../../analyzer/message-limit";
import { resolve } from "node:path";
import { UsageError } from "../../program/errors";
import { loadProject, type ProgramProject } from "../../program/project";
import type { RecordedResource, RecordedStack } from "../../program/record";
import { runProject } from "../../program/run";
import { SILENT_PROGRESS, type Progress } from "../progress";
import { agentSummaries, type AgentSummary } from "./agents";
import { AnalyzerView } from "./analyzer-resources";
import { startPackThread } from "./pack-thread";
import { DEFAULT_PACK_DIR, resolvePackDir, type PackInfo } from "./packs";
import { type PolicyConfig, readPolicyConfig } from "./policy-config";
import { countByLevel, violationsFrom, type DiagnosticLike, type Violation } from "./violations";

/** What `agent-iam check` is asked to do. */
export interface CheckOptions {
  /** The program's folder (default: the current folder). */
  readonly programDir?: string;
  /** `--policy-pack` folders (default: this project's pack). */
  readonly packDirs?: readonly string[];
  /** `--config`: a policy config file in Pulumi's format (relative to `cwd`). */
  readonly configFile?: string;
  /** The policy config itself, already read (instead of `configFile`, which then only names it in messages). */
  readonly policyConfig?: PolicyConfig;
  readonly stack?: string;
  readonly preview?: boolean;
  /** The folder relative paths are read from. */
  readonly cwd: string;
  readonly progress?: Progress;
  /** The largest `AnalyzeStack` request the packs accept (default: `@pulumi/policy`'s, `ANALYZER_MESSAGE_LIMIT`). */
  readonly stackMessageLimit?: number;
  /** Called once the program has run (the packs may still be judging it). */
  readonly onProgramDone?: () => void;
}

/** What a check found. */
export interface CheckResult {
  readonly project: ProgramProject;
  readonly recorded: RecordedStack;
  readonly packs: readonly PackInfo[];
  readonly violations: readonly Violation[];
  readonly agents: readonly AgentSummary[];
  /**
   * Set when the stack's `AnalyzeStack` request was past the analyzer's message limit and was not
   * sent: the violations are the resource policies' only.
   */
  readonly stackTooLarge?: StackTooLarge;
  /** 0 without a mandatory violation, 1 with one, 2 when the stack policies could not run (`stackTooLarge`). */
  readonly exitCode: 0 | 1 | 2;
}

/**
 * Runs the program under mocks and evaluates every resource and the stack against each pack,
 * through the analyzer protocol the Pulumi engine uses. Packs start while the program runs.
 * Throws `UsageError` or `ProgramFailure` (exit code 2) when it cannot check.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const progress = options.progress ?? SILENT_PROGRESS;
  const packDirs =
    options.packDirs && options.packDirs.length > 0
      ? options.packDirs.map((dir) => resolvePackDir(dir, options.cwd))
      : [DEFAULT_PACK_DIR];
  if (!existsSync(DEFAULT_PACK_DIR) && packDirs[0] === DEFAULT_PACK_DIR)
    throw new UsageError(
      `the default policy pack is missing (${DEFAULT_PACK_DIR}); reinstall agent-iam or pass --policy-pack DIR`,
    );
  const config =
    options.policyConfig ??
    (options.configFile ? readPolicyConfig(resolve(options.cwd, options.configFile), options.configFile) : undefined);
  const project = loadProject(options.programDir ?? options.cwd, { stack: options.stack });

  progress.phase("starting policy packs and running the program");
  const preview = options.preview ?? false;
  const stack = { name: project.stack, project: project.name, config: project.config, preview };
  // The packs start, and judge each resource as the program registers it (as the engine does), in
  // a thread of their own while this one runs the program.
  const thread = startPackThread({
    packDirs,
    config,
    stack,
    configLabel: `--config ${options.configFile ?? ""}`,
    ...(options.stackMessageLimit !== undefined ? { stackMessageLimit: options.stackMessageLimit } : {}),
  });
  const view = new AnalyzerView({ project: project.name, stack: project.stack, config: project.config });
  let registered = 0;
  thread.onProgress((analyzed) => progress.count("checking resources", analyzed, registered));
  // The outputs each resource had when it was sent: those that change later (a component's registerOutputs) are sent again at the end.
  const sentState: Record<string, unknown>[] = [];
  const onResource = (resource: RecordedResource) => {
    view.add(resource);
    registered += 1;
    sentState.push(resource.state);
    thread.analyze(view.resource(resource, "analyze"), view.resource(resource, "stack"));
  };

  try {
    const ran = await runProject(project, { preview, onResource }).then(
      (recorded) => ({ recorded }),
      (error: unknown) => ({ error }),
    );
    if ("recorded" in ran) options.onProgramDone?.();
    const outcome = await thread.started.then(
      (infos) => ({ infos }),
      (error: unknown) => ({ error }),
    );
    // The program's own failure is the one to report when both fail.
    if ("error" in ran) throw ran.error;
    if ("error" in outcome) throw outcome.error;
    const { recorded } = ran;

    const changed = recorded.resources.flatMap((resource, index) =>
      resource.state === sentState[index] ? [] : [{ index, resource: view.resource(resource, "stack") }],
    );
    const { diagnostics, stackTooLarge } = await thread.finish(changed, () => progress.phase("checking the stack"));
    const stackUrn = recorded.resources[0]?.urn ?? "";
    const violations = violationsFrom(diagnostics as DiagnosticLike[], stackUrn);
    return {
      project,
      recorded,
      packs: outcome.infos,
      violations,
      agents: agentSummaries(recorded.resources),
      ...(stackTooLarge ? { stackTooLarge } : {}),
      exitCode: stackTooLarge ? 2 : countByLevel(violations).mandatory > 0 ? 1 : 0,
    };
  } finally {
    progress.stop();
    await thread.close();
  }
}
