import { isCloudTrailRecord } from "./aws-cloudtrail";
import { isAzureActivityRecord } from "./azure-activity-log";
import type { AttributionAgent } from "./attribute";
import { obj } from "./event";
import { isGcpAuditLogEntry } from "./gcp-audit-log";
import { AuditFileError, readLogRecords } from "./read-log";
import type { AuditSummary } from "./run-audit";
import type { ActionRecord } from "./schema";
import { athenaCloudTrailQuery, trinoAzureQuery, trinoGcpQuery } from "./sql/trino";

/**
 * `agent-iam audit FILES --engine duckdb`: the files are read by the same streaming reader (so the
 * same records, offsets and errors), loaded into an embedded DuckDB, and attributed by the
 * Athena-dialect queries `--sql athena` prints, run over tables of the same shape: CloudTrail as
 * Athena's CloudTrail table, Cloud Audit Logs and Activity Log records as JSON text.
 * `@duckdb/node-api` is an optional peer dependency, loaded only here.
 */

/** The package `--engine duckdb` needs. */
export const DUCKDB_PACKAGE = "@duckdb/node-api";

/** `--engine duckdb` without its package installed. */
export class DuckDBMissingError extends Error {
  constructor() {
    super(
      `--engine duckdb needs the package ${DUCKDB_PACKAGE} (an optional peer dependency, about 70 MB): npm install ${DUCKDB_PACKAGE}`,
    );
    this.name = "DuckDBMissingError";
  }
}

/**
 * Trino functions the queries use that DuckDB lacks, or has under another meaning, as DuckDB macros
 * (Trino docs, "JSON functions", "Array functions", "Regular expression functions"). Trino's
 * `json_extract_scalar` returns a scalar's text; agent-iam's reader takes only strings, so strings
 * only; Trino's `$["name"]` member syntax is DuckDB's `$."name"`.
 */
export const TRINO_COMPAT_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO trino_path(p) AS replace(replace(p, '["', '."'), '"]', '"')`,
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(j, trino_path(p)) = 'VARCHAR' THEN json_extract_string(j, trino_path(p)) END`,
  "CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)",
  "CREATE OR REPLACE MACRO element_at(l, n) AS list_extract(l, n)",
  "CREATE OR REPLACE MACRO contains(l, x) AS list_contains(l, x)",
  "CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)",
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS TRY_CAST(s AS TIMESTAMPTZ)",
];

/** The fields of a CloudTrail record Athena's documented table declares (plus `sourceidentity`), as DuckDB's `from_json` structure. */
const CLOUDTRAIL_STRUCTURE = JSON.stringify({
  eventVersion: "VARCHAR",
  userIdentity: {
    type: "VARCHAR",
    principalId: "VARCHAR",
    arn: "VARCHAR",
    accountId: "VARCHAR",
    invokedBy: "VARCHAR",
    accessKeyId: "VARCHAR",
    userName: "VARCHAR",
    sessionContext: {
      attributes: { mfaAuthenticated: "VARCHAR", creationDate: "VARCHAR" },
      sessionIssuer: {
        type: "VARCHAR",
        principalId: "VARCHAR",
        arn: "VARCHAR",
        accountId: "VARCHAR",
        userName: "VARCHAR",
      },
      sourceIdentity: "VARCHAR",
    },
  },
  eventTime: "VARCHAR",
  eventSource: "VARCHAR",
  eventName: "VARCHAR",
  awsRegion: "VARCHAR",
  sourceIPAddress: "VARCHAR",
  userAgent: "VARCHAR",
  errorCode: "VARCHAR",
  errorMessage: "VARCHAR",
  requestParameters: "JSON",
  responseElements: "JSON",
  requestID: "VARCHAR",
  eventID: "VARCHAR",
  resources: [{ ARN: "VARCHAR", accountId: "VARCHAR", type: "VARCHAR" }],
  eventType: "VARCHAR",
  recipientAccountId: "VARCHAR",
});

const LOAD_SQL = [
  `CREATE TABLE raw_records (file_index INTEGER, "$path" VARCHAR, "$offset" BIGINT, cloud VARCHAR, record VARCHAR)`,
];

const VIEW_SQL = [
  `CREATE TABLE cloudtrail_logs AS
   SELECT file_index, "$path", "$offset",
     r.eventVersion AS eventversion, r.userIdentity AS useridentity, r.eventTime AS eventtime,
     r.eventSource AS eventsource, r.eventName AS eventname, r.awsRegion AS awsregion,
     r.sourceIPAddress AS sourceipaddress, r.userAgent AS useragent, r.errorCode AS errorcode,
     r.errorMessage AS errormessage, CAST(r.requestParameters AS VARCHAR) AS requestparameters,
     CAST(r.responseElements AS VARCHAR) AS responseelements, r.requestID AS requestid, r.eventID AS eventid,
     r.resources AS resources, r.eventType AS eventtype, r.recipientAccountId AS recipientaccountid
   FROM (SELECT file_index, "$path", "$offset", from_json(record, '${CLOUDTRAIL_STRUCTURE}') AS r FROM raw_records WHERE cloud = 'aws')`,
  `CREATE VIEW gcp_audit_log_entries AS SELECT file_index, "$path", "$offset", record FROM raw_records WHERE cloud = 'gcp'`,
  `CREATE VIEW azure_activity_records AS SELECT file_index, "$path", "$offset", record FROM raw_records WHERE cloud = 'azure'`,
];

type DuckDBModule = typeof import("@duckdb/node-api");

/** Loads `@duckdb/node-api`, or says which package to install. */
export function loadDuckDB(load: (name: string) => unknown = require): DuckDBModule {
  try {
    // A plain require: the package is an optional peer, resolved only when this engine runs.
    return load(DUCKDB_PACKAGE) as DuckDBModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") throw new DuckDBMissingError();
    throw error;
  }
}

function cloudOf(value: unknown): "aws" | "gcp" | "azure" | undefined {
  const record = obj(value);
  if (!record) return undefined;
  if (isCloudTrailRecord(record)) return "aws";
  if (isGcpAuditLogEntry(record)) return "gcp";
  if (isAzureActivityRecord(record)) return "azure";
  return undefined;
}

function actionRecord(row: Record<string, unknown>): ActionRecord {
  const text = (key: string) => (row[key] === null || row[key] === undefined ? null : String(row[key]));
  const record: Record<string, unknown> = {
    action_id: String(row.action_id),
    agent_id: text("agent_id"),
    requested_by: text("requested_by"),
    owner: text("owner"),
    action: String(row.action),
    resource: text("resource"),
    policy_decision: row.policy_decision,
    approval: text("approval"),
    timestamp: String(row.timestamp),
    result: row.result,
    cloud: row.cloud,
    environment: text("environment"),
    principal: String(row.principal),
    error_code: text("error_code"),
    attributed_via: text("attributed_via"),
    source: { file: String(row.source_file), offset: Number(row.source_offset) },
  };
  if (row.break_glass_until !== null)
    record.break_glass = {
      until: String(row.break_glass_until),
      approved_by: String(row.break_glass_approved_by),
      reason: String(row.break_glass_reason),
    };
  return record as ActionRecord;
}

/**
 * Reads the files into DuckDB, runs the attribution queries, and hands each action record to
 * `onRecord` in log order (file by file, by offset). The summary is the file reader's.
 */
export async function auditFilesWithDuckDB(
  files: readonly string[],
  agents: readonly AttributionAgent[],
  onRecord: (record: ActionRecord) => void,
  options: { readonly signal?: AbortSignal } = {},
): Promise<AuditSummary> {
  const duckdb = loadDuckDB();
  const summary: AuditSummary = {
    records: 0,
    attributed: 0,
    unattributed: 0,
    unrecognized: [],
    denied: 0,
    agents: new Set(),
    unattributedPrincipals: new Map(),
    errors: [],
  };
  const instance = await duckdb.DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const statement of [...TRINO_COMPAT_MACROS, ...LOAD_SQL]) await connection.run(statement);
    const appender = await connection.createAppender("raw_records");
    for (const [index, file] of files.entries()) {
      try {
        for await (const { value, offset, text } of readLogRecords(file)) {
          summary.records++;
          const cloud = cloudOf(value);
          if (!cloud) {
            summary.unrecognized.push({ file, offset });
            continue;
          }
          appender.appendInteger(index);
          appender.appendVarchar(file);
          appender.appendBigInt(BigInt(offset));
          appender.appendVarchar(cloud);
          appender.appendVarchar(text);
          appender.endRow();
        }
      } catch (error) {
        if (!(error instanceof AuditFileError)) throw error;
        summary.errors.push(error);
      }
    }
    appender.closeSync();
    for (const statement of VIEW_SQL) await connection.run(statement);
    const source = { inline: agents };
    const queries = [
      athenaCloudTrailQuery({ agents: source, offset: '"$offset"' }),
      trinoGcpQuery({ agents: source, offset: '"$offset"' }),
      trinoAzureQuery({ agents: source, offset: '"$offset"' }),
    ];
    const fileIndex = new Map(files.map((file, index) => [file, index]));
    const rows: Record<string, unknown>[] = [];
    for (const query of queries) {
      const result = await connection.runAndReadAll(query);
      for (const row of result.getRowObjectsJS() as Record<string, unknown>[]) rows.push(row);
    }
    rows.sort(
      (a, b) =>
        fileIndex.get(String(a.source_file))! - fileIndex.get(String(b.source_file))! ||
        Number(a.source_offset) - Number(b.source_offset),
    );
    for (const row of rows) {
      if (options.signal?.aborted) break;
      const record = actionRecord(row);
      if (record.agent_id !== null) {
        summary.attributed++;
        summary.agents.add(record.agent_id);
      } else {
        summary.unattributed++;
        summary.unattributedPrincipals.set(
          record.principal,
          (summary.unattributedPrincipals.get(record.principal) ?? 0) + 1,
        );
      }
      if (record.policy_decision === "denied") summary.denied++;
      onRecord(record);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return summary;
}
