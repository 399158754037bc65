import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Option, type Command } from "commander";
import { isIsoDate } from "../../../model/dates";
import {
  formatInventory,
  INVENTORY_FORMATS,
  inventoryDocument,
  type InventoryFormat,
} from "../../../reports/inventory/document";
import { InventoryError } from "../../../reports/inventory/from-resources";
import type { InventoryDocument } from "../../../model/inventory/record";
import { UsageError } from "../../program/errors";
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
  asOf?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `agent-iam inventory PROGRAM_DIR`: runs the program offline under mocks and writes one record per
 * agent identity as JSON, CSV, Markdown or the HTML risk dashboard.
 */
export const registerInventory: CommandRegistration = (program: Command, io: CliIO, setExitCode) => {
  program
    .command("inventory")
    .description(
      "Write the agent inventory of a Pulumi program (offline): owner, purpose, identities, grants in plain words, risk tier",
    )
    .argument("[PROGRAM_DIR]", "folder holding Pulumi.yaml (default: the current folder)")
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
    .option("--as-of <DATE>", "compute days to expiry and risk as of this date, YYYY-MM-DD (default: today, UTC)")
    .addHelpText(
      "after",
      '\nThe JSON form is { "generated": DATE, "agents": [record, ...] }; its JSON Schema is src/model/inventory/inventory.schema.json.\n\nExamples:\n  agent-iam inventory examples/fleet --format md\n  agent-iam inventory examples/fleet --stack prod --stack dev --format html --out inventory.html',
    )
    .action(async (programDir: string | undefined, flags: InventoryFlags) => {
      const asOf = asOfDate(flags.asOf);
      const dir = programDir ? resolve(io.cwd, programDir) : io.cwd;
      const stacks = flags.stack.length > 0 ? [...new Set(flags.stack)] : [undefined];
      const documents: InventoryDocument[] = [];
      for (const stack of stacks) {
        const project = loadProject(dir, { stack });
        for (const note of project.notes) io.stderr.write(`note: ${note}\n`);
        const recorded = await runProject(project);
        try {
          documents.push(inventoryDocument(recorded.resources, asOf));
        } catch (error) {
          if (error instanceof InventoryError)
            throw new UsageError(stack ? `stack ${stack}: ${error.message}` : error.message);
          throw error;
        }
      }
      // Several stacks: one inventory, an agent per stack it is declared in.
      const document: InventoryDocument = {
        generated: documents[0]!.generated,
        agents: documents
          .flatMap((item) => item.agents)
          .sort((a, b) => a.id.localeCompare(b.id) || a.environment.localeCompare(b.environment)),
      };
      writeOutput(io, formatInventory(document, flags.format), flags.out);
      if (flags.out)
        io.stderr.write(
          `wrote the inventory of ${document.agents.length} agent${document.agents.length === 1 ? "" : "s"} to ${flags.out}\n`,
        );
      setExitCode(EXIT.ok);
    });
};
