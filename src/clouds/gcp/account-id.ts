import { createHash } from "node:crypto";
import type { Agent } from "../../model/agent";

/** Service account ids: 6–30 characters, `[a-z]([-a-z0-9]*[a-z0-9])` (IAM API, projects.serviceAccounts.create). */
export const GCP_ACCOUNT_ID = { min: 6, max: 30, pattern: /^[a-z]([-a-z0-9]*[a-z0-9])$/ } as const;

/** Six hex characters of a SHA-256: enough to keep cut names apart, stable across runs. */
export function shortHash(text: string, length = 6): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * An agent's service account id: `ID-ENV` (without repeating an environment the id already ends
 * with), padded with `-agent` below 6 characters, and cut with a short hash of the full name above 30.
 * Deterministic, so a redeploy never renames the account.
 */
export function gcpAccountId(agent: Pick<Agent, "id" | "environment">): string {
  const base = agent.id.endsWith(`-${agent.environment}`) ? agent.id : `${agent.id}-${agent.environment}`;
  if (base.length < GCP_ACCOUNT_ID.min) return `${base}-agent`;
  if (base.length <= GCP_ACCOUNT_ID.max) return base;
  const hash = shortHash(base);
  return `${base.slice(0, GCP_ACCOUNT_ID.max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** The display name of an agent's service account (at most 100 characters). */
export function gcpAccountDisplayName(agent: Pick<Agent, "id" | "environment">): string {
  return `agent ${agent.id} (${agent.environment})`.slice(0, 100);
}
