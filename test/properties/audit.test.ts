import { execFile } from "node:child_process";
import fc from "fast-check";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditFileError, auditFiles, readLogRecords, type ActionRecord } from "../../src/reports/audit";
import type { InventoryRecord } from "../../src/reports/inventory";
import { inventoryFromStacks, readStackExport } from "../../src/reports/inventory/stack-export";
import { logFile, type KnownAgent, type LogFile } from "../support/audit-logs";
import { runs } from "../support/property";

/**
 * Hostile input, property 7: the audit reader loses nothing. Events in equals events attributed
 * plus events listed unattributed (each to the agent the generator meant, or to none), on every
 * fixture and on generated logs of each cloud and shape; records of no known format are reported
 * on their own. A file truncated at any byte, or with a byte corrupted, gives an error that names
 * the byte offset, after every record read before it was delivered.
 */

const FIXTURES = join(__dirname, "..", "fixtures", "audit");
const REPO = join(__dirname, "..", "..");
let agents: InventoryRecord[];
let known: KnownAgent[];
let dir: string;
let written = 0;

function write(bytes: Buffer, name = "log.json"): string {
  const file = join(dir, `${written++}-${name}`);
  writeFileSync(file, bytes);
  return file;
}

async function readAll(file: string): Promise<{ values: unknown[]; offsets: number[]; error?: AuditFileError }> {
  const values: unknown[] = [];
  const offsets: number[] = [];
  try {
    for await (const record of readLogRecords(file)) {
      values.push(record.value);
      offsets.push(record.offset);
    }
    return { values, offsets };
  } catch (error) {
    if (!(error instanceof AuditFileError)) throw error;
    return { values, offsets, error };
  }
}

beforeAll(async () => {
  agents = inventoryFromStacks(
    [readStackExport(join(__dirname, "..", "fixtures", "state", "audit-prod.json"))],
    "2026-05-01",
  ).agents;
  known = agents.map((agent) => ({
    id: agent.id,
    ...(agent.identities.aws
      ? { aws: { roleArn: agent.identities.aws.roleArn!, roleName: agent.identities.aws.roleName! } }
      : {}),
    ...(agent.identities.gcp ? { gcp: { email: agent.identities.gcp.serviceAccountEmail! } } : {}),
    ...(agent.identities.azure
      ? { azure: { clientId: agent.identities.azure.clientId!, principalId: agent.identities.azure.principalId! } }
      : {}),
  }));
  dir = mkdtempSync(join(tmpdir(), "agent-iam-audit-property-"));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("property 7: the audit reader loses nothing", () => {
  it("the generator reaches agents on every cloud", () => {
    for (const cloud of ["aws", "gcp", "azure"] as const)
      expect(
        known.some((agent) => agent[cloud] !== undefined),
        cloud,
      ).toBe(true);
  });

  it("every fixture: events in = attributed + unattributed, and nothing else", async () => {
    const files = readdirSync(FIXTURES).filter((name) => /\.(json|ndjson)$/.test(name));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const name of files) {
      const { values, error } = await readAll(join(FIXTURES, name));
      expect(error, name).toBeUndefined();
      const emitted: ActionRecord[] = [];
      const summary = await auditFiles([join(FIXTURES, name)], agents, (record) => emitted.push(record));
      expect(summary.records, name).toBe(values.length);
      expect(summary.attributed + summary.unattributed + summary.unrecognized.length, name).toBe(summary.records);
      expect(emitted.length, name).toBe(summary.attributed + summary.unattributed);
      expect(emitted.filter((record) => record.agent_id === null).length, name).toBe(summary.unattributed);
    }
  });

  it("generated logs of every cloud and shape: each event attributed to the agent it came from, or listed unattributed", async () => {
    const shapes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(logFile(known), fc.boolean(), async (log: LogFile, gzip) => {
        shapes.add(`${log.format}${gzip ? " (gzip)" : ""}`);
        const file = write(gzip ? gzipSync(log.bytes) : log.bytes, gzip ? "log.json.gz" : "log.json");
        const emitted: ActionRecord[] = [];
        const summary = await auditFiles([file], agents, (record) => emitted.push(record));
        const events = log.records.filter((record) => record.agent !== undefined);
        expect(summary.errors).toEqual([]);
        expect(summary.records).toBe(log.records.length);
        expect(summary.attributed + summary.unattributed).toBe(events.length);
        expect(summary.unrecognized.length).toBe(log.records.length - events.length);
        expect(emitted.map((record) => record.agent_id)).toEqual(events.map((record) => record.agent));
        // Each event's source points at its own bytes (offsets in the decompressed data).
        expect(emitted.map((record) => record.source?.offset)).toEqual(events.map((record) => record.start));
      }),
      runs(300),
    );
    expect(shapes.size).toBeGreaterThanOrEqual(8);
  });

  it("a file cut at any byte: the records before the cut, then an error naming the byte offset", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Cut after at least one byte: an empty file is an empty log, with nothing in it to lose.
        logFile(known).chain((log) => fc.tuple(fc.constant(log), fc.integer({ min: 1, max: log.bytes.length - 1 }))),
        async ([log, cut]) => {
          const { values, error } = await readAll(write(log.bytes.subarray(0, cut)));
          const before = log.records.filter((record) => record.end <= cut);
          // Every record that ended before the cut was delivered, unchanged, in order.
          expect(values).toEqual(before.map((record) => record.value));
          const rest = log.bytes.subarray(cut).toString("utf8");
          const onlyBlankCut = rest.trim() === "";
          const betweenLines =
            log.lineDelimited &&
            log.bytes
              .subarray(before.at(-1)?.end ?? 0, cut)
              .toString("utf8")
              .trim() === "";
          if (onlyBlankCut || betweenLines) return; // Nothing was cut off, or nothing a line-delimited file can tell.
          expect(error, `cut at ${cut} of ${log.bytes.length} (${log.format})`).toBeDefined();
          expect(error!.offset).toBe(cut);
          expect(error!.message).toContain(`byte ${cut}`);
          expect(error!.recordsRead).toBe(before.length);
        },
      ),
      runs(600),
    );
  });

  it("a gzip file cut at any byte: the records decompressed before the cut, then an error with the offset", async () => {
    await fc.assert(
      fc.asyncProperty(
        logFile(known).chain((log) => {
          const compressed = gzipSync(log.bytes);
          return fc.tuple(
            fc.constant(log),
            fc.constant(compressed),
            fc.integer({ min: 2, max: compressed.length - 1 }),
          );
        }),
        async ([log, compressed, cut]) => {
          const { values, error } = await readAll(write(compressed.subarray(0, cut), "log.json.gz"));
          // A prefix of the records, unchanged; then the reason.
          expect(values).toEqual(log.records.slice(0, values.length).map((record) => record.value));
          expect(error, `gzip cut at ${cut} of ${compressed.length}`).toBeDefined();
          expect(error!.offset).toBeGreaterThanOrEqual(0);
          expect(error!.offset).toBeLessThanOrEqual(log.bytes.length);
          expect(error!.message).toContain(String(error!.offset));
          expect(error!.recordsRead).toBe(values.length);
        },
      ),
      runs(100),
    );
  });

  it("a corrupted byte: never a crash; every record before it delivered; an error names its byte offset", async () => {
    await fc.assert(
      fc.asyncProperty(
        logFile(known).chain((log) =>
          fc.tuple(
            fc.constant(log),
            fc.integer({ min: 0, max: log.bytes.length - 1 }),
            fc.constantFrom(0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x2c, 0x3a, 0x5c, 0x00, 0xff, 0x78, 0x0a),
          ),
        ),
        async ([log, at, byte]) => {
          const corrupted = Buffer.from(log.bytes);
          corrupted[at] = byte;
          const { values, error } = await readAll(write(corrupted));
          const before = log.records.filter((record) => record.end <= at);
          expect(values.slice(0, before.length)).toEqual(before.map((record) => record.value));
          if (error) {
            // The offset is where the reader saw the problem: the corrupted byte, or the start of the record it broke.
            expect(error.offset).toBeGreaterThanOrEqual(0);
            expect(error.offset).toBeLessThanOrEqual(corrupted.length);
            expect(error.message.slice(error.message.indexOf(": ") + 2), "the error names the offset").toContain(
              `byte ${error.offset}`,
            );
            expect(error.recordsRead).toBe(values.length);
          }
        },
      ),
      runs(600),
    );
  });

  it("a broken key after good records in the same chunk: the good records, then the byte (found by this property)", async () => {
    const lines = [
      { insertId: "a", protoPayload: { methodName: "x" } },
      { insertId: "b", protoPayload: { methodName: "y" } },
    ].map((record) => JSON.stringify(record));
    const text = `${lines.join("\n")}\n{"insert\nId":"c"}\n`;
    const { values, error } = await readAll(write(Buffer.from(text)));
    expect(values).toHaveLength(2);
    const key = text.indexOf('"insert\nId"');
    expect(error?.offset).toBe(key);
    expect(error?.message).toContain(`byte ${key}`);
  });

  it("agent-iam audit on a truncated file: the events before it, then the error with its byte offset, exit 2", async () => {
    const [log] = fc.sample(
      logFile(known).filter((candidate) => candidate.cloud === "aws" && candidate.records.length >= 4),
      { numRuns: 1, seed: 7 },
    );
    const cut = log!.records[2]!.end + 5;
    const file = write(log!.bytes.subarray(0, cut), "trail.json");
    const inventory = write(Buffer.from(JSON.stringify({ agents })), "inventory.json");
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [join(REPO, "bin", "agent-iam.js"), "audit", file, "--inventory", inventory, "--format", "ndjson"],
        { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } },
        (failure, out, err) => done({ code: failure ? Number(failure.code) : 0, stdout: out, stderr: err }),
      ),
    );
    expect(code).toBe(2);
    expect(stdout.trim().split("\n")).toHaveLength(
      log!.records.slice(0, 3).filter((record) => record.agent !== undefined).length,
    );
    expect(stderr).toContain(file);
    expect(stderr).toContain(`byte ${cut}`);
  }, 60_000);
});
