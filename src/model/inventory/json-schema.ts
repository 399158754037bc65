import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { inventoryDocumentSchema } from "./schema";

/** Where the generated JSON Schema of the inventory document is checked in. */
export const INVENTORY_SCHEMA_FILE = join(__dirname, "inventory.schema.json");

/** The JSON Schema (draft 2020-12) of the inventory document, generated from its zod schema. */
export function inventoryJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(inventoryDocumentSchema, { target: "draft-2020-12" }),
    $id: "https://agent-iam.dev/schemas/inventory.schema.json",
    title: "agent-iam inventory",
  };
}

/** The checked-in file's text for a schema: two-space JSON and a final newline. */
export function schemaFileText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// `npx tsx src/model/inventory/json-schema.ts` regenerates the file.
if (require.main === module) writeFileSync(INVENTORY_SCHEMA_FILE, schemaFileText(inventoryJsonSchema()));
