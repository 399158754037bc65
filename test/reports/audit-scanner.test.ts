import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  AuditFileError,
  RecordScanError,
  RecordScanner,
  readLogRecords,
  type ScannedRecord,
} from "../../src/reports/audit";

/** Feeds `bytes` to a scanner in chunks cut at `cuts`, and returns what it read (or the error). */
function scan(bytes: Buffer, cuts: readonly number[] = []): { records: ScannedRecord[]; error?: RecordScanError } {
  const scanner = new RecordScanner();
  const records: ScannedRecord[] = [];
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  let from = 0;
  try {
    for (const to of [...points, bytes.length]) {
      records.push(...scanner.push(bytes.subarray(from, to)));
      from = to;
    }
    records.push(...scanner.end());
    return { records };
  } catch (error) {
    if (error instanceof RecordScanError) return { records, error };
    throw error;
  }
}

const record = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
  ),
  { maxKeys: 6 },
);

type Shape = "Records" | "records" | "value" | "entries" | "array" | "ndjson";

/** Writes records in one of the shapes logs come in; returns the bytes and where each record starts. */
function layout(
  records: Record<string, unknown>[],
  shape: Shape,
  extra: Record<string, unknown>,
): { bytes: Buffer; starts: number[] } {
  const texts = records.map((value) => JSON.stringify(value));
  let head: string;
  let separator: string;
  let tail: string;
  if (shape === "ndjson") [head, separator, tail] = ["", "\n", "\n"];
  else if (shape === "array") [head, separator, tail] = ["[\n", ",\n", "\n]\n"];
  else {
    const before = JSON.stringify(extra).slice(1, -1);
    [head, separator, tail] = [
      `{${before}${before ? "," : ""}"${shape}": [`,
      ", ",
      `], "after": ${JSON.stringify(extra)}}`,
    ];
  }
  const starts: number[] = [];
  let text = head;
  texts.forEach((value, index) => {
    if (index > 0) text += separator;
    starts.push(Buffer.byteLength(text));
    text += value;
  });
  return { bytes: Buffer.from(text + tail), starts };
}

describe("RecordScanner", () => {
  it("reads every record of every shape, in any chunking, with the byte offset where it starts", () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 8 }),
        fc.constantFrom<Shape>("Records", "records", "value", "entries", "array", "ndjson"),
        fc.dictionary(
          fc.constantFrom("nextLink", "meta", "Records2"),
          fc.oneof(fc.string(), fc.array(fc.integer(), { maxLength: 3 })),
          { maxKeys: 2 },
        ),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }),
        (records, shape, extra, cuts) => {
          const { bytes, starts } = layout(records, shape, extra);
          const result = scan(bytes, cuts);
          expect(result.error).toBeUndefined();
          expect(result.records.map((item) => item.value)).toEqual(records);
          expect(result.records.map((item) => item.offset)).toEqual(starts);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("delivers the records completed before a truncation, then names the byte where the data ended", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 6 }),
        fc.constantFrom<Shape>("Records", "array"),
        fc.nat(),
        (records, shape, at) => {
          const { bytes, starts } = layout(records, shape, {});
          const cut = 1 + (at % (bytes.length - 2));
          const result = scan(bytes.subarray(0, cut), [Math.floor(cut / 2)]);
          expect(result.error).toBeDefined();
          expect(result.error!.offset).toBeLessThanOrEqual(cut);
          const complete = records.filter(
            (value, index) => starts[index]! + Buffer.byteLength(JSON.stringify(value)) <= cut,
          );
          expect(result.records.map((item) => item.value)).toEqual(complete);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['{"Records":[{"a":1},{"b":tru}]}', /invalid JSON in the record that starts at byte 20/],
    ['{"Records":[{"a":1},{"b":', /ends at byte 25 inside the record that starts at byte 20/],
    ['{"Records":[{"a":1}', /ends at byte 19 before the record array is closed/],
    ["garbage", /expected a JSON object or array at byte 0, found "g"/],
    ['{"Records":[{"a":1}}', /unexpected "}" at byte 19/],
  ])("%s → a clear error", (text, message) => {
    const result = scan(Buffer.from(text));
    expect(result.error?.message).toMatch(message);
  });

  it("returns the records of a chunk that come before a broken one", () => {
    const result = scan(Buffer.from('{"Records":[{"a":1},{"b":2},{"c":nope},{"d":4}]}'));
    expect(result.records.map((item) => item.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(result.error?.message).toMatch(/record that starts at byte 28/);
  });

  it("skips a UTF-8 byte order mark, and keeps multi-byte characters split across chunks", () => {
    const text = '{"Records":[{"user":"Zoë 🚀"}]}';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (let cut = 1; cut < bytes.length; cut++)
      expect(scan(bytes, [cut]).records.map((item) => item.value)).toEqual([{ user: "Zoë 🚀" }]);
  });

  it("treats brackets and quotes inside strings as text", () => {
    const records = [{ message: 'a "}]{[" b \\', key: "Records" }, { 'Rec"ords': ["[", "{"] }];
    expect(scan(Buffer.from(JSON.stringify({ Records: records }))).records.map((item) => item.value)).toEqual(records);
  });
});

describe("readLogRecords", () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-iam-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function readAll(file: string): Promise<{ values: unknown[]; error?: AuditFileError }> {
    const values: unknown[] = [];
    try {
      for await (const item of readLogRecords(file)) values.push(item.value);
      return { values };
    } catch (error) {
      if (error instanceof AuditFileError) return { values, error };
      throw error;
    }
  }

  it("streams a file far larger than one read, record by record", async () => {
    const records = Array.from({ length: 5000 }, (_, index) => ({ eventID: `e-${index}`, padding: "x".repeat(100) }));
    const file = join(dir, "big.json");
    writeFileSync(file, JSON.stringify({ Records: records }));
    const { values, error } = await readAll(file);
    expect(error).toBeUndefined();
    expect(values).toHaveLength(5000);
    expect(values[4999]).toEqual(records[4999]);
  });

  it("delivers each record as soon as its bytes arrive: the file is never needed whole", async () => {
    // A FIFO: the writer holds back the rest of the trail until the first record has been read.
    const fifo = join(dir, "trail.fifo");
    execFileSync("mkfifo", [fifo]);
    const records = readLogRecords(fifo)[Symbol.asyncIterator]();
    const first = records.next();
    const writer = createWriteStream(fifo);
    writer.write('{"Records":[{"eventID":"first"},');
    expect((await first).value).toEqual({ value: { eventID: "first" }, offset: 12, text: '{"eventID":"first"}' });
    const second = records.next();
    writer.end('{"eventID":"second"}]}');
    expect((await second).value).toEqual({ value: { eventID: "second" }, offset: 32, text: '{"eventID":"second"}' });
    expect((await records.next()).done).toBe(true);
  });

  it("reads gzip-compressed trails (CloudTrail delivers .json.gz)", async () => {
    const file = join(dir, "trail.json.gz");
    writeFileSync(file, gzipSync(JSON.stringify({ Records: [{ a: 1 }, { b: 2 }] })));
    expect((await readAll(file)).values).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("a truncated gzip file: the records before, then an error", async () => {
    const records = Array.from({ length: 2000 }, (_, index) => ({ eventID: `e-${index}`, padding: "y".repeat(50) }));
    const full = gzipSync(JSON.stringify({ Records: records }));
    const file = join(dir, "cut.json.gz");
    writeFileSync(file, full.subarray(0, Math.floor(full.length / 2)));
    const { values, error } = await readAll(file);
    expect(error).toBeInstanceOf(AuditFileError);
    expect(error!.message).toMatch(/cut\.json\.gz: (the gzip data is truncated or corrupt|the data ends at byte \d+)/);
    expect(values.length).toBeGreaterThan(0);
    expect(values.length).toBeLessThan(2000);
    expect(error!.recordsRead).toBe(values.length);
  });

  it("a missing file is an error that names it", async () => {
    const { error } = await readAll(join(dir, "nope.json"));
    expect(error?.message).toMatch(/nope\.json: cannot read it \(ENOENT\)/);
  });
});
