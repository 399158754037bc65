import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatPath } from "../../model/agent-spec";
import { inventoryRecordSchema } from "../../model/inventory/schema";
import { Attributor, type AttributionAgent } from "./attribute";
import { cloudTrailEvent, isCloudTrailRecord } from "./aws-cloudtrail";
import { azureActivityEvent, isAzureActivityRecord } from "./azure-activity-log";
import { obj, type CloudEvent } from "./event";
import { gcpAuditLogEvent, isGcpAuditLogEntry } from "./gcp-audit-log";
import { AuditFileError, readLogRecords } from "./read-log";
import type { ActionRecord } from "./schema";

/** The inventory file could not be used. */
export class InventoryFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InventoryFileError";
  }
}

/**
 * What the audit reads of an inventory document: the fields attribution needs, checked as the
 * inventory schema defines them. Other fields may be there or not, so an inventory written by an
 * older or newer agent-iam still attributes.
 */
export const auditInventorySchema = z
  .object({
    agents: z.array(
      inventoryRecordSchema
        .pick({
          id: true,
          owner: true,
          environment: true,
          approval: true,
          issuer: true,
          clouds: true,
          identities: true,
        })
        .extend({ breakGlass: inventoryRecordSchema.shape.breakGlass.optional() })
        .loose(),
    ),
  })
  .loose();

/** Reads an inventory document (`agent-iam inventory --format json`, `check --inventory`); errors name the field. */
export function loadInventoryFile(file: string): AttributionAgent[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InventoryFileError(
      `cannot read the inventory ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InventoryFileError(
      `the inventory ${file} is not JSON (${(error as Error).message}); write it with agent-iam inventory PROGRAM_DIR --format json`,
    );
  }
  const parsed = auditInventorySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InventoryFileError(
      `the inventory ${file} is not an agent-iam inventory: ${formatPath(issue.path) || "(document)"}: ${issue.message}; write it with agent-iam inventory PROGRAM_DIR --format json`,
    );
  }
  return parsed.data.agents;
}

/** The cloud event of a log record, or undefined for a record of no known log format. */
export function cloudEventOf(record: unknown): CloudEvent | undefined {
  const value = obj(record);
  if (!value) return undefined;
  if (isCloudTrailRecord(value)) return cloudTrailEvent(value);
  if (isGcpAuditLogEntry(value)) return gcpAuditLogEvent(value);
  if (isAzureActivityRecord(value)) return azureActivityEvent(value);
  return undefined;
}

/** What an audit run read. */
export interface AuditSummary {
  /** Records read from the files. */
  records: number;
  attributed: number;
  unattributed: number;
  /** Records of no known log format (reported, never silently dropped). */
  unrecognized: { file: string; offset: number }[];
  denied: number;
  /** Agents with at least one action. */
  agents: Set<string>;
  /** Principals of unattributed actions, with how many each made. */
  unattributedPrincipals: Map<string, number>;
  /** Files that could not be read to their end (their earlier records were reported). */
  errors: AuditFileError[];
}

/** Counts one action record into the summary: attributed or not (by principal), and denied. */
export function countRecord(summary: AuditSummary, record: ActionRecord): void {
  if (record.agent_id !== null) {
    summary.attributed++;
    summary.agents.add(record.agent_id);
  } else {
    summary.unattributed++;
    summary.unattributedPrincipals.set(
      record.principal,
      (summary.unattributedPrincipals.get(record.principal) ?? 0) + 1,
    );
  }
  if (record.policy_decision === "denied") summary.denied++;
}

/**
 * Reads every file in order, attributes each event to an agent of the inventory, and hands each
 * action record to `onRecord` as soon as it is read. A file that is truncated or corrupt is
 * recorded in `errors` after its earlier records, and the next file is read. Reading stops early
 * when `signal` aborts (the reader of the output went away).
 */
export async function auditFiles(
  files: readonly string[],
  agents: readonly AttributionAgent[],
  onRecord: (record: ActionRecord) => void,
  options: { readonly signal?: AbortSignal } = {},
): Promise<AuditSummary> {
  const attributor = new Attributor(agents);
  const summary: AuditSummary = {
    records: 0,
    attributed: 0,
    unattributed: 0,
    unrecognized: [],
    denied: 0,
    agents: new Set(),
    unattributedPrincipals: new Map(),
    errors: [],
  };
  for (const file of files) {
    if (options.signal?.aborted) break;
    try {
      for await (const { value, offset } of readLogRecords(file)) {
        if (options.signal?.aborted) break;
        summary.records++;
        const event = cloudEventOf(value);
        if (!event) {
          summary.unrecognized.push({ file, offset });
          continue;
        }
        const record = attributor.attribute(event, { file, offset });
        countRecord(summary, record);
        onRecord(record);
      }
    } catch (error) {
      if (!(error instanceof AuditFileError)) throw error;
      summary.errors.push(error);
    }
  }
  return summary;
}
