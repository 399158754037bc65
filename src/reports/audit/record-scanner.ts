/**
 * An incremental reader of the JSON shapes cloud audit logs come in, fed bytes as they arrive so a
 * 1 GB trail is never held in memory; only one record at a time is.
 *
 * It yields, in order:
 * - each element of a top-level array (`[ {...}, {...} ]`, a Cloud Logging export);
 * - each element of the record array of a top-level object: `Records` (a CloudTrail file),
 *   `records` (Azure Monitor's export to storage or Event Hubs), `value` (the Activity Log REST
 *   API), `entries` (Cloud Logging `entries.list`); the object's other keys are skipped;
 * - each other top-level object whole: newline-delimited JSON (one record a line) or a single record.
 *
 * It tracks only strings and nesting; each record's bytes go through `JSON.parse`. Structural errors
 * and a file that ends inside a record raise {@link RecordScanError} with the byte offset; records
 * completed before it have already been delivered.
 */

/** Keys of a top-level object whose array value holds the records. */
export const RECORD_ARRAY_KEYS: readonly string[] = ["Records", "records", "value", "entries"];

/** A problem in the input, at a byte offset (0-based, in the bytes fed to the scanner). */
export class RecordScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "RecordScanError";
  }
}

/** One record read: its value and the byte offset where it starts. */
export interface ScannedRecord {
  readonly value: unknown;
  readonly offset: number;
  /** The record's JSON text as it is in the file. */
  readonly text: string;
}

enum Mode {
  /** Between top-level values. */
  Top,
  /** Inside a top-level object that may be a record or hold the record array. */
  TopObject,
  /** Inside a record array, between elements. */
  Elements,
  /** Inside one element of a record array. */
  Element,
  /** Inside the holder object after its record array closed. */
  SkipRest,
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? `"${String.fromCharCode(byte)}"`
    : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}

/**
 * How the data is laid out, for a reader that parses the records itself (`--engine duckdb`): the
 * top-level values, by kind, and whether any record-array element is not an object.
 */
export interface RecordLayout {
  /** Holder objects, by the key of their record array. */
  readonly holders: readonly string[];
  /** Top-level arrays. */
  readonly arrays: number;
  /** Other top-level objects (records of newline-delimited JSON, or a single record). */
  readonly objects: number;
  /** Record-array elements that are not objects. */
  readonly nonObjectElements: number;
}

/** What a number or literal outside strings may be, per RFC 8259 section 3 and 6. */
const JSON_BARE_TOKEN = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

function isBareTokenByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    byte === 0x2b ||
    byte === 0x2d ||
    byte === 0x2e
  );
}

/**
 * Incremental scanner: `push` chunks, then `end`. With `parse: false` it finds each record's offset
 * without parsing it (its `value` is undefined, its `text` empty) and instead rejects, outside
 * strings, what `JSON.parse` would reject but lenient parsers accept: tokens other than numbers,
 * `true`, `false` and `null` (`NaN`, `Infinity`), comments, and commas before a closing bracket;
 * and what parsers read differently: a key that appears twice in an object (`JSON.parse` keeps the
 * last, DuckDB's reader the first), or a key with an escape (whose duplicates it cannot see).
 */
export class RecordScanner {
  private readonly parse: boolean;
  private readonly holders: string[] = [];
  private arrays = 0;
  private objects = 0;
  private nonObjectElements = 0;
  /** In `parse: false` mode: the bare token being read, and the last byte outside strings that was not space. */
  private token: number[] = [];
  private tokenStart = 0;
  private lastSignificant = 0;
  /** In `parse: false` mode: the objects and arrays open in the current record, each object with its keys. */
  private frames: { keys: Set<string> | null; expectKey: boolean }[] = [];
  /** The key being read: where it starts in the current chunk, and its bytes in earlier chunks. */
  private keyPending = false;
  private pendingKeyStart = 0;
  private keyHead: Buffer | null = null;

  constructor(options: { readonly parse?: boolean } = {}) {
    this.parse = options.parse ?? true;
  }

  /** Bytes scanned so far. */
  get bytesScanned(): number {
    return this.base;
  }

  /** The layout seen so far. */
  get layout(): RecordLayout {
    return {
      holders: [...this.holders],
      arrays: this.arrays,
      objects: this.objects,
      nonObjectElements: this.nonObjectElements,
    };
  }

  private mode = Mode.Top;
  /** Bytes consumed before the current chunk. */
  private base = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** The current value's bytes, across chunks. */
  private parts: Buffer[] = [];
  private partStart = -1;
  private valueStart = 0;
  /** For Element: whether the element is a string or scalar (ends without a closing bracket). */
  private scalar = false;
  /** Whether the current record array sits in a holder object (else it is the top-level array). */
  private inHolder = false;
  // Key tracking at depth 1 of a top-level object.
  private expectKey = false;
  private keyParts: number[] | null = null;
  private lastKey: string | null = null;
  /** Byte offset of the key being read (its opening quote). */
  private keyStart = 0;
  private awaitingValueOf: string | null = null;
  /** The problem found, thrown at the next call. */
  private failure: RecordScanError | undefined;
  /** How many bytes of a byte order mark the data started with. */
  private bomSoFar = 0;

  /**
   * Feeds the next chunk; returns the records it completed. A problem found in the chunk is thrown
   * by the next `push` or `end`, so the records completed before it are returned first.
   */
  push(chunk: Buffer): ScannedRecord[] {
    if (this.failure) throw this.failure;
    const out: ScannedRecord[] = [];
    this.partStart = this.mode === Mode.TopObject || this.mode === Mode.Element ? 0 : -1;
    try {
      let nextBackslash = -1;
      for (let index = 0; index < chunk.length; index++) {
        if (this.inString && !this.escape && this.keyParts === null) {
          // Inside a string only a quote or a backslash matters: jump to the next one.
          if (nextBackslash < index) {
            nextBackslash = chunk.indexOf(BACKSLASH, index);
            if (nextBackslash < 0) nextBackslash = chunk.length;
          }
          const quote = chunk.indexOf(QUOTE, index);
          index = Math.min(quote < 0 ? chunk.length : quote, nextBackslash);
          if (index >= chunk.length) break;
        }
        this.step(chunk, index, chunk[index]!, out);
      }
    } catch (error) {
      if (!(error instanceof RecordScanError)) throw error;
      this.failure = error;
      return out;
    }
    if (this.partStart >= 0 && this.parse) this.parts.push(chunk.subarray(this.partStart));
    if (this.keyPending) {
      const rest = chunk.subarray(this.pendingKeyStart);
      this.keyHead = this.keyHead ? Buffer.concat([this.keyHead, rest]) : Buffer.from(rest);
      this.pendingKeyStart = 0;
    }
    this.base += chunk.length;
    return out;
  }

  /** Ends the input; throws the problem found, or when the data ends inside a record or an unclosed record array. */
  end(): ScannedRecord[] {
    if (this.failure) throw this.failure;
    const out: ScannedRecord[] = [];
    if (this.mode === Mode.Element && this.scalar && !this.inString) {
      this.emit(out);
      this.mode = Mode.Elements;
    }
    switch (this.mode) {
      case Mode.Top:
        return out;
      case Mode.TopObject:
      case Mode.Element:
        throw new RecordScanError(
          `the data ends at byte ${this.base} inside the record that starts at byte ${this.valueStart} (truncated?)`,
          this.base,
        );
      default:
        throw new RecordScanError(
          `the data ends at byte ${this.base} before the record array is closed (truncated?)`,
          this.base,
        );
    }
  }

  private at(index: number): number {
    return this.base + index;
  }

  private startValue(index: number): void {
    this.lastSignificant = OPEN_OBJECT;
    this.frames = [{ keys: new Set(), expectKey: true }];
    this.keyPending = false;
    this.keyHead = null;
    this.parts = [];
    this.partStart = index;
    this.valueStart = this.at(index);
  }

  /** Completes the current value, which ends before `endIndex` of `chunk` (or with the data, at `end()`). */
  private emit(out: ScannedRecord[], chunk?: Buffer, endIndex?: number): void {
    if (!this.parse) {
      this.partStart = -1;
      this.parts = [];
      out.push({ value: undefined, offset: this.valueStart, text: "" });
      return;
    }
    if (chunk !== undefined && endIndex !== undefined && this.partStart >= 0)
      this.parts.push(chunk.subarray(this.partStart, endIndex));
    this.partStart = -1;
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    const text = bytes.toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message);
      const offset = position
        ? this.valueStart + Buffer.byteLength(text.slice(0, Number(position[1])), "utf8")
        : this.valueStart;
      const where = position ? ` (at byte ${offset})` : "";
      throw new RecordScanError(
        `invalid JSON in the record that starts at byte ${this.valueStart}${where}: ${message}`,
        offset,
      );
    }
    out.push({ value, offset: this.valueStart, text });
  }

  /** In `parse: false` mode, a byte of a record outside strings: what `JSON.parse` would reject is an error. */
  private checkBare(byte: number, index: number): void {
    if (isBareTokenByte(byte)) {
      if (this.token.length === 0) this.tokenStart = this.at(index);
      this.token.push(byte);
      return;
    }
    if (this.token.length > 0) {
      const token = String.fromCharCode(...this.token);
      this.token = [];
      if (!JSON_BARE_TOKEN.test(token))
        throw new RecordScanError(
          `invalid JSON at byte ${this.tokenStart}: "${token}" is not a JSON value`,
          this.tokenStart,
        );
      this.lastSignificant = 0x30;
    }
    if (isSpace(byte)) return;
    if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && this.lastSignificant === COMMA)
      throw new RecordScanError(
        `invalid JSON at byte ${this.at(index)}: a comma before ${describeByte(byte)}`,
        this.at(index),
      );
    if (
      byte !== QUOTE &&
      byte !== OPEN_OBJECT &&
      byte !== CLOSE_OBJECT &&
      byte !== OPEN_ARRAY &&
      byte !== CLOSE_ARRAY &&
      byte !== COMMA &&
      byte !== COLON
    )
      throw new RecordScanError(
        `invalid JSON at byte ${this.at(index)}: unexpected ${describeByte(byte)}`,
        this.at(index),
      );
    this.lastSignificant = byte;
    const frame = this.frames[this.frames.length - 1];
    if (byte === QUOTE) {
      if (frame?.keys && frame.expectKey) {
        this.keyPending = true;
        this.pendingKeyStart = index + 1;
        this.keyHead = null;
      }
    } else if (byte === OPEN_OBJECT) this.frames.push({ keys: new Set(), expectKey: true });
    else if (byte === OPEN_ARRAY) this.frames.push({ keys: null, expectKey: false });
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) this.frames.pop();
    else if (frame?.keys) frame.expectKey = byte === COMMA;
  }

  /** In `parse: false` mode, the key that ends before `endIndex` of `chunk`: a second one in its object is an error. */
  private endKey(chunk: Buffer, endIndex: number): void {
    this.keyPending = false;
    const tail = chunk.subarray(this.pendingKeyStart, endIndex);
    const bytes = this.keyHead ? Buffer.concat([this.keyHead, tail]) : tail;
    this.keyHead = null;
    const frame = this.frames[this.frames.length - 1]!;
    const key = bytes.toString("latin1");
    const start = this.at(endIndex) - bytes.length;
    if (key.includes("\\")) throw new RecordScanError(`a key with an escape at byte ${start}`, start);
    if (frame.keys!.has(key))
      throw new RecordScanError(
        `the key "${bytes.toString("utf8")}" appears twice in an object (at byte ${start})`,
        start,
      );
    frame.keys!.add(key);
    frame.expectKey = false;
  }

  /** Tracks strings and nesting; returns true when the byte was inside or ended a string. */
  private trackString(byte: number): boolean {
    if (this.inString) {
      if (this.escape) this.escape = false;
      else if (byte === BACKSLASH) this.escape = true;
      else if (byte === QUOTE) this.inString = false;
      return true;
    }
    if (byte === QUOTE) {
      this.inString = true;
      return true;
    }
    return false;
  }

  private step(chunk: Buffer, index: number, byte: number, out: ScannedRecord[]): void {
    switch (this.mode) {
      case Mode.Top:
        if (isSpace(byte)) return;
        // A UTF-8 byte order mark at the very start.
        if (this.at(index) < 3 && byte === UTF8_BOM[this.at(index)] && this.bomSoFar === this.at(index)) {
          this.bomSoFar++;
          return;
        }
        if (byte === OPEN_OBJECT) {
          this.mode = Mode.TopObject;
          this.startValue(index);
          this.depth = 1;
          this.expectKey = true;
          this.lastKey = null;
          this.awaitingValueOf = null;
          return;
        }
        if (byte === OPEN_ARRAY) {
          this.arrays++;
          this.mode = Mode.Elements;
          this.inHolder = false;
          this.valueStart = this.at(index);
          return;
        }
        throw new RecordScanError(
          `expected a JSON object or array at byte ${this.at(index)}, found ${describeByte(byte)}`,
          this.at(index),
        );

      case Mode.TopObject: {
        if (!this.parse && !this.inString) this.checkBare(byte, index);
        if (this.depth === 1 && this.keyParts !== null) {
          // Inside a key of the top-level object.
          if (this.escape) this.escape = false;
          else if (byte === BACKSLASH) this.escape = true;
          else if (byte === QUOTE) {
            this.inString = false;
            if (this.keyPending) this.endKey(chunk, index);
            try {
              this.lastKey = JSON.parse(`"${Buffer.from(this.keyParts).toString("utf8")}"`) as string;
            } catch (error) {
              throw new RecordScanError(
                `invalid key at byte ${this.keyStart} in the object that starts at byte ${this.valueStart}: ${(error as Error).message}`,
                this.keyStart,
              );
            }
            this.keyParts = null;
            this.expectKey = false;
            return;
          }
          this.keyParts.push(byte);
          return;
        }
        if (this.trackString(byte)) {
          if (this.keyPending && !this.inString) this.endKey(chunk, index);
          if (this.inString && this.depth === 1 && this.expectKey) {
            this.keyParts = [];
            this.keyStart = this.at(index);
          } else if (this.inString && this.depth === 1) this.awaitingValueOf = null;
          return;
        }
        if (isSpace(byte)) return;
        if (this.depth === 1) {
          if (byte === COLON && this.lastKey !== null) {
            this.awaitingValueOf = this.lastKey;
            this.lastKey = null;
            return;
          }
          if (byte === COMMA) {
            this.expectKey = true;
            this.awaitingValueOf = null;
            return;
          }
          if (
            byte === OPEN_ARRAY &&
            this.awaitingValueOf !== null &&
            RECORD_ARRAY_KEYS.includes(this.awaitingValueOf)
          ) {
            // A holder object: its record array streams; what was collected is not a record.
            this.holders.push(this.awaitingValueOf);
            this.parts = [];
            this.partStart = -1;
            this.awaitingValueOf = null;
            this.mode = Mode.Elements;
            this.inHolder = true;
            this.valueStart = this.at(index);
            return;
          }
          this.awaitingValueOf = null;
        }
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) this.depth++;
        else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
          this.depth--;
          if (this.depth === 0) {
            this.mode = Mode.Top;
            this.objects++;
            this.emit(out, chunk, index + 1);
          }
        }
        return;
      }

      case Mode.Elements:
        if (isSpace(byte) || byte === COMMA) return;
        if (byte === CLOSE_ARRAY) {
          if (this.inHolder) {
            this.mode = Mode.SkipRest;
            this.depth = 1;
          } else this.mode = Mode.Top;
          return;
        }
        if (byte === CLOSE_OBJECT)
          throw new RecordScanError(`unexpected "}" at byte ${this.at(index)} inside the record array`, this.at(index));
        if (byte !== OPEN_OBJECT) this.nonObjectElements++;
        this.mode = Mode.Element;
        this.startValue(index);
        this.depth = 0;
        this.scalar = byte !== OPEN_OBJECT && byte !== OPEN_ARRAY;
        if (byte === QUOTE) this.inString = true;
        else if (!this.scalar) this.depth = 1;
        return;

      case Mode.Element:
        if (this.scalar) {
          if (this.trackString(byte)) {
            if (!this.inString) {
              this.mode = Mode.Elements;
              this.emit(out, chunk, index + 1);
            }
            return;
          }
          if (isSpace(byte) || byte === COMMA || byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
            this.mode = Mode.Elements;
            this.emit(out, chunk, index);
            this.step(chunk, index, byte, out);
          }
          return;
        }
        if (!this.parse && !this.inString) this.checkBare(byte, index);
        if (this.trackString(byte)) {
          if (this.keyPending && !this.inString) this.endKey(chunk, index);
          return;
        }
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) this.depth++;
        else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
          this.depth--;
          if (this.depth === 0) {
            this.mode = Mode.Elements;
            this.emit(out, chunk, index + 1);
          }
        }
        return;

      case Mode.SkipRest:
        if (this.trackString(byte)) return;
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) this.depth++;
        else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
          this.depth--;
          if (this.depth === 0) this.mode = Mode.Top;
        }
        return;
    }
  }
}
