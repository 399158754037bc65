import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as structPb from "google-protobuf/google/protobuf/struct_pb";
import { analyzeRequestBytes, analyzeStackRequestBytes, analyzerResourceBytes } from "../../src/gate/analyzer/request-encoding";
import { decodeAnalyzeRequest, decodeAnalyzeStackRequest } from "../../src/gate/analyzer/request-views";
import { WireFormatError } from "../../src/gate/analyzer/struct-decoding";
import { resourceArbitrary } from "../support/analyzer-arbitraries";
import { runs } from "../support/property";

/**
 * The pack's analyzer server decodes requests into light views (src/gate/analyzer/request-views.ts)
 * instead of google-protobuf's message objects (policy-pack/wire-decoding.ts). A view must answer
 * every getter `@pulumi/policy`'s server.js calls with exactly what google-protobuf answers, or a
 * policy would judge another resource than the engine sent.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize") as { deserializeProperties(struct: unknown, proxySecrets: boolean): unknown };

/* eslint-disable @typescript-eslint/no-explicit-any -- both decoders are read through the same getters */

/** Every read `@pulumi/policy`'s server.js makes of a request's resource (makeAnalyzeRpcFun, makeAnalyzeStackRpcFun, getResourceOptions, getCustomTimeouts, getProviderResource, getPropertyDependencies). */
function serverReading(resource: any, inStack: boolean): unknown {
  const options = resource.getOptions();
  const timeouts = options?.getCustomtimeouts();
  const provider = resource.getProvider();
  return {
    type: resource.getType(),
    urn: resource.getUrn(),
    name: resource.getName(),
    properties: resource.getProperties() && deserializeProperties(resource.getProperties(), false),
    options: options && {
      protect: options.getProtect(),
      ignoreChanges: options.getIgnorechangesList(),
      aliases: options.getAliasesList(),
      additionalSecretOutputs: options.getAdditionalsecretoutputsList(),
      deleteBeforeReplaceDefined: options.getDeletebeforereplacedefined(),
      deleteBeforeReplace: options.getDeletebeforereplace(),
      parent: options.getParent(),
      customTimeouts: timeouts && { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() },
    },
    provider: provider && { type: provider.getType(), urn: provider.getUrn(), name: provider.getName(), properties: deserializeProperties(provider.getProperties(), false) },
    ...(inStack
      ? {
          parent: resource.getParent(),
          dependencies: resource.getDependenciesList(),
          propertyDependencies: [...resource.getPropertydependenciesMap().entries()].map(([key, value]: [string, any]) => [key, value.getUrnsList()]),
        }
      : {}),
  };
}

/** A reading as text that tells apart what equality may not: key order, -0, NaN, undefined and absent. */
function exactly(value: unknown): string {
  return inspect(value, { depth: null, maxArrayLength: null, maxStringLength: null, breakLength: Infinity, sorted: false });
}

/** What a decoder makes of bytes: the reading, or the error it throws. */
function readingOrError(read: () => unknown): string {
  try {
    return exactly(read());
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

function stackReadings(request: any): string {
  return readingOrError(() => request.getResourcesList().map((resource: any) => serverReading(resource, true)));
}

const googleStack = (bytes: Uint8Array) => stackReadings(analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes));
const viewStack = (bytes: Uint8Array) => stackReadings(decodeAnalyzeStackRequest(Buffer.from(bytes)));
const googleAnalyze = (bytes: Uint8Array) => readingOrError(() => serverReading(analyzerPb.AnalyzeRequest.deserializeBinary(bytes), false));
const viewAnalyze = (bytes: Uint8Array) => readingOrError(() => serverReading(decodeAnalyzeRequest(Buffer.from(bytes)), false));

/** Hand-written wire records, for messages no encoder writes (keys out of order, repeated fields, unknown fields). */
const wire = {
  varint(value: number): Buffer {
    const bytes: number[] = [];
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    return Buffer.from(bytes);
  },
  tag: (field: number, wireType: number) => wire.varint(field * 8 + wireType),
  bytes: (field: number, value: Buffer) => Buffer.concat([wire.tag(field, 2), wire.varint(value.length), value]),
  string: (field: number, value: string) => wire.bytes(field, Buffer.from(value, "utf8")),
  double(field: number, value: number): Buffer {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    return Buffer.concat([wire.tag(field, 1), bytes]);
  },
  bool: (field: number, value: boolean) => Buffer.concat([wire.tag(field, 0), wire.varint(value ? 1 : 0)]),
  /** A `Value`: a string, a number or a nested Struct. */
  value: (value: string | number | Buffer) => (typeof value === "string" ? wire.string(3, value) : typeof value === "number" ? wire.double(2, value) : wire.bytes(5, value)),
  /** A `Struct` from its entries, in the order given, repeats included; an entry value of null is left out. */
  struct: (entries: readonly [string, Buffer | null][]) => Buffer.concat(entries.map(([key, value]) => wire.bytes(1, Buffer.concat([wire.string(1, key), ...(value ? [wire.bytes(2, value)] : [])])))),
  /** An `AnalyzeStackRequest` of one `AnalyzerResource` made of these fields. */
  stack: (...fields: Buffer[]) => wire.bytes(1, Buffer.concat(fields)),
};

const base = [wire.string(1, "aws:iam/role:Role"), wire.string(3, "urn:pulumi:dev::p::aws:iam/role:Role::r"), wire.string(4, "r"), wire.bytes(5, Buffer.alloc(0))];

describe("requests decoded into views read as google-protobuf's messages", () => {
  it("AnalyzeStackRequest: every getter the server calls, on generated stacks", () => {
    fc.assert(
      fc.property(fc.array(resourceArbitrary, { maxLength: 6 }), (resources) => {
        const bytes = analyzeStackRequestBytes(resources.map(analyzerResourceBytes));
        expect(viewStack(bytes)).toBe(googleStack(bytes));
      }),
      runs(300),
    );
  });

  it("AnalyzeRequest: every getter the server calls, on generated resources", () => {
    fc.assert(
      fc.property(resourceArbitrary, (resource) => {
        const bytes = analyzeRequestBytes(resource);
        expect(viewAnalyze(bytes)).toBe(googleAnalyze(bytes));
      }),
      runs(300),
    );
  });

  it("reads -0, NaN, infinities, long strings and deep nesting as google-protobuf does", () => {
    const resource = {
      urn: "urn:pulumi:dev::p::aws:iam/role:Role::r",
      type: "aws:iam/role:Role",
      name: "r",
      properties: { numbers: [-0, Number.NaN, Infinity, -Infinity, 2 ** 60, 5e-324], long: "é🙂".repeat(50_000), deep: JSON.parse(`${"[".repeat(60)}1${"]".repeat(60)}`) },
    };
    const bytes = analyzeStackRequestBytes([analyzerResourceBytes(resource)]);
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    expect(viewStack(bytes)).toContain("-0");
  });

  it("keeps the last of a repeated key and sorts keys, as jspb.Map does", () => {
    const properties = wire.struct([
      ["b", wire.value(1)],
      ["a", wire.value("first")],
      ["10", wire.value(2)],
      ["a", wire.value("last")],
      ["2", wire.value(3)],
    ]);
    const bytes = wire.stack(...base, wire.bytes(2, properties));
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    expect(viewStack(bytes)).toContain("a: 'last'");
  });

  it("reads Structs whose entries come in any order, repeated, as google-protobuf does", () => {
    const entry = fc.tuple(fc.constantFrom("a", "b", "c", "10", "2", "__proto__", ""), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        const encoded = entries.map(([key, value]) => [key, Buffer.from(structPb.Value.fromJavaScript(value as structPb.JavaScriptValue).serializeBinary())] as [string, Buffer]);
        const bytes = wire.stack(...base, wire.bytes(2, wire.struct(encoded)));
        expect(viewStack(bytes)).toBe(googleStack(bytes));
      }),
      runs(300),
    );
  });

  it("drops a key named __proto__, as google-protobuf does", () => {
    const bytes = wire.stack(...base, wire.bytes(2, wire.struct([["__proto__", wire.value("AKIAABCDEFGHIJKLMNOP")], ["a", wire.value(1)]])));
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    expect(viewStack(bytes)).not.toContain("AKIA");
  });

  it("throws on a Value with no kind, with google-protobuf's message, unless a later entry of its key replaces it", () => {
    const bytes = wire.stack(...base, wire.bytes(2, wire.struct([["empty", Buffer.alloc(0)]])));
    expect(googleStack(bytes)).toBe("throws Unexpected struct type");
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    const replaced = wire.stack(...base, wire.bytes(2, wire.struct([["a", wire.value(1)], ["empty", Buffer.alloc(0)], ["empty", wire.value("later")]])));
    expect(googleStack(replaced)).toContain("later");
    expect(viewStack(replaced)).toBe(googleStack(replaced));
  });

  it("reads an entry without a value or without a key as google-protobuf does", () => {
    for (const entries of [[["a", wire.value(1)], ["b", null]], [["", wire.value(1)], ["a", wire.value(2)]]] as [string, Buffer | null][][]) {
      const bytes = wire.stack(...base, wire.bytes(2, wire.struct(entries)));
      expect(viewStack(bytes)).toBe(googleStack(bytes));
    }
    const keyless = wire.stack(...base, wire.bytes(2, Buffer.concat([wire.bytes(1, wire.bytes(2, wire.value(5))), wire.bytes(1, Buffer.concat([wire.string(1, "z"), wire.bytes(2, wire.value(6))]))])));
    expect(viewStack(keyless)).toBe(googleStack(keyless));
  });

  it("keeps the last kind of a Value that has two, and the last of a repeated singular field", () => {
    const twoKinds = Buffer.concat([wire.string(3, "text"), wire.double(2, 7)]);
    const bytes = wire.stack(...base, wire.string(1, "second:type"), wire.string(7, "parent-1"), wire.string(7, "parent-2"), wire.bytes(2, wire.struct([["x", twoKinds]])));
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    expect(viewStack(bytes)).toContain("second:type");
  });

  it("skips fields it does not know, of every wire type", () => {
    const fixed32 = Buffer.concat([wire.tag(21, 5), Buffer.from([1, 2, 3, 4])]);
    const unknown = [Buffer.concat([wire.tag(20, 0), wire.varint(2 ** 40)]), wire.double(22, 1.5), wire.string(23, "later field"), fixed32];
    const bytes = wire.stack(...base, ...unknown, wire.bytes(2, Buffer.concat([wire.struct([["k", wire.value("v")]]), ...unknown])));
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    expect(viewStack(bytes)).toContain("k: 'v'");
  });

  it("reads property dependencies in jspb.Map's order, the last of a repeated key kept", () => {
    const entry = (key: string, ...urns: string[]) => wire.bytes(9, Buffer.concat([wire.string(1, key), wire.bytes(2, Buffer.concat(urns.map((urn) => wire.string(1, urn))))]));
    const bytes = wire.stack(...base, entry("zeta", "u1"), entry("alpha", "u2", "u3"), entry("zeta", "u4"), wire.bytes(9, wire.string(1, "no-value")));
    expect(viewStack(bytes)).toBe(googleStack(bytes));
    expect(viewStack(bytes)).toContain("[ 'zeta', [ 'u4' ] ]");
  });

  it("leaves fields 7 to 9 out of an AnalyzeRequest, as its generated reader does", () => {
    const bytes = Buffer.concat([...base, wire.string(7, "parent"), wire.string(8, "dependency")]);
    expect(viewAnalyze(bytes)).toBe(googleAnalyze(bytes));
  });

  it("answers undefined for absent options, provider, timeouts and properties", () => {
    const bytes = wire.stack(wire.string(1, "t"), wire.string(3, "u"));
    const [resource] = decodeAnalyzeStackRequest(Buffer.from(bytes)).getResourcesList();
    expect([resource!.getOptions(), resource!.getProvider(), resource!.getProperties()]).toEqual([undefined, undefined, undefined]);
    expect(viewStack(bytes)).toBe(googleStack(bytes));
  });

  it("refuses malformed bytes with a WireFormatError, never another exception and never a hang", () => {
    const malformed = (error: unknown) => error instanceof WireFormatError || (error instanceof Error && error.message === "Unexpected struct type");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(resourceArbitrary, { maxLength: 2 }), fc.nat(), (noise, resources, cut) => {
        const valid = Buffer.from(analyzeStackRequestBytes(resources.map(analyzerResourceBytes)));
        for (const bytes of [Buffer.from(noise), valid.subarray(0, cut % (valid.length + 1))]) {
          try {
            for (const resource of decodeAnalyzeStackRequest(bytes).getResourcesList()) {
              resource.getProperties()?.toJavaScript();
              resource.getProvider()?.getProperties()?.toJavaScript();
            }
          } catch (error) {
            expect(malformed(error), String(error)).toBe(true);
          }
        }
      }),
      runs(500),
    );
  });
});
