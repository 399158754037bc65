import type { Agent } from "./agent";
import { breakGlassTags } from "./break-glass";

/**
 * The tag keys that make every action attributable: the same keys on every cloud, read by the
 * policy pack on resources written with or without our components.
 */
export const TAG_KEYS = {
  agent: "agent-iam:agent",
  owner: "owner",
  purpose: "purpose",
  environment: "environment",
  expires: "expires",
  costCenter: "cost-center",
  team: "team",
  approval: "approval",
} as const;

/**
 * AWS tag values allow letters, digits, white space and `_ . : / = + - @`, up to 256 characters
 * (AWS "Tagging best practices", tag naming limits). Anything else becomes a space.
 */
export function awsTagValue(value: string): string {
  return value
    .replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 256);
}

/** The agent's tags, as AWS and Azure accept them. */
export function agentTags(agent: Agent): Record<string, string> {
  const tags: Record<string, string> = {
    [TAG_KEYS.agent]: agent.id,
    [TAG_KEYS.owner]: agent.owner,
    [TAG_KEYS.purpose]: awsTagValue(agent.purpose),
    [TAG_KEYS.environment]: agent.environment,
    [TAG_KEYS.expires]: agent.expires,
  };
  if (agent.costCenter) tags[TAG_KEYS.costCenter] = agent.costCenter;
  if (agent.team) tags[TAG_KEYS.team] = awsTagValue(agent.team);
  if (agent.approval) tags[TAG_KEYS.approval] = awsTagValue(agent.approval);
  // An active elevation is recorded on the identity itself, where the pack and the inventory read it.
  if (agent.breakGlass) Object.assign(tags, breakGlassTags(agent.breakGlass, awsTagValue));
  return tags;
}

/**
 * GCP label values allow only lower-case letters, digits, `_` and `-`, up to 63 characters
 * (cloud.google.com/resource-manager/docs/labels-overview): `keisha@acme.example` becomes
 * `keisha_at_acme-example`. The unabridged values live in the service account description.
 */
export function gcpLabelValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/@/g, "_at_")
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 63);
}

/** The agent's GCP labels (keys without the `agent-iam:` prefix, which labels do not allow). */
export function agentLabels(agent: Agent): Record<string, string> {
  const labels: Record<string, string> = {
    "agent-iam-agent": gcpLabelValue(agent.id),
    owner: gcpLabelValue(agent.owner),
    environment: gcpLabelValue(agent.environment),
    expires: gcpLabelValue(agent.expires),
  };
  if (agent.costCenter) labels["cost-center"] = gcpLabelValue(agent.costCenter);
  if (agent.team) labels.team = gcpLabelValue(agent.team);
  return labels;
}

/** Metadata carried in a GCP service account's description (service accounts have no labels). */
export interface DescriptionMetadata {
  owner?: string;
  environment?: string;
  expires?: string;
  purpose?: string;
}

/** Service account descriptions hold at most 256 characters (IAM API reference, ServiceAccount). */
export const GCP_DESCRIPTION_LIMIT = 256;

/** `owner=EMAIL; environment=ENV; expires=YYYY-MM-DD; purpose=TEXT`, purpose last and cut to fit. */
export function formatGcpDescription(agent: Pick<Agent, "owner" | "environment" | "expires" | "purpose">): string {
  const head = `owner=${agent.owner}; environment=${agent.environment}; expires=${agent.expires}; purpose=`;
  return head + agent.purpose.replace(/\s+/g, " ").slice(0, Math.max(0, GCP_DESCRIPTION_LIMIT - head.length));
}

/** Reads the description format back; fields it cannot find are absent. Purpose keeps any `;` it holds. */
export function parseGcpDescription(description: string): DescriptionMetadata {
  const result: DescriptionMetadata = {};
  const purposeAt = description.search(/(^|;\s*)purpose=/);
  const head = purposeAt >= 0 ? description.slice(0, purposeAt) : description;
  if (purposeAt >= 0)
    result.purpose = description
      .slice(purposeAt)
      .replace(/^;?\s*purpose=/, "")
      .trim();
  for (const part of head.split(";")) {
    const match = /^\s*(owner|environment|expires)=(.*)$/.exec(part);
    if (match) result[match[1] as "owner" | "environment" | "expires"] = match[2]!.trim();
  }
  return result;
}
