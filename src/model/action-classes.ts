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
 * permissions reference. `actAs`, `getAccessToken`, `signBlob`, `signJwt` and `getOpenIdToken` let
 * the holder act as, or mint tokens for, a service account.
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

/** The class of a GCP permission (`storage.objects.delete` → delete), if any. */
export function gcpPermissionClasses(permission: string): ActionClass[] {
  const verb = permission.slice(permission.lastIndexOf(".") + 1);
  const found = GCP_VERB_CLASSES[verb];
  return found ? [found] : [];
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
  listsecrets: "credentials",
  generatesastoken: "credentials",
};

/** The classes of an Azure operation (`…/blobs/delete` → delete, `…/listKeys/action` → credentials). */
export function azureOperationClasses(operation: string): ActionClass[] {
  const parts = operation.split("/");
  const last = lower(parts[parts.length - 1] ?? "");
  const verb = last === "action" ? lower(parts[parts.length - 2] ?? "") : last;
  const found = new Set<ActionClass>();
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
