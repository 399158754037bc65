import fc from "fast-check";
import type { AnalyzerResource } from "../../src/gate/analyzer";

/**
 * Resources as the engine sends them to a pack, for the wire tests (`test/gate/analyzer-wire.test.ts`,
 * `test/gate/analyzer-decoding.test.ts`).
 */

/**
 * Property names, `__proto__` aside: google-protobuf's Struct keeps its fields in a plain object, so
 * it drops that key when it encodes and when it decodes (`test/gate/analyzer-wire.test.ts` shows it).
 */
export const propertyKey = fc.string({ unit: "grapheme" }).filter((name) => name !== "__proto__");

function withoutProtoKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(withoutProtoKeys);
  if (typeof value === "object" && value !== null)
    return Object.entries(value).every(([name, item]) => name !== "__proto__" && withoutProtoKeys(item));
  return true;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });

/** Property values as programs hold them: JSON, plus undefined properties and list items (dropped and nulled as the engine does), and doubles of every kind. */
export const propertyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(propertyKey, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A property map. */
export const propertiesArbitrary = fc.dictionary(
  propertyKey,
  fc.oneof(jsonValue.filter(withoutProtoKeys), propertyValue),
);

/** Every field of a resource, options and provider included, each one present or not. */
export const resourceArbitrary: fc.Arbitrary<AnalyzerResource> = fc.record(
  {
    urn: fc.string().map((name) => `urn:pulumi:dev::p::aws:iam/role:Role::${name}`),
    type: fc.constantFrom("aws:iam/role:Role", "gcp:serviceaccount/account:Account", "pulumi:pulumi:Stack"),
    name: fc.string(),
    properties: propertiesArbitrary,
    parent: fc.string({ minLength: 1 }),
    dependencies: fc.array(fc.string(), { maxLength: 3 }),
    propertyDependencies: fc.dictionary(fc.string(), fc.array(fc.string(), { maxLength: 2 })),
    options: fc.record(
      {
        protect: fc.boolean(),
        ignoreChanges: fc.array(fc.string(), { maxLength: 2 }),
        deleteBeforeReplace: fc.boolean(),
        additionalSecretOutputs: fc.array(fc.string(), { maxLength: 2 }),
        aliases: fc.array(fc.string(), { maxLength: 2 }),
        customTimeouts: fc.record(
          { create: fc.double(), update: fc.double(), delete: fc.double() },
          { requiredKeys: [] },
        ),
        parent: fc.string({ minLength: 1 }),
      },
      { requiredKeys: [] },
    ),
    provider: fc.record({ type: fc.string(), name: fc.string(), urn: fc.string(), properties: propertiesArbitrary }),
  },
  { requiredKeys: ["urn", "type", "name", "properties"] },
);
