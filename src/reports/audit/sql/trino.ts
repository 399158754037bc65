import { BREAK_GLASS_MAX_HOURS } from "../../../model/break-glass";
import { AWS_DENIED_ERROR_CODES } from "../aws-cloudtrail";
import { AZURE_IDENTITY_CLAIMS } from "../azure-activity-log";
import { GOOGLE_RPC_CODES } from "../gcp-audit-log";
import type { AttributionAgent } from "../attribute";
import { AGENT_COLUMNS, attributionTables, sqlString } from "./agents";

/**
 * The attribution as Athena (Trino) SQL, one query per log: it gives the same action records as the
 * file reader (`run-audit.ts`), field for field, read from the same log fields. `agent-iam audit
 * --sql athena` prints the CloudTrail query; `--engine duckdb` runs all three in DuckDB, over tables
 * of the same shape, with a handful of Trino functions DuckDB lacks defined as macros
 * (`duckdb-engine.ts`).
 */

/** Where the queries read the inventory from: inlined as VALUES, or tables loaded from `--agents-csv`. */
export type AgentSource = { readonly inline: readonly AttributionAgent[] } | { readonly table: string };

/** Options common to every query. */
export interface QueryOptions {
  readonly agents: AgentSource;
  /** The log table. */
  readonly table?: string;
  /** The expression of an event's byte offset in its file: Athena has none (NULL); DuckDB's tables carry it. */
  readonly offset?: string;
  /** The expression of an event's file: Athena's `"$path"` pseudo-column. */
  readonly path?: string;
}

/** How many hops of an AWS role chain the query follows (Athena's recursion limit is 10; these are plain joins). */
export const ROLE_CHAIN_HOPS = 8;
/** How many entries of a GCP `serviceAccountDelegationInfo` list the queries read. */
export const GCP_DELEGATION_SLOTS = 8;

/** The `agents` and `agent_keys` CTEs. */
export function agentCtes(source: AgentSource): string {
  if ("table" in source)
    return `agents AS (SELECT * FROM ${source.table}),\nagent_keys AS (SELECT * FROM ${source.table}_keys)`;
  const tables = attributionTables(source.inline);
  const columns = AGENT_COLUMNS.map(([name]) => name);
  const agentRows = tables.agents.map(
    (row) =>
      `(${AGENT_COLUMNS.map(([, field]) => (field === "agent" ? String(row.agent) : sqlString(row[field] as string | null))).join(", ")})`,
  );
  const keyRows = tables.keys.map((row) => `(${sqlString(row.kind)}, ${sqlString(row.key)}, ${row.agent})`);
  const agents =
    agentRows.length > 0
      ? `agents AS (\n  SELECT * FROM (VALUES\n    ${agentRows.join(",\n    ")}\n  ) AS t (${columns.join(", ")})\n)`
      : `agents AS (SELECT ${columns.map((name) => `${name === "agent" ? "CAST(NULL AS INTEGER)" : "CAST(NULL AS VARCHAR)"} AS ${name}`).join(", ")} WHERE 1 = 0)`;
  const keys =
    keyRows.length > 0
      ? `agent_keys AS (\n  SELECT * FROM (VALUES\n    ${keyRows.join(",\n    ")}\n  ) AS t (kind, key, agent)\n)`
      : "agent_keys AS (SELECT CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS VARCHAR) AS key, CAST(NULL AS INTEGER) AS agent WHERE 1 = 0)";
  return `${agents},\n${keys}`;
}

/** The action record's columns, from a CTE `attributed` with the event's fields and `agent`, `via`. */
function actionRecordSelect(cloud: string): string {
  // madeUnderBreakGlass: the call was made before the elevation ended, and at most its longest span before.
  const during = `try(from_iso8601_timestamp(e.event_time)) < try(from_iso8601_timestamp(a.break_glass_until)) AND try(from_iso8601_timestamp(e.event_time)) >= try(from_iso8601_timestamp(a.break_glass_until)) - INTERVAL '${BREAK_GLASS_MAX_HOURS}' HOUR`;
  return `SELECT
  e.action_id,
  a.agent_id,
  CASE
    WHEN e.event_requested_by IS NOT NULL AND (a.agent_id IS NULL OR e.event_requested_by <> a.agent_id) THEN e.event_requested_by
    ELSE coalesce(a.subject, e.event_requested_by)
  END AS requested_by,
  a.owner,
  e.action,
  e.resource,
  e.policy_decision,
  a.approval,
  e.event_time AS "timestamp",
  e.result,
  '${cloud}' AS cloud,
  a.environment,
  e.principal,
  e.error_code,
  CASE WHEN a.agent_id IS NULL THEN CAST(NULL AS VARCHAR) ELSE e.via END AS attributed_via,
  e.source_file,
  e.source_offset,
  CASE WHEN ${during} THEN a.break_glass_until END AS break_glass_until,
  CASE WHEN ${during} THEN a.break_glass_approved_by END AS break_glass_approved_by,
  CASE WHEN ${during} THEN a.break_glass_reason END AS break_glass_reason
FROM attributed e
LEFT JOIN agents a ON a.agent = e.agent`;
}

/** A regular expression that matches what any of the reader's patterns match (all are case-insensitive). */
function deniedPattern(): string {
  return `(?i)(${AWS_DENIED_ERROR_CODES.map((pattern) => pattern.source).join("|")})`;
}

const ASSUMED_ROLE_ARN = "^arn:aws[a-z-]*:sts::(\\d{12}):assumed-role/([^/]+)/(.+)$";
const ROLE_ARN = "^arn:aws[a-z-]*:iam::(\\d{12}):role/(?:.*/)?([^/]+)$";
/** Request parameters that name a call's resource, in the reader's order (`aws-cloudtrail.ts`). */
const RESOURCE_PARAMETERS = [
  "roleArn",
  "policyArn",
  "topicArn",
  "queueUrl",
  "secretId",
  "functionName",
  "logGroupArn",
  "keyId",
  "tableArn",
];

/**
 * CloudTrail in Athena: the table of Athena's documented DDL ("Create a table for CloudTrail logs in
 * Athena using manual partitioning"), with `sourceidentity:STRING` added to
 * `useridentity.sessioncontext` (CloudTrail writes it since 2021; the documented DDL predates it).
 */
export function athenaCloudTrailQuery(options: QueryOptions): string {
  const table = options.table ?? "cloudtrail_logs";
  const offset = options.offset ?? "CAST(NULL AS BIGINT)";
  const path = options.path ?? '"$path"';
  const param = (key: string) => `nullif(json_extract_scalar(requestparameters, '$.${key}'), '')`;
  const hops: string[] = [];
  for (let hop = 1; hop <= ROLE_CHAIN_HOPS; hop++)
    hops.push(`issued_${hop} AS (
  SELECT * FROM issued_${hop - 1}
  UNION
  SELECT d.issued_access_key_id, s.agent, d.event_time
  FROM direct d
  JOIN issued_${hop - 1} s ON s.access_key = d.access_key_id AND s.issued_at <= d.event_time
  WHERE d.direct_agent IS NULL AND d.issued_access_key_id IS NOT NULL AND d.error_code IS NULL
)`);
  return `-- agent-iam: CloudTrail events attributed to agents (Athena engine version 3).
-- Reads ${table} as Athena's documented CloudTrail DDL declares it, with sourceidentity:STRING added to
-- useridentity.sessioncontext. Role chains are followed for ${ROLE_CHAIN_HOPS} hops.
WITH
${agentCtes(options.agents)},
trail AS (
  SELECT
    eventtime AS event_time,
    nullif(eventid, '') AS event_id,
    eventname,
    ${path} AS source_file,
    ${offset} AS source_offset,
    regexp_replace(eventsource, '\\.amazonaws\\.com$', '') AS service,
    nullif(errorcode, '') AS error_code,
    nullif(useridentity.type, '') AS identity_type,
    nullif(useridentity.arn, '') AS user_arn,
    nullif(useridentity.principalid, '') AS user_principal_id,
    nullif(useridentity.invokedby, '') AS user_invoked_by,
    nullif(useridentity.accountid, '') AS user_account_id,
    nullif(useridentity.accesskeyid, '') AS user_access_key_id,
    nullif(useridentity.username, '') AS user_name,
    nullif(useridentity.sessioncontext.sessionissuer.arn, '') AS issuer_arn,
    nullif(useridentity.sessioncontext.sessionissuer.username, '') AS issuer_user_name,
    nullif(useridentity.sessioncontext.sessionissuer.accountid, '') AS issuer_account_id,
    nullif(useridentity.sessioncontext.sourceidentity, '') AS source_identity,
    ${param("roleArn")} AS param_role_arn,
    ${param("bucketName")} AS param_bucket,
    ${param("key")} AS param_key,
    coalesce(${RESOURCE_PARAMETERS.map(param).join(", ")}) AS param_resource,
    nullif(json_extract_scalar(responseelements, '$.subjectFromWebIdentityToken'), '') AS response_subject,
    nullif(json_extract_scalar(responseelements, '$.credentials.accessKeyId'), '') AS issued_access_key_id,
    element_at(filter(resources, r -> r.arn IS NOT NULL AND r.arn <> ''), 1) AS first_resource
  FROM ${table}
),
parsed AS (
  SELECT
    t.*,
    t.service || ':' || t.eventname AS action,
    t.first_resource.arn AS resource_arn,
    nullif(regexp_extract(t.user_arn, '${ASSUMED_ROLE_ARN}', 1), '') AS assumed_account,
    nullif(regexp_extract(t.user_arn, '${ASSUMED_ROLE_ARN}', 2), '') AS assumed_role,
    nullif(regexp_extract(t.issuer_arn, '${ROLE_ARN}', 2), '') AS issuer_role,
    nullif(regexp_extract(t.param_role_arn, '${ROLE_ARN}', 1), '') AS param_role_account,
    nullif(regexp_extract(t.param_role_arn, '${ROLE_ARN}', 2), '') AS param_role_name
  FROM trail t
),
events AS (
  SELECT
    p.*,
    coalesce(p.event_id, p.event_time || ':' || p.action) AS action_id,
    CASE p.identity_type WHEN 'AssumedRole' THEN p.issuer_arn WHEN 'WebIdentityUser' THEN p.param_role_arn END AS role_arn,
    CASE p.identity_type
      WHEN 'AssumedRole' THEN coalesce(p.issuer_user_name, p.assumed_role, p.issuer_role)
      WHEN 'WebIdentityUser' THEN p.param_role_name
    END AS role_name,
    CASE p.identity_type
      WHEN 'AssumedRole' THEN coalesce(p.issuer_account_id, p.user_account_id, p.assumed_account)
      WHEN 'WebIdentityUser' THEN p.param_role_account
    END AS role_account,
    CASE WHEN p.identity_type = 'WebIdentityUser' THEN CAST(NULL AS VARCHAR) ELSE p.user_access_key_id END AS access_key_id,
    CASE p.identity_type
      WHEN 'AssumedRole' THEN p.source_identity
      WHEN 'WebIdentityUser' THEN coalesce(p.user_name, p.response_subject)
    END AS event_requested_by,
    coalesce(p.user_arn, p.user_principal_id, p.user_invoked_by, p.identity_type, 'unknown') AS principal,
    CASE
      WHEN p.service = 's3' AND p.param_bucket IS NOT NULL THEN 's3://' || p.param_bucket || coalesce('/' || p.param_key, '')
      ELSE coalesce(p.resource_arn, p.param_resource)
    END AS resource,
    CASE WHEN p.error_code IS NOT NULL AND regexp_like(p.error_code, '${deniedPattern()}') THEN 'denied' ELSE 'allowed' END AS policy_decision,
    CASE WHEN p.error_code IS NOT NULL THEN 'failure' ELSE 'success' END AS result
  FROM parsed p
),
direct AS (
  SELECT
    e.*,
    coalesce(k_arn.agent, k_name.agent, k_source.agent) AS direct_agent,
    CASE
      WHEN k_arn.agent IS NOT NULL OR k_name.agent IS NOT NULL THEN 'identity'
      WHEN k_source.agent IS NOT NULL THEN 'source-identity'
    END AS direct_via
  FROM events e
  LEFT JOIN agent_keys k_arn ON k_arn.kind = 'aws-role' AND k_arn.key = lower(e.role_arn)
  LEFT JOIN agent_keys k_name ON k_name.kind = 'aws-role-name' AND k_name.key = e.role_account || ':' || lower(e.role_name)
  LEFT JOIN agent_keys k_source ON k_source.kind = 'agent-id' AND k_source.key = e.source_identity
),
-- Credentials an agent's successful AssumeRole handed out: calls signed with them are the agent's.
issued_0 AS (
  SELECT issued_access_key_id AS access_key, direct_agent AS agent, event_time AS issued_at
  FROM direct
  WHERE direct_agent IS NOT NULL AND issued_access_key_id IS NOT NULL AND error_code IS NULL
),
${hops.join(",\n")},
chained AS (
  SELECT
    d.*,
    (
      SELECT max_by(s.agent, s.issued_at) FROM issued_${ROLE_CHAIN_HOPS} s
      WHERE s.access_key = d.access_key_id AND s.issued_at <= d.event_time
    ) AS chain_agent
  FROM direct d
),
attributed AS (
  SELECT
    c.*,
    coalesce(c.direct_agent, c.chain_agent) AS agent,
    CASE WHEN c.direct_agent IS NOT NULL THEN c.direct_via WHEN c.chain_agent IS NOT NULL THEN 'role-chain' END AS via
  FROM chained c
)
${actionRecordSelect("aws")}
`;
}

/** A string at a JSON path of the log record, or NULL (empty counts as absent, as in the reader). */
function jsonText(path: string, record = "record"): string {
  return `nullif(json_extract_scalar(${record}, '${path}'), '')`;
}

/**
 * Cloud Audit Logs in Athena: a table with the log entry as JSON text in a `record` column (a Cloud
 * Logging export read as JSON lines). The reader's logic (`gcp-audit-log.ts`) column for column.
 */
export function trinoGcpQuery(options: QueryOptions): string {
  const table = options.table ?? "gcp_audit_log_entries";
  const offset = options.offset ?? "CAST(NULL AS BIGINT)";
  const path = options.path ?? '"$path"';
  const slot = (index: number) => {
    const base = `$.protoPayload.authenticationInfo.serviceAccountDelegationInfo[${index}]`;
    return `coalesce(${jsonText(`${base}.firstPartyPrincipal.principalEmail`)}, ${jsonText(`${base}.principalSubject`)})`;
  };
  const slots = Array.from({ length: GCP_DELEGATION_SLOTS }, (_, index) => slot(index));
  const codes = Object.entries(GOOGLE_RPC_CODES)
    .map(([code, name]) => `WHEN ${code} THEN '${name}'`)
    .join(" ");
  const subjectOf = (value: string) =>
    `nullif(regexp_extract(${value}, '^principal://iam\\.googleapis\\.com/.+?/subject/(.+)$', 1), '')`;
  return `-- agent-iam: Cloud Audit Logs entries attributed to agents (Athena engine version 3, JSON text in a record column).
WITH
${agentCtes(options.agents)},
email_keys AS (SELECT array_agg(key) AS emails FROM agent_keys WHERE kind = 'gcp-email'),
subject_keys AS (SELECT array_agg(key) AS subjects FROM agent_keys WHERE kind = 'gcp-subject'),
entries AS (
  SELECT
    ${path} AS source_file,
    ${offset} AS source_offset,
    json_extract_scalar(record, '$.timestamp') AS raw_time,
    ${jsonText("$.insertId")} AS insert_id,
    coalesce(${jsonText("$.timestamp")}, ${jsonText("$.receiveTimestamp")}, '') AS event_time,
    ${jsonText("$.protoPayload.serviceName")} AS service_name,
    ${jsonText("$.protoPayload.methodName")} AS method_name,
    ${jsonText("$.protoPayload.authorizationInfo[0].permission")} AS first_permission,
    ${jsonText("$.protoPayload.resourceName")} AS resource_name,
    ${jsonText("$.protoPayload.authenticationInfo.principalEmail")} AS email,
    ${jsonText("$.protoPayload.authenticationInfo.principalSubject")} AS subject,
    coalesce(try(CAST(json_extract(record, '$.protoPayload.status.code') AS BIGINT)), 0) AS code,
    regexp_like(coalesce(json_format(json_extract(record, '$.protoPayload.authorizationInfo')), ''), '"granted":\\s*false') AS refused,
    filter(ARRAY[${slots.join(", ")}], d -> d IS NOT NULL) AS delegates
  FROM ${table}
),
events AS (
  SELECT
    n.*,
    coalesce(n.method_name, n.first_permission, 'unknown') AS action,
    element_at(n.delegates, 1) AS event_requested_by,
    coalesce(n.email, n.subject, 'unknown') AS principal,
    CASE
      WHEN n.resource_name IS NULL THEN CAST(NULL AS VARCHAR)
      WHEN regexp_like(n.resource_name, '^projects/_/buckets/([^/]+)(?:/objects/(.+))?$') THEN
        'gs://' || regexp_extract(n.resource_name, '^projects/_/buckets/([^/]+)(?:/objects/(.+))?$', 1)
        || coalesce('/' || nullif(regexp_extract(n.resource_name, '^projects/_/buckets/([^/]+)(?:/objects/(.+))?$', 2), ''), '')
      WHEN n.resource_name LIKE '//%' THEN n.resource_name
      WHEN n.service_name IS NOT NULL THEN '//' || n.service_name || '/' || n.resource_name
      ELSE n.resource_name
    END AS resource,
    CASE WHEN n.code = 7 OR n.refused THEN 'denied' ELSE 'allowed' END AS policy_decision,
    CASE WHEN n.code = 0 THEN 'success' ELSE 'failure' END AS result,
    CASE WHEN n.code = 0 THEN CAST(NULL AS VARCHAR) ELSE CASE n.code ${codes} ELSE CAST(n.code AS VARCHAR) END END AS error_code,
    element_at(filter(n.delegates, d -> contains(ek.emails, lower(d))), 1) AS delegate_key,
    element_at(filter(ARRAY[${["n.subject", ...slots.map((_, index) => `element_at(n.delegates, ${index + 1})`)].map(subjectOf).join(", ")}], s -> contains(sk.subjects, s)), 1) AS subject_key
  FROM entries n
  CROSS JOIN email_keys ek
  CROSS JOIN subject_keys sk
),
attributed AS (
  SELECT
    e.*,
    coalesce(e.insert_id, coalesce(e.raw_time, 'undefined') || ':' || e.action) AS action_id,
    coalesce(k_email.agent, k_delegate.agent, k_subject.agent) AS agent,
    CASE
      WHEN k_email.agent IS NOT NULL THEN 'identity'
      WHEN k_delegate.agent IS NOT NULL THEN 'delegation'
      WHEN k_subject.agent IS NOT NULL THEN 'subject'
    END AS via
  FROM events e
  LEFT JOIN agent_keys k_email ON k_email.kind = 'gcp-email' AND k_email.key = lower(e.email)
  LEFT JOIN agent_keys k_delegate ON k_delegate.kind = 'gcp-email' AND k_delegate.key = lower(e.delegate_key)
  LEFT JOIN agent_keys k_subject ON k_subject.kind = 'gcp-subject' AND k_subject.key = e.subject_key
)
${actionRecordSelect("gcp")}
`;
}

/** The claims and authorization objects of an Activity Log record: the REST shape's, else the export's. */
function azureObject(name: "claims" | "authorization", field: string): string {
  return `CASE WHEN substr(coalesce(json_format(json_extract(record, '$.${name}')), ''), 1, 1) = '{'
      THEN ${jsonText(`$.${name}${field}`)} ELSE ${jsonText(`$.identity.${name}${field}`)} END`;
}

/** A JSON path member: `.name`, or `["name"]` for a claim name with dots or slashes. */
function member(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `["${name}"]`;
}

/**
 * The Azure Activity Log in Athena: a table with each record as JSON text in a `record` column (the
 * export to a storage account, or the REST API's `value` entries). The reader's logic
 * (`azure-activity-log.ts`) column for column.
 */
export function trinoAzureQuery(options: QueryOptions): string {
  const table = options.table ?? "azure_activity_records";
  const offset = options.offset ?? "CAST(NULL AS BIGINT)";
  const path = options.path ?? '"$path"';
  const text = (field: string) => `coalesce(${jsonText(`$.${field}`)}, ${jsonText(`$.${field}.value`)})`;
  const ids = ["r.caller", ...AZURE_IDENTITY_CLAIMS.map((claim) => `r.claim_${claim.replace(/\W/g, "_")}`)];
  return `-- agent-iam: Azure Activity Log records attributed to agents (Athena engine version 3, JSON text in a record column).
WITH
${agentCtes(options.agents)},
azure_keys AS (SELECT array_agg(key) AS ids FROM agent_keys WHERE kind = 'azure-id'),
records AS (
  SELECT
    ${path} AS source_file,
    ${offset} AS source_offset,
    ${jsonText("$.caller")} AS caller,
${AZURE_IDENTITY_CLAIMS.map((claim) => `    ${azureObject("claims", member(claim))} AS claim_${claim.replace(/\W/g, "_")},`).join("\n")}
    ${azureObject("authorization", ".action")} AS authorized_action,
    ${azureObject("authorization", ".scope")} AS scope,
    ${jsonText("$.resourceId")} AS resource_id,
    lower(coalesce(${text("status")}, ${jsonText("$.resultType")}, '')) AS status_word,
    coalesce(${text("subStatus")}, ${jsonText("$.resultSignature")}, ${jsonText("$.properties.statusCode")}, '') AS sub_status,
    coalesce(${jsonText("$.properties.statusMessage")}, '') AS message,
    coalesce(json_extract_scalar(record, '$.properties.statusCode'), '') AS status_code,
    ${text("operationName")} AS operation,
    coalesce(${jsonText("$.eventDataId")}, ${jsonText("$.properties.eventDataId")}) AS event_data_id,
    ${jsonText("$.correlationId")} AS correlation_id,
    ${text("eventTimestamp")} AS event_timestamp_text,
    coalesce(${jsonText("$.eventTimestamp")}, ${jsonText("$.time")}, '') AS event_time,
    ${jsonText("$.time")} AS time_text
  FROM ${table}
),
events AS (
  SELECT
    r.*,
    coalesce(r.authorized_action, r.operation, 'unknown') AS action,
    CAST(NULL AS VARCHAR) AS event_requested_by,
    coalesce(r.caller, r.claim_appid, 'unknown') AS principal,
    CASE
      WHEN r.resource_id IS NOT NULL AND r.scope IS NOT NULL AND lower(r.resource_id) = lower(r.scope) THEN r.scope
      ELSE coalesce(r.resource_id, r.scope)
    END AS resource,
    CASE
      WHEN r.status_word IN ('succeeded', 'success') THEN 'success'
      WHEN r.status_word IN ('failed', 'failure') THEN 'failure'
      WHEN r.status_word IN ('started', 'start', 'accepted') THEN 'started'
      ELSE 'success'
    END AS result,
    element_at(filter(ARRAY[${ids.join(", ")}], id -> contains(k.ids, lower(id))), 1) AS id_key
  FROM records r
  CROSS JOIN azure_keys k
),
attributed AS (
  SELECT
    e.*,
    coalesce(e.event_data_id, coalesce(e.correlation_id, '') || ':' || coalesce(e.event_timestamp_text, e.time_text, '') || ':' || e.action) AS action_id,
    CASE
      WHEN e.result = 'failure' AND (regexp_like(e.sub_status, '(?i)forbidden') OR strpos(e.message, 'AuthorizationFailed') > 0 OR regexp_like(e.status_code, '(?i)forbidden')) THEN 'denied'
      ELSE 'allowed'
    END AS policy_decision,
    CASE
      WHEN e.result <> 'failure' THEN CAST(NULL AS VARCHAR)
      WHEN e.sub_status <> '' THEN e.sub_status
      WHEN strpos(e.message, 'AuthorizationFailed') > 0 THEN 'AuthorizationFailed'
      ELSE 'Failed'
    END AS error_code,
    k.agent,
    CASE WHEN k.agent IS NOT NULL THEN 'identity' END AS via
  FROM events e
  LEFT JOIN agent_keys k ON k.kind = 'azure-id' AND k.key = lower(e.id_key)
)
${actionRecordSelect("azure")}
`;
}
