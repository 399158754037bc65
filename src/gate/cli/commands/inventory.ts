import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Option, type Command } from "commander";
import {
  formatInventory,
  INVENTORY_FORMATS,
  inventoryDocument,
  type InventoryFormat,
} from "../../../reports/inventory/document";
import { InventoryError } from "../../../reports/inventory/from-resources";
import type { InventoryDocument, InventoryRecord } from "../../../model/inventory/record";
import { isIsoDate, todayUtc } from "../../../model/dates";
import {
  inventoryDrift,
  inventoryFromStacks,
  readStackExport,
  StackExportError,
  type DeployedStack,
} from "../../../reports/inventory/stack-export";
import { driftLine } from "../../../reports/inventory/source";
import { UsageError } from "../../program/errors";
import { programSource } from "../report/inventory";
import { loadProject } from "../../program/project";
import { runProject } from "../../program/run";
import { EXIT } from "../exit-codes";
import type { CliIO } from "../io";
import type { CommandRegistration } from "./registration";

/** Writes a report to `file` (creating its folder), or to stdout without one. */
export function writeOutput(io: CliIO, text: string, file: string | undefined, flag = "--out"): void {
  if (file === undefined) {
    io.stdout.write(text);
    return;
  }
  const path = resolve(io.cwd, file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot write it (${(error as Error).message})`);
  }
}

/** Checks `--as-of`: a real calendar date. */
export function asOfDate(value: string | undefined): string | undefined {
  if (value !== undefined && !isIsoDate(value)) throw new UsageError(`--as-of ${value}: write the date as YYYY-MM-DD`);
  return value;
}

interface InventoryFlags {
  format: InventoryFormat;
  out?: string;
  stack: string[];
  state: string[];
  asOf?: string;
  failOnDrift?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Records first by id, then by environment and stack. */
function recordOrder(a: InventoryRecord, b: InventoryRecord): number {
  return (
    a.id.localeCompare(b.id) ||
    a.environment.localeCompare(b.environment) ||
    (a.stack ?? "").localeCompare(b.stack ?? "")
  );
}

/** Runs the program for each stack (offline, under mocks) and returns one document. */
async function programInventory(
  io: CliIO,
  dir: string,
  stacks: readonly (string | undefined)[],
  asOf: string | undefined,
  nameStacks: boolean,
): Promise<InventoryDocument> {
  const documents: InventoryDocument[] = [];
  const read: string[] = [];
  for (const stack of stacks) {
    const project = loadProject(dir, { stack });
    for (const note of project.notes) io.stderr.write(`note: ${note}\n`);
    const recorded = await runProject(project);
    read.push(programSource(io.cwd, dir, project.stack));
    try {
      documents.push(
        inventoryDocument(
          recorded.resources,
          asOf,
          undefined,
          nameStacks ? `${project.name}/${project.stack}` : undefined,
        ),
      );
    } catch (error) {
      if (error instanceof InventoryError)
        throw new UsageError(stack ? `stack ${stack}: ${error.message}` : error.message);
      throw error;
    }
  }
  // Several stacks: one inventory, an agent per stack it is declared in.
  return {
    generated: documents[0]!.generated,
    source: { kind: "program", from: read },
    agents: documents.flatMap((item) => item.agents).sort(recordOrder),
  };
}

/**
 * `agent-iam inventory PROGRAM_DIR`: runs the program offline under mocks and writes one record per
 * agent identity as JSON, CSV, Markdown or the HTML risk dashboard; every value a cloud assigns is
 * unknown there. `agent-iam inventory --state FILE...` reads `pulumi stack export` documents instead
 * and writes the deployed identities; with a program too, it reports the drift between the two.
 */
export const registerInventory: CommandRegistration = (program: Command, io: CliIO, setExitCode) => {
  program
    .command("inventory")
    .description(
      "Write the agent inventory of a Pulumi program (offline) or of deployed stacks (--state): owner, purpose, identities, grants in plain words, risk tier",
    )
    .argument("[PROGRAM_DIR]", "folder holding Pulumi.yaml (default: the current folder, unless --state is given)")
    .addOption(
      new Option("--format <FORMAT>", "json, csv, md (Markdown) or html (the risk dashboard)")
        .choices([...INVENTORY_FORMATS])
        .default("json"),
    )
    .option("--out <FILE>", "write to FILE instead of stdout")
    .option(
      "--stack <NAME>",
      "stack whose Pulumi.<stack>.yaml config to use (default: the only one, else dev); repeat to cover several stacks in one inventory",
      collect,
      [],
    )
    .option(
      "--state <FILE>",
      "a `pulumi stack export` document (version 3 or later) of a deployed stack; repeat for every stack and project of the organisation",
      collect,
      [],
    )
    .option("--fail-on-drift", "with --state and PROGRAM_DIR: exit 1 when the program and the deployed state differ")
    .option("--as-of <DATE>", "compute days to expiry and risk as of this date, YYYY-MM-DD (default: today, UTC)")
    .addHelpText(
      "after",
      '\nThe JSON form is { "generated": DATE, "source": {...}, "agents": [record, ...], "drift": [...] }; its JSON Schema is src/model/inventory/inventory.schema.json.\nBuilt from a program, every value a cloud assigns (role ARN, unique ids, client and principal ids, tenant) is null with a reason in unknownValues ("known after deploy" in the other formats); built from --state, they are the deployed values.\n\nExit codes: 0 written, 1 drift found with --fail-on-drift, 2 usage error or unreadable input.\n\nExamples:\n  agent-iam inventory examples/fleet --format md\n  agent-iam inventory examples/fleet --stack prod --stack dev --format html --out inventory.html\n  agent-iam inventory --state prod.json --state dev.json --format html --out inventory.html\n  agent-iam inventory examples/fleet --state prod.json --fail-on-drift',
    )
    .action(async (programDir: string | undefined, flags: InventoryFlags) => {
      const asOf = asOfDate(flags.asOf);
      let document: InventoryDocument;
      if (flags.state.length > 0) {
        let stacks: DeployedStack[];
        try {
          stacks = flags.state.map((file) => ({ ...readStackExport(resolve(io.cwd, file)), file }));
          document = inventoryFromStacks(stacks, asOf ?? todayUtc());
        } catch (error) {
          if (error instanceof StackExportError) throw new UsageError(`--state: ${error.message}`);
          throw error;
        }
        if (programDir !== undefined) {
          const dir = resolve(io.cwd, programDir);
          const projectName = loadProject(dir, { stack: flags.stack[0] }).name;
          const names = stacks
            .filter((stack) => stack.project === projectName)
            .map((stack) => stack.stack)
            .filter((stack) => flags.stack.length === 0 || flags.stack.includes(stack));
          if (names.length === 0)
            throw new UsageError(
              `--state: no export is of the project ${projectName} in ${programDir}${flags.stack.length > 0 ? ` (stacks ${flags.stack.join(", ")})` : ""}; nothing to compare`,
            );
          const fromCode = await programInventory(io, dir, names, asOf, true);
          const drift = inventoryDrift(
            fromCode.agents,
            document.agents,
            names.map((name) => `${projectName}/${name}`),
          );
          document = { ...document, drift };
          for (const item of drift) io.stderr.write(`drift: ${driftLine(item)}\n`);
          if (drift.length === 0)
            io.stderr.write(
              `no drift: the program and the state of ${names.length} stack${names.length === 1 ? "" : "s"} agree\n`,
            );
        }
      } else {
        const dir = programDir ? resolve(io.cwd, programDir) : io.cwd;
        const stacks = flags.stack.length > 0 ? [...new Set(flags.stack)] : [undefined];
        document = await programInventory(io, dir, stacks, asOf, stacks.length > 1);
      }
      writeOutput(io, formatInventory(document, flags.format), flags.out);
      if (flags.out)
        io.stderr.write(
          `wrote the inventory of ${document.agents.length} agent${document.agents.length === 1 ? "" : "s"} to ${flags.out}\n`,
        );
      setExitCode(flags.failOnDrift && (document.drift?.length ?? 0) > 0 ? EXIT.violations : EXIT.ok);
    });
};
