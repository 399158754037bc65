import type { AccessLevel } from "../../model/access";
import { azureOperationClasses, type HighRiskClass } from "../../model/action-classes";
import { wildcardMatches } from "../../model/wildcard";

/**
 * The access level of an Azure RBAC operation (`Provider/type/…/verb`), from its last segment:
 * `read` is read, `write` and `delete` are write, `*` is unbounded (treated as permissions
 * management). `…/action` operations are write unless this table names them: reading a secret's
 * value or a queue's messages is an action in ARM's naming but a read in effect.
 * Every action of `src/clouds/azure/role-catalog.json` must be classifiable (tested).
 */
export const AZURE_ACTION_VERBS: Readonly<Record<string, AccessLevel>> = {
  // Key Vault: read a secret's value / list secrets (learn.microsoft.com, "Azure Key Vault RBAC").
  getSecret: "read",
  readMetadata: "read",
  // Service Bus: receive messages.
  receive: "read",
  // Storage: a user-delegation key signs SAS tokens bounded by the caller's own rights.
  generateUserDelegationKey: "read",
  // Log Analytics: run queries.
  query: "read",
  search: "read",
  verify: "read",
  send: "write",
  // Deploying into what a resource runs as or in: assigning a user-assigned identity, joining a
  // Container Apps environment (linked access checks on a deploy; scoped to the named resource).
  assign: "write",
  join: "write",
  setSecret: "write",
  add: "write",
  update: "write",
  move: "write",
  encrypt: "write",
  decrypt: "write",
  wrap: "write",
  unwrap: "write",
  sign: "write",
};

/** Operations of the `Microsoft.Authorization` provider that change who may do what. */
const PERMISSION_PROVIDERS = /^Microsoft\.Authorization\//i;

/** The access level of an operation; unknown actions and wildcards count as permissions management. */
export function azureActionLevel(operation: string): AccessLevel {
  const parts = operation.split("/");
  const last = parts[parts.length - 1]!.toLowerCase();
  if (last === "read") return "read";
  if (PERMISSION_PROVIDERS.test(operation)) return "permissions";
  if (last === "*") return "permissions";
  if (last === "write" || last === "delete") return parts.some((part) => part === "*") ? "permissions" : "write";
  if (last === "action") {
    const verb = parts[parts.length - 2] ?? "";
    const known = Object.entries(AZURE_ACTION_VERBS).find(([name]) => name.toLowerCase() === verb.toLowerCase());
    return known ? known[1] : "permissions";
  }
  return "permissions";
}

/** The high-risk classes of an operation (`…/blobs/delete` → delete, `…/purge/action` → delete, `…/export/action` → export). */
export function azureActionRisks(operation: string): HighRiskClass[] {
  return azureOperationClasses(operation);
}

/** Whether an action pattern (with `*` wildcards, case-insensitive as ARM compares) matches an operation. */
export function azureActionMatches(pattern: string, operation: string): boolean {
  return wildcardMatches(pattern, operation, { questionMark: false });
}
