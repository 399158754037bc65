import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditFiles, type ActionRecord, type AuditSummary } from "../../src/reports/audit";
import { auditFilesWithDuckDB } from "../../src/reports/audit/duckdb-engine";
import type { InventoryRecord } from "../../src/reports/inventory";
import { inventoryFromStacks, readStackExport } from "../../src/reports/inventory/stack-export";

/**
 * `--engine duckdb` has DuckDB's JSON reader read the files itself. Oracle: the streaming reader
 * (the same action records, summary and errors, field for field). Files DuckDB's reader would read
 * differently (lenient JSON it accepts and `JSON.parse` rejects, layouts it does not unnest the
 * same way, bytes it rejects) are read by the streaming reader: each case says which reader read it.
 */

const FIXTURES = join(__dirname, "..", "fixtures", "audit");
const CLOUDTRAIL = readFileSync(join(FIXTURES, "aws-cloudtrail.json"));
const GCP_NDJSON = readFileSync(join(FIXTURES, "gcp-audit-log.ndjson"));
let agents: InventoryRecord[];
let dir: string;
let written = 0;

beforeAll(() => {
  agents = inventoryFromStacks(
    [readStackExport(join(__dirname, "..", "fixtures", "state", "audit-prod.json"))],
    "2026-05-01",
  ).agents;
  dir = mkdtempSync(join(tmpdir(), "agent-iam-duckdb-reader-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(bytes: Buffer | string, name = "log.json"): string {
  const path = join(dir, `${written++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

function summaryOf(summary: AuditSummary) {
  return {
    ...summary,
    agents: [...summary.agents].sort(),
    unattributedPrincipals: [...summary.unattributedPrincipals].sort(),
    errors: summary.errors.map((error) => error.message),
  };
}

/** Both engines on the files: the same records and summary, and which reader DuckDB's engine used per file. */
async function compare(files: readonly string[]) {
  const stream: ActionRecord[] = [];
  const duck: ActionRecord[] = [];
  const readers: string[] = [];
  const streamSummary = await auditFiles(files, agents, (record) => stream.push(record));
  const duckSummary = await auditFilesWithDuckDB(files, agents, (record) => duck.push(record), {
    onFileRead: (_, reader) => readers.push(reader),
  });
  expect(duck).toEqual(stream);
  expect(summaryOf(duckSummary)).toEqual(summaryOf(streamSummary));
  return { readers, stream, streamSummary };
}

const record = (fields: string) =>
  `{"eventVersion":"1.08","eventTime":"2026-05-04T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/x"}${fields}}`;

describe("--engine duckdb: DuckDB reads the files", () => {
  it("CloudTrail {Records}, NDJSON, {value} and {records} fixtures, gzip and a byte order mark", async () => {
    const logs = [
      "aws-cloudtrail.json",
      "gcp-audit-log.ndjson",
      "azure-activity-log.json",
      "azure-activity-export.json",
    ];
    const files = [
      ...logs.map((log) => join(FIXTURES, log)),
      file(gzipSync(CLOUDTRAIL), "trail.json.gz"),
      file(gzipSync(GCP_NDJSON), "not-named-gz.ndjson"),
      file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), CLOUDTRAIL])),
      file(`[${record("")},\n${record(',"errorCode":"AccessDenied"')}]`),
      file(`${record("")} ${record("")}\r\n${record("")}`),
      file('{"Records":[]}'),
      file(`{"Records":[${record("")}, {"unknown":true}]}`),
    ];
    const { readers, stream, streamSummary } = await compare(files);
    expect(readers).toEqual(files.map(() => "duckdb"));
    expect(stream.length).toBeGreaterThan(40);
    expect(streamSummary.unrecognized).toHaveLength(1);
  });
});

describe("--engine duckdb: files DuckDB would read differently go through the streaming reader", () => {
  const cases: [string, string | Buffer][] = [
    ["NaN, which DuckDB's reader accepts", `{"Records":[${record(',"x":NaN')}]}`],
    ["nan", `${record(',"x":nan')}\n`],
    ["Infinity", `[${record(',"x":-Infinity')}]`],
    ["a trailing comma", `{"Records":[${record(',"x":[1,2,]')}]}`],
    ["a comment", `{"Records":[${record(" /* c */")}]}`],
    ["a number JSON.parse rejects", `{"Records":[${record(',"x":01')}]}`],
    [
      "a key twice (JSON.parse keeps the last, DuckDB the first)",
      `{"Records":[${record(',"eventName":"PutObject"')}]}`,
    ],
    ["a nested key twice", `${record(',"requestParameters":{"bucketName":"a","bucketName":"b"}')}\n`],
    ["a key with an escape", `[${record(',"errorCode":"AccessDenied","error\\u0043ode":"x"')}]`],
    ["an element that is not an object", `{"Records":[${record("")}, 5, "x"]}`],
    ["two layouts in one file", `{"Records":[${record("")}]}\n${record("")}\n`],
    ["a truncated file", `{"Records":[${record("")},${record("").slice(0, 40)}`],
    ["invalid UTF-8, which DuckDB's reader rejects", Buffer.from(`{"Records":[${record(',"x":"\xff"')}]}`, "latin1")],
    [
      "a GCP @type that is an array",
      '{"protoPayload":{"@type":["type.googleapis.com/google.cloud.audit.AuditLog"],"serviceName":"s"},"timestamp":"2026-05-04T10:00:00Z"}\n',
    ],
  ];
  for (const [name, bytes] of cases)
    it(name, async () => {
      const files = [join(FIXTURES, "aws-cloudtrail.json"), file(bytes), join(FIXTURES, "gcp-audit-log.ndjson")];
      const { readers } = await compare(files);
      expect(readers).toEqual(["duckdb", "stream", "duckdb"]);
    });

  it("a file that cannot be opened is the streaming reader's error, naming the file", async () => {
    const missing = join(dir, "missing.json");
    const { readers, streamSummary } = await compare([missing]);
    expect(readers).toEqual(["stream"]);
    expect(streamSummary.errors[0]!.message).toContain(missing);
  });
});
