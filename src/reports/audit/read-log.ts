import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { RecordScanError, RecordScanner, type ScannedRecord } from "./record-scanner";

/** A log file that could not be read to its end: where it broke, and how many records came before. */
export class AuditFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    /** Byte offset of the problem (in the decompressed data for a gzip file); undefined when the file could not be opened. */
    readonly offset: number | undefined,
    /** Records read from the file before the problem; they have been delivered. */
    readonly recordsRead: number,
  ) {
    super(`${file}: ${message}`);
    this.name = "AuditFileError";
  }
}

/** How much is read at a time. */
const CHUNK_BYTES = 64 * 1024;

/** Whether data starts with the gzip magic bytes (CloudTrail delivers `.json.gz` objects). */
export function isGzip(chunk: Buffer): boolean {
  return chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
}

function readError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR") return "the gzip data is truncated or corrupt";
  return `cannot read it (${code ?? (error as Error).message})`;
}

/**
 * The file's bytes, decompressed when they are gzip: the first chunk decides, so a pipe or a FIFO
 * is read once, from its start.
 */
async function openData(file: string): Promise<AsyncIterable<Buffer>> {
  const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const chunks = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done) return Readable.from([]);
  const all = Readable.from(
    (async function* () {
      yield first.value;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  if (!isGzip(first.value)) return all;
  const gunzip = createGunzip();
  all.on("error", (error) => gunzip.destroy(error));
  return all.pipe(gunzip);
}

/**
 * Streams the records of one audit-log file: JSON (a CloudTrail `{"Records":[...]}` file, an array
 * of log entries, an Activity Log `{"value":[...]}` page), newline-delimited JSON, or any of them
 * gzip-compressed. Reads 64 KiB at a time and holds one record at a time, so a record is delivered
 * as soon as its last byte is read. Throws {@link AuditFileError} after delivering every record read
 * before a truncation or corruption. A `scanner` made with `parse: false` finds the records' offsets
 * without parsing them, and tells their layout.
 */
export async function* readLogRecords(
  file: string,
  options: { readonly scanner?: RecordScanner } = {},
): AsyncGenerator<ScannedRecord> {
  let data: AsyncIterable<Buffer>;
  try {
    data = await openData(file);
  } catch (error) {
    throw new AuditFileError(file, readError(error), undefined, 0);
  }
  const scanner = options.scanner ?? new RecordScanner();
  let count = 0;
  let consumed = 0;
  try {
    for await (const chunk of data) {
      const records = scanner.push(chunk);
      consumed += chunk.length;
      for (const record of records) {
        count++;
        yield record;
      }
    }
    for (const record of scanner.end()) {
      count++;
      yield record;
    }
  } catch (error) {
    if (error instanceof RecordScanError) throw new AuditFileError(file, error.message, error.offset, count);
    throw new AuditFileError(file, `${readError(error)} after ${consumed} bytes of data`, consumed, count);
  } finally {
    const closable = data as { destroy?: () => void };
    closable.destroy?.();
  }
}
