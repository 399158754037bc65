import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../program/errors";
import { projectFileIn } from "../../program/project";
import { runCheck } from "../check/run-check";
import { stackTooLargeLines } from "../check/stack-limit";
import { runOrganisation } from "../org/run-org";
import { formatFailure } from "../report/failure";
import { failureError, organisationHumanReport, stackPolicies } from "../report/org-human";
import { organisationInventoryReport } from "../report/org-inventory";
import { writeOrganisationJson } from "../report/org-json";
import { organisationSarifReport } from "../report/org-sarif";
import { colorsFor, type CliIO } from "../io";
import { SILENT_PROGRESS, terminalProgress } from "../progress";
import { humanReport } from "../report/human";
import { inventoryReport } from "../report/inventory";
import { jsonReport } from "../report/json";
import { sarifReport } from "../report/sarif";
import type { CommandRegistration } from "./registration";

/** Flags of `agent-iam check`, as commander parses them. */
interface CheckFlags {
  policyPack: string[];
  config?: string;
  stack: string[];
  preview?: boolean;
  json?: boolean;
  sarif?: string;
  inventory?: string;
  jobs?: string;
}

function writeReport(file: string, text: string, cwd: string, flag: string): void {
  const path = resolve(cwd, file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot write it (${(error as Error).message})`);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Whether a folder is one of several programs (no `Pulumi.yaml` of its own) rather than a program. */
function holdsSeveralPrograms(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && projectFileIn(dir) === undefined;
}

function jobsOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--jobs ${text}: give how many programs to check at once, a whole number from 1`);
  return value;
}

/** `agent-iam check DIR` where DIR holds several programs: each checked, all judged together, one report. */
async function checkOrganisation(dir: string, flags: CheckFlags, io: CliIO, setExitCode: (code: number) => void) {
  const progress = flags.json && !io.stderr.isTTY ? SILENT_PROGRESS : terminalProgress(io.stderr);
  const result = await runOrganisation({
    dir,
    packDirs: flags.policyPack,
    configFile: flags.config,
    stacks: flags.stack,
    preview: flags.preview ?? false,
    cwd: io.cwd,
    jobs: jobsOf(flags.jobs),
    want: { resources: flags.json ?? false, inventory: flags.inventory !== undefined },
    progress,
    log: (text) => void io.stderr.write(text),
  });
  try {
    for (const outcome of result.outcomes)
      if (outcome.report?.stackTooLarge) {
        const [first, ...rest] = stackTooLargeLines(
          outcome.report.stackTooLarge,
          outcome.report,
          stackPolicies(outcome.report.packs),
        );
        io.stderr.write(`error: ${first}\n${rest.map((line) => `  ${line}\n`).join("")}`);
      }
    if (flags.json)
      for (const outcome of result.outcomes) {
        for (const note of outcome.notes) io.stderr.write(`note: ${outcome.label}: ${note}\n`);
        if (outcome.failure)
          io.stderr.write(
            `${outcome.label}: ${formatFailure(failureError(outcome.failure), colorsFor(io.stderr, io.env), io.cwd)}`,
          );
      }
    if (flags.sarif) writeReport(flags.sarif, organisationSarifReport(result), io.cwd, "--sarif");
    if (flags.inventory)
      writeReport(flags.inventory, organisationInventoryReport(result, io.cwd), io.cwd, "--inventory");
    if (flags.json) writeOrganisationJson(result, io.cwd, (text) => void io.stdout.write(text));
    else io.stdout.write(organisationHumanReport(result, colorsFor(io.stdout, io.env), io.cwd));
    setExitCode(result.exitCode);
  } finally {
    result.dispose();
  }
}

/**
 * `agent-iam check [PROGRAM_DIR]`: runs a Pulumi program offline under mocks and evaluates what it
 * registers against CrossGuard packs. Exit 0 without a mandatory violation, 1 with one, 2 when it
 * cannot check.
 */
export const registerCheck: CommandRegistration = (program: Command, io: CliIO, setExitCode) => {
  program
    .command("check")
    .description(
      "Run a Pulumi program offline (no cloud, no credentials, no Pulumi CLI) and check it against the policy pack",
    )
    .argument(
      "[PROGRAM_DIR]",
      "folder holding Pulumi.yaml, or a folder of several Pulumi programs to check together (default: the current folder)",
    )
    .option(
      "--policy-pack <DIR>",
      "CrossGuard policy pack folder; repeat for several (default: agent-iam's own pack)",
      collect,
      [],
    )
    .option("--config <FILE>", "policy pack config, in the JSON format of pulumi --policy-pack-config")
    .option(
      "--stack <NAME>",
      "stack whose Pulumi.<stack>.yaml config to use (default: the only one, else dev); in a folder of several programs, repeat to choose stacks (default: every stack of every project)",
      collect,
      [],
    )
    .option("--preview", "leave values a real preview would not know yet (ids, ARNs, computed outputs) unknown")
    .option("--json", "print one JSON document { resources, violations, agents } instead of the plan")
    .option("--sarif <FILE>", "also write SARIF 2.1.0 for GitHub code scanning")
    .option("--inventory <FILE>", 'also write the agent inventory { "agents": [...] }')
    .option(
      "--jobs <N>",
      "in a folder of several programs: how many to run at once (default: one per two cores, as memory allows)",
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 no mandatory violation, 1 a mandatory violation, 2 usage error, the program failed to run, or its stack is past the analyzer's message limit (in a folder of several programs: the worst of all).\n\nExamples:\n  agent-iam check examples/fleet\n  agent-iam check examples/organisation --sarif agent-iam.sarif\n  agent-iam check infra --policy-pack ./policy-pack --config policy-config.json --sarif agent-iam.sarif",
    )
    .action(async (programDir: string | undefined, flags: CheckFlags) => {
      const dir = programDir ? resolve(io.cwd, programDir) : io.cwd;
      if (holdsSeveralPrograms(dir)) return checkOrganisation(dir, flags, io, setExitCode);
      if (flags.stack.length > 1)
        throw new UsageError(
          `--stack ${flags.stack.join(" --stack ")}: ${programDir ?? "."} is one program, checked as one stack; run the check once per stack`,
        );
      if (flags.jobs !== undefined)
        throw new UsageError(
          `--jobs ${flags.jobs}: ${programDir ?? "."} is one program; --jobs is for a folder of several`,
        );
      const progress = flags.json && !io.stderr.isTTY ? SILENT_PROGRESS : terminalProgress(io.stderr);
      const result = await runCheck({
        programDir: dir,
        packDirs: flags.policyPack,
        configFile: flags.config,
        stack: flags.stack[0],
        preview: flags.preview ?? false,
        cwd: io.cwd,
        progress,
      });
      for (const note of flags.json ? result.project.notes : []) io.stderr.write(`note: ${note}\n`);
      if (result.stackTooLarge) {
        const [first, ...rest] = stackTooLargeLines(
          result.stackTooLarge,
          { project: result.project.name, stack: result.project.stack },
          stackPolicies(result.packs),
        );
        io.stderr.write(`error: ${first}\n${rest.map((line) => `  ${line}\n`).join("")}`);
      }
      if (flags.sarif) writeReport(flags.sarif, sarifReport(result, io.cwd), io.cwd, "--sarif");
      if (flags.inventory) writeReport(flags.inventory, inventoryReport(result, io.cwd), io.cwd, "--inventory");
      io.stdout.write(
        flags.json ? jsonReport(result, io.cwd) : humanReport(result, colorsFor(io.stdout, io.env), io.cwd),
      );
      setExitCode(result.exitCode);
    });
};
