import { formatInventory } from "../../../reports/inventory/document";
import type { OrganisationResult } from "../org/run-org";

/**
 * The organisation's inventory (`--inventory FILE`): `{ "generated": DATE, "agents": [...] }` with
 * every program's records, each with the `project` and `stack` that declare it, sorted by id, then
 * project and stack.
 */
export function organisationInventoryReport(result: OrganisationResult): string {
  const agents = result.outcomes
    .flatMap((outcome) => outcome.report?.inventory ?? [])
    .sort(
      (a, b) =>
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
        ((a.project ?? "") < (b.project ?? "") ? -1 : (a.project ?? "") > (b.project ?? "") ? 1 : 0) ||
        ((a.stack ?? "") < (b.stack ?? "") ? -1 : (a.stack ?? "") > (b.stack ?? "") ? 1 : 0),
    );
  return formatInventory({ generated: result.today, agents }, "json");
}
