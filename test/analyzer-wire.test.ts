import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { analyzeStackRequest, analyzeStackRequestBytes, analyzerResourceBytes } from "../src/analyzer/wire";
import type { AnalyzerResource } from "../src/analyzer";
import { runs } from "./support/property";

/**
 * `agent-iam check` encodes each resource for `AnalyzeStack` as the program registers it and joins
 * the bytes at the end (src/cli/check/pack-worker.ts). The joined request must be the very bytes
 * protobuf writes for the whole message, or a pack would read another stack than the one recorded.
 */

const jsonValue = fc.jsonValue({ maxDepth: 3 });

const resourceArbitrary: fc.Arbitrary<AnalyzerResource> = fc.record(
  {
    urn: fc.string().map((name) => `urn:pulumi:dev::p::aws:iam/role:Role::${name}`),
    type: fc.constantFrom("aws:iam/role:Role", "gcp:serviceaccount/account:Account", "pulumi:pulumi:Stack"),
    name: fc.string(),
    properties: fc.dictionary(fc.string(), jsonValue),
    parent: fc.string({ minLength: 1 }),
    dependencies: fc.array(fc.string(), { maxLength: 3 }),
    propertyDependencies: fc.dictionary(fc.string(), fc.array(fc.string(), { maxLength: 2 })),
    options: fc.record({ protect: fc.boolean(), aliases: fc.array(fc.string(), { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ["urn", "type", "name", "properties"] },
);

/** A resource whose encoding is `size` bytes or so: lengths of one, two and three varint bytes. */
function sized(size: number): AnalyzerResource {
  return { urn: "urn:pulumi:dev::p::aws:iam/role:Role::big", type: "aws:iam/role:Role", name: "big", properties: { policy: "x".repeat(size) } };
}

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
    const resources = [sized(5), { ...sized(300), name: "second", parent: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev" }];
    const decoded = analyzerPb.AnalyzeStackRequest.deserializeBinary(analyzeStackRequestBytes(resources.map(analyzerResourceBytes)));
    expect(decoded.getResourcesList().map((resource) => [resource.getName(), resource.getParent(), (resource.getProperties()?.toJavaScript().policy as string).length])).toEqual([
      ["big", "", 5],
      ["second", "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", 300],
    ]);
  });
});
