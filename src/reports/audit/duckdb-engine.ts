import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCloudTrailRecord } from "./aws-cloudtrail";
import { isAzureActivityRecord } from "./azure-activity-log";
import type { AttributionAgent } from "./attribute";
import { obj } from "./event";
import { isGcpAuditLogEntry } from "./gcp-audit-log";
import { AuditFileError, isGzip, readLogRecords } from "./read-log";
import { RECORD_ARRAY_KEYS, type RecordLayout, RecordScanner } from "./record-scanner";
import { countRecord, type AuditSummary } from "./run-audit";
import type { ActionRecord } from "./schema";
import { sqlString } from "./sql/agents";
import { athenaCloudTrailQuery, trinoAzureQuery, trinoGcpQuery } from "./sql/trino";

/**
 * `agent-iam audit FILES --engine duckdb`: an embedded DuckDB reads the files with its JSON reader
 * (`read_json_objects`, a CloudTrail file's `Records` unnested) and attributes them with the
 * Athena-dialect queries `--sql athena` prints, run over tables of the same shape: CloudTrail as
 * Athena's CloudTrail table, Cloud Audit Logs and Activity Log records as JSON text. The result is
 * streamed out in chunks; DuckDB spills to a temporary directory past its memory limit.
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

/**
 * Every record, whoever parsed it: `seq` numbers the records of all files in log order (file by file,
 * record by record), and stands in for the byte offset in the queries; `cloud` is NULL for a record
 * of no known log format.
 */
/** Athena's CloudTrail table's columns, from the CloudTrail records (`cloud = 'aws'`) of a table of records. */
function cloudTrailRows(records: string): string {
  return `SELECT "$path", seq,
     r.eventVersion AS eventversion, r.userIdentity AS useridentity, r.eventTime AS eventtime,
     r.eventSource AS eventsource, r.eventName AS eventname, r.awsRegion AS awsregion,
     r.sourceIPAddress AS sourceipaddress, r.userAgent AS useragent, r.errorCode AS errorcode,
     r.errorMessage AS errormessage, CAST(r.requestParameters AS VARCHAR) AS requestparameters,
     CAST(r.responseElements AS VARCHAR) AS responseelements, r.requestID AS requestid, r.eventID AS eventid,
     r.resources AS resources, r.eventType AS eventtype, r.recipientAccountId AS recipientaccountid
   FROM (SELECT "$path", seq, from_json(record, '${CLOUDTRAIL_STRUCTURE}') AS r FROM ${records} WHERE cloud = 'aws')`;
}

/** CloudTrail records go to Athena's table as they are loaded; the other records stay JSON text. */
const LOAD_SQL = [
  `CREATE TABLE raw_records (seq BIGINT, "$path" VARCHAR, cloud VARCHAR, record VARCHAR)`,
  `CREATE TABLE cloudtrail_logs AS ${cloudTrailRows("raw_records")} LIMIT 0`,
];

const VIEW_SQL = [
  `INSERT INTO cloudtrail_logs ${cloudTrailRows("raw_records")}`,
  `CREATE VIEW gcp_audit_log_entries AS SELECT "$path", seq, record FROM raw_records WHERE cloud = 'gcp'`,
  `CREATE VIEW azure_activity_records AS SELECT "$path", seq, record FROM raw_records WHERE cloud = 'azure'`,
];

/**
 * The log format of a record DuckDB parsed, as `isCloudTrailRecord`, `isGcpAuditLogEntry` and
 * `isAzureActivityRecord` decide it, in that order, from one `json_type` call (a missing key is
 * SQL NULL, a JSON `null` is 'NULL'). A GCP `@type` that is an array (JavaScript's `String()` joins
 * it) is 'unsupported': the file is read by the streaming reader instead.
 */
const CLOUD_OF_RECORD_SQL = `CASE
    WHEN t[1] = 'VARCHAR' AND t[2] = 'VARCHAR' AND t[3] = 'VARCHAR' THEN 'aws'
    WHEN t[4] = 'OBJECT' AND t[6] = 'VARCHAR' THEN 'gcp'
    WHEN t[4] = 'OBJECT' AND t[5] = 'VARCHAR' AND ends_with(json_extract_string(record, '$.protoPayload."@type"'), 'google.cloud.audit.AuditLog') THEN 'gcp'
    WHEN t[4] = 'OBJECT' AND t[5] = 'ARRAY' THEN 'unsupported'
    WHEN (t[7] = 'VARCHAR' OR t[8] = 'VARCHAR') AND (t[9] = 'VARCHAR' OR t[10] IS NOT NULL OR t[11] IS NOT NULL OR t[12] IS NOT NULL) THEN 'azure'
  END`;
const CLOUD_KEYS_SQL = `json_type(record, ['$.eventSource', '$.eventName', '$.eventTime', '$.protoPayload', '$.protoPayload."@type"', '$.protoPayload.methodName', '$.operationName', '$.operationName.value', '$.resourceId', '$.authorization', '$.identity', '$.caller'])`;

/**
 * How much memory DuckDB may use before it spills to its temporary directory (DuckDB docs,
 * "Configuration": `memory_limit`, `temp_directory`); DuckDB's own default is 80% of the machine's memory.
 */
export const DUCKDB_MEMORY_LIMIT_BYTES = 2 * 2 ** 30;
/**
 * DuckDB reads a JSON value whole (a CloudTrail file is one object), in buffers of its
 * `maximum_object_size` and a parsed document several times its size, none of which spills: a
 * file larger than this share of the memory limit is read by the streaming reader.
 */
const LARGEST_NATIVE_FILE_SHARE = 1 / 16;

/** A file whose records DuckDB reads itself, and where each record starts. */
interface NativeFile {
  readonly file: string;
  /** The `seq` of its first record. */
  readonly base: number;
  readonly offsets: Float64Array;
  /** The SQL that selects its records as raw_records' rows. */
  readonly insert: string;
}

/** Each file's records in log order: where each starts, and its first `seq`. */
interface FileRecords {
  readonly file: string;
  readonly base: number;
  readonly offsets: Float64Array;
}

class OffsetList {
  private values = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  done(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

function startsWithGzip(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(2);
    return isGzip(head.subarray(0, readSync(fd, head, 0, 2, 0)));
  } finally {
    closeSync(fd);
  }
}

/**
 * The SQL that has DuckDB read a file's records into raw_records, when its layout is one DuckDB's
 * reader gives the same records of: one holder object (`{"Records":[...]}`), one top-level array,
 * or top-level objects (newline-delimited JSON), every record an object. Undefined otherwise.
 */
function nativeInsert(
  file: string,
  layout: RecordLayout,
  bytes: number,
  base: number,
  gzip: boolean,
  memoryLimitBytes: number,
): string | undefined {
  if (layout.nonObjectElements > 0 || bytes > memoryLimitBytes * LARGEST_NATIVE_FILE_SHARE) return undefined;
  const source = `read_json_objects(${sqlString(file)}, format = 'unstructured', compression = '${gzip ? "gzip" : "uncompressed"}', maximum_object_size = ${Math.max(bytes + 1, 1 << 20)})`;
  const insert = (records: string) =>
    `SELECT seq, ${sqlString(file)} AS "$path", ${CLOUD_OF_RECORD_SQL} AS cloud, record FROM (SELECT seq, record, ${CLOUD_KEYS_SQL} AS t FROM (${records}))`;
  const unnested = (path: string) =>
    `SELECT ${base} + n - 1 AS seq, CAST(record AS VARCHAR) AS record FROM (SELECT unnest(l) AS record, generate_subscripts(l, 1) AS n FROM (SELECT json_extract(json, '${path}') AS l FROM ${source}))`;
  const { holders, arrays, objects } = layout;
  if (holders.length === 1 && arrays === 0 && objects === 0 && RECORD_ARRAY_KEYS.includes(holders[0]!))
    return insert(unnested(`$.${holders[0]}[*]`));
  if (holders.length === 0 && arrays === 1 && objects === 0) return insert(unnested("$[*]"));
  if (holders.length === 0 && arrays === 0 && objects > 0)
    return insert(
      `SELECT ${base} + ordinality - 1 AS seq, CAST(json AS VARCHAR) AS record FROM ${source} WITH ORDINALITY`,
    );
  return undefined;
}

/** Finds a regular file's records without parsing them; undefined when DuckDB cannot read it the same way. */
async function scanForDuckDB(file: string, base: number, memoryLimitBytes: number): Promise<NativeFile | undefined> {
  try {
    if (!statSync(file).isFile()) return undefined;
    const scanner = new RecordScanner({ parse: false });
    const offsets = new OffsetList();
    for await (const { offset } of readLogRecords(file, { scanner })) offsets.push(offset);
    const insert = nativeInsert(
      file,
      scanner.layout,
      scanner.bytesScanned,
      base,
      startsWithGzip(file),
      memoryLimitBytes,
    );
    return insert === undefined ? undefined : { file, base, offsets: offsets.done(), insert };
  } catch (error) {
    // The streaming reader reads it again and reports the problem as it does.
    if (error instanceof AuditFileError || (error as NodeJS.ErrnoException).code !== undefined) return undefined;
    throw error;
  }
}

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

/** `seq` of a file's first record: records of file `index` are numbered from `index * 2^32`. */
const FILE_SEQ_STRIDE = 2 ** 32;

/**
 * Has DuckDB read the files itself and run the attribution queries, and hands each action record to
 * `onRecord` in log order (file by file, by offset), streamed out a chunk at a time. Each file is
 * first scanned for where its records start (the offsets the action records name, and the layout);
 * a file DuckDB's JSON reader would not read the same way (a truncated or corrupt file, mixed
 * layouts, elements that are not objects, a pipe) is read by the streaming reader instead, so the
 * records, offsets and errors are the file reader's. The summary is the file reader's.
 */
export async function auditFilesWithDuckDB(
  files: readonly string[],
  agents: readonly AttributionAgent[],
  onRecord: (record: ActionRecord) => void,
  options: {
    readonly signal?: AbortSignal;
    /** DuckDB's `memory_limit`, in bytes; past it, DuckDB spills to a temporary directory. */
    readonly memoryLimitBytes?: number;
    /** Told, for each file in order, which reader read its records. */
    readonly onFileRead?: (file: string, reader: "duckdb" | "stream") => void;
  } = {},
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
  const memoryLimitBytes = options.memoryLimitBytes ?? DUCKDB_MEMORY_LIMIT_BYTES;
  const spill = mkdtempSync(join(tmpdir(), "agent-iam-duckdb-"));
  const instance = await duckdb.DuckDBInstance.create(":memory:", {
    memory_limit: `${Math.floor(memoryLimitBytes / 2 ** 20)}MiB`,
    temp_directory: spill,
  });
  const connection = await instance.connect();
  try {
    for (const statement of [...TRINO_COMPAT_MACROS, ...LOAD_SQL]) await connection.run(statement);
    const byIndex: (FileRecords | undefined)[] = new Array(files.length);
    const streamed: number[] = [];
    // DuckDB parses file i on its threads while this thread scans file i + 1.
    let loading: Promise<unknown> = Promise.resolve();
    const loaded = async () => {
      const failure = await loading;
      if (failure instanceof Error) throw failure;
    };
    for (const [index, file] of files.entries()) {
      const native = await scanForDuckDB(file, index * FILE_SEQ_STRIDE, memoryLimitBytes);
      await loaded();
      if (!native) {
        streamed.push(index);
        continue;
      }
      loading = loadNative(connection, native).then(
        (same) => {
          if (same) byIndex[index] = native;
          else streamed.push(index);
        },
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
    }
    await loaded();
    streamed.sort((a, b) => a - b);
    const streamedSet = new Set(streamed);
    for (const [index, file] of files.entries())
      options.onFileRead?.(file, streamedSet.has(index) ? "stream" : "duckdb");
    const unrecognized: number[] = [];
    if (streamed.length > 0) {
      const appender = await connection.createAppender("raw_records");
      for (const index of streamed) {
        const file = files[index]!;
        const offsets = new OffsetList();
        try {
          for await (const { value, offset } of readLogRecords(file)) {
            const seq = index * FILE_SEQ_STRIDE + offsets.length;
            offsets.push(offset);
            const cloud = cloudOf(value);
            appender.appendBigInt(BigInt(seq));
            appender.appendVarchar(file);
            if (cloud) {
              appender.appendVarchar(cloud);
              // The value JSON.parse read, written again: DuckDB keeps the first of a key given twice, JSON.parse the last.
              appender.appendVarchar(JSON.stringify(value));
            } else {
              appender.appendNull();
              appender.appendNull();
            }
            appender.endRow();
          }
        } catch (error) {
          if (!(error instanceof AuditFileError)) throw error;
          summary.errors.push(error);
        }
        byIndex[index] = { file, base: index * FILE_SEQ_STRIDE, offsets: offsets.done() };
      }
      appender.closeSync();
    }
    for (const records of byIndex) summary.records += records?.offsets.length ?? 0;
    const sourceOf = (seq: number): { file: string; offset: number } => {
      const records = byIndex[Math.floor(seq / FILE_SEQ_STRIDE)]!;
      return { file: records.file, offset: records.offsets[seq - records.base]! };
    };
    const unrecognizedRows = await connection.stream("SELECT seq FROM raw_records WHERE cloud IS NULL ORDER BY seq");
    for await (const rows of unrecognizedRows.yieldRows()) for (const [seq] of rows) unrecognized.push(Number(seq));
    summary.unrecognized = unrecognized.map(sourceOf);

    for (const statement of VIEW_SQL) await connection.run(statement);
    const source = { inline: agents };
    const queries = [
      athenaCloudTrailQuery({ agents: source, offset: "seq" }),
      trinoGcpQuery({ agents: source, offset: "seq" }),
      trinoAzureQuery({ agents: source, offset: "seq" }),
    ];
    const result = await connection.stream(
      `SELECT * FROM (${queries.map((query) => `(${query})`).join("\nUNION ALL\n")}) ORDER BY source_offset`,
    );
    reading: for await (const rows of result.yieldRowObjectJs()) {
      for (const row of rows as Record<string, unknown>[]) {
        if (options.signal?.aborted) break reading;
        const { offset } = sourceOf(Number(row.source_offset));
        const record = actionRecord({ ...row, source_offset: offset });
        countRecord(summary, record);
        onRecord(record);
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
  return summary;
}

type DuckDBConnection = Awaited<ReturnType<Awaited<ReturnType<DuckDBModule["DuckDBInstance"]["create"]>>["connect"]>>;

/**
 * Has DuckDB read a file's records; false (and nothing loaded) when its reader rejects the file, finds
 * another number of records than the scan, or meets a record it cannot classify as the file reader does.
 */
async function loadNative(connection: DuckDBConnection, native: NativeFile): Promise<boolean> {
  const stage = `stage_${native.base / FILE_SEQ_STRIDE}`;
  try {
    await connection.run(`CREATE TEMP TABLE ${stage} AS ${native.insert}`);
  } catch (error) {
    if (!(error instanceof Error) || !/Invalid Input Error|Conversion Error|IO Error/.test(error.message)) throw error;
    return false;
  }
  try {
    const check = await connection.runAndReadAll(
      `SELECT count(*), count(*) FILTER (WHERE cloud = 'unsupported') FROM ${stage}`,
    );
    const [records, unsupported] = check.getRows()[0]!.map(Number);
    if (records !== native.offsets.length || unsupported !== 0) return false;
    await connection.run(`INSERT INTO cloudtrail_logs ${cloudTrailRows(stage)}`);
    await connection.run(`INSERT INTO raw_records SELECT * FROM ${stage} WHERE cloud IS DISTINCT FROM 'aws'`);
    return true;
  } finally {
    await connection.run(`DROP TABLE ${stage}`);
  }
}
