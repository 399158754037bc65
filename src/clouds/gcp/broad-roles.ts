import { gcpRolePermissions } from "./roles";

/**
 * GCP roles that are dangerous when bound on a whole project, folder or organisation, as data:
 * those that read the data every resource there stores, those that run code on or log in to every
 * VM or pod, those that let any member act as every service account, and the roles that only
 * exist at project level (where a project binding is the narrowest there is).
 *
 * Sources: Google Cloud IAM, "IAM basic and predefined roles reference" (each role's permissions,
 * and "Lowest-level resources where you can grant this role"); the CIS Google Cloud Platform
 * Foundation Benchmark 1.6 and Checkov CKV_GCP_41 / CKV_GCP_49 (service-account impersonation roles
 * at project, folder or organisation level, for any member).
 */

/** Permissions that read stored data, and what they read. */
export const GCP_DATA_READ_PERMISSIONS: Readonly<Record<string, string>> = {
  "storage.objects.get": "Cloud Storage objects",
  "bigquery.tables.getData": "BigQuery table rows",
  "secretmanager.versions.access": "Secret Manager secrets",
  "pubsub.subscriptions.consume": "Pub/Sub messages",
  "spanner.databases.read": "Spanner rows",
  "spanner.databases.select": "Spanner rows",
  "datastore.entities.get": "Firestore and Datastore entities",
  "bigtable.tables.readRows": "Bigtable rows",
  "logging.privateLogEntries.list": "Data Access audit log entries",
};

/**
 * Predefined roles that hold one of those permissions (for roles agent-iam's catalog does not list),
 * with the permission that makes them data readers.
 */
export const GCP_DATA_READER_ROLES: Readonly<Record<string, string>> = {
  "roles/storage.objectViewer": "storage.objects.get",
  "roles/storage.objectUser": "storage.objects.get",
  "roles/storage.legacyObjectReader": "storage.objects.get",
  "roles/storage.legacyObjectOwner": "storage.objects.get",
  "roles/bigquery.dataViewer": "bigquery.tables.getData",
  "roles/bigquery.dataEditor": "bigquery.tables.getData",
  "roles/bigquery.dataOwner": "bigquery.tables.getData",
  "roles/bigquery.filteredDataViewer": "bigquery.tables.getData",
  "roles/secretmanager.secretAccessor": "secretmanager.versions.access",
  "roles/pubsub.subscriber": "pubsub.subscriptions.consume",
  "roles/pubsub.editor": "pubsub.subscriptions.consume",
  "roles/spanner.databaseReader": "spanner.databases.read",
  "roles/spanner.databaseUser": "spanner.databases.read",
  "roles/datastore.viewer": "datastore.entities.get",
  "roles/datastore.user": "datastore.entities.get",
  "roles/bigtable.reader": "bigtable.tables.readRows",
  "roles/bigtable.user": "bigtable.tables.readRows",
  "roles/logging.privateLogViewer": "logging.privateLogEntries.list",
};

/** Permissions that run code on, or log in to, compute (lateral movement), and what they let the holder do. */
export const GCP_LATERAL_PERMISSIONS: Readonly<Record<string, string>> = {
  "compute.instances.setMetadata": "add SSH keys and startup scripts to every VM",
  "compute.projects.setCommonInstanceMetadata": "add SSH keys and startup scripts to every VM of the project",
  "compute.instances.osAdminLogin": "log in to every VM as an administrator (OS Login)",
  "compute.instances.osLogin": "log in to every VM (OS Login)",
  "container.pods.exec": "open a shell in every pod of every cluster",
};

/** Predefined roles that hold one of those permissions. */
export const GCP_LATERAL_ROLES: Readonly<Record<string, string>> = {
  "roles/compute.osAdminLogin": "compute.instances.osAdminLogin",
  "roles/compute.osLogin": "compute.instances.osLogin",
  "roles/compute.instanceAdmin": "compute.instances.setMetadata",
  "roles/compute.instanceAdmin.v1": "compute.instances.setMetadata",
  "roles/compute.admin": "compute.instances.setMetadata",
  "roles/container.developer": "container.pods.exec",
  "roles/container.admin": "container.pods.exec",
  "roles/container.clusterAdmin": "container.pods.exec",
};

/**
 * Roles that let the holder act as, or mint credentials for, every service account of the
 * project, folder or organisation they are bound on: refused there for any member, agent or not
 * (CIS GCP 1.6; Checkov CKV_GCP_41, CKV_GCP_49).
 */
export const GCP_ACT_AS_EVERY_ACCOUNT_ROLES: readonly string[] = [
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.serviceAccountOpenIdTokenCreator",
  "roles/iam.serviceAccountUser",
  "roles/iam.workloadIdentityUser",
  "roles/iam.serviceAccountKeyAdmin",
];

/**
 * Roles Google lets one grant only on a project (or above), whose permissions act on project-level
 * resources: a project binding is the narrowest there is ("Lowest-level resources where you can
 * grant this role: Project").
 */
export const GCP_PROJECT_ONLY_ROLES: readonly string[] = [
  "roles/bigquery.jobUser",
  "roles/bigquery.readSessionUser",
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/cloudtrace.agent",
  "roles/errorreporting.writer",
  "roles/cloudprofiler.agent",
  "roles/serviceusage.serviceUsageConsumer",
];

/** The permissions of a role: a custom role of the stack, agent-iam's catalog, or undefined. */
function permissionsOf(role: string, custom: ReadonlyMap<string, readonly string[]>): readonly string[] | undefined {
  const customId = /\/roles\/([^/]+)$/.exec(role)?.[1];
  return custom.get(role) ?? gcpRolePermissions(role) ?? (customId ? gcpRolePermissions(customId) : undefined);
}

/** What stored data a role reads (`Cloud Storage objects`), or undefined. */
export function gcpDataReadOf(
  role: string,
  custom: ReadonlyMap<string, readonly string[]> = new Map(),
): string | undefined {
  const permissions = permissionsOf(role, custom);
  const held = permissions?.find((permission) => permission in GCP_DATA_READ_PERMISSIONS);
  if (held) return GCP_DATA_READ_PERMISSIONS[held];
  const named = GCP_DATA_READER_ROLES[role];
  return named ? GCP_DATA_READ_PERMISSIONS[named] : undefined;
}

/** What lateral movement a role allows, in words, or undefined. */
export function gcpLateralOf(
  role: string,
  custom: ReadonlyMap<string, readonly string[]> = new Map(),
): string | undefined {
  const permissions = permissionsOf(role, custom);
  const held = permissions?.find((permission) => permission in GCP_LATERAL_PERMISSIONS);
  if (held) return GCP_LATERAL_PERMISSIONS[held];
  const named = GCP_LATERAL_ROLES[role];
  return named ? GCP_LATERAL_PERMISSIONS[named] : undefined;
}
