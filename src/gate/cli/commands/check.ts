import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../program/errors";
import { runCheck } from "../check/run-check";
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
  stack?: string;
  preview?: boolean;
  json?: boolean;
  sarif?: string;
  inventory?: string;
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
    .argument("[PROGRAM_DIR]", "folder holding Pulumi.yaml (default: the current folder)")
    .option(
      "--policy-pack <DIR>",
      "CrossGuard policy pack folder; repeat for several (default: agent-iam's own pack)",
      collect,
      [],
    )
    .option("--config <FILE>", "policy pack config, in the JSON format of pulumi --policy-pack-config")
    .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml config to use (default: the only one, else dev)")
    .option("--preview", "leave values a real preview would not know yet (ids, ARNs, computed outputs) unknown")
    .option("--json", "print one JSON document { resources, violations, agents } instead of the plan")
    .option("--sarif <FILE>", "also write SARIF 2.1.0 for GitHub code scanning")
    .option("--inventory <FILE>", 'also write the agent inventory { "agents": [...] }')
    .addHelpText(
      "after",
      "\nExit codes: 0 no mandatory violation, 1 a mandatory violation, 2 usage error or the program failed to run.\n\nExamples:\n  agent-iam check examples/fleet\n  agent-iam check infra --policy-pack ./policy-pack --config policy-config.json --sarif agent-iam.sarif",
    )
    .action(async (programDir: string | undefined, flags: CheckFlags) => {
      const progress = flags.json && !io.stderr.isTTY ? SILENT_PROGRESS : terminalProgress(io.stderr);
      const result = await runCheck({
        programDir: programDir ? resolve(io.cwd, programDir) : io.cwd,
        packDirs: flags.policyPack,
        configFile: flags.config,
        stack: flags.stack,
        preview: flags.preview ?? false,
        cwd: io.cwd,
        progress,
      });
      for (const note of flags.json ? result.project.notes : []) io.stderr.write(`note: ${note}\n`);
      if (flags.sarif) writeReport(flags.sarif, sarifReport(result, io.cwd), io.cwd, "--sarif");
      if (flags.inventory) writeReport(flags.inventory, inventoryReport(result, io.cwd), io.cwd, "--inventory");
      io.stdout.write(
        flags.json ? jsonReport(result, io.cwd) : humanReport(result, colorsFor(io.stdout, io.env), io.cwd),
      );
      setExitCode(result.exitCode);
    });
};
