import type { DriftItem, InventorySource } from "../../model/inventory/record";

/** Where an inventory's data came from and when, in one sentence for people. */
export function sourceSentence(source: InventorySource | undefined): string {
  if (!source)
    return "Source not recorded (an inventory written before agent-iam recorded it); values a cloud assigns may be missing.";
  if (source.kind === "program")
    return `Built from the program ${source.from.join(", ")}, offline without contacting any cloud: values a cloud assigns when it creates an identity are known after deploy.`;
  return `Built from the deployed state of ${source.from.length} stack export${source.from.length === 1 ? "" : "s"} (${source.from.join(", ")}); newest deployment ${source.at ?? "not recorded"}.`;
}

/** What each kind of drift means, for people. */
export const DRIFT_WORDS: Readonly<Record<DriftItem["kind"], string>> = {
  "not-deployed": "in code, not deployed",
  "not-in-code": "deployed, no longer in code",
  "grants-differ": "grants differ",
  "trust-differs": "trust differs",
};

/** One drift item in one line: `stack agent: kind: detail`. */
export function driftLine(item: DriftItem): string {
  return `${item.stack} ${item.agent}: ${DRIFT_WORDS[item.kind]}: ${item.detail}`;
}
