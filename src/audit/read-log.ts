import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
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

/** Whether the file starts with the gzip magic bytes (CloudTrail delivers `.json.gz` objects). */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Streams the records of one audit-log file: JSON (a CloudTrail `{"Records":[...]}` file, an array
 * of log entries, an Activity Log `{"value":[...]}` page), newline-delimited JSON, or any of them
 * gzip-compressed. Reads 64 KiB at a time and holds one record at a time. Throws
 * {@link AuditFileError} after delivering every record read before a truncation or corruption.
 */
export async function* readLogRecords(file: string): AsyncGenerator<ScannedRecord> {
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
  } catch (error) {
    throw new AuditFileError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, undefined, 0);
  }
  const scanner = new RecordScanner();
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on("error", (error) => stream.destroy(error));
  let count = 0;
  let consumed = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
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
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR" ? "the gzip data is truncated or corrupt" : `cannot read it (${code ?? (error as Error).message})`;
    throw new AuditFileError(file, `${what} after ${consumed} bytes of data`, consumed, count);
  } finally {
    raw.destroy();
  }
}
