import type { AccessLevel } from "../../model/access";
import { gcpPermissionClasses, type HighRiskClass } from "../../model/action-classes";

/**
 * The access level of a Google Cloud IAM permission (`service.resource.verb`), from its verb.
 * Google publishes no access levels, so the verb decides, with AWS's Service Authorization
 * Reference as the yardstick: get/list are read/list, create/update/delete are write, setIamPolicy
 * is permissions management. Reading data through a key (`useToDecrypt`) is write, as AWS classes
 * `kms:Decrypt`; minting tokens for another identity is permissions management. `actAs` (running a
 * resource as the one service account it is granted on) is write, as AWS classes `iam:PassRole`.
 * Every verb of `src/clouds/gcp/role-catalog.json` must be in this table (tested).
 */
export const GCP_VERB_LEVELS: Readonly<Record<string, AccessLevel>> = {
  list: "list",
  listEffectiveTags: "list",
  listExpandedMembers: "list",
  listMembers: "list",
  listParts: "list",
  listRevisions: "list",
  listShared: "list",
  listTagBindings: "list",
  get: "read",
  getData: "read",
  getMetadata: "read",
  getIamPolicy: "read",
  getShared: "read",
  access: "read",
  analyze: "read",
  consume: "read",
  download: "read",
  downloadArtifacts: "read",
  readViaVirtualRepository: "read",
  showEffectiveAutokeyConfig: "read",
  test: "read",
  usePrivate: "read",
  validate: "read",
  updateTag: "tag",
  abort: "write",
  actAs: "write",
  add: "write",
  attachSubscription: "write",
  cancel: "write",
  create: "write",
  createContext: "write",
  createIndex: "write",
  createSnapshot: "write",
  delete: "write",
  deleteContext: "write",
  deleteIndex: "write",
  destroy: "write",
  disable: "write",
  enable: "write",
  export: "write",
  exportArtifacts: "write",
  invoke: "write",
  move: "write",
  publish: "write",
  rename: "write",
  replicateData: "write",
  restore: "write",
  restoreSnapshot: "write",
  rotate: "write",
  route: "write",
  run: "write",
  runWithOverrides: "write",
  seek: "write",
  sshRead: "write",
  sshRoot: "write",
  start: "write",
  stop: "write",
  update: "write",
  updateContext: "write",
  updateData: "write",
  updateIndex: "write",
  updateMetadata: "write",
  upload: "write",
  uploadArtifacts: "write",
  uploadSource: "write",
  useToDecrypt: "write",
  useToEncrypt: "write",
  setIamPolicy: "permissions",
  getAccessToken: "permissions",
  getOpenIdToken: "permissions",
  signBlob: "permissions",
  signJwt: "permissions",
};

/**
 * Permissions whose level is not their verb's. `bigquery.jobs.create` runs a query in the project
 * that pays for it; what the job reads or writes is checked on each table (`tables.getData`,
 * `tables.updateData`: BigQuery docs, "Run a query", required permissions), as AWS classes
 * `logs:StartQuery` Read.
 */
export const GCP_PERMISSION_LEVELS: Readonly<Record<string, AccessLevel>> = {
  "bigquery.jobs.create": "read",
};

/** The verb of a permission: its last dot-separated part. */
export function gcpPermissionVerb(permission: string): string {
  return permission.slice(permission.lastIndexOf(".") + 1);
}

/** The access level of a permission; unknown verbs count as permissions management (the safe side). */
export function gcpPermissionLevel(permission: string): AccessLevel {
  return GCP_PERMISSION_LEVELS[permission] ?? GCP_VERB_LEVELS[gcpPermissionVerb(permission)] ?? "permissions";
}

/** The action classes of a permission (`storage.objects.delete` → delete, `bigquery.tables.export` → export). */
export function gcpPermissionRisks(permission: string): HighRiskClass[] {
  return gcpPermissionClasses(permission);
}
