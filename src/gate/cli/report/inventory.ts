import { relative } from "node:path";
import { InventoryError } from "../../../reports/inventory/from-resources";
import { formatInventory, inventoryDocument } from "../../../reports/inventory/document";
import { UsageError } from "../../program/errors";
import type { CheckResult } from "../check/run-check";

/**
 * The agent inventory `--inventory FILE` writes: `{ "generated": DATE, "agents": [record, ...] }`,
 * one inventory record per `AgentIdentity` (src/model/inventory/schema.ts), sorted by id; the same
 * document `agent-iam inventory --format json` writes.
 */
export function inventoryReport(result: CheckResult, cwd: string): string {
  try {
    const { recorded } = result;
    return formatInventory(
      inventoryDocument(recorded.resources, undefined, {
        kind: "program",
        from: [programSource(cwd, result.project.dir, recorded.stack)],
      }),
      "json",
    );
  } catch (error) {
    throw error instanceof InventoryError ? new UsageError(`--inventory: ${error.message}`) : error;
  }
}

/** How an inventory names a program it ran: its folder as the user would type it, and the stack. */
export function programSource(cwd: string, dir: string, stack: string): string {
  const shown = relative(cwd, dir);
  return `${shown === "" ? "." : shown.startsWith("..") ? dir : shown} (stack ${stack})`;
}
