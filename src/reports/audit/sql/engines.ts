import { BREAK_GLASS_MAX_HOURS } from "../../../model/break-glass";
import { GOOGLE_RPC_CODES } from "../gcp-audit-log";
import type { AttributionAgent } from "../attribute";
import { AGENT_COLUMNS, attributionTables } from "./agents";
import { athenaCloudTrailQuery, type AgentSource } from "./trino";

/**
 * The attribution for the engine that already holds each cloud's logs: Athena over CloudTrail's
 * table (`trino.ts`), BigQuery over the tables of a Cloud Audit Logs sink, KQL over the
 * `AzureActivity` table of a Log Analytics workspace. Each gives the action record's fields; the
 * BigQuery and KQL forms follow the same rules as the Athena-dialect queries DuckDB runs.
 */

/** The engines `agent-iam audit --sql` writes for. */
export const SQL_ENGINES = ["athena", "bigquery", "kql"] as const;
export type SqlEngine = (typeof SQL_ENGINES)[number];

/** A BigQuery string literal (GoogleSQL: backslash escapes). */
function bqString(value: string | null): string {
  if (value === null) return "CAST(NULL AS STRING)";
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r")}'`;
}

function bqAgentCtes(source: AgentSource): string {
  if ("table" in source)
    return `agents AS (SELECT * FROM \`${source.table}\`),\nagent_keys AS (SELECT * FROM \`${source.table}_keys\`)`;
  const tables = attributionTables(source.inline);
  const agentStructs = tables.agents.map(
    (row) =>
      `STRUCT(${AGENT_COLUMNS.map(([name, field]) => `${field === "agent" ? String(row.agent) : bqString(row[field] as string | null)} AS ${name}`).join(", ")})`,
  );
  const keyStructs = tables.keys.map(
    (row) => `STRUCT(${bqString(row.kind)} AS kind, ${bqString(row.key)} AS key, ${row.agent} AS agent)`,
  );
  const empty = (columns: string) => `SELECT ${columns} FROM UNNEST([1]) WHERE FALSE`;
  const agents =
    agentStructs.length > 0
      ? `agents AS (SELECT * FROM UNNEST([\n    ${agentStructs.join(",\n    ")}\n  ]))`
      : `agents AS (${empty(AGENT_COLUMNS.map(([name, field]) => `CAST(NULL AS ${field === "agent" ? "INT64" : "STRING"}) AS ${name}`).join(", "))})`;
  const keys =
    keyStructs.length > 0
      ? `agent_keys AS (SELECT * FROM UNNEST([\n    ${keyStructs.join(",\n    ")}\n  ]))`
      : `agent_keys AS (${empty("CAST(NULL AS STRING) AS kind, CAST(NULL AS STRING) AS key, CAST(NULL AS INT64) AS agent")})`;
  return `${agents},\n${keys}`;
}

/**
 * Cloud Audit Logs in BigQuery: the date-sharded or partitioned tables a log sink writes
 * (`cloudaudit_googleapis_com_activity`, `..._data_access`, ...), whose `protopayload_auditlog`
 * column holds the `AuditLog` payload (Cloud Logging, "BigQuery schema for logs").
 */
export function bigQueryGcpQuery(options: { readonly agents: AgentSource; readonly dataset?: string }): string {
  const dataset = options.dataset ?? "PROJECT.DATASET";
  const codes = Object.entries(GOOGLE_RPC_CODES)
    .map(([code, name]) => `WHEN ${code} THEN '${name}'`)
    .join(" ");
  const subject = (value: string) =>
    `REGEXP_EXTRACT(${value}, r'^principal://iam\\.googleapis\\.com/.+?/subject/(.+)$')`;
  return `-- agent-iam: Cloud Audit Logs attributed to agents (BigQuery, the tables of a log sink).
WITH
${bqAgentCtes(options.agents)},
entries AS (
  SELECT
    _TABLE_SUFFIX AS source_file,
    CAST(NULL AS INT64) AS source_offset,
    NULLIF(insertId, '') AS insert_id,
    FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E*SZ', COALESCE(timestamp, receiveTimestamp)) AS event_time,
    NULLIF(protopayload_auditlog.serviceName, '') AS service_name,
    COALESCE(NULLIF(protopayload_auditlog.methodName, ''), NULLIF(protopayload_auditlog.authorizationInfo[SAFE_OFFSET(0)].permission, ''), 'unknown') AS action,
    NULLIF(protopayload_auditlog.resourceName, '') AS resource_name,
    NULLIF(protopayload_auditlog.authenticationInfo.principalEmail, '') AS email,
    NULLIF(protopayload_auditlog.authenticationInfo.principalSubject, '') AS subject,
    COALESCE(protopayload_auditlog.status.code, 0) AS code,
    EXISTS (SELECT 1 FROM UNNEST(protopayload_auditlog.authorizationInfo) AS info WHERE info.granted = FALSE) AS refused,
    ARRAY(
      SELECT COALESCE(NULLIF(d.firstPartyPrincipal.principalEmail, ''), NULLIF(d.principalSubject, ''))
      FROM UNNEST(protopayload_auditlog.authenticationInfo.serviceAccountDelegationInfo) AS d WITH OFFSET AS position
      WHERE COALESCE(NULLIF(d.firstPartyPrincipal.principalEmail, ''), NULLIF(d.principalSubject, '')) IS NOT NULL
      ORDER BY position
    ) AS delegates
  FROM \`${dataset}.cloudaudit_googleapis_com_*\`
),
events AS (
  SELECT
    n.*,
    COALESCE(n.insert_id, CONCAT(n.event_time, ':', n.action)) AS action_id,
    n.delegates[SAFE_OFFSET(0)] AS event_requested_by,
    COALESCE(n.email, n.subject, 'unknown') AS principal,
    CASE
      WHEN n.resource_name IS NULL THEN NULL
      WHEN REGEXP_CONTAINS(n.resource_name, r'^projects/_/buckets/[^/]+(/objects/.+)?$') THEN
        CONCAT('gs://', REGEXP_EXTRACT(n.resource_name, r'^projects/_/buckets/([^/]+)'),
          COALESCE(CONCAT('/', REGEXP_EXTRACT(n.resource_name, r'^projects/_/buckets/[^/]+/objects/(.+)$')), ''))
      WHEN STARTS_WITH(n.resource_name, '//') THEN n.resource_name
      WHEN n.service_name IS NOT NULL THEN CONCAT('//', n.service_name, '/', n.resource_name)
      ELSE n.resource_name
    END AS resource,
    IF(n.code = 7 OR n.refused, 'denied', 'allowed') AS policy_decision,
    IF(n.code = 0, 'success', 'failure') AS result,
    IF(n.code = 0, NULL, CASE n.code ${codes} ELSE CAST(n.code AS STRING) END) AS error_code,
    (SELECT k.agent FROM agent_keys k WHERE k.kind = 'gcp-email' AND k.key = LOWER(n.email)) AS email_agent,
    (SELECT k.agent FROM UNNEST(n.delegates) AS d WITH OFFSET AS position
      JOIN agent_keys k ON k.kind = 'gcp-email' AND k.key = LOWER(d) ORDER BY position LIMIT 1) AS delegate_agent,
    (SELECT k.agent FROM UNNEST(ARRAY_CONCAT([n.subject], n.delegates)) AS p WITH OFFSET AS position
      JOIN agent_keys k ON k.kind = 'gcp-subject' AND k.key = ${subject("p")} ORDER BY position LIMIT 1) AS subject_agent
  FROM entries AS n
),
attributed AS (
  SELECT
    e.*,
    COALESCE(e.email_agent, e.delegate_agent, e.subject_agent) AS agent,
    CASE WHEN e.email_agent IS NOT NULL THEN 'identity' WHEN e.delegate_agent IS NOT NULL THEN 'delegation'
      WHEN e.subject_agent IS NOT NULL THEN 'subject' END AS via
  FROM events AS e
)
SELECT
  e.action_id,
  a.agent_id,
  IF(e.event_requested_by IS NOT NULL AND (a.agent_id IS NULL OR e.event_requested_by != a.agent_id), e.event_requested_by, COALESCE(a.subject, e.event_requested_by)) AS requested_by,
  a.owner,
  e.action,
  e.resource,
  e.policy_decision,
  a.approval,
  e.event_time AS \`timestamp\`,
  e.result,
  'gcp' AS cloud,
  a.environment,
  e.principal,
  e.error_code,
  IF(a.agent_id IS NULL, NULL, e.via) AS attributed_via,
  e.source_file,
  e.source_offset,
  IF(SAFE.PARSE_TIMESTAMP('%Y-%m-%dT%H:%M:%E*S%Ez', e.event_time) < SAFE_CAST(a.break_glass_until AS TIMESTAMP)
    AND SAFE.PARSE_TIMESTAMP('%Y-%m-%dT%H:%M:%E*S%Ez', e.event_time) >= TIMESTAMP_SUB(SAFE_CAST(a.break_glass_until AS TIMESTAMP), INTERVAL ${BREAK_GLASS_MAX_HOURS} HOUR),
    a.break_glass_until, NULL) AS break_glass_until
FROM attributed AS e
LEFT JOIN agents AS a ON a.agent = e.agent
`;
}

/** A KQL string literal (a verbatim string: a quote is doubled). */
function kqlString(value: string | null): string {
  return value === null ? "''" : `@'${value.replace(/'/g, "''")}'`;
}

/**
 * The Activity Log in a Log Analytics workspace: the `AzureActivity` table (Azure Monitor Logs
 * reference, "AzureActivity"): `Caller`, `Claims_d`, `Authorization_d`, `OperationNameValue`,
 * `ActivityStatusValue`, `ActivitySubstatusValue`, `Properties_d`, `_ResourceId`, `EventDataId`,
 * `CorrelationId`, `TimeGenerated`.
 */
export function kqlAzureQuery(options: { readonly agents: AgentSource }): string {
  let tables: string;
  if ("table" in options.agents)
    tables = `let agents = ${options.agents.table};\nlet agent_keys = ${options.agents.table}_keys;`;
  else {
    const { agents, keys } = attributionTables(options.agents.inline);
    const agentRows = agents
      .map((row) =>
        AGENT_COLUMNS.map(([, field]) =>
          field === "agent" ? String(row.agent) : kqlString(row[field] as string | null),
        ).join(", "),
      )
      .join(",\n  ");
    const keyRows = keys.map((row) => `${kqlString(row.kind)}, ${kqlString(row.key)}, ${row.agent}`).join(",\n  ");
    tables = `let agents = datatable(${AGENT_COLUMNS.map(([name, field]) => `${name}: ${field === "agent" ? "int" : "string"}`).join(", ")}) [\n  ${agentRows}\n];\nlet agent_keys = datatable(['kind']: string, ['key']: string, agent: int) [\n  ${keyRows}\n];`;
  }
  return `// agent-iam: Azure Activity Log records attributed to agents (KQL, Log Analytics AzureActivity).
${tables}
let azure_ids = agent_keys | where ['kind'] == 'azure-id' | project id_key = ['key'], agent;
AzureActivity
| extend source_file = 'AzureActivity', source_offset = long(null)
| extend claims = Claims_d, authorization = Authorization_d
| extend ids = pack_array(Caller, tostring(claims.appid), tostring(claims.azp), tostring(claims.oid),
    tostring(claims['http://schemas.microsoft.com/identity/claims/objectidentifier']), tostring(claims.xms_mirid))
| extend action = coalesce(tostring(authorization.action), OperationNameValue, 'unknown')
| extend scope = tostring(authorization.scope), resource_id = _ResourceId
| extend resource = iff(isnotempty(resource_id) and isnotempty(scope) and tolower(resource_id) == tolower(scope), scope, coalesce(resource_id, scope))
| extend status_word = tolower(ActivityStatusValue)
| extend result = case(status_word in ('succeeded', 'success'), 'success', status_word in ('failed', 'failure'), 'failure',
    status_word in ('started', 'start', 'accepted'), 'started', 'success')
| extend sub_status = coalesce(ActivitySubstatusValue, tostring(Properties_d.statusCode), '')
| extend message = tostring(Properties_d.statusMessage)
| extend policy_decision = iff(result == 'failure' and (sub_status matches regex '(?i)forbidden' or message contains_cs 'AuthorizationFailed'), 'denied', 'allowed')
| extend error_code = iff(result != 'failure', '', iff(isnotempty(sub_status), sub_status, iff(message contains_cs 'AuthorizationFailed', 'AuthorizationFailed', 'Failed')))
| extend event_time = format_datetime(TimeGenerated, 'yyyy-MM-ddTHH:mm:ss.fffffffZ')
| extend action_id = coalesce(EventDataId, strcat(CorrelationId, ':', event_time, ':', action))
| extend principal = coalesce(Caller, tostring(claims.appid), 'unknown')
| mv-expand with_itemindex = position id = ids to typeof(string)
| extend id = tolower(id)
| join kind = leftouter (azure_ids) on $left.id == $right.id_key
| summarize arg_min(iff(isnull(agent), 1000, position), agent) by action_id, event_time, action, resource, result, policy_decision, error_code, principal, source_file, source_offset
| extend agent = iff(isnull(agent), int(null), agent)
| join kind = leftouter (agents) on agent
| project action_id, agent_id, requested_by = subject, owner, action, resource, policy_decision, approval,
    ['timestamp'] = event_time, result, cloud = 'azure', environment, principal, error_code,
    attributed_via = iff(isnotempty(agent_id), 'identity', ''), source_file, source_offset,
    break_glass_until = iff(todatetime(event_time) < todatetime(break_glass_until)
      and todatetime(event_time) >= todatetime(break_glass_until) - ${BREAK_GLASS_MAX_HOURS}h, break_glass_until, '')
`;
}

/** The attribution query for an engine. */
export function attributionQuery(engine: SqlEngine, agents: readonly AttributionAgent[] | { table: string }): string {
  const source: AgentSource = Array.isArray(agents) ? { inline: agents } : (agents as { table: string });
  if (engine === "athena") return athenaCloudTrailQuery({ agents: source });
  if (engine === "bigquery") return bigQueryGcpQuery({ agents: source });
  return kqlAzureQuery({ agents: source });
}
