import { parseRoleArn } from "../aws-cloudtrail";
import type { AttributionAgent } from "../attribute";

/**
 * The inventory as two tables a query joins: `agents` (one row per agent: who is accountable, its
 * break-glass window) and `agent_keys` (every value of a log that names an agent, and which one).
 * The keys follow the file reader's `Attributor` exactly: lower-cased role ARNs, `ACCOUNT:role-name`,
 * agent ids (AWS source identity, exact), lower-cased service account emails, federated subjects
 * that exactly one Google Cloud agent trusts, lower-cased Azure client, principal and resource ids.
 * A key two agents share goes to the later one, as the reader's maps do.
 */

/** The kinds of `agent_keys` rows. */
export const KEY_KINDS = ["aws-role", "aws-role-name", "agent-id", "gcp-email", "gcp-subject", "azure-id"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** One `agents` row. */
export interface AgentRow {
  readonly agent: number;
  readonly agentId: string;
  readonly owner: string;
  readonly environment: string;
  readonly approval: string | null;
  readonly subject: string;
  readonly breakGlassUntil: string | null;
  readonly breakGlassApprovedBy: string | null;
  readonly breakGlassReason: string | null;
}

/** One `agent_keys` row. */
export interface KeyRow {
  readonly kind: KeyKind;
  readonly key: string;
  readonly agent: number;
}

/** The two tables of an inventory. */
export function attributionTables(agents: readonly AttributionAgent[]): { agents: AgentRow[]; keys: KeyRow[] } {
  const keys = new Map<string, KeyRow>();
  const put = (kind: KeyKind, key: string, agent: number) => {
    const id = `${kind}\u0000${key}`;
    keys.delete(id);
    keys.set(id, { kind, key, agent });
  };
  const bySubject = new Map<string, number[]>();
  const rows = agents.map((agent, index): AgentRow => {
    put("agent-id", agent.id, index);
    const { aws, gcp, azure } = agent.identities;
    if (aws?.roleArn) {
      put("aws-role", aws.roleArn.toLowerCase(), index);
      const parsed = parseRoleArn(aws.roleArn);
      if (parsed) put("aws-role-name", `${parsed.accountId}:${parsed.roleName.toLowerCase()}`, index);
    }
    if (gcp?.serviceAccountEmail) put("gcp-email", gcp.serviceAccountEmail.toLowerCase(), index);
    if (azure)
      for (const id of [azure.clientId, azure.principalId, azure.resourceId])
        if (id) put("azure-id", id.toLowerCase(), index);
    if (agent.clouds.includes("gcp"))
      bySubject.set(agent.issuer.subject, [...(bySubject.get(agent.issuer.subject) ?? []), index]);
    return {
      agent: index,
      agentId: agent.id,
      owner: agent.owner,
      environment: agent.environment,
      approval: agent.approval,
      subject: agent.issuer.subject,
      breakGlassUntil: agent.breakGlass?.until ?? null,
      breakGlassApprovedBy: agent.breakGlass?.approvedBy ?? null,
      breakGlassReason: agent.breakGlass?.reason ?? null,
    };
  });
  // A subject trusted by several agents does not say which one acted.
  for (const [subject, list] of bySubject) if (list.length === 1) put("gcp-subject", subject, list[0]!);
  return { agents: rows, keys: [...keys.values()] };
}

/** The columns of the `agents` table, in order, with the row field each holds. */
export const AGENT_COLUMNS: readonly (readonly [string, keyof AgentRow])[] = [
  ["agent", "agent"],
  ["agent_id", "agentId"],
  ["owner", "owner"],
  ["environment", "environment"],
  ["approval", "approval"],
  ["subject", "subject"],
  ["break_glass_until", "breakGlassUntil"],
  ["break_glass_approved_by", "breakGlassApprovedBy"],
  ["break_glass_reason", "breakGlassReason"],
];

/** A SQL string literal (standard SQL: a quote is doubled), or NULL of the given type. */
export function sqlString(value: string | null, nullType = "VARCHAR"): string {
  return value === null ? `CAST(NULL AS ${nullType})` : `'${value.replace(/'/g, "''")}'`;
}

/** The two tables as CSV files (RFC 4180), for loading into the engine as joinable tables. */
export function attributionCsv(agents: readonly AttributionAgent[]): { agents: string; keys: string } {
  const tables = attributionTables(agents);
  const cell = (value: string | number | null) => {
    if (value === null) return "";
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const agentLines = [
    AGENT_COLUMNS.map(([name]) => name).join(","),
    ...tables.agents.map((row) => AGENT_COLUMNS.map(([, field]) => cell(row[field])).join(",")),
  ];
  const keyLines = ["kind,key,agent", ...tables.keys.map((row) => [row.kind, row.key, row.agent].map(cell).join(","))];
  return { agents: `${agentLines.join("\r\n")}\r\n`, keys: `${keyLines.join("\r\n")}\r\n` };
}
