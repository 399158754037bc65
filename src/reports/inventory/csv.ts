import type { InventoryRecord } from "../../model/inventory/record";
import { KNOWN_AFTER_DEPLOY } from "../../model/plain-words";

/** A cloud-assigned value: "known after deploy" when the record lists it as unknown. */
function assigned(record: InventoryRecord, field: string, value: string | null | undefined): string | null {
  if (record.unknownValues.some((unknown) => unknown.field === field)) return KNOWN_AFTER_DEPLOY;
  return value ?? null;
}

/** The CSV columns of the inventory, in order: a header name and how to read it from a record. */
export const CSV_COLUMNS: readonly (readonly [
  string,
  (record: InventoryRecord) => string | number | boolean | null,
])[] = [
  ["id", (r) => r.id],
  ["owner", (r) => r.owner],
  ["team", (r) => r.team],
  ["cost_center", (r) => r.costCenter],
  ["environment", (r) => r.environment],
  ["status", (r) => r.status],
  ["risk", (r) => r.risk.tier],
  ["risk_reasons", (r) => r.risk.reasons.map((reason) => reason.text).join("; ")],
  ["writes_prod", (r) => r.writesProd],
  ["touches_sensitive_data", (r) => r.touchesSensitiveData],
  ["created", (r) => assigned(r, "created", r.created)],
  ["expires", (r) => r.expires],
  ["days_to_expiry", (r) => r.daysToExpiry],
  ["issuer", (r) => r.issuer.url],
  ["subject", (r) => r.issuer.subject],
  ["clouds", (r) => r.clouds.join(" ")],
  ["aws_role_arn", (r) => assigned(r, "identities.aws.roleArn", r.identities.aws?.roleArn)],
  [
    "gcp_service_account",
    (r) => assigned(r, "identities.gcp.serviceAccountEmail", r.identities.gcp?.serviceAccountEmail),
  ],
  ["azure_client_id", (r) => assigned(r, "identities.azure.clientId", r.identities.azure?.clientId)],
  ["azure_principal_id", (r) => assigned(r, "identities.azure.principalId", r.identities.azure?.principalId)],
  ["approval", (r) => r.approval],
  ["max_session_seconds", (r) => r.maxSessionSeconds],
  ["purpose", (r) => r.purpose],
  ["can_do", (r) => r.canDo.join("; ")],
  ["tools", (r) => r.tools.map((tool) => tool.summary).join("; ")],
  ["budget_monthly", (r) => (r.budget ? `${r.budget.monthly} ${r.budget.currency}` : null)],
  ["budget_stop_at_percent", (r) => r.budget?.stopAt ?? null],
  ["break_glass_until", (r) => r.breakGlass?.until ?? null],
  ["break_glass_approved_by", (r) => r.breakGlass?.approvedBy ?? null],
  ["delegates_to", (r) => r.delegatesTo.join(" ")],
  ["gcp_unique_id", (r) => assigned(r, "identities.gcp.uniqueId", r.identities.gcp?.uniqueId)],
  ["azure_tenant_id", (r) => assigned(r, "identities.azure.tenantId", r.identities.azure?.tenantId)],
  ["stack", (r) => r.stack ?? null],
  ["home", (r) => (r.home ? `${r.home.cloud} ${r.home.service} ${r.home.attachedTo}` : null)],
  ["federated_to", (r) => (r.home ? r.home.federatedTo.join(" ") : null)],
];

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A text that a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) gets a
 * leading apostrophe (OWASP, "CSV Injection").
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The inventory as CSV: a header row, then one row per agent, CRLF line ends as RFC 4180 says. */
export function inventoryCsv(records: readonly InventoryRecord[]): string {
  const rows = [
    CSV_COLUMNS.map(([name]) => name),
    ...records.map((record) => CSV_COLUMNS.map(([, read]) => csvCell(read(record)))),
  ];
  return `${rows.map((row) => row.join(",")).join("\r\n")}\r\n`;
}
