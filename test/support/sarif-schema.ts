import { z } from "zod";

/**
 * The SARIF 2.1.0 object model, as far as `agent-iam check --sarif` uses it, written from the
 * OASIS schema (oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json): the same required
 * properties, enums and minimums, and `additionalProperties: false` as strict objects, so a
 * misspelt or invented property fails. Property bags stay open, as the schema says.
 */

const propertyBag = z.looseObject({
  tags: z
    .array(z.string())
    .refine((tags) => new Set(tags).size === tags.length, "tags are unique")
    .optional(),
});

/** `message`: `text` or `id` is required (anyOf). */
const message = z
  .strictObject({
    text: z.string().optional(),
    markdown: z.string().optional(),
    id: z.string().optional(),
    arguments: z.array(z.string()).optional(),
    properties: propertyBag.optional(),
  })
  .refine((value) => value.text !== undefined || value.id !== undefined, "a message has text or id");

const multiformatMessageString = z.strictObject({
  text: z.string(),
  markdown: z.string().optional(),
  properties: propertyBag.optional(),
});

const level = z.enum(["none", "note", "warning", "error"]);

const reportingConfiguration = z.strictObject({
  enabled: z.boolean().optional(),
  level: level.optional(),
  rank: z.number().min(-1).max(100).optional(),
  parameters: propertyBag.optional(),
  properties: propertyBag.optional(),
});

const reportingDescriptor = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  shortDescription: multiformatMessageString.optional(),
  fullDescription: multiformatMessageString.optional(),
  defaultConfiguration: reportingConfiguration.optional(),
  helpUri: z.string().optional(),
  help: multiformatMessageString.optional(),
  properties: propertyBag.optional(),
});

const toolComponent = z.strictObject({
  name: z.string(),
  version: z.string().optional(),
  semanticVersion: z.string().optional(),
  informationUri: z.string().optional(),
  rules: z.array(reportingDescriptor).optional(),
  properties: propertyBag.optional(),
});

/** `uri` is a URI reference: relative, no backslashes, no spaces unescaped. */
const artifactLocation = z.strictObject({
  uri: z
    .string()
    .refine((uri) => !/[\\\s]/.test(uri), "a URI reference has no backslash or white space")
    .optional(),
  uriBaseId: z.string().optional(),
  index: z.number().int().min(-1).optional(),
  description: message.optional(),
  properties: propertyBag.optional(),
});

/** `region`: one of startLine, charOffset, byteOffset is required (anyOf); lines and columns start at 1. */
const region = z
  .strictObject({
    startLine: z.number().int().min(1).optional(),
    startColumn: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
    endColumn: z.number().int().min(1).optional(),
    charOffset: z.number().int().min(-1).optional(),
    byteOffset: z.number().int().min(-1).optional(),
    message: message.optional(),
    properties: propertyBag.optional(),
  })
  .refine(
    (value) => value.startLine !== undefined || value.charOffset !== undefined || value.byteOffset !== undefined,
    "a region has startLine, charOffset or byteOffset",
  );

/** `physicalLocation`: address or artifactLocation is required (anyOf). */
const physicalLocation = z.strictObject({
  artifactLocation,
  region: region.optional(),
  properties: propertyBag.optional(),
});

const logicalLocation = z.strictObject({
  name: z.string().optional(),
  index: z.number().int().min(-1).optional(),
  fullyQualifiedName: z.string().optional(),
  decoratedName: z.string().optional(),
  parentIndex: z.number().int().min(-1).optional(),
  kind: z.string().optional(),
  properties: propertyBag.optional(),
});

const location = z.strictObject({
  id: z.number().int().min(-1).optional(),
  physicalLocation: physicalLocation.optional(),
  logicalLocations: z.array(logicalLocation).optional(),
  message: message.optional(),
  properties: propertyBag.optional(),
});

const result = z.strictObject({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().min(-1).optional(),
  kind: z.enum(["notApplicable", "pass", "fail", "review", "open", "informational"]).optional(),
  level: level.optional(),
  message,
  locations: z.array(location).optional(),
  relatedLocations: z.array(location).optional(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  fingerprints: z.record(z.string(), z.string()).optional(),
  properties: propertyBag.optional(),
});

const run = z.strictObject({
  tool: z.strictObject({
    driver: toolComponent,
    extensions: z.array(toolComponent).optional(),
    properties: propertyBag.optional(),
  }),
  results: z.array(result).optional(),
  columnKind: z.enum(["utf16CodeUnits", "unicodeCodePoints"]).optional(),
  originalUriBaseIds: z.record(z.string(), artifactLocation).optional(),
  properties: propertyBag.optional(),
});

/** The root `sarifLog`: `version` ("2.1.0") and `runs` are required. */
export const sarifLogSchema = z.strictObject({
  $schema: z.string().url().optional(),
  version: z.literal("2.1.0"),
  runs: z.array(run),
  properties: propertyBag.optional(),
});

export type SarifLog = z.infer<typeof sarifLogSchema>;
