import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { toStruct } from "../../src/gate/analyzer/wire";
import { analyzeRequest, analyzeStackRequest, analyzerResourceMessage } from "../support/analyzer-oracle";
import {
  analyzeRequestBytes,
  analyzeStackRequestBytes,
  analyzerResourceBytes,
} from "../../src/gate/analyzer/request-encoding";
import { encodeStruct } from "../../src/gate/analyzer/struct-encoding";
import type { AnalyzerResource } from "../../src/gate/analyzer";
import { runs } from "../support/property";
import { propertyKey as key, propertyValue, resourceArbitrary } from "../support/analyzer-arbitraries";

/**
 * `agent-iam check` encodes each resource for `AnalyzeStack` as the program registers it and joins
 * the bytes at the end (src/gate/cli/check/pack-worker.ts). The joined request must be the very bytes
 * protobuf writes for the whole message, or a pack would read another stack than the one recorded.
 */

/** A resource whose encoding is `size` bytes or so: lengths of one, two and three varint bytes. */
function sized(size: number): AnalyzerResource {
  return {
    urn: "urn:pulumi:dev::p::aws:iam/role:Role::big",
    type: "aws:iam/role:Role",
    name: "big",
    properties: { policy: "x".repeat(size) },
  };
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe("properties written straight to the wire", () => {
  it("are the bytes google-protobuf writes for the same Struct", () => {
    fc.assert(
      fc.property(fc.dictionary(key, propertyValue, { maxKeys: 8 }), (properties) => {
        expect(same(encodeStruct(properties), toStruct(properties).serializeBinary()), JSON.stringify(properties)).toBe(
          true,
        );
      }),
      runs(500),
    );
  });

  it("hold strings and records longer than one varint byte, and -0, NaN and infinities", () => {
    const properties = {
      long: "é".repeat(100_000),
      nested: { list: Array.from({ length: 300 }, (_, index) => ({ index })) },
      numbers: [-0, Number.NaN, Infinity, -Infinity, 2 ** 60],
    };
    expect(same(encodeStruct(properties), toStruct(properties).serializeBinary())).toBe(true);
  });

  it("keep a property named __proto__ on the wire, as the engine sends it; google-protobuf drops it both ways", () => {
    const properties = JSON.parse('{"__proto__": "AKIAABCDEFGHIJKLMNOP", "a": 1}') as Record<string, unknown>;
    const decoded = analyzerPb.AnalyzeStackRequest.deserializeBinary(
      analyzeStackRequestBytes([analyzerResourceBytes({ urn: "urn:x", type: "t", name: "n", properties })]),
    );
    expect(Buffer.from(encodeStruct(properties)).includes(Buffer.from("__proto__"))).toBe(true);
    expect(Buffer.from(toStruct(properties).serializeBinary()).includes(Buffer.from("__proto__"))).toBe(false);
    // What a pack's server reads back: the key is gone, as it would be from the engine's own request.
    expect(Object.keys(decoded.getResourcesList()[0]!.getProperties()!.toJavaScript())).toEqual(["a"]);
  });

  it("refuse what a Struct cannot hold, as google-protobuf does", () => {
    expect(() => toStruct({ when: 1n } as never)).toThrow();
    expect(() => encodeStruct({ when: 1n })).toThrow(/Unexpected struct type/);
    expect(() => encodeStruct({ call: () => 1 })).toThrow(/Unexpected struct type/);
  });

  it("write property dependencies as jspb.Map does: sorted, an empty key kept, __proto__ and empty lists left out", () => {
    const propertyDependencies = JSON.parse('{"__proto__": ["u1"], "": ["u2"], "b": [], "a": ["u3", ""]}') as Record<
      string,
      string[]
    >;
    const resource: AnalyzerResource = {
      urn: "",
      type: "t",
      name: "",
      properties: {},
      propertyDependencies,
      options: { customTimeouts: { create: -0, update: Number.NaN, delete: 1.5 } },
    };
    expect(same(analyzerResourceBytes(resource), analyzerResourceMessage(resource).serializeBinary())).toBe(true);
    expect(same(analyzeRequestBytes(resource), analyzeRequest(resource).serializeBinary())).toBe(true);
  });

  it("make the same AnalyzeRequest and AnalyzerResource bytes as the messages", () => {
    fc.assert(
      fc.property(resourceArbitrary, (resource) => {
        expect(same(analyzeRequestBytes(resource), analyzeRequest(resource).serializeBinary())).toBe(true);
        expect(same(analyzerResourceBytes(resource), analyzerResourceMessage(resource).serializeBinary())).toBe(true);
      }),
      runs(300),
    );
  });
});

describe("AnalyzeStackRequest put together from resources encoded one by one", () => {
  it("is byte for byte what protobuf writes for the whole request", () => {
    fc.assert(
      fc.property(fc.array(resourceArbitrary, { maxLength: 8 }), (resources) => {
        const joined = analyzeStackRequestBytes(resources.map(analyzerResourceBytes));
        expect(Buffer.from(joined).equals(Buffer.from(analyzeStackRequest(resources).serializeBinary()))).toBe(true);
      }),
      runs(200),
    );
  });

  it("holds for resources whose length takes one, two and three varint bytes, and for none", () => {
    const resources = [sized(10), sized(100), sized(200), sized(20_000), sized(3_000_000)];
    for (const chosen of [[], resources.slice(0, 1), resources]) {
      const joined = analyzeStackRequestBytes(chosen.map(analyzerResourceBytes));
      expect(Buffer.from(joined).equals(Buffer.from(analyzeStackRequest(chosen).serializeBinary()))).toBe(true);
    }
  });

  it("reads back as the resources it was made of", () => {
    const resources = [
      sized(5),
      { ...sized(300), name: "second", parent: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev" },
    ];
    const decoded = analyzerPb.AnalyzeStackRequest.deserializeBinary(
      analyzeStackRequestBytes(resources.map(analyzerResourceBytes)),
    );
    expect(
      decoded
        .getResourcesList()
        .map((resource) => [
          resource.getName(),
          resource.getParent(),
          (resource.getProperties()!.toJavaScript().policy as string).length,
        ]),
    ).toEqual([
      ["big", "", 5],
      ["second", "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", 300],
    ]);
  });
});
