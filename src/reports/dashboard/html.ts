import { createHash } from "node:crypto";
import { RISK_TIERS, type RiskTier } from "../../model/risk/rules";
import { CLOUD_NAMES, DATA_CLASS_WORDS, KNOWN_AFTER_DEPLOY } from "../../model/plain-words";
import { EXPIRING_SOON_DAYS, expiringSoon } from "../inventory/markdown";
import { sourceSentence } from "../inventory/source";
import type { InventoryDocument, InventoryRecord } from "../../model/inventory/record";
import { DASHBOARD_SCRIPT } from "./client-script";
import { RISK_BADGES } from "./colours";
import { DASHBOARD_CSS } from "./style";

/**
 * The risk dashboard: one self-contained HTML page (no network, no CDN; a Content-Security-Policy
 * allows nothing but its own inline style and script, by hash). The table, badges and detail
 * panels are rendered here, so the page reads without JavaScript; the inline script adds filters,
 * search and keyboard navigation over the inventory embedded as JSON.
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<` is written `\u003c`, so no value
 * can close the element (`</script>`) or open a comment; U+2028/U+2029 are escaped too. `JSON.parse`
 * reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A CSP source for an inline element's exact text. */
function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

const ISSUER_WORDS: Readonly<Record<InventoryRecord["issuer"]["kind"], string>> = {
  "github-actions": "a GitHub Actions workflow",
  "gitlab-ci": "a GitLab CI job",
  kubernetes: "a Kubernetes pod",
  oidc: "an OIDC workload",
  "aws-workload": "an AWS service (Lambda, ECS, EKS, AgentCore)",
  "gcp-workload": "a GCP workload (Cloud Run, Functions, GKE, Agent Engine)",
  "azure-workload": "an Azure workload (Container Apps, Functions, AKS)",
};

/** The risk badge: symbol and word, coloured; the colour is never the only signal. */
export function riskBadge(tier: RiskTier): string {
  const badge = RISK_BADGES[tier];
  return `<span class="badge badge-${tier}"><span aria-hidden="true">${badge.symbol} </span>${badge.label}<span class="visually-hidden"> risk</span></span>`;
}

function statusBadge(record: InventoryRecord): string {
  const text =
    record.status === "active"
      ? "Active"
      : record.disabledReason === "owner-departed"
        ? "Disabled (owner left)"
        : "Disabled";
  return `<span class="badge badge-status-${record.status}">${text}</span>`;
}

function expiryWords(record: InventoryRecord): string {
  if (record.daysToExpiry < 0)
    return `${record.expires} (passed ${-record.daysToExpiry} day${record.daysToExpiry === -1 ? "" : "s"} ago)`;
  if (record.daysToExpiry === 0) return `${record.expires} (today)`;
  return `${record.expires} (in ${record.daysToExpiry} day${record.daysToExpiry === 1 ? "" : "s"})`;
}

/**
 * The page's key for the agent at a position: agent ids are unique in a stack, not across the
 * stacks one inventory may cover (pr-reviewer in prod and in dev), so rows are keyed by position.
 */
function keyOf(index: number): string {
  return `a${index}`;
}

function identityRows(record: InventoryRecord): string {
  const rows: string[] = [];
  const { aws, gcp, azure } = record.identities;
  const row = (term: string, value: string | null) =>
    rows.push(
      `<dt>${escapeHtml(term)}</dt><dd>${value === null ? escapeHtml(KNOWN_AFTER_DEPLOY) : `<code>${escapeHtml(value)}</code>`}</dd>`,
    );
  if (aws) {
    row("AWS role ARN", aws.roleArn);
    row("AWS role name", aws.roleName);
  }
  if (gcp) {
    row("Google service account", gcp.serviceAccountEmail);
    row("Google service account unique id", gcp.uniqueId);
  }
  if (azure) {
    row("Azure managed identity client id", azure.clientId);
    row("Azure managed identity principal id", azure.principalId);
    row("Azure managed identity resource id", azure.resourceId);
    row("Azure tenant", azure.tenantId);
  }
  for (const cloud of record.clouds)
    if (!record.identities[cloud])
      rows.push(`<dt>${CLOUD_NAMES[cloud]} identity</dt><dd>not known until deployed</dd>`);
  row("Issuer", record.issuer.url);
  row("Subject (exact)", record.issuer.subject);
  if (record.issuer.audience) row("Audience", record.issuer.audience);
  rows.push(`<dt>Longest session</dt><dd>${record.maxSessionSeconds} seconds</dd>`);
  return rows.join("");
}

function grantsTable(record: InventoryRecord): string {
  if (record.grants.length === 0) return "<p>No grants.</p>";
  const rows = record.grants.map(
    (grant) =>
      `<tr><td>${CLOUD_NAMES[grant.cloud]}</td><td><code>${escapeHtml(grant.resource)}</code></td><td>${escapeHtml(grant.resourceType)}</td><td>${escapeHtml(
        grant.access.length > 0 ? grant.access.join(", ") : grant.actions.join(", "),
      )}${grant.include.length > 0 ? ` + ${escapeHtml(grant.include.join(", "))}` : ""}</td><td>${grant.dataClass ? DATA_CLASS_WORDS[grant.dataClass] : "—"}</td><td>${grant.until ?? "—"}</td><td>${escapeHtml(grant.role ?? "—")}</td></tr>`,
  );
  return `<table class="grants"><caption class="visually-hidden">Grants of ${escapeHtml(record.id)}</caption><thead><tr><th scope="col">Cloud</th><th scope="col">Resource</th><th scope="col">Type</th><th scope="col">Access</th><th scope="col">Sensitive data</th><th scope="col">Until</th><th scope="col">Role</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function detailPanel(record: InventoryRecord, key: string): string {
  const owner = [
    escapeHtml(record.owner),
    record.team ? `team ${escapeHtml(record.team)}` : "",
    record.costCenter ? `cost center ${escapeHtml(record.costCenter)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const reasons =
    record.risk.reasons.length > 0
      ? `<ul class="reasons">${record.risk.reasons.map((reason) => `<li>${escapeHtml(reason.text)} <span class="visually-hidden">(rule ${escapeHtml(reason.rule)})</span></li>`).join("")}</ul>`
      : " nothing raises it";
  const status =
    record.status === "active"
      ? "Active: it can get credentials"
      : record.disabledReason === "owner-departed"
        ? "Disabled: its owner left (departedOwners); nothing can assume its identities"
        : "Disabled by its kill switch; nothing can assume its identities";
  const facts = [
    ["Owner", owner],
    ["Environment", escapeHtml(record.environment)],
    ["Status", status],
    ["Risk", `${riskBadge(record.risk.tier)}${reasons}`],
    ["Review date", expiryWords(record)],
    ["Runs as", `${ISSUER_WORDS[record.issuer.kind]} (${escapeHtml(record.issuer.subject)})`],
    ["Clouds", record.clouds.map((cloud) => CLOUD_NAMES[cloud]).join(", ") || "none"],
    ["First deployed", record.created ? escapeHtml(record.created) : escapeHtml(KNOWN_AFTER_DEPLOY)],
    ...(record.stack ? [["Stack", escapeHtml(record.stack)]] : []),
    ...(record.approval ? [["Approval", escapeHtml(record.approval)]] : []),
    [
      "Budget",
      record.budget
        ? `${record.budget.monthly} ${escapeHtml(record.budget.currency)} a month; owner and FinOps told at 80 % and 100 % (${record.budget.notify.map(escapeHtml).join(", ")}); the cloud stops the agent at ${record.budget.stopAt} %`
        : "none: nothing caps what it spends",
    ],
    [
      "Break-glass",
      record.breakGlass
        ? `<span class="break-glass">${record.breakGlass.active ? "In force" : "Ended"} until ${escapeHtml(record.breakGlass.until)}</span>, approved by ${escapeHtml(record.breakGlass.approvedBy)}: ${escapeHtml(record.breakGlass.reason)}${record.breakGlass.grants.length > 0 ? `<ul>${record.breakGlass.grants.map((grant) => `<li>${escapeHtml(grant)}</li>`).join("")}</ul>` : ""}`
        : "no elevation",
    ],
    ["May act as", record.delegatesTo.length > 0 ? record.delegatesTo.map(escapeHtml).join(", ") : "no other agent"],
  ];
  const can =
    record.canDo.length > 0
      ? `<ul>${record.canDo.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>`
      : "<p>Nothing.</p>";
  const tools =
    record.tools.length > 0
      ? `<h3>Tools it may call</h3><ul class="tools">${record.tools
          .map(
            (tool) =>
              `<li>${escapeHtml(tool.summary)} <span class="visually-hidden">(gateway ${escapeHtml(tool.gateway)}, ${escapeHtml(tool.action)})</span></li>`,
          )
          .join("")}</ul>`
      : "";
  return [
    `<div class="detail" id="detail-${key}" role="region" aria-label="Details of ${escapeHtml(record.id)} in ${escapeHtml(record.environment)}" tabindex="-1">`,
    `<p class="purpose">${escapeHtml(record.purpose)}</p>`,
    `<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join("")}</dl>`,
    `<h3>What it can do</h3>${can}`,
    tools,
    `<details><summary>Technical details</summary><dl class="facts">${identityRows(record)}</dl>${grantsTable(record)}</details>`,
    `</div>`,
  ].join("");
}

function agentRows(record: InventoryRecord, index: number): string {
  const key = keyOf(index);
  const flags = [
    record.writesProd ? `<span class="flag">writes to prod</span>` : "",
    record.touchesSensitiveData ? `<span class="flag">sensitive data</span>` : "",
  ].join("");
  const id = escapeHtml(record.id);
  return [
    `<tr class="agent-row" data-key="${key}" data-agent="${id}" id="agent-${key}">`,
    `<th scope="row"><button type="button" class="agent-toggle" aria-expanded="false" aria-controls="detail-${key}">${id}</button></th>`,
    `<td class="owner">${escapeHtml(record.owner)}</td>`,
    `<td>${escapeHtml(record.environment)}</td>`,
    `<td>${record.clouds.map((cloud) => CLOUD_NAMES[cloud]).join(", ")}</td>`,
    `<td>${riskBadge(record.risk.tier)}</td>`,
    `<td>${flags || `<span class="visually-hidden">none</span>`}</td>`,
    `<td>${statusBadge(record)}</td>`,
    `<td><span class="nowrap">${record.expires}</span> ${expiryWords(record).slice(record.expires.length + 1)}</td>`,
    `</tr>`,
    `<tr class="detail-row" data-key="${key}" data-agent="${id}" hidden><td colspan="8">${detailPanel(record, key)}</td></tr>`,
  ].join("");
}

function selectOptions(
  values: readonly string[],
  all: string,
  label: (value: string) => string = (value) => value,
): string {
  return [
    `<option value="">${all}</option>`,
    ...values.map((value) => `<option value="${escapeHtml(value)}">${escapeHtml(label(value))}</option>`),
  ].join("");
}

const unique = (values: readonly string[]) => [...new Set(values)].sort();

/**
 * The per-owner view: for each person, the agents they are accountable for, what each can touch,
 * and when each must be reviewed (soonest first).
 */
function ownerView(records: readonly InventoryRecord[]): string {
  const owners = unique(records.map((record) => record.owner));
  return owners
    .map((owner) => {
      const owned = records.filter((record) => record.owner === owner).sort((a, b) => a.daysToExpiry - b.daysToExpiry);
      const rows = owned
        .map(
          (record) =>
            `<tr><th scope="row">${escapeHtml(record.id)}</th><td>${escapeHtml(record.environment)}${record.stack ? ` (${escapeHtml(record.stack)})` : ""}</td><td>${riskBadge(record.risk.tier)}</td><td>${record.canDo.length > 0 ? `<ul>${record.canDo.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>` : "nothing"}</td><td>${expiryWords(record)}</td><td>${record.budget ? `${record.budget.monthly} ${escapeHtml(record.budget.currency)}` : "none"}</td><td>${record.breakGlass ? `${record.breakGlass.active ? "in force" : "ended"} until ${escapeHtml(record.breakGlass.until)}` : "—"}</td><td>${record.delegatesTo.length > 0 ? record.delegatesTo.map(escapeHtml).join(", ") : "—"}</td></tr>`,
        )
        .join("");
      return `<details class="owner" data-owner="${escapeHtml(owner)}"><summary>${escapeHtml(owner)}: ${owned.length} agent${owned.length === 1 ? "" : "s"}</summary><table class="owned"><caption class="visually-hidden">Agents ${escapeHtml(owner)} owns</caption><thead><tr><th scope="col">Agent</th><th scope="col">Environment</th><th scope="col">Risk</th><th scope="col">Can touch</th><th scope="col">Review date</th><th scope="col">Budget</th><th scope="col">Break-glass</th><th scope="col">May act as</th></tr></thead><tbody>${rows}</tbody></table></details>`;
    })
    .join("\n");
}

/** Options of {@link renderDashboard}. */
export interface DashboardOptions {
  readonly title?: string;
}

/** Agents riskiest first, then by id and environment. */
export function dashboardOrder(records: readonly InventoryRecord[]): InventoryRecord[] {
  return [...records].sort(
    (a, b) =>
      RISK_TIERS.indexOf(b.risk.tier) - RISK_TIERS.indexOf(a.risk.tier) ||
      a.id.localeCompare(b.id) ||
      a.environment.localeCompare(b.environment),
  );
}

/** Renders the inventory as the self-contained dashboard page. */
export function renderDashboard(document: InventoryDocument, options: DashboardOptions = {}): string {
  const title = options.title ?? "Agent inventory";
  const records = dashboardOrder(document.agents);
  const counts = RISK_TIERS.slice()
    .reverse()
    .map(
      (tier) =>
        `<li>${riskBadge(tier)} <span>${records.filter((record) => record.risk.tier === tier).length}</span></li>`,
    )
    .join("");
  const soon = expiringSoon(records);
  const expiring =
    soon.length === 0
      ? `<p>No agent's review date is within ${EXPIRING_SOON_DAYS} days.</p>`
      : `<ul class="expiring">${soon
          .map((record) => {
            const key = keyOf(records.indexOf(record));
            return `<li><a href="#agent-${key}" data-open="${key}">${escapeHtml(record.id)}</a> (owner ${escapeHtml(record.owner)}, ${escapeHtml(record.environment)}): review date ${expiryWords(record)}</li>`;
          })
          .join("")}</ul>`;
  const css = DASHBOARD_CSS;
  const script = DASHBOARD_SCRIPT;
  const csp = `default-src 'none'; style-src ${cspHash(css)}; script-src ${cspHash(script)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<a class="skip" href="#agents-title">Skip to the agents</a>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${records.length} agent${records.length === 1 ? "" : "s"}${document.generated ? `, as of ${escapeHtml(document.generated)}` : ""}.</p>
<p class="meta" id="data-source">${escapeHtml(sourceSentence(document.source))}</p>
<ul class="tiers" aria-label="Agents per risk tier">${counts}</ul>
</header>
<main>
<section aria-labelledby="expiring-title">
<h2 id="expiring-title">Review date within ${EXPIRING_SOON_DAYS} days</h2>
${expiring}
</section>
<section aria-labelledby="owners-title">
<h2 id="owners-title">By owner</h2>
<p>What each person owns, what it can touch, and when each must be reviewed.</p>
${ownerView(records)}
</section>
<section aria-labelledby="filters-title">
<h2 id="filters-title">Find agents</h2>
<form class="filters" id="filters" role="search" aria-labelledby="filters-title">
<div class="field"><label for="f-search">Search</label><input id="f-search" type="search" autocomplete="off" placeholder="name, owner, resource, ARN…"></div>
<div class="field"><label for="f-environment">Environment</label><select id="f-environment">${selectOptions(unique(records.map((r) => r.environment)), "All environments")}</select></div>
<div class="field"><label for="f-owner">Owner</label><select id="f-owner">${selectOptions(unique(records.map((r) => r.owner)), "All owners")}</select></div>
<div class="field"><label for="f-cloud">Cloud</label><select id="f-cloud">${selectOptions(unique(records.flatMap((r) => r.clouds)), "All clouds", (cloud) => CLOUD_NAMES[cloud as keyof typeof CLOUD_NAMES] ?? cloud)}</select></div>
<div class="field"><label for="f-risk">Risk</label><select id="f-risk">${selectOptions(RISK_TIERS.slice().reverse(), "All risk tiers", (tier) => RISK_BADGES[tier as RiskTier].label)}</select></div>
<div class="checks">
<label><input type="checkbox" id="f-writes-prod"> Can write to prod</label>
<label><input type="checkbox" id="f-sensitive"> Touches sensitive data</label>
</div>
<div><button type="reset" class="reset">Clear filters</button></div>
</form>
<p id="result-count" role="status" aria-live="polite">${records.length} of ${records.length} agents shown</p>
</section>
<section aria-labelledby="agents-title">
<h2 id="agents-title">Agents</h2>
<table id="agents">
<caption class="visually-hidden">Agents, riskiest first. Open an agent's name for its details.</caption>
<thead><tr><th scope="col">Agent</th><th scope="col">Owner</th><th scope="col">Environment</th><th scope="col">Clouds</th><th scope="col">Risk</th><th scope="col">Flags</th><th scope="col">Status</th><th scope="col">Review date</th></tr></thead>
<tbody>
${records.map((record, index) => agentRows(record, index)).join("\n")}
</tbody>
</table>
<p id="no-results" hidden>No agent matches these filters.</p>
</section>
</main>
<script type="application/json" id="inventory-data">${jsonForScript({ ...document, agents: records })}</script>
<script>${script}</script>
</body>
</html>
`;
}
