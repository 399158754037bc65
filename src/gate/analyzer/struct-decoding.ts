/**
 * The protobuf wire format read straight into plain values, without the message objects
 * google-protobuf's `deserializeBinary` builds. A pack's analyzer server decodes every request it
 * gets; profiling this pack on a recorded fleet (bench/README.md) showed google-protobuf's decoding
 * of an `AnalyzeStackRequest` costing more per resource than all of the pack's stack policies.
 *
 * The values are the ones google-protobuf gives (`test/gate/analyzer-decoding.test.ts` compares them):
 * - `Struct.toJavaScript()` builds its object from a jspb.Map, which keeps the last entry of a
 *   repeated key, walks its keys sorted (`Array.prototype.sort`) and drops a key named `__proto__`
 *   (it stores entries in a plain object); {@link decodeStruct} does the same;
 * - a `Value` whose kind is not set makes `toJavaScript()` throw `Unexpected struct type`, and so
 *   does decoding it here, when it is read;
 * - strings are UTF-8, as the engine (Go, whose protobuf runtime refuses invalid UTF-8) writes them.
 *
 * Wire format (protobuf encoding guide; google/protobuf/struct.proto): see struct-encoding.ts.
 */

/**
 * `Buffer.prototype.utf8Slice`, what `buffer.toString("utf8", start, end)` calls after checking its
 * arguments and looking up the encoding (node/lib/buffer.js): a pack reads a few strings per
 * property, and that dispatch was a tenth of its decoding. Not in Node's typings; `toString` where
 * it is missing.
 */
const utf8Slice: (this: Buffer, start: number, end: number) => string =
  (Buffer.prototype as unknown as { utf8Slice?: (this: Buffer, start: number, end: number) => string }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString("utf8", start, end);
  };

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Where a length-delimited field's bytes are in the buffer. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** A malformed message: the request is refused, as google-protobuf refuses one it cannot read. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(`malformed protobuf message: ${message}`);
    this.name = "WireFormatError";
  }
}

/**
 * A cursor over one message's bytes (`start` to `end` of `buffer`). `next()` reads a field's tag;
 * then exactly one of the value reads, or `skip()`, consumes its value.
 */
export class WireReader {
  /** The current field's number and wire type (after `next()`). */
  field = 0;
  wireType = 0;
  private position: number;

  constructor(
    readonly buffer: Buffer,
    start: number,
    private end: number,
  ) {
    this.position = start;
  }

  /** Moves to the next field; false at the end of the message. */
  next(): boolean {
    if (this.position >= this.end) return false;
    const tag = this.varint();
    this.field = Math.floor(tag / 8);
    this.wireType = tag & 7;
    if (this.field === 0) throw new WireFormatError(`field number 0 at byte ${this.position}`);
    return true;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.position >= this.end) throw new WireFormatError("a varint runs past the end of its message");
      const byte = this.buffer[this.position++]!;
      // Past 2^53 a float loses precision; the fields read here (tags, lengths, bools, enums) never get there.
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    throw new WireFormatError("a varint longer than 10 bytes");
  }

  bool(): boolean {
    this.expect(VARINT);
    return this.varint() !== 0;
  }

  double(): number {
    this.expect(FIXED64);
    if (this.position + 8 > this.end) throw new WireFormatError("a double runs past the end of its message");
    const value = this.buffer.readDoubleLE(this.position);
    this.position += 8;
    return value;
  }

  /** A length-delimited field's byte range, consumed. */
  range(): ByteRange {
    this.expect(LENGTH_DELIMITED);
    const length = this.varint();
    const start = this.position;
    const end = start + length;
    if (end > this.end) throw new WireFormatError(`field ${this.field} runs past the end of its message`);
    this.position = end;
    return { start, end };
  }

  string(): string {
    const { start, end } = this.range();
    return utf8Slice.call(this.buffer, start, end);
  }

  /** Reads `range` of the same buffer with `read`, then comes back to where it was (one reader for a whole tree). */
  within<T>(range: ByteRange, read: (reader: WireReader) => T): T {
    const { position, end, field, wireType } = this;
    this.position = range.start;
    this.end = range.end;
    try {
      return read(this);
    } finally {
      this.position = position;
      this.end = end;
      this.field = field;
      this.wireType = wireType;
    }
  }

  /** Consumes a field this reader does not know (protobuf readers skip unknown fields). */
  skip(): void {
    switch (this.wireType) {
      case VARINT:
        this.varint();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case LENGTH_DELIMITED:
        this.range();
        return;
      case FIXED32:
        this.advance(4);
        return;
      default:
        // Groups (wire types 3 and 4) were deprecated before proto3; no Pulumi message has one.
        throw new WireFormatError(`wire type ${this.wireType} of field ${this.field} is not supported`);
    }
  }

  private advance(bytes: number): void {
    if (this.position + bytes > this.end) throw new WireFormatError(`field ${this.field} runs past the end of its message`);
    this.position += bytes;
  }

  private expect(wireType: number): void {
    if (this.wireType !== wireType) throw new WireFormatError(`field ${this.field} has wire type ${this.wireType}, expected ${wireType}`);
  }
}

/** google-protobuf's message for a `Value` with no kind set (struct_pb.js, `Value.prototype.toJavaScript`). */
const NO_KIND = "Unexpected struct type";

/** A key google-protobuf's jspb.Map cannot hold (its entries live in a plain object). */
const DROPPED_KEY = "__proto__";

/** A `Value`, as `Value.toJavaScript()` gives it. */
function readValue(reader: WireReader): unknown {
  // A oneof: the last kind on the wire wins, as google-protobuf's setters clear the others.
  let kind = 0;
  let value: unknown;
  let nested: ByteRange | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        reader.varint();
        kind = 1;
        break;
      case 2:
        value = reader.double();
        kind = 2;
        break;
      case 3:
        value = reader.string();
        kind = 3;
        break;
      case 4:
        value = reader.bool();
        kind = 4;
        break;
      case 5:
      case 6:
        nested = reader.range();
        kind = reader.field;
        break;
      default:
        reader.skip();
    }
  }
  switch (kind) {
    case 1:
      return null;
    case 2:
    case 3:
    case 4:
      return value;
    case 5:
      return reader.within(nested!, readStruct);
    case 6:
      return reader.within(nested!, readList);
    default:
      throw new Error(NO_KIND);
  }
}

function readList(reader: WireReader): unknown[] {
  const values: unknown[] = [];
  while (reader.next()) {
    if (reader.field === 1) values.push(reader.within(reader.range(), readValue));
    else reader.skip();
  }
  return values;
}

/** The entry `readEntry` read last: its key, its value, and how many fields it had. */
let entryKey = "";
let entryValue: ByteRange | undefined;
let entryFields = 0;

function readEntry(reader: WireReader): void {
  entryKey = "";
  entryValue = undefined;
  entryFields = 0;
  while (reader.next()) {
    entryFields += 1;
    if (reader.field === 1) entryKey = reader.string();
    else if (reader.field === 2) entryValue = reader.range();
    else reader.skip();
  }
}

/**
 * The entries of a protobuf map field whose records are `{ string key = 1; V value = 2; }`, as
 * jspb.Map holds them: the last of a repeated key, a missing key as "", a missing value as
 * `undefined` (the caller's default), `__proto__` dropped, sorted by key.
 */
export function decodeMapEntries(buffer: Buffer, records: readonly ByteRange[]): [string, ByteRange | undefined][] {
  const entries = new Map<string, ByteRange | undefined>();
  const reader = new WireReader(buffer, 0, buffer.length);
  for (const record of records) {
    reader.within(record, readEntry);
    if (entryKey !== DROPPED_KEY) entries.set(entryKey, entryValue);
  }
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A `Struct`, as `Struct.toJavaScript()` gives it. */
function readStruct(reader: WireReader): Record<string, unknown> {
  // Encoders write a map's keys sorted and once each (google-protobuf does; the engine's Go runtime
  // does in deterministic mode): then the entries are taken as they come. Otherwise, jspb.Map's rules.
  // Values are decoded once every key is read: a later entry may replace an earlier one.
  const sorted: [string, ByteRange][] = [];
  const records: ByteRange[] = [];
  let inOrder = true;
  while (reader.next()) {
    if (reader.field !== 1) {
      reader.skip();
      continue;
    }
    const record = reader.range();
    records.push(record);
    if (!inOrder) continue;
    reader.within(record, readEntry);
    const previous = sorted.length > 0 ? sorted[sorted.length - 1]![0] : undefined;
    if (entryFields !== 2 || entryValue === undefined || entryKey === DROPPED_KEY || (previous !== undefined && !(previous < entryKey))) inOrder = false;
    else sorted.push([entryKey, entryValue]);
  }
  const result: Record<string, unknown> = {};
  const entries = inOrder ? sorted : decodeMapEntries(reader.buffer, records);
  for (const [key, value] of entries) {
    // A missing value is jspb's default, an empty Value: no kind.
    if (value === undefined) throw new Error(NO_KIND);
    result[key] = reader.within(value, readValue);
  }
  return result;
}

/** The `Struct` in `buffer[start, end)`, as `Struct.toJavaScript()` gives it. */
export function decodeStruct(buffer: Buffer, start: number, end: number): Record<string, unknown> {
  return readStruct(new WireReader(buffer, start, end));
}
