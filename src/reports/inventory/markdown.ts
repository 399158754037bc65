import { RISK_TIERS } from "../../model/risk/rules";
import { CLOUD_NAMES, KNOWN_AFTER_DEPLOY } from "../../model/plain-words";
import type { DriftItem, InventoryRecord, InventorySource } from "../../model/inventory/record";
import { driftLine, sourceSentence } from "./source";

/** Agents whose review date is this many days away or less count as expiring soon. */
export const EXPIRING_SOON_DAYS = 30;

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[\r\n]+/g, " ");
}

/** Agents that expire within {@link EXPIRING_SOON_DAYS} days (or already have), soonest first. */
export function expiringSoon(
  records: readonly InventoryRecord[],
  days: number = EXPIRING_SOON_DAYS,
): InventoryRecord[] {
  return records.filter((record) => record.daysToExpiry <= days).sort((a, b) => a.daysToExpiry - b.daysToExpiry);
}

function identityLines(record: InventoryRecord): string[] {
  const lines: string[] = [];
  const { aws, gcp, azure } = record.identities;
  const code = (value: string | null) => (value === null ? KNOWN_AFTER_DEPLOY : `\`${value}\``);
  if (record.home)
    lines.push(
      `- Runs on ${CLOUD_NAMES[record.home.cloud]} (${record.home.service}) as ${code(record.home.attachedTo)}${record.home.federatedTo.length > 0 ? `; ${record.home.federatedTo.map((cloud) => CLOUD_NAMES[cloud]).join(", ")} federate from it, with no key` : ""}`,
    );
  if (aws) lines.push(`- ${CLOUD_NAMES.aws}: role ${code(aws.roleArn)}`);
  if (gcp)
    lines.push(
      `- ${CLOUD_NAMES.gcp}: service account ${code(gcp.serviceAccountEmail)}, unique id ${code(gcp.uniqueId)}`,
    );
  if (azure)
    lines.push(
      `- ${CLOUD_NAMES.azure}: managed identity client id ${code(azure.clientId)}, principal id ${code(azure.principalId)}, tenant ${code(azure.tenantId)}`,
    );
  for (const cloud of record.clouds)
    if (!record.identities[cloud]) lines.push(`- ${CLOUD_NAMES[cloud]}: not known until deployed`);
  return lines;
}

/** The inventory as a Markdown report: counts by tier, one table row per agent, expiring agents, then details. */
export function inventoryMarkdown(
  records: readonly InventoryRecord[],
  generated?: string,
  source?: InventorySource,
  drift?: readonly DriftItem[],
): string {
  const counts = RISK_TIERS.map(
    (tier) => `${records.filter((record) => record.risk.tier === tier).length} ${tier}`,
  ).join(", ");
  const out: string[] = ["# Agent inventory", ""];
  out.push(
    `${records.length} agent${records.length === 1 ? "" : "s"}${generated ? ` on ${generated}` : ""}: ${counts}.`,
    "",
    sourceSentence(source),
    "",
  );
  if (drift && drift.length > 0) {
    out.push(`## Drift between the program and the deployed state`, "");
    for (const item of drift) out.push(`- ${cell(driftLine(item))}`);
    out.push("");
  }
  out.push(
    "| Agent | Owner | Environment | Risk | Status | Clouds | Expires | Can do |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const r of records)
    out.push(
      `| ${cell(r.id)} | ${cell(r.owner)} | ${cell(r.environment)} | ${r.risk.tier} | ${r.status} | ${r.clouds.map((c) => CLOUD_NAMES[c]).join(", ")} | ${r.expires} | ${cell(r.canDo.join("; ") || "nothing")} |`,
    );
  const soon = expiringSoon(records);
  out.push("", `## Expiring within ${EXPIRING_SOON_DAYS} days`, "");
  if (soon.length === 0) out.push("None.");
  for (const r of soon)
    out.push(
      `- **${cell(r.id)}** (owner ${r.owner}): ${r.daysToExpiry < 0 ? `expired ${-r.daysToExpiry} days ago` : `expires ${r.expires}, in ${r.daysToExpiry} days`}`,
    );
  for (const r of records) {
    out.push("", `## ${r.id} (${r.environment})`, "", r.purpose, "");
    out.push(
      `- Owner: ${r.owner}${r.team ? ` (team ${r.team})` : ""}${r.costCenter ? `, cost center ${r.costCenter}` : ""}`,
    );
    if (r.stack) out.push(`- Stack: ${r.stack}`);
    out.push(`- Environment: ${r.environment}; status: ${r.status}${r.disabledReason ? ` (${r.disabledReason})` : ""}`);
    out.push(
      `- Risk: **${r.risk.tier}**${r.risk.reasons.length ? `: ${r.risk.reasons.map((reason) => reason.text).join("; ")}` : ""}`,
    );
    out.push(`- Runs on: ${r.issuer.url}, subject \`${r.issuer.subject}\``);
    out.push(
      `- Sessions: at most ${r.maxSessionSeconds} seconds; created: ${r.created ?? KNOWN_AFTER_DEPLOY}; expires ${r.expires}`,
    );
    if (r.approval) out.push(`- Approval: ${r.approval}`);
    if (r.budget)
      out.push(
        `- Budget: ${r.budget.monthly} ${r.budget.currency} a month; told at 80 % and 100 %, stopped at ${r.budget.stopAt} % (${r.budget.notify.join(", ")})`,
      );
    if (r.breakGlass)
      out.push(
        `- **Break-glass** ${r.breakGlass.active ? "in force" : "ended"} until ${r.breakGlass.until}, approved by ${r.breakGlass.approvedBy}: ${cell(r.breakGlass.reason)}`,
      );
    if (r.delegatesTo.length > 0) out.push(`- May act as: ${r.delegatesTo.join(", ")}`);
    out.push(...identityLines(r));
    out.push("", "Can:", "", ...(r.canDo.length ? r.canDo.map((line) => `- ${cell(line)}`) : ["- nothing"]));
    if (r.tools.length > 0) out.push("", "Tools:", "", ...r.tools.map((tool) => `- ${cell(tool.summary)}`));
  }
  return `${out.join("\n")}\n`;
}
