import { wildcardMatches } from "./wildcard";

/**
 * Action classes: what an action does that no agent should be able to do without an explicit
 * opt-in (`include` on the grant) and a recorded approval. This table is independent of the
 * grants the components generate (`src/clouds/aws/grant-actions.ts`, the GCP and Azure role
 * catalogs): tests check every generated grant against it, and the policy pack judges
 * hand-written roles with it, so the components and the pack cannot be wrong together.
 *
 * Sources:
 * - cloudsplaining's risk categories (github.com/salesforce/cloudsplaining, docs glossary):
 *   "Credentials Exposure" (its full list below), "Data Exfiltration", "Resource Exposure"
 *   (permissions management on resource policies);
 * - the AWS Service Authorization Reference (docs.aws.amazon.com/service-authorization): each
 *   action's description and access level;
 * - Google Cloud IAM permissions reference and Azure resource provider operations for the verbs.
 */

/** The classes, as grants opt into them (`include: ["delete"]`). */
export const ACTION_CLASSES = ["delete", "export", "tamper", "credentials"] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];
/** Kept for the readers that judged deletes and exports before the other two classes existed. */
export type HighRiskClass = ActionClass;

/** What each class means, in the words messages and the README use. */
export const ACTION_CLASS_WORDS: Readonly<Record<ActionClass, { readonly name: string; readonly does: string }>> = {
  delete: { name: "destructive", does: "destroy data or the resources that hold it" },
  export: { name: "data export", does: "copy or stream data out of its store" },
  tamper: {
    name: "configuration tampering",
    does: "change how data is protected or kept (encryption, retention, lifecycle, versioning, logging, replication, access policies)",
  },
  credentials: { name: "credential exposure", does: "reveal or mint credentials" },
};

interface ClassRule {
  readonly class: ActionClass;
  /** Exact actions, `service:Action`, compared case-insensitively as IAM compares them. */
  readonly actions?: readonly string[];
  /** Tested against the action name after the service prefix. */
  readonly names?: RegExp;
  readonly why: string;
}

/** AWS: every action a rule matches is in its class. */
export const AWS_CLASS_RULES: readonly ClassRule[] = [
  {
    class: "delete",
    // Removing tags is tagging, not destruction (DeleteObjectTagging, DeleteTags).
    names: /^(Batch)?(Delete|Terminate|Purge|Destroy|Drop)(?!\w*Tag(s|ging)?$)/,
    why: "its name says it destroys a resource or data (Service Authorization Reference)",
  },
  {
    class: "delete",
    actions: [
      "s3:PutLifecycleConfiguration",
      "s3:ReplicateDelete",
      "s3:BypassGovernanceRetention",
      "ecr:PutLifecyclePolicy",
      "ecr:StartLifecyclePolicyPreview",
      "dynamodb:UpdateTimeToLive",
      "dynamodb:RestoreTableFromBackup",
      "logs:PutRetentionPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:DisableKey",
      "secretsmanager:CancelRotateSecret",
      "sqs:PurgeQueue",
      "rds:DeleteDBInstance",
      "ec2:TerminateInstances",
    ],
    why: "expires, overwrites or makes data unreadable in bulk (lifecycle expiry, TTL, retention, a disabled key)",
  },
  {
    class: "export",
    names: /Export|^(Copy|Share)\w*Snapshot|^Modify\w*SnapshotAttribute$|^Create\w*ExportTask$/,
    why: "copies data, a snapshot or an image out of its store (cloudsplaining: Data Exfiltration)",
  },
  {
    class: "export",
    actions: [
      "ec2:ModifyImageAttribute",
      "s3:PutReplicationConfiguration",
      "s3:ReplicateObject",
      "s3:ReplicateTags",
      "s3:PutInventoryConfiguration",
      "s3:PutAnalyticsConfiguration",
      "s3:PutIntelligentTieringConfiguration",
      "s3:ObjectOwnerOverrideToBucketOwner",
      "dynamodb:EnableKinesisStreamingDestination",
      "dynamodb:UpdateKinesisStreamingDestination",
      "dynamodb:CreateGlobalTable",
      "dynamodb:UpdateGlobalTable",
      "dynamodb:CreateTableReplica",
      "dynamodb:ImportTable",
      "ecr:PutReplicationConfiguration",
      "ecr:CreatePullThroughCacheRule",
      "logs:PutSubscriptionFilter",
      "logs:PutDestination",
      "logs:PutDeliveryDestination",
      "logs:CreateDelivery",
      "sqs:StartMessageMoveTask",
      "backup:StartCopyJob",
      "backup:StartBackupJob",
      "rds:StartExportTask",
    ],
    why: "sends data, or reports about it, to another store or account (replication, inventory and analytics reports, streams, moves)",
  },
  {
    class: "tamper",
    actions: [
      "s3:PutEncryptionConfiguration",
      "s3:PutBucketVersioning",
      "s3:PutBucketObjectLockConfiguration",
      "s3:PutObjectRetention",
      "s3:PutObjectLegalHold",
      "s3:PutBucketLogging",
      "s3:PutBucketOwnershipControls",
      "s3:PutBucketNotification",
      "s3:PutBucketWebsite",
      "s3:PutAccelerateConfiguration",
      "s3:CreateBucket",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:UpdateTable",
      "dynamodb:CreateTable",
      "dynamodb:CreateBackup",
      "ecr:PutImageTagMutability",
      "ecr:PutImageScanningConfiguration",
      "ecr:PutRegistryPolicy",
      "ecr:PutRegistryScanningConfiguration",
      "ecr:CreateRepository",
      "ecs:CreateService",
      "ecs:CreateCluster",
      "ecs:PutAccountSetting",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      "logs:PutDataProtectionPolicy",
      "logs:PutAccountPolicy",
      "sqs:CreateQueue",
      "sqs:SetQueueAttributes",
      "sqs:AddPermission",
      "sqs:RemovePermission",
      "sns:CreateTopic",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
      "kms:CreateGrant",
      "kms:UpdateKeyDescription",
      "kms:EnableKey",
      "kms:CancelKeyDeletion",
      "kms:DisableKeyRotation",
      "lambda:UpdateFunctionConfiguration",
      "lambda:PutFunctionConcurrency",
      "secretsmanager:RotateSecret",
      "secretsmanager:UpdateSecret",
      "cloudtrail:StopLogging",
      "cloudtrail:UpdateTrail",
    ],
    why: "changes how data is protected, kept or reached: encryption, retention and locks, versioning, logging, notifications, creating stores outside the named ones",
  },
  {
    class: "credentials",
    actions: [
      "codepipeline:PollForJobs",
      "cognito-identity:GetOpenIdToken",
      "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
      "cognito-identity:GetCredentialsForIdentity",
      "connect:GetFederationToken",
      "connect:GetFederationTokens",
      "ecr:GetAuthorizationToken",
      "gamelift:RequestUploadCredentials",
      "iam:CreateAccessKey",
      "iam:CreateLoginProfile",
      "iam:CreateServiceSpecificCredential",
      "iam:ResetServiceSpecificCredential",
      "iam:UpdateAccessKey",
      "lightsail:GetInstanceAccessDetails",
      "lightsail:GetRelationalDatabaseMasterUserPassword",
      "rds-db:connect",
      "redshift:GetClusterCredentials",
      "sso:GetRoleCredentials",
      "mediapackage:RotateChannelCredentials",
      "mediapackage:RotateIngestEndpointCredentials",
      "sts:AssumeRole",
      "sts:AssumeRoleWithSAML",
      "sts:AssumeRoleWithWebIdentity",
      "sts:GetFederationToken",
      "sts:GetSessionToken",
    ],
    why: "returns credentials in its response (cloudsplaining: Credentials Exposure, its full list)",
  },
  {
    class: "credentials",
    actions: ["logs:Unmask", "ec2:GetPasswordData", "lightsail:DownloadDefaultKeyPair", "iam:UpdateLoginProfile"],
    why: "reveals a secret or masked data (logs:Unmask shows what CloudWatch Logs data protection masks)",
  },
];

/**
 * Actions a rule above matches that do not do what the class says, each with why. A grant may
 * hold them without the class's opt-in; the pack does not report them.
 */
export const AWS_CLASS_EXCEPTIONS: readonly {
  readonly action: string;
  readonly notClass: ActionClass;
  readonly why: string;
}[] = [
  {
    action: "sqs:DeleteMessage",
    notClass: "delete",
    why: "acknowledges a message the consumer received: consuming a queue is receive then delete (Amazon SQS Developer Guide, 'Receiving and deleting messages')",
  },
  {
    action: "ecr:GetAuthorizationToken",
    notClass: "credentials",
    why: "the Docker login token carries the caller's own ECR permissions and no more (Amazon ECR User Guide, 'Private registry authentication'); every push and pull needs it",
  },
];

function nameOf(action: string): { service: string; name: string } {
  const colon = action.indexOf(":");
  return colon >= 0
    ? { service: action.slice(0, colon), name: action.slice(colon + 1) }
    : { service: "", name: action };
}

const lower = (text: string) => text.toLowerCase();
const EXACT = new Map<string, Set<ActionClass>>();
for (const rule of AWS_CLASS_RULES)
  for (const action of rule.actions ?? []) {
    const classes = EXACT.get(lower(action)) ?? new Set<ActionClass>();
    classes.add(rule.class);
    EXACT.set(lower(action), classes);
  }
const EXCEPTIONS = new Map(AWS_CLASS_EXCEPTIONS.map((entry) => [`${lower(entry.action)}|${entry.notClass}`, entry]));

/** The classes of an AWS action (`s3:PutLifecycleConfiguration` → delete), its exceptions left out. */
export function awsActionClasses(action: string): ActionClass[] {
  const { name } = nameOf(action);
  const found = new Set<ActionClass>(EXACT.get(lower(action)) ?? []);
  for (const rule of AWS_CLASS_RULES) if (rule.names?.test(name)) found.add(rule.class);
  return ACTION_CLASSES.filter((kind) => found.has(kind) && !EXCEPTIONS.has(`${lower(action)}|${kind}`));
}

/**
 * Google Cloud permissions (`service.resource.verb`), by verb; the verbs come from the IAM
 * permissions reference. `getAccessToken`, `signBlob`, `signJwt` and `getOpenIdToken` mint tokens
 * for a service account. `actAs` is in no class: it lets the holder run a resource as the one
 * service account it is granted on, as AWS `iam:PassRole` passes one named role, and agent-iam
 * grants it only on the runtime identity a deploy names.
 */
export const GCP_VERB_CLASSES: Readonly<Record<string, ActionClass>> = {
  delete: "delete",
  destroy: "delete",
  purge: "delete",
  deleteContext: "delete",
  export: "export",
  exportArtifacts: "export",
  createSnapshot: "export",
  replicateData: "export",
  attachSubscription: "export",
  setIamPolicy: "tamper",
  updatePolicy: "tamper",
  setMetadata: "tamper",
  seek: "tamper",
  disable: "tamper",
  getAccessToken: "credentials",
  getOpenIdToken: "credentials",
  signBlob: "credentials",
  signJwt: "credentials",
  implicitDelegation: "credentials",
  sshRoot: "credentials",
};

/** Exact permissions or operations and the classes they are in, where the verb alone does not say. */
export interface ExactClassRule {
  readonly classes: readonly ActionClass[];
  readonly actions: readonly string[];
  readonly why: string;
  /** The page that documents what the permission or operation controls. */
  readonly source: string;
}

/**
 * Google Cloud permissions whose verb (`update`, `create`) says less than what they control.
 * Each row names the page that documents what the permission lets its holder change.
 */
export const GCP_PERMISSION_CLASS_RULES: readonly ExactClassRule[] = [
  {
    classes: ["delete", "tamper"],
    actions: ["storage.buckets.update"],
    why: "sets a bucket's lifecycle rules (which delete objects), retention policy, versioning, default KMS key and logging",
    source: "https://cloud.google.com/storage/docs/access-control/iam-permissions",
  },
  {
    classes: ["tamper"],
    actions: [
      "storage.buckets.create",
      "storage.buckets.enableObjectRetention",
      "storage.objects.setRetention",
      "storage.objects.overrideUnlockedRetention",
    ],
    why: "creates stores outside the named ones, or locks objects against deletion for a retention period",
    source: "https://cloud.google.com/storage/docs/object-lock",
  },
  {
    classes: ["delete", "tamper"],
    actions: ["bigquery.tables.update", "bigquery.datasets.update"],
    why: "sets a table's expiration time or a dataset's default table expiration (BigQuery deletes the tables then), encryption and schema",
    source: "https://cloud.google.com/bigquery/docs/managing-tables#updating_a_tables_expiration_time",
  },
  {
    classes: ["tamper"],
    actions: ["bigquery.datasets.create", "pubsub.topics.create", "pubsub.subscriptions.create"],
    why: "creates stores outside the named ones",
    source: "https://cloud.google.com/iam/docs/roles-permissions",
  },
  {
    classes: ["export", "tamper"],
    actions: ["pubsub.subscriptions.update"],
    why: "sets a subscription's push endpoint or its BigQuery or Cloud Storage destination: every message goes there",
    source: "https://cloud.google.com/pubsub/docs/subscription-properties",
  },
  {
    classes: ["tamper"],
    actions: ["pubsub.topics.update", "pubsub.topics.detachSubscription"],
    why: "changes a topic's message retention, schema or KMS key, or cuts a subscription off its topic",
    source: "https://cloud.google.com/pubsub/docs/access-control",
  },
  {
    classes: ["delete", "tamper"],
    actions: ["artifactregistry.repositories.update"],
    why: "sets a repository's cleanup policies (which delete artifacts) and tag immutability",
    source: "https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy",
  },
  {
    classes: ["tamper"],
    actions: ["artifactregistry.repositories.create", "run.services.create"],
    why: "creates repositories or services outside the named ones",
    source: "https://cloud.google.com/iam/docs/roles-permissions",
  },
  {
    classes: ["delete", "tamper"],
    actions: ["secretmanager.secrets.update"],
    why: "sets a secret's expiration (Secret Manager then deletes it), rotation and replication",
    source: "https://cloud.google.com/secret-manager/docs/automatic-deletion",
  },
  {
    classes: ["delete"],
    actions: ["cloudkms.cryptoKeyVersions.update"],
    why: "disables a key version: what it encrypted can no longer be decrypted (as AWS kms:DisableKey)",
    source: "https://cloud.google.com/kms/docs/enable-disable",
  },
  {
    classes: ["tamper"],
    actions: ["cloudkms.cryptoKeys.update"],
    why: "changes a key's rotation schedule and primary version",
    source: "https://cloud.google.com/kms/docs/rotate-key",
  },
  {
    classes: ["export"],
    actions: ["logging.sinks.create", "logging.sinks.update"],
    why: "routes log entries to another project, bucket, dataset or topic",
    source: "https://cloud.google.com/logging/docs/export/configure_export_v2",
  },
  {
    classes: ["delete", "tamper"],
    actions: ["logging.buckets.update"],
    why: "shortens a log bucket's retention, which deletes older entries",
    source: "https://cloud.google.com/logging/docs/buckets#custom-retention",
  },
  {
    classes: ["tamper"],
    actions: ["logging.exclusions.create", "logging.exclusions.update"],
    why: "drops matching log entries before they are stored",
    source: "https://cloud.google.com/logging/docs/routing/overview#exclusions",
  },
  {
    classes: ["tamper"],
    actions: [
      "monitoring.alertPolicies.update",
      "monitoring.notificationChannels.create",
      "monitoring.notificationChannels.update",
    ],
    why: "disables an alert or sends it somewhere else",
    source: "https://cloud.google.com/monitoring/access-control#permissions",
  },
  {
    classes: ["credentials"],
    actions: ["iam.serviceAccountKeys.create", "storage.hmacKeys.create"],
    why: "creates a long-lived key for a service account",
    source: "https://cloud.google.com/iam/docs/keys-create-delete",
  },
];

function exactTable(rules: readonly ExactClassRule[]): Map<string, Set<ActionClass>> {
  const table = new Map<string, Set<ActionClass>>();
  for (const rule of rules)
    for (const action of rule.actions) {
      const classes = table.get(lower(action)) ?? new Set<ActionClass>();
      for (const kind of rule.classes) classes.add(kind);
      table.set(lower(action), classes);
    }
  return table;
}

const GCP_EXACT = exactTable(GCP_PERMISSION_CLASS_RULES);

/** The classes of a GCP permission (`storage.objects.delete` → delete, `storage.buckets.update` → delete, tamper). */
export function gcpPermissionClasses(permission: string): ActionClass[] {
  const verb = permission.slice(permission.lastIndexOf(".") + 1);
  const found = new Set<ActionClass>(GCP_EXACT.get(lower(permission)) ?? []);
  const byVerb = GCP_VERB_CLASSES[verb];
  if (byVerb) found.add(byVerb);
  return ACTION_CLASSES.filter((kind) => found.has(kind));
}

/**
 * Azure operations (`Provider/type/…/verb`), by their last segment (or the segment before
 * `action`), from the Azure resource provider operations reference.
 */
export const AZURE_VERB_CLASSES: Readonly<Record<string, ActionClass>> = {
  delete: "delete",
  purge: "delete",
  export: "export",
  backup: "export",
  listkeys: "credentials",
  regeneratekey: "credentials",
  listcredentials: "credentials",
  generatecredentials: "credentials",
  listsecrets: "credentials",
  listaccountsas: "credentials",
  listservicesas: "credentials",
  generatesastoken: "credentials",
  sharedkeys: "credentials",
};

/**
 * Azure operations whose verb (`write`, an action) says less than what they control, from the
 * resource provider operations reference (learn.microsoft.com/azure/role-based-access-control/permissions)
 * and the page of each feature.
 */
export const AZURE_OPERATION_CLASS_RULES: readonly ExactClassRule[] = [
  {
    classes: ["delete", "tamper"],
    actions: ["Microsoft.Storage/storageAccounts/managementPolicies/write"],
    why: "sets the account's lifecycle management rules, which delete blobs",
    source: "https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview",
  },
  {
    classes: ["tamper"],
    actions: [
      "Microsoft.Storage/storageAccounts/write",
      "Microsoft.Storage/storageAccounts/blobServices/write",
      "Microsoft.Storage/storageAccounts/blobServices/containers/write",
      "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write",
      "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/lock/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/extend/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/setLegalHold/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/clearLegalHold/action",
      "Microsoft.Storage/storageAccounts/tableServices/tables/write",
    ],
    why: "changes the account's encryption, network access, soft delete or versioning, a container's public access or immutability (a locked policy cannot be removed), or creates tables outside the named ones",
    source: "https://learn.microsoft.com/azure/storage/blobs/immutable-storage-overview",
  },
  {
    classes: ["export"],
    actions: [
      "Microsoft.Storage/storageAccounts/objectReplicationPolicies/write",
      "Microsoft.ContainerRegistry/registries/replications/write",
      "Microsoft.ContainerRegistry/registries/exportPipelines/write",
      "Microsoft.ServiceBus/namespaces/topics/subscriptions/write",
    ],
    why: "copies blobs, images or every message of a topic to another place",
    source: "https://learn.microsoft.com/azure/storage/blobs/object-replication-overview",
  },
  {
    classes: ["export", "tamper"],
    actions: [
      "Microsoft.Insights/diagnosticSettings/write",
      "Microsoft.OperationalInsights/workspaces/dataExports/write",
      "Microsoft.ServiceBus/namespaces/queues/write",
      "Microsoft.ServiceBus/namespaces/topics/write",
    ],
    why: "streams logs and metrics to another workspace, account or event hub, or sets a queue's auto-forwarding and time to live",
    source: "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings",
  },
  {
    classes: ["delete", "tamper"],
    actions: [
      "Microsoft.OperationalInsights/workspaces/write",
      "Microsoft.OperationalInsights/workspaces/tables/write",
      "Microsoft.KeyVault/vaults/keys/update/action",
    ],
    why: "shortens a workspace's or table's retention (older data is deleted), or disables or expires a key (what it encrypted cannot be decrypted)",
    source: "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure",
  },
  {
    classes: ["tamper"],
    actions: [
      "Microsoft.KeyVault/vaults/write",
      "Microsoft.KeyVault/vaults/accessPolicies/write",
      "Microsoft.KeyVault/vaults/keys/rotate/action",
      "Microsoft.ContainerRegistry/registries/write",
      "Microsoft.App/managedEnvironments/write",
    ],
    why: "changes a vault's purge protection, network rules, permission model or access policies, a key's rotation, a registry's retention and network rules, or a Container Apps environment",
    source: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
  },
  {
    classes: ["export"],
    actions: ["Microsoft.KeyVault/vaults/keys/release/action"],
    why: "releases a key's private material to an attested environment outside the vault",
    source: "https://learn.microsoft.com/azure/key-vault/keys/about-keys-details#secure-key-release",
  },
  {
    classes: ["credentials"],
    actions: [
      "Microsoft.Web/sites/config/list/action",
      "Microsoft.Web/sites/publishxml/action",
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
    ],
    why: "reveals an app's settings and publishing credentials, or adds a federated credential that mints the identity's tokens",
    source: "https://learn.microsoft.com/azure/role-based-access-control/permissions/identity",
  },
];

const AZURE_EXACT = exactTable(AZURE_OPERATION_CLASS_RULES);

/** The classes of an Azure operation (`…/blobs/delete` → delete, `…/listKeys/action` → credentials). */
export function azureOperationClasses(operation: string): ActionClass[] {
  const parts = operation.split("/");
  const last = lower(parts[parts.length - 1] ?? "");
  const verb = last === "action" ? lower(parts[parts.length - 2] ?? "") : last;
  const found = new Set<ActionClass>(AZURE_EXACT.get(lower(operation)) ?? []);
  // A pattern (`Microsoft.Storage/*/write`) is in every class of an operation it matches.
  if (operation.includes("*"))
    for (const [exact, classes] of AZURE_EXACT)
      if (wildcardMatches(operation, exact, { questionMark: false })) for (const kind of classes) found.add(kind);
  const direct = AZURE_VERB_CLASSES[verb];
  if (direct) found.add(direct);
  if (verb === "*") for (const kind of ACTION_CLASSES) found.add(kind);
  if (/^Microsoft\.Authorization\//i.test(operation) && last !== "read") found.add("tamper");
  return ACTION_CLASSES.filter((kind) => found.has(kind));
}

/**
 * The classes of an action on any cloud, told apart by its shape: `service:Action` (AWS),
 * `service.resource.verb` (GCP), `Provider/…` (Azure).
 */
export function highRiskClasses(action: string): ActionClass[] {
  if (action.includes("/")) return azureOperationClasses(action);
  if (action.includes(":")) return awsActionClasses(action);
  return gcpPermissionClasses(action);
}
