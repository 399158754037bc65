import { formatInventory } from "../../../reports/inventory/document";
import type { OrganisationResult } from "../org/run-org";
import { programSource } from "./inventory";

/**
 * The organisation's inventory (`--inventory FILE`): `{ "generated": DATE, "source": {...}, "agents": [...] }`
 * with every program's records, each with its `project` and its `stack` as `PROJECT/STACK`, sorted by id,
 * then project and stack; the source names every program that ran.
 */
export function organisationInventoryReport(result: OrganisationResult, cwd: string): string {
  const ran = result.outcomes.filter((outcome) => outcome.report);
  const agents = ran
    .flatMap((outcome) => outcome.report?.inventory ?? [])
    .sort(
      (a, b) =>
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
        ((a.project ?? "") < (b.project ?? "") ? -1 : (a.project ?? "") > (b.project ?? "") ? 1 : 0) ||
        ((a.stack ?? "") < (b.stack ?? "") ? -1 : (a.stack ?? "") > (b.stack ?? "") ? 1 : 0),
    );
  const from = ran.map((outcome) => programSource(cwd, outcome.unit.dir, outcome.report!.stack));
  return formatInventory({ generated: result.today, source: { kind: "program", from }, agents }, "json");
}
