import { ByteWriter, repeatedFieldOne, varintLength, writeStruct } from "./struct-encoding";
import type { AnalyzerResource } from "./types";

/**
 * `AnalyzeRequest` and the resources of an `AnalyzeStackRequest` written straight to the protobuf
 * wire format, with the bytes google-protobuf's generated classes write for the messages
 * `src/gate/analyzer/wire.ts` builds (`test/gate/analyzer-wire.test.ts` compares them): fields in number
 * order, proto3 defaults ("" strings, false bools, 0 doubles, empty lists) left out, a message
 * field that is set written even when empty, map entries sorted by key with both key and value
 * written. `agent-iam check` encodes every resource twice, on the thread the user waits for at the
 * end of a check, so it writes bytes without building message objects first.
 *
 * Field numbers: pulumi/proto/pulumi/analyzer.proto.
 */

/** A key jspb.Map cannot hold (its entries live in a plain object), so google-protobuf never writes it. */
const DROPPED_KEY = "__proto__";

function writeRepeatedStrings(writer: ByteWriter, tag: number, values: readonly string[] | undefined): void {
  for (const value of values ?? []) {
    writer.byte(tag);
    writer.string(value);
  }
}

/** A double field, left out at 0 as google-protobuf does (`value !== 0`, so -0 too). */
function writeDoubleField(writer: ByteWriter, tag: number, value: number): void {
  if (value === 0) return;
  writer.byte(tag);
  writer.double(value);
}

function writeBoolField(writer: ByteWriter, tag: number, value: boolean): void {
  if (!value) return;
  writer.byte(tag);
  writer.varint(1);
}

/** Fields 1–4 of `AnalyzeRequest`, `AnalyzerResource` and `AnalyzerProviderResource`: type, properties, urn, name. */
function writeNamingFields(
  writer: ByteWriter,
  resource: {
    readonly type: string;
    readonly properties: Record<string, unknown>;
    readonly urn: string;
    readonly name: string;
  },
): void {
  writer.stringField(0x0a, resource.type);
  writer.byte(0x12); // properties = 2, always set
  writer.nested((struct) => writeStruct(struct, resource.properties));
  writer.stringField(0x1a, resource.urn);
  writer.stringField(0x22, resource.name);
}

/** Fields 5 (`options`, always set) and 6 (`provider`, when there is one). */
function writeOptionsAndProvider(writer: ByteWriter, resource: AnalyzerResource): void {
  const given = resource.options ?? {};
  writer.byte(0x2a); // options = 5
  writer.nested((options) => {
    writeBoolField(options, 0x08, given.protect ?? false);
    writeRepeatedStrings(options, 0x12, given.ignoreChanges);
    writeBoolField(options, 0x18, given.deleteBeforeReplace ?? false);
    writeBoolField(options, 0x20, given.deleteBeforeReplaceDefined ?? given.deleteBeforeReplace !== undefined);
    writeRepeatedStrings(options, 0x2a, given.additionalSecretOutputs);
    writeRepeatedStrings(options, 0x32, given.aliases);
    options.byte(0x3a); // customTimeouts = 7, always set
    options.nested((timeouts) => {
      writeDoubleField(timeouts, 0x09, given.customTimeouts?.create ?? 0);
      writeDoubleField(timeouts, 0x11, given.customTimeouts?.update ?? 0);
      writeDoubleField(timeouts, 0x19, given.customTimeouts?.delete ?? 0);
    });
    options.stringField(0x42, given.parent ?? resource.parent ?? "");
  });
  if (resource.provider) {
    const provider = resource.provider;
    writer.byte(0x32); // provider = 6
    writer.nested((message) => writeNamingFields(message, provider));
  }
}

/** `AnalyzeRequest` for one resource: the bytes of `analyzeRequest(resource).serializeBinary()` (wire.ts). */
export function analyzeRequestBytes(resource: AnalyzerResource): Uint8Array {
  const writer = new ByteWriter();
  writeNamingFields(writer, resource);
  writeOptionsAndProvider(writer, resource);
  return writer.copy();
}

/** One resource of an `AnalyzeStackRequest`: the bytes of `analyzerResourceMessage(resource).serializeBinary()` (wire.ts). */
export function analyzerResourceBytes(resource: AnalyzerResource): Uint8Array {
  const writer = new ByteWriter();
  writeNamingFields(writer, resource);
  writeOptionsAndProvider(writer, resource);
  writer.stringField(0x3a, resource.parent ?? ""); // parent = 7
  writeRepeatedStrings(writer, 0x42, resource.dependencies); // dependencies = 8
  const dependencies = resource.propertyDependencies ?? {};
  for (const key of Object.keys(dependencies).sort()) {
    const urns = dependencies[key]!;
    if (urns.length === 0 || key === DROPPED_KEY) continue;
    writer.byte(0x4a); // propertyDependencies = 9: a map entry
    writer.nested((entry) => {
      entry.byte(0x0a); // key = 1, written even when ""
      entry.string(key);
      entry.byte(0x12); // value = 2
      entry.nested((value) => writeRepeatedStrings(value, 0x0a, urns));
    });
  }
  return writer.copy();
}

/**
 * The encoded `AnalyzeStackRequest` holding these encoded resources, in order: the same bytes as
 * `analyzeStackRequest(resources).serializeBinary()` (its only field, `repeated AnalyzerResource
 * resources = 1`, is each resource as a length-delimited record: tag 0x0a, length, bytes). A stack
 * request can so be put together from resources encoded as the program registers them.
 */
export function analyzeStackRequestBytes(resources: readonly Uint8Array[]): Uint8Array {
  return repeatedFieldOne(resources);
}

/**
 * The byte size of the `AnalyzeStackRequest` {@link analyzeStackRequestBytes} would write for
 * encoded resources of these lengths (each a tag byte, its length as a varint, and its bytes),
 * known without putting the request together.
 */
export function analyzeStackRequestSize(resourceLengths: Iterable<number>): number {
  let size = 0;
  for (const length of resourceLengths) size += 1 + varintLength(length) + length;
  return size;
}
