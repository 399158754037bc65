import type { AccessLevel } from "../../model/access";
import type { ResolvedGrant } from "../../model/agent";
import catalog from "./role-catalog.json";
import { chooseRoles, roleFactsOf, type RoleChoice, type RoleChoiceResult, type RoleFacts } from "../role-choice";
import { gcpPermissionLevel, gcpPermissionRisks } from "./permission-levels";

/** A predefined role as the catalog records it. */
export interface GcpPredefinedRole {
  readonly title: string;
  readonly stage: string;
  readonly permissions: readonly string[];
}

/** An agent-iam custom role: exact permissions taken from the predefined roles it names. */
export interface GcpCustomRole {
  readonly title: string;
  readonly description: string;
  readonly basedOn: readonly string[];
  readonly permissions: readonly string[];
}

/** Predefined roles agent-iam uses, with their permissions (src/clouds/gcp/role-catalog.json). */
export const GCP_PREDEFINED_ROLES: Readonly<Record<string, GcpPredefinedRole>> = catalog.predefined;
/** Custom roles agent-iam creates where no predefined role is narrow enough, keyed by role id. */
export const GCP_CUSTOM_ROLES: Readonly<Record<string, GcpCustomRole>> = catalog.custom;

/** Basic roles: never granted by agent-iam (IAM docs, "Basic roles"). */
export const GCP_BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"] as const;

/** The role that lets an external identity impersonate a service account. */
export const WORKLOAD_IDENTITY_USER_ROLE = "roles/iam.workloadIdentityUser";

/** The permissions of a role key (predefined name or custom role id); undefined when unknown. */
export function gcpRolePermissions(role: string): readonly string[] | undefined {
  return GCP_PREDEFINED_ROLES[role]?.permissions ?? GCP_CUSTOM_ROLES[role]?.permissions;
}

/** The highest access level of a role's permissions, and their high-risk classes. */
export function gcpRoleFacts(role: string): RoleFacts {
  const permissions = gcpRolePermissions(role);
  if (!permissions) throw new Error(`GCP role "${role}" is not in src/clouds/gcp/role-catalog.json`);
  return roleFactsOf(permissions, gcpPermissionLevel, gcpPermissionRisks);
}

/**
 * Candidate roles per Google resource type, narrowest first. Logs and metrics have no
 * resource-level IAM: their roles are bound on the project, always with a condition; BigQuery
 * dataset roles are bound on the project with a condition on the dataset's name
 * (`GCP_EXPIRY_SUPPORT`). A Pub/Sub subscription takes no "write" (publish to the topic instead).
 */
export const GCP_ROLE_CHOICES: Readonly<Record<string, readonly RoleChoice[]>> = {
  "storage.googleapis.com/Bucket": [
    { role: "roles/storage.objectViewer", covers: ["list", "read"] },
    { role: "roles/storage.objectCreator", covers: ["write"] },
    { role: "roles/storage.objectUser", covers: ["list", "read", "write"] },
  ],
  "secretmanager.googleapis.com/Secret": [
    { role: "roles/secretmanager.secretAccessor", covers: ["read"] },
    { role: "roles/secretmanager.viewer", covers: ["list", "read"] },
    { role: "roles/secretmanager.secretVersionAdder", covers: ["write"] },
    { role: "roles/secretmanager.secretVersionManager", covers: ["list", "write"] },
  ],
  "pubsub.googleapis.com/Topic": [
    { role: "roles/pubsub.viewer", covers: ["list", "read"] },
    { role: "roles/pubsub.publisher", covers: ["write"] },
  ],
  "pubsub.googleapis.com/Subscription": [
    { role: "agentIam.pubsubMessageReader", covers: ["read"] },
    { role: "roles/pubsub.viewer", covers: ["list", "read"] },
  ],
  "bigquery.googleapis.com/Dataset": [
    { role: "agentIam.bigqueryDataReader", covers: ["list", "read"] },
    { role: "agentIam.bigqueryDataWriter", covers: ["list", "write"] },
    { role: "roles/bigquery.dataEditor", covers: ["list", "read", "write"] },
  ],
  "run.googleapis.com/Service": [
    { role: "roles/run.viewer", covers: ["list", "read"] },
    { role: "agentIam.cloudRunDeployer", covers: ["write"] },
  ],
  "artifactregistry.googleapis.com/Repository": [
    { role: "agentIam.artifactReader", covers: ["list", "read"] },
    { role: "agentIam.artifactWriter", covers: ["list", "read", "write"] },
  ],
  "cloudkms.googleapis.com/CryptoKey": [
    { role: "roles/cloudkms.viewer", covers: ["list", "read"] },
    { role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", covers: ["write"] },
  ],
  "logging.googleapis.com/Project": [
    { role: "roles/logging.viewer", covers: ["list", "read"] },
    { role: "roles/logging.logWriter", covers: ["write"] },
  ],
  "monitoring.googleapis.com/Project": [
    { role: "roles/monitoring.viewer", covers: ["list", "read"] },
    { role: "roles/monitoring.metricWriter", covers: ["write"] },
  ],
  // Acting as a runtime identity: a deploy runs the service as it (`iam.serviceAccounts.actAs`).
  "iam.googleapis.com/ServiceAccount": [{ role: "roles/iam.serviceAccountUser", covers: ["write"] }],
};

/** Words for a Google resource type in messages. */
const GCP_TYPE_WORDS: Readonly<Record<string, string>> = {
  "storage.googleapis.com/Bucket": "a Cloud Storage bucket",
  "secretmanager.googleapis.com/Secret": "a Secret Manager secret",
  "pubsub.googleapis.com/Topic": "a Pub/Sub topic",
  "pubsub.googleapis.com/Subscription": "a Pub/Sub subscription (to send messages, grant write on its topic)",
  "bigquery.googleapis.com/Dataset": "a BigQuery dataset",
  "run.googleapis.com/Service": "a Cloud Run service",
  "artifactregistry.googleapis.com/Repository": "an Artifact Registry repository",
  "cloudkms.googleapis.com/CryptoKey": "a Cloud KMS key",
  "logging.googleapis.com/Project": "a project's logs",
  "monitoring.googleapis.com/Project": "a project's metrics",
  "iam.googleapis.com/ServiceAccount": "a runtime service account (a deploy acts as it)",
};

/** The GCP roles for one grant on a Google resource, or why none fits. */
export function gcpRolesForGrant(grant: Pick<ResolvedGrant, "resource" | "access" | "include">): RoleChoiceResult {
  const type = grant.resource.nativeType;
  return chooseRoles(GCP_ROLE_CHOICES[type], grant, gcpRoleFacts, GCP_TYPE_WORDS[type] ?? type);
}

/** The access levels a role gives on resources of its own service (permissions of other services are context). */
export function gcpRoleLevels(role: string, service?: string): AccessLevel[] {
  const permissions = gcpRolePermissions(role) ?? [];
  const own = service ? permissions.filter((permission) => permission.startsWith(`${service}.`)) : permissions;
  return [...new Set(own.map(gcpPermissionLevel))];
}
