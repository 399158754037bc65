import { isIsoDate, todayUtc } from "../../model/dates";
import { renderDashboard } from "../dashboard/html";
import { inventoryCsv } from "./csv";
import { inventoryFromResources, type ResourceLike } from "./from-resources";
import { inventoryMarkdown } from "./markdown";
import type { InventoryDocument, InventorySource } from "../../model/inventory/record";

/** The formats `agent-iam inventory` writes. */
export const INVENTORY_FORMATS = ["json", "csv", "md", "html"] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/**
 * The inventory document of a recorded program run, as of a day (default today, UTC). The run was
 * made under mocks, so every value a cloud assigns is written `null`, with the reason.
 */
export function inventoryDocument(
  resources: readonly ResourceLike[],
  asOf: string = todayUtc(),
  source?: InventorySource,
  stack?: string,
): InventoryDocument {
  if (!isIsoDate(asOf)) throw new RangeError(`"${asOf}" is not a date; write it as YYYY-MM-DD`);
  return {
    generated: asOf,
    ...(source ? { source } : {}),
    agents: inventoryFromResources(resources, { today: asOf, cloudValues: "unknown", stack }),
  };
}

/** The inventory in one of {@link INVENTORY_FORMATS}: JSON is `{ "generated": DATE, "agents": [...] }`. */
export function formatInventory(document: InventoryDocument, format: InventoryFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(document, null, 2)}\n`;
    case "csv":
      return inventoryCsv(document.agents);
    case "md":
      return inventoryMarkdown(document.agents, document.generated, document.source, document.drift);
    case "html":
      return renderDashboard(document);
  }
}
