import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { auditFiles, InventoryFileError, loadInventoryFile, type AuditSummary } from "../../../reports/audit/run-audit";
import { feedLine } from "../../../reports/audit/feed";
import { auditFilesWithDuckDB, DuckDBMissingError } from "../../../reports/audit/duckdb-engine";
import { attributionCsv } from "../../../reports/audit/sql/agents";
import { attributionQuery, SQL_ENGINES, type SqlEngine } from "../../../reports/audit/sql/engines";
import { writeOutput } from "./inventory";
import type { ActionRecord } from "../../../reports/audit/schema";
import { UsageError } from "../../program/errors";
import { EXIT } from "../exit-codes";
import type { CliIO } from "../io";
import type { CommandRegistration } from "./registration";

/** The formats `agent-iam audit` writes. */
export const AUDIT_FORMATS = ["text", "json", "ndjson"] as const;
type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** The engines that run the attribution over files. */
export const AUDIT_ENGINES = ["stream", "duckdb"] as const;

interface AuditFlags {
  inventory: string;
  format: AuditFormat;
  engine: (typeof AUDIT_ENGINES)[number];
  sql?: SqlEngine;
  agentsTable?: string;
  agentsCsv?: string;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The closing summary of the text feed. */
export function auditSummaryText(summary: AuditSummary, files: number): string {
  const lines = [
    "",
    `${plural(summary.records, "event")} read from ${plural(files, "file")}: ${summary.attributed} attributed to ${plural(summary.agents.size, "agent")}, ${summary.unattributed} unattributed, ${summary.denied} denied.`,
  ];
  if (summary.unattributedPrincipals.size > 0) {
    lines.push("Identities not in the inventory:");
    for (const [principal, count] of [...summary.unattributedPrincipals].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
    ))
      lines.push(`  ${principal} (${plural(count, "event")})`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * `agent-iam audit FILES... --inventory FILE`: reads cloud audit logs as streams (CloudTrail, Cloud
 * Audit Logs, Activity Log; JSON, NDJSON or gzip) and prints who did what: every event attributed to
 * an agent and its owner through the inventory, or listed as unattributed.
 */
export const registerAudit: CommandRegistration = (program: Command, io: CliIO, setExitCode) => {
  program
    .command("audit")
    .description(
      "Attribute cloud audit-log events (AWS CloudTrail, GCP Cloud Audit Logs, Azure Activity Log) to agents and their owners",
    )
    .argument(
      "[FILES...]",
      "log files: CloudTrail .json/.json.gz, Cloud Logging exports (JSON array or NDJSON), Activity Log exports",
    )
    .requiredOption("--inventory <FILE>", "the inventory JSON (agent-iam inventory PROGRAM_DIR --format json)")
    .addOption(
      new Option(
        "--format <FORMAT>",
        "text (a feed for people), json (an array of action records) or ndjson (one record a line)",
      )
        .choices([...AUDIT_FORMATS])
        .default("text"),
    )
    .addOption(
      new Option(
        "--engine <ENGINE>",
        "stream (read the files one record at a time; the default) or duckdb (load them into an embedded DuckDB and run the Athena-dialect query; needs @duckdb/node-api)",
      )
        .choices([...AUDIT_ENGINES])
        .default("stream"),
    )
    .addOption(
      new Option(
        "--sql <ENGINE>",
        "print the attribution as a query for the engine that holds the logs instead of reading files: athena (CloudTrail), bigquery (a Cloud Audit Logs sink), kql (AzureActivity in Log Analytics)",
      ).choices([...SQL_ENGINES]),
    )
    .option(
      "--agents-table <NAME>",
      "with --sql: join the inventory as the tables NAME and NAME_keys instead of inlining it (write them with --agents-csv)",
    )
    .option("--agents-csv <PREFIX>", "with --sql: also write the inventory's tables as PREFIX.csv and PREFIX_keys.csv")
    .addHelpText(
      "after",
      "\nExit codes: 0 every file was read, 2 a file could not be read to its end (what was read before is still printed) or a usage error.\n\nExamples:\n  agent-iam inventory examples/fleet --format json > inventory.json\n  agent-iam audit trail/*.json.gz --inventory inventory.json\n  agent-iam audit gcp-audit.ndjson --inventory inventory.json --format ndjson\n  agent-iam audit trail/*.json.gz --inventory inventory.json --engine duckdb\n  agent-iam audit --sql athena --inventory inventory.json > attribution.sql",
    )
    .action(async (files: string[], flags: AuditFlags) => {
      let agents: ReturnType<typeof loadInventoryFile>;
      try {
        agents = loadInventoryFile(resolve(io.cwd, flags.inventory));
      } catch (error) {
        if (error instanceof InventoryFileError) throw new UsageError(`--inventory: ${error.message}`);
        throw error;
      }
      if (flags.sql) {
        if (files.length > 0)
          throw new UsageError(`--sql prints a query for ${flags.sql}; it reads no files (drop ${files[0]})`);
        if (flags.agentsCsv) {
          const tables = attributionCsv(agents);
          writeOutput(io, tables.agents, `${flags.agentsCsv}.csv`, "--agents-csv");
          writeOutput(io, tables.keys, `${flags.agentsCsv}_keys.csv`, "--agents-csv");
        }
        io.stdout.write(attributionQuery(flags.sql, flags.agentsTable ? { table: flags.agentsTable } : agents));
        return setExitCode(EXIT.ok);
      }
      if (files.length === 0)
        throw new UsageError("name the log files to read, or print a query with --sql athena|bigquery|kql");
      // A reader that goes away (agent-iam audit ... | head) ends the run quietly.
      const stop = new AbortController();
      const stdout = io.stdout as {
        on?: (event: "error", listener: (error: NodeJS.ErrnoException) => void) => unknown;
      };
      stdout.on?.("error", (error) => {
        if (error.code === "EPIPE") stop.abort();
      });
      let first = true;
      const emit: (record: ActionRecord) => void =
        flags.format === "text"
          ? (record) => void io.stdout.write(`${feedLine(record)}\n`)
          : flags.format === "ndjson"
            ? (record) => void io.stdout.write(`${JSON.stringify(record)}\n`)
            : (record) => {
                io.stdout.write(`${first ? "[\n" : ",\n"}${JSON.stringify(record)}`);
                first = false;
              };
      const write = (record: ActionRecord) => {
        if (!stop.signal.aborted) emit(record);
      };
      const paths = files.map((file) => resolve(io.cwd, file));
      let summary: AuditSummary;
      try {
        summary =
          flags.engine === "duckdb"
            ? await auditFilesWithDuckDB(paths, agents, write, { signal: stop.signal })
            : await auditFiles(paths, agents, write, { signal: stop.signal });
      } catch (error) {
        if (error instanceof DuckDBMissingError) throw new UsageError(error.message);
        throw error;
      }
      if (stop.signal.aborted) return setExitCode(EXIT.ok);
      if (flags.format === "json") io.stdout.write(first ? "[]\n" : "\n]\n");
      if (flags.format === "text") io.stdout.write(auditSummaryText(summary, files.length));
      for (const { file, offset } of summary.unrecognized)
        io.stderr.write(
          `warning: ${file}: the record at byte ${offset} is not a CloudTrail, Cloud Audit Logs or Activity Log event; skipped\n`,
        );
      for (const error of summary.errors)
        io.stderr.write(
          `error: ${error.message}${error.recordsRead > 0 ? ` (the ${plural(error.recordsRead, "record")} before it ${error.recordsRead === 1 ? "is" : "are"} reported above)` : ""}\n`,
        );
      setExitCode(summary.errors.length > 0 ? EXIT.usage : EXIT.ok);
    });
};
