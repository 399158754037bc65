import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { inventoryDocument } from "../../../reports/inventory/document";
import { environmentConfig, environmentIsolation } from "../../../rules/environment-isolation";
import { readStackFacts } from "../../../rules/organisation";
import type { PolicyResource } from "../../../rules/support/stack";
import { ProgramFailure } from "../../program/errors";
import { type RecordedResource, STACK_TYPE } from "../../program/record";
import { displayPath } from "../../program/source-location";
import { type CheckResult, runCheck } from "../check/run-check";
import { locator, type ReportLocation } from "../check/locations";
import { PACK_PRIORITY_BELOW_CHECK } from "../check/packs";
import type { PolicyConfig } from "../check/policy-config";
import { jsonResources } from "../report/json";
import { indentedJson } from "../report/org-json";
import type { UnitFailure, UnitJob, UnitMessage, UnitReport, UnitResult } from "./unit";

/**
 * One program of an organisation check, in a process of its own (Pulumi's runtime state is global
 * per process): `node unit-worker.js JOB_FILE`. It runs the check `agent-iam check PROGRAM_DIR`
 * runs, tells the organisation check over IPC when the program has run (so the next program can
 * start while this one's packs finish), and writes what the reports and the organisation rules
 * need to the job's result file.
 */

/** The `environment-isolation` config the organisation rules read a stack's environment with. */
function environmentConfigOf(config: PolicyConfig | undefined) {
  const entry = config?.[environmentIsolation.name];
  const properties =
    typeof entry === "object" && entry !== null
      ? Object.fromEntries(Object.entries(entry).filter(([key]) => key !== "enforcementLevel"))
      : {};
  const parsed = environmentConfig.safeParse(properties);
  return parsed.success ? parsed.data : environmentConfig.parse({});
}

/** Resources as `AnalyzeStack` hands them to a stack policy, with each `AgentIdentity`'s `agent` input beside its outputs. */
function policyResources(resources: readonly RecordedResource[]): PolicyResource[] {
  return resources
    .filter((resource) => resource.type !== STACK_TYPE)
    .map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      props: { ...resource.inputs, ...resource.state },
      ...(resource.parent ? { parent: resource.parent } : {}),
      dependencies: resource.dependencies,
      propertyDependencies: resource.propertyDependencies,
    }));
}

/** Writes the resources of the program's JSON document, as items of the organisation document's `resources` array. */
function writeResources(file: string, result: CheckResult, locate: (urn: string) => ReportLocation): number {
  const fd = openSync(file, "w");
  let written = 0;
  try {
    for (const entry of jsonResources(result.recorded.resources, locate)) {
      const item = { project: result.project.name, stack: result.project.stack, ...entry };
      writeSync(fd, `${written > 0 ? ",\n" : ""}${indentedJson(item, 2)}`);
      written += 1;
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

function reportOf(job: UnitJob, result: CheckResult): UnitReport {
  const { project, recorded } = result;
  const locate = locator(recorded.resources, project.dir, project.main, job.cwd);
  const facts = readStackFacts(
    { project: project.name, stack: project.stack },
    policyResources(recorded.resources),
    { today: job.today, stackName: project.stack, stackConfig: project.config },
    environmentConfigOf(job.policyConfig),
  );
  const inventory = job.want.inventory
    ? inventoryDocument(recorded.resources, job.today, undefined, `${project.name}/${project.stack}`).agents.map(
        (record) => ({ project: project.name, ...record }),
      )
    : undefined;
  return {
    project: project.name,
    stack: project.stack,
    main: displayPath(project.main, job.cwd),
    preview: recorded.preview,
    packs: result.packs,
    resourceCount: recorded.resources.filter((resource) => resource.type !== STACK_TYPE).length,
    violations: result.violations.map((violation) => ({ ...violation, location: locate(violation.urn) })),
    agents: result.agents,
    ...(result.stackTooLarge ? { stackTooLarge: result.stackTooLarge } : {}),
    exitCode: result.exitCode,
    facts,
    agentLocations: Object.fromEntries(facts.agents.map((agent) => [agent.urn, locate(agent.urn)])),
    ...(inventory ? { inventory } : {}),
    ...(job.want.resources ? { outputs: recorded.outputs } : {}),
    resourcesWritten: job.want.resources ? writeResources(job.resourcesFile, result, locate) : 0,
  };
}

function failureOf(error: unknown): UnitFailure {
  if (error instanceof ProgramFailure)
    return {
      name: error.name,
      message: error.message,
      kind: error.kind,
      ...(error.location ? { location: error.location } : {}),
    };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** Runs the job and writes its result file. */
export async function runUnit(job: UnitJob, onRan: () => void): Promise<void> {
  let result: UnitResult;
  let notes: readonly string[] = [];
  try {
    const checked = await runCheck({
      programDir: job.dir,
      packDirs: job.packDirs,
      ...(job.policyConfig ? { policyConfig: job.policyConfig, configFile: job.configLabel } : {}),
      ...(job.stack ? { stack: job.stack } : {}),
      preview: job.preview,
      cwd: job.cwd,
      ...(job.stackMessageLimit !== undefined ? { stackMessageLimit: job.stackMessageLimit } : {}),
      onProgramDone: onRan,
    });
    notes = checked.project.notes;
    result = { notes, report: reportOf(job, checked) };
  } catch (error) {
    result = { notes, failure: failureOf(error) };
  }
  writeFileSync(job.resultFile, JSON.stringify(result));
}

/**
 * Once its program has run, what is left of a check (its packs' stack analysis, the organisation
 * facts, the result file) runs below the next program's priority: the organisation check starts
 * the next program then, and that program's thread is the critical path. (Unix niceness of this
 * thread; the pack processes already run lower, `PACK_PRIORITY_BELOW_CHECK`.)
 */
function yieldToNextProgram(): void {
  try {
    setPriority(Math.min(19, getPriority() + PACK_PRIORITY_BELOW_CHECK));
  } catch {
    // A system that refuses: the rest of the check runs at its priority.
  }
}

if (require.main === module) {
  const send = (message: UnitMessage) => process.send?.(message);
  let job: UnitJob;
  try {
    job = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as UnitJob;
  } catch (error) {
    process.stderr.write(`agent-iam: the program's job file could not be read: ${(error as Error).message}\n`);
    process.exit(2);
  }
  runUnit(job, () => {
    send({ kind: "ran" });
    yieldToNextProgram();
  }).then(
    // Exit even if the program left a handle open; the result file is written.
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`agent-iam: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
