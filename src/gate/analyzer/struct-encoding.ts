/**
 * Plain values written straight to the protobuf wire format of `google.protobuf.Struct`, without
 * building the message objects `Struct.fromJavaScript` builds first: `agent-iam check` encodes every
 * resource's properties twice (for `Analyze` and for `AnalyzeStack`). The bytes are
 * the ones google-protobuf writes (`test/gate/analyzer-wire.test.ts` compares them), so a pack reads the
 * same values.
 *
 * Wire format (protobuf encoding guide; google/protobuf/struct.proto):
 * - `Struct { map<string, Value> fields = 1; }`: each entry a length-delimited record
 *   `{ string key = 1; Value value = 2; }`, written in key order as google-protobuf's jspb.Map does;
 * - `Value` is one of `null_value = 1` (varint 0), `number_value = 2` (64-bit double),
 *   `string_value = 3`, `bool_value = 4`, `struct_value = 5`, `list_value = 6`;
 * - `ListValue { repeated Value values = 1; }`.
 */

const NAN_BYTES = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);

/** Bytes a varint of `value` takes. */
export function varintLength(value: number): number {
  let bytes = 1;
  for (let rest = value; rest > 0x7f; rest = Math.floor(rest / 128)) bytes += 1;
  return bytes;
}

/** A growable byte buffer with the few writes the protobuf format needs. */
export class ByteWriter {
  private buffer = Buffer.allocUnsafe(256);
  length = 0;

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  varint(value: number): void {
    this.room(10);
    let rest = value;
    while (rest > 0x7f) {
      this.buffer[this.length++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buffer[this.length++] = rest;
  }

  double(value: number): void {
    this.room(8);
    // google-protobuf writes every NaN as these bytes (jspb.utils.splitFloat64); any NaN reads back as NaN.
    if (Number.isNaN(value)) this.buffer.set(NAN_BYTES, this.length);
    else this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  /** A length-delimited UTF-8 string. */
  string(value: string): void {
    const bytes = Buffer.byteLength(value, "utf8");
    this.varint(bytes);
    this.room(bytes);
    this.buffer.write(value, this.length, bytes, "utf8");
    this.length += bytes;
  }

  /**
   * A length-delimited record written by `write`, in place: one byte is kept for its length, which
   * is known once the record is written; a record of 128 bytes or more moves over for the longer
   * varint. (A writer per record allocated a buffer for every property value.)
   */
  nested(write: (writer: ByteWriter) => void): void {
    this.room(1);
    const lengthAt = this.length;
    this.length += 1;
    write(this);
    const recordLength = this.length - lengthAt - 1;
    const lengthBytes = varintLength(recordLength);
    if (lengthBytes > 1) {
      this.room(lengthBytes - 1);
      this.buffer.copyWithin(lengthAt + lengthBytes, lengthAt + 1, this.length);
      this.length += lengthBytes - 1;
    }
    const end = this.length;
    this.length = lengthAt;
    this.varint(recordLength);
    this.length = end;
  }

  /** A length-delimited string field: its tag, then the string; nothing for "" (proto3 leaves defaults out). */
  stringField(tag: number, value: string): void {
    if (value.length === 0) return;
    this.byte(tag);
    this.string(value);
  }

  bytes(value: Uint8Array): void {
    this.room(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** What was written, as a copy of its own. */
  copy(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buffer, 0, this.length);
  }
}

/** The value of a property map that `Struct.fromJavaScript` cannot hold. */
function unsupported(value: unknown): Error {
  return new Error(`Unexpected struct type: ${typeof value}`);
}

function writeValue(writer: ByteWriter, value: unknown): void {
  if (value === null) {
    writer.byte(0x08); // null_value = 1, varint
    writer.varint(0);
  } else if (typeof value === "number") {
    writer.byte(0x11); // number_value = 2, 64-bit
    writer.double(value);
  } else if (typeof value === "string") {
    writer.byte(0x1a); // string_value = 3, length-delimited
    writer.string(value);
  } else if (typeof value === "boolean") {
    writer.byte(0x20); // bool_value = 4, varint
    writer.varint(value ? 1 : 0);
  } else if (Array.isArray(value)) {
    writer.byte(0x32); // list_value = 6
    writer.nested((list) => {
      for (const item of value) {
        list.byte(0x0a); // values = 1
        // As `toStruct` does: an undefined item of a list is null.
        list.nested((inner) => writeValue(inner, item === undefined ? null : item));
      }
    });
  } else if (typeof value === "object") {
    writer.byte(0x2a); // struct_value = 5
    writer.nested((inner) => writeStruct(inner, value as Record<string, unknown>));
  } else {
    throw unsupported(value);
  }
}

/** A property map as the fields of a `google.protobuf.Struct`, written into `writer`. */
export function writeStruct(writer: ByteWriter, fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    // As `toStruct` does first: an absent property is no field.
    if (value === undefined) continue;
    writer.byte(0x0a); // fields = 1: a map entry
    writer.nested((entry) => {
      entry.byte(0x0a); // key = 1
      entry.string(key);
      entry.byte(0x12); // value = 2
      entry.nested((inner) => writeValue(inner, value));
    });
  }
}

/** A property map as the bytes of a `google.protobuf.Struct` (undefined properties left out and undefined list items null, as `toStruct` does). */
export function encodeStruct(fields: Record<string, unknown>): Uint8Array {
  const writer = new ByteWriter();
  writeStruct(writer, fields);
  return writer.copy();
}

/** Encoded messages as the values of a repeated message field numbered 1, in order: each one tag 0x0a, its length, its bytes. */
export function repeatedFieldOne(records: readonly Uint8Array[]): Uint8Array {
  const writer = new ByteWriter();
  for (const record of records) {
    writer.byte(0x0a);
    writer.varint(record.length);
    writer.bytes(record);
  }
  return writer.copy();
}
