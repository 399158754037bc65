import { fork } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, freemem, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import { todayUtc } from "../../../model/dates";
import {
  ORGANISATION_ONLY_POLICIES,
  ORGANISATION_RULES,
  type OrganisationFinding,
  type StackFacts,
} from "../../../rules/organisation";
import { UsageError } from "../../program/errors";
import type { ReportLocation } from "../check/locations";
import { DEFAULT_PACK_DIR, type PackInfo, resolvePackDir } from "../check/packs";
import { type EnforcementLevel, type PolicyConfig, readPolicyConfig } from "../check/policy-config";
import { countByLevel, sortViolations, type Violation } from "../check/violations";
import { SILENT_PROGRESS, type Progress } from "../progress";
import { discoverPrograms, type ProgramUnit, shownFolder } from "./discover";
import { chooseParallelism, type Machine, type Parallelism } from "./parallelism";
import type { UnitFailure, UnitJob, UnitMessage, UnitReport, UnitResult } from "./unit";

/**
 * `agent-iam check DIR` for a folder of several Pulumi programs: every project × stack under DIR
 * is checked in a process of its own (Pulumi's runtime state is global per process), as many at
 * once as `parallelism.ts` allows, and their results are merged into one; then the organisation
 * rules (`src/rules/organisation`) judge every stack together.
 */

/** What the organisation check is asked to do. */
export interface OrganisationOptions {
  readonly dir: string;
  readonly packDirs?: readonly string[];
  readonly configFile?: string;
  /** `--stack`: only these stacks of each project. */
  readonly stacks?: readonly string[];
  readonly preview?: boolean;
  readonly cwd: string;
  /** `--jobs`: programs to run at once (default: chosen from the machine). */
  readonly jobs?: number;
  /** What the reports will need besides the human report. */
  readonly want?: { readonly resources?: boolean; readonly inventory?: boolean };
  readonly progress?: Progress;
  /** Where the programs' own output goes, each line prefixed with its program (default: stderr). */
  readonly log?: (text: string) => void;
  /** The largest `AnalyzeStack` request the packs accept (default: `@pulumi/policy`'s). */
  readonly stackMessageLimit?: number;
  /** The machine the parallelism is chosen for (default: this one). */
  readonly machine?: Machine;
}

/** One program's outcome. */
export interface UnitOutcome {
  readonly unit: ProgramUnit;
  /** `project/stack`, or the folder when the project could not be read. */
  readonly label: string;
  readonly notes: readonly string[];
  readonly report?: UnitReport;
  readonly failure?: UnitFailure;
  /** The file holding its resources for `--json` (items of the document's `resources` array). */
  readonly resourcesFile?: string;
}

/** Another agent a cross-stack violation is about. */
export interface RelatedAgent {
  readonly project: string;
  readonly stack: string;
  readonly urn: string;
  readonly location?: ReportLocation;
}

/** A violation the organisation rules found, reported on one agent of one program. */
export interface CrossStackViolation extends Violation {
  readonly project: string;
  readonly stack: string;
  readonly location?: ReportLocation;
  readonly related: readonly RelatedAgent[];
}

/** What the organisation check found. */
export interface OrganisationResult {
  /** DIR as reports show it. */
  readonly dir: string;
  readonly outcomes: readonly UnitOutcome[];
  /** Projects `--stack` left out, in words. */
  readonly skipped: readonly string[];
  /** The packs the programs were checked with (as the first program that ran them describes them). */
  readonly packs: readonly PackInfo[];
  readonly crossStack: readonly CrossStackViolation[];
  /** Why the organisation rules did not run, when they did not. */
  readonly crossStackSkipped?: string;
  readonly parallelism: Parallelism;
  readonly preview: boolean;
  /** The day risk and review dates were judged on (UTC). */
  readonly today: string;
  /** 0 no mandatory violation anywhere, 1 a mandatory violation, 2 a program could not be checked. */
  readonly exitCode: 0 | 1 | 2;
  /** Removes the files the programs' processes wrote. */
  dispose(): void;
}

/** agent-iam's own pack, whose policies the organisation rules report under. */
const OWN_PACK_NAME = "agent-iam";

/** The process one program is checked in: the compiled module beside this one, or its source through tsx (tests). */
const WORKER = __filename.endsWith(".ts")
  ? { file: require.resolve("./unit-worker.ts"), execArgv: ["--require", require.resolve("tsx/cjs")] }
  : { file: require.resolve("./unit-worker.js"), execArgv: [] };

/** The machine this process runs on. */
export function thisMachine(): Machine {
  return {
    cores: availableParallelism(),
    availableBytes: freemem(),
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  };
}

/** The config entries the organisation check judges itself, checked; the rest goes to the packs. */
function packsConfig(config: PolicyConfig | undefined, label: string): PolicyConfig | undefined {
  if (!config) return undefined;
  const packs: PolicyConfig = {};
  for (const [name, entry] of Object.entries(config)) {
    if (!ORGANISATION_ONLY_POLICIES.includes(name)) packs[name] = entry;
    else if (typeof entry === "object" && Object.keys(entry).some((key) => key !== "enforcementLevel"))
      throw new UsageError(
        `${label}: "${name}" has no config properties; give its enforcement level ("mandatory", "advisory" or "disabled")`,
      );
  }
  return packs;
}

/** A policy's level under a config: its own entry, else `all`, else its default. */
export function configuredLevel(
  policy: string,
  defaultLevel: EnforcementLevel,
  config: PolicyConfig | undefined,
): EnforcementLevel {
  const levelOf = (entry: PolicyConfig[string] | undefined) =>
    typeof entry === "string" ? entry : entry?.enforcementLevel;
  return levelOf(config?.[policy]) ?? levelOf(config?.all) ?? defaultLevel;
}

/** The organisation rules' findings as violations, at each policy's configured level. */
export function crossStackViolations(
  reports: readonly UnitReport[],
  config: PolicyConfig | undefined,
  packVersion: string,
): CrossStackViolation[] {
  const stacks: StackFacts[] = reports.map((report) => report.facts);
  const violations: CrossStackViolation[] = [];
  const seen = new Set<string>();
  for (const rule of ORGANISATION_RULES) {
    const level = configuredLevel(rule.policy, rule.enforcementLevel, config);
    if (level === "disabled") continue;
    for (const finding of rule.check(stacks) as OrganisationFinding[]) {
      const report = reports[finding.stack]!;
      const key = JSON.stringify([rule.policy, report.project, report.stack, finding.urn, finding.message]);
      if (seen.has(key)) continue;
      seen.add(key);
      violations.push({
        policy: rule.policy,
        policyPack: OWN_PACK_NAME,
        policyPackVersion: packVersion,
        description: rule.description,
        enforcementLevel: finding.level === "advisory" && level === "mandatory" ? "advisory" : level,
        urn: finding.urn,
        message: finding.message,
        project: report.project,
        stack: report.stack,
        ...(report.agentLocations[finding.urn] ? { location: report.agentLocations[finding.urn] } : {}),
        related: finding.related.map((related) => {
          const other = reports[related.stack]!;
          const location = other.agentLocations[related.urn];
          return { project: other.project, stack: other.stack, urn: related.urn, ...(location ? { location } : {}) };
        }),
      });
    }
  }
  const order = new Map(sortViolations(violations).map((violation, index) => [violation, index]));
  return violations.sort(
    (a, b) =>
      order.get(a)! - order.get(b)! ||
      (a.project < b.project ? -1 : a.project > b.project ? 1 : a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0),
  );
}

/** `project/stack` of a unit, as far as it is known. */
function labelOf(unit: ProgramUnit, report?: UnitReport, project?: string): string {
  if (report) return `${report.project}/${report.stack}`;
  const name = project ?? unit.project;
  return name ? `${name}/${unit.stack ?? "dev"}` : unit.path;
}

/** Forwards a process's output to `log`, line by line, each line prefixed with its program. */
function forwardLines(
  stream: NodeJS.ReadableStream | null,
  prefix: () => string,
  log: (text: string) => void,
  tail: string[],
) {
  let pending = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      log(`[${prefix()}] ${line}\n`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  });
  stream?.on("end", () => {
    if (pending) {
      log(`[${prefix()}] ${pending}\n`);
      tail.push(pending);
    }
  });
}

/** Runs every unit in processes of its own, `parallelism` programs at a time, and collects the outcomes in order. */
async function runUnits(
  units: readonly ProgramUnit[],
  jobOf: (unit: ProgramUnit, index: number) => { job: UnitJob; file: string },
  parallelism: number,
  progress: Progress,
  log: (text: string) => void,
): Promise<UnitOutcome[]> {
  const outcomes = new Array<UnitOutcome>(units.length);
  let next = 0;
  let running = 0;
  let alive = 0;
  let done = 0;
  return new Promise((resolvePromise) => {
    const finish = (index: number, outcome: UnitOutcome) => {
      outcomes[index] = outcome;
      done += 1;
      progress.count("checking programs", done, units.length);
      if (done === units.length) resolvePromise(outcomes);
      else schedule();
    };
    const start = (index: number) => {
      const unit = units[index]!;
      if (unit.loadError) {
        finish(index, {
          unit,
          label: labelOf(unit),
          notes: [],
          failure: { name: "UsageError", message: unit.loadError },
        });
        return;
      }
      const { job, file } = jobOf(unit, index);
      running += 1;
      alive += 1;
      let programRunning = true;
      const ran = () => {
        if (!programRunning) return;
        programRunning = false;
        running -= 1;
        schedule();
      };
      const tail: string[] = [];
      const child = fork(WORKER.file, [file], {
        execArgv: [...process.execArgv, ...WORKER.execArgv],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      const prefix = () => labelOf(unit);
      forwardLines(child.stdout, prefix, log, tail);
      forwardLines(child.stderr, prefix, log, tail);
      child.on("message", (message: UnitMessage) => {
        if (message?.kind === "ran") ran();
      });
      let concluded = false;
      let spawnError: Error | undefined;
      child.once("error", (error) => {
        spawnError = error;
        // A process that never started sends no close.
        if (child.pid === undefined) conclude(null, null);
      });
      // After `close`, the process has exited and its output has been read to the end.
      child.once("close", (code: number | null, signal: NodeJS.Signals | null) => conclude(code, signal));
      function conclude(code: number | null, signal: NodeJS.Signals | null) {
        if (concluded) return;
        concluded = true;
        const error = spawnError;
        ran();
        alive -= 1;
        let outcome: UnitOutcome;
        try {
          const result = JSON.parse(readFileSync(job.resultFile, "utf8")) as UnitResult;
          outcome =
            "report" in result
              ? {
                  unit,
                  label: labelOf(unit, result.report),
                  notes: result.notes,
                  report: result.report,
                  ...(result.report.resourcesWritten > 0 ? { resourcesFile: job.resourcesFile } : {}),
                }
              : { unit, label: labelOf(unit, undefined, result.project), notes: result.notes, failure: result.failure };
        } catch {
          const how = error ? error.message : signal ? `it was stopped by ${signal}` : `it exited with code ${code}`;
          const last = tail.slice(-8).join("\n");
          outcome = {
            unit,
            label: labelOf(unit),
            notes: [],
            failure: {
              name: "Error",
              message: `the check of this program stopped before it finished (${how})${last ? `; its last output:\n${last}` : ""}`,
            },
          };
        }
        finish(index, outcome);
      }
    };
    const schedule = () => {
      // A program whose run has ended only waits for its packs: the next one starts beside it.
      while (next < units.length && running < parallelism && alive < 2 * parallelism) start(next++);
    };
    progress.count("checking programs", 0, units.length);
    schedule();
  });
}

/** Checks every program under `options.dir` and judges them together. Throws {@link UsageError} when it cannot start. */
export async function runOrganisation(options: OrganisationOptions): Promise<OrganisationResult> {
  const progress = options.progress ?? SILENT_PROGRESS;
  const log = options.log ?? ((text: string) => void process.stderr.write(text));
  const packDirs =
    options.packDirs && options.packDirs.length > 0
      ? options.packDirs.map((dir) => resolvePackDir(dir, options.cwd))
      : [DEFAULT_PACK_DIR];
  if (!existsSync(DEFAULT_PACK_DIR) && packDirs[0] === DEFAULT_PACK_DIR)
    throw new UsageError(
      `the default policy pack is missing (${DEFAULT_PACK_DIR}); reinstall agent-iam or pass --policy-pack DIR`,
    );
  const configLabel = `--config ${options.configFile ?? ""}`;
  const config = options.configFile
    ? readPolicyConfig(resolve(options.cwd, options.configFile), options.configFile)
    : undefined;
  const forPacks = packsConfig(config, configLabel);
  const { units, skipped } = discoverPrograms(options.dir, options.cwd, options.stacks);
  const parallelism = chooseParallelism(units.length, options.machine ?? thisMachine(), options.jobs);
  const today = todayUtc();
  const scratch = mkdtempSync(join(tmpdir(), "agent-iam-org-"));
  const dispose = () => rmSync(scratch, { recursive: true, force: true });
  try {
    const jobOf = (unit: ProgramUnit, index: number): { job: UnitJob; file: string } => {
      const job: UnitJob = {
        dir: unit.dir,
        ...(unit.stack ? { stack: unit.stack } : {}),
        packDirs,
        ...(forPacks ? { policyConfig: forPacks } : {}),
        configLabel,
        preview: options.preview ?? false,
        cwd: options.cwd,
        today,
        want: { resources: options.want?.resources ?? false, inventory: options.want?.inventory ?? false },
        resultFile: join(scratch, `result-${index}.json`),
        resourcesFile: join(scratch, `resources-${index}.json`),
        ...(options.stackMessageLimit !== undefined ? { stackMessageLimit: options.stackMessageLimit } : {}),
      };
      const file = join(scratch, `job-${index}.json`);
      writeFileSync(file, JSON.stringify(job));
      return { job, file };
    };
    const outcomes = await runUnits(units, jobOf, parallelism.programs, progress, log);
    progress.stop();

    // The same usage error in every program (a config entry no pack knows) is one usage error.
    const failures = outcomes.map((outcome) => outcome.failure);
    if (
      failures.every((failure) => failure?.name === "UsageError") &&
      new Set(failures.map((failure) => failure!.message)).size === 1 &&
      units.every((unit) => !unit.loadError)
    )
      throw new UsageError(failures[0]!.message);

    const reports = outcomes.flatMap((outcome) => (outcome.report ? [outcome.report] : []));
    const packs = reports[0]?.packs ?? [];
    const own = packs.find((pack) => pack.name === OWN_PACK_NAME);
    let crossStack: CrossStackViolation[] = [];
    let crossStackSkipped: string | undefined;
    if (!own)
      crossStackSkipped = `the cross-stack rules are agent-iam's and run with its pack, which was not among the packs`;
    else crossStack = crossStackViolations(reports, config, own.version);

    const failed = outcomes.some((outcome) => outcome.failure || outcome.report?.stackTooLarge);
    const mandatory = reports.some((report) => report.exitCode === 1) || countByLevel(crossStack).mandatory > 0;
    return {
      dir: shownFolder(options.dir, options.cwd),
      outcomes,
      skipped,
      packs,
      crossStack,
      ...(crossStackSkipped ? { crossStackSkipped } : {}),
      parallelism,
      preview: options.preview ?? false,
      today,
      exitCode: failed ? 2 : mandatory ? 1 : 0,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  } finally {
    progress.stop();
  }
}
