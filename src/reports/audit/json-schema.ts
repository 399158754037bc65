import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { schemaFileText } from "../../model/inventory/json-schema";
import { actionRecordSchema } from "./schema";

/** Where the generated JSON Schema of the action record is checked in. */
export const ACTION_RECORD_SCHEMA_FILE = join(__dirname, "action-record.schema.json");

/** The JSON Schema (draft 2020-12) of one action record, generated from its zod schema. */
export function actionRecordJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(actionRecordSchema, { target: "draft-2020-12" }),
    $id: "https://agent-iam.dev/schemas/action-record.schema.json",
    title: "agent-iam action record",
  };
}

// `npx tsx src/reports/audit/json-schema.ts` regenerates the file.
if (require.main === module) writeFileSync(ACTION_RECORD_SCHEMA_FILE, schemaFileText(actionRecordJsonSchema()));
