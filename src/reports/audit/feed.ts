import type { AccessLevel } from "../../model/access";
import { awsActionInfo } from "../../clouds/aws/iam-catalog";
import type { ActionRecord } from "./schema";

/**
 * The human-readable audit feed: one line per action,
 * `2026-05-04T10:12:03Z pr-reviewer (owner keisha@acme.example, prod) read s3://acme-prod-source/README.md — allowed`.
 */

/** Verbs of GCP methods and permissions, by their last word (`storage.objects.get` → `get`). */
export const GCP_VERB_LEVELS: Readonly<Record<string, AccessLevel>> = {
  get: "read",
  read: "read",
  getiampolicy: "read",
  list: "list",
  search: "list",
  setiampolicy: "permissions",
  create: "write",
  insert: "write",
  update: "write",
  patch: "write",
  delete: "write",
  setmetadata: "write",
};

/** Azure actions end with what they do (`.../read`, `.../write`, `.../delete`, `.../action`). */
export const AZURE_VERB_LEVELS: Readonly<Record<string, AccessLevel>> = {
  read: "read",
  write: "write",
  delete: "write",
  action: "write",
};

/** How a feed line says an allowed action of each level; `null` names the action itself. */
export const LEVEL_VERBS: Readonly<Record<AccessLevel, string | null>> = {
  list: "listed",
  read: "read",
  tag: "tagged",
  write: null,
  permissions: null,
};

/** Actions with a verb of their own when allowed: getting credentials is not "calling" an API. */
export const ACTION_VERBS: Readonly<Record<string, string>> = {
  "sts:AssumeRoleWithWebIdentity": "got credentials for",
  "sts:AssumeRole": "assumed",
  "iam.serviceAccounts.getAccessToken": "got a token for",
  GenerateAccessToken: "got a token for",
};

/** The access level of an action on its cloud, when known. */
export function actionLevel(record: Pick<ActionRecord, "cloud" | "action">): AccessLevel | undefined {
  switch (record.cloud) {
    case "aws":
      return awsActionInfo(record.action)?.accessLevel;
    case "gcp": {
      const last = record.action.split(".").pop()?.toLowerCase() ?? "";
      return (
        GCP_VERB_LEVELS[last] ?? (/^(get|list)/.test(last) ? (last.startsWith("list") ? "list" : "read") : undefined)
      );
    }
    case "azure":
      return AZURE_VERB_LEVELS[record.action.split("/").pop()?.toLowerCase() ?? ""];
  }
}

/** Who did it: `pr-reviewer (owner keisha@acme.example, prod)`, or the unattributed principal. */
function actor(record: ActionRecord): string {
  if (record.agent_id === null) return `unattributed ${record.principal}`;
  return `${record.agent_id} (owner ${record.owner}, ${record.environment})`;
}

/** How an attribution that is not the agent's own identity reads (the principal follows). */
const VIA_WORDS: Readonly<Record<NonNullable<ActionRecord["attributed_via"]>, string | null>> = {
  identity: null,
  "source-identity": "via its source identity, as",
  "role-chain": "via a role it assumed, as",
  delegation: "via a service account it impersonated, as",
  subject: "via its federated subject, as",
  "federated-role": "via its AWS role federated into this cloud, as",
};

/** One feed line for an action record. */
export function feedLine(record: ActionRecord): string {
  const on = record.resource ? ` ${record.resource}` : "";
  let what: string;
  if (record.policy_decision === "denied")
    what = `tried ${record.action}${record.resource ? ` on ${record.resource}` : ""} — denied`;
  else {
    const own = ACTION_VERBS[record.action] ?? ACTION_VERBS[record.action.split(".").pop() ?? ""];
    const verb = own ?? LEVEL_VERBS[actionLevel(record) ?? "write"];
    const did = verb
      ? `${verb}${on || ` (${record.action})`}`
      : `called ${record.action}${record.resource ? ` on ${record.resource}` : ""}`;
    const outcome =
      record.result === "failure"
        ? `allowed, failed (${record.error_code ?? "error"})`
        : record.result === "started"
          ? "allowed, started"
          : "allowed";
    what = `${did} — ${outcome}`;
  }
  const via = record.attributed_via ? VIA_WORDS[record.attributed_via] : null;
  const note = via ? ` [${via} ${record.principal}]` : "";
  return `${record.timestamp} ${actor(record)} ${what}${note}`;
}
