import { awsResourceTypeOf, parseArn } from "./aws/arn";
import { cloudOfResource, type ResolvedResource, type ResourceKind } from "../model/resources";

/**
 * The resources agent-iam can grant on, per cloud: which native types exist and which
 * cloud-agnostic kind (`model/resources.ts`) each one is, so that a catalog role applies alike on every cloud.
 */

/** AWS catalog resource types (service:type) and the kind each one is. */
export const AWS_RESOURCE_KINDS: Readonly<Record<string, ResourceKind>> = {
  "s3:bucket": "bucket",
  "s3:object": "object",
  "dynamodb:table": "table",
  "secretsmanager:Secret": "secret",
  "ssm:parameter": "secret",
  "sqs:queue": "queue",
  "sns:topic": "topic",
  "logs:log-group": "logs",
  "lambda:function": "function",
  "ecs:service": "service",
  "ecs:task-definition": "service",
  "iam:role": "runtime",
  "ecr:repository": "container-repo",
  "kms:key": "key",
};

/**
 * The wildcards a grant may end in: everything under a path (S3 objects, parameters), and every revision of an ECS
 * task definition family (a deploy registers a revision whose number AWS assigns).
 */
const AWS_ALLOWED_TRAILING_WILDCARD = /(\/\*|:task-definition\/[A-Za-z0-9_-]{1,255}:\*)$/;

interface PatternRow {
  readonly kind: ResourceKind;
  readonly nativeType: string;
  readonly pattern: RegExp;
}

const GCP_PROJECT = "[a-z][a-z0-9-]{4,28}[a-z0-9]";
const GCP_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,254}";
const GCP_LOCATION = "[a-z0-9-]+";

/**
 * Google full resource names (cloud.google.com/iam/docs/full-resource-names), one row a kind.
 * The project id format is Google's: 6–30 characters, lower case, starts with a letter.
 */
export const GCP_RESOURCE_PATTERNS: readonly PatternRow[] = [
  {
    kind: "bucket",
    nativeType: "storage.googleapis.com/Bucket",
    pattern: /^\/\/storage\.googleapis\.com\/projects\/_\/buckets\/[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/,
  },
  {
    kind: "secret",
    nativeType: "secretmanager.googleapis.com/Secret",
    pattern: new RegExp(`^//secretmanager\\.googleapis\\.com/projects/${GCP_PROJECT}/secrets/${GCP_NAME}$`),
  },
  {
    kind: "topic",
    nativeType: "pubsub.googleapis.com/Topic",
    pattern: new RegExp(`^//pubsub\\.googleapis\\.com/projects/${GCP_PROJECT}/topics/${GCP_NAME}$`),
  },
  {
    kind: "queue",
    nativeType: "pubsub.googleapis.com/Subscription",
    pattern: new RegExp(`^//pubsub\\.googleapis\\.com/projects/${GCP_PROJECT}/subscriptions/${GCP_NAME}$`),
  },
  {
    kind: "table",
    nativeType: "bigquery.googleapis.com/Dataset",
    pattern: new RegExp(`^//bigquery\\.googleapis\\.com/projects/${GCP_PROJECT}/datasets/[A-Za-z0-9_]{1,1024}$`),
  },
  {
    kind: "service",
    nativeType: "run.googleapis.com/Service",
    pattern: new RegExp(
      `^//run\\.googleapis\\.com/projects/${GCP_PROJECT}/locations/${GCP_LOCATION}/services/[a-z][a-z0-9-]{0,62}$`,
    ),
  },
  {
    kind: "container-repo",
    nativeType: "artifactregistry.googleapis.com/Repository",
    pattern: new RegExp(
      `^//artifactregistry\\.googleapis\\.com/projects/${GCP_PROJECT}/locations/${GCP_LOCATION}/repositories/[a-z][a-z0-9-]{0,62}$`,
    ),
  },
  {
    kind: "key",
    nativeType: "cloudkms.googleapis.com/CryptoKey",
    pattern: new RegExp(
      `^//cloudkms\\.googleapis\\.com/projects/${GCP_PROJECT}/locations/${GCP_LOCATION}/keyRings/${GCP_NAME}/cryptoKeys/${GCP_NAME}$`,
    ),
  },
  {
    // A runtime identity a deploy runs a service as (IAM docs, "Service account resource names"):
    // `projects/P/serviceAccounts/EMAIL`, or `projects/-/…` for an account of any project.
    kind: "runtime",
    nativeType: "iam.googleapis.com/ServiceAccount",
    pattern: new RegExp(
      `^//iam\\.googleapis\\.com/projects/(${GCP_PROJECT}|-)/serviceAccounts/[a-z0-9][a-z0-9-]{0,62}@[a-z0-9][a-z0-9.-]{0,253}\\.gserviceaccount\\.com$`,
    ),
  },
  {
    kind: "logs",
    nativeType: "logging.googleapis.com/Project",
    pattern: new RegExp(`^//logging\\.googleapis\\.com/projects/${GCP_PROJECT}$`),
  },
  {
    kind: "metrics",
    nativeType: "monitoring.googleapis.com/Project",
    pattern: new RegExp(`^//monitoring\\.googleapis\\.com/projects/${GCP_PROJECT}$`),
  },
];

const AZ_SUB = "/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const AZ_RG = `${AZ_SUB}/resourceGroups/[-\\w._()]{1,90}`;
const AZ_NAME = "[-\\w.]{1,260}";

/** Azure resource ids (learn.microsoft.com, "Resource ID"), matched case-insensitively like ARM does. */
export const AZURE_RESOURCE_PATTERNS: readonly PatternRow[] = [
  {
    kind: "bucket",
    nativeType: "Microsoft.Storage/storageAccounts/blobServices/containers",
    pattern: new RegExp(
      `^${AZ_RG}/providers/Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}/blobServices/default/containers/[a-z0-9-]{3,63}$`,
      "i",
    ),
  },
  {
    kind: "table",
    nativeType: "Microsoft.Storage/storageAccounts/tableServices/tables",
    pattern: new RegExp(
      `^${AZ_RG}/providers/Microsoft\\.Storage/storageAccounts/[a-z0-9]{3,24}/tableServices/default/tables/[A-Za-z][A-Za-z0-9]{2,62}$`,
      "i",
    ),
  },
  {
    kind: "secret",
    nativeType: "Microsoft.KeyVault/vaults",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.KeyVault/vaults/[-a-zA-Z0-9]{3,24}$`, "i"),
  },
  {
    kind: "queue",
    nativeType: "Microsoft.ServiceBus/namespaces/queues",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.ServiceBus/namespaces/${AZ_NAME}/queues/${AZ_NAME}$`, "i"),
  },
  {
    kind: "topic",
    nativeType: "Microsoft.ServiceBus/namespaces/topics",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.ServiceBus/namespaces/${AZ_NAME}/topics/${AZ_NAME}$`, "i"),
  },
  {
    kind: "container-repo",
    nativeType: "Microsoft.ContainerRegistry/registries",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.ContainerRegistry/registries/[a-zA-Z0-9]{5,50}$`, "i"),
  },
  {
    kind: "service",
    nativeType: "Microsoft.App/containerApps",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.App/containerApps/${AZ_NAME}$`, "i"),
  },
  {
    kind: "function",
    nativeType: "Microsoft.Web/sites",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.Web/sites/${AZ_NAME}$`, "i"),
  },
  {
    kind: "logs",
    nativeType: "Microsoft.OperationalInsights/workspaces",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.OperationalInsights/workspaces/${AZ_NAME}$`, "i"),
  },
  {
    kind: "key",
    nativeType: "Microsoft.KeyVault/vaults/keys",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.KeyVault/vaults/[-a-zA-Z0-9]{3,24}/keys/${AZ_NAME}$`, "i"),
  },
  {
    // What a Container App runs as and in: a deploy that updates the app is checked against both
    // (linked access checks: Microsoft.ManagedIdentity/userAssignedIdentities/assign/action,
    // Microsoft.App/managedEnvironments/join/action).
    kind: "runtime",
    nativeType: "Microsoft.ManagedIdentity/userAssignedIdentities",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/${AZ_NAME}$`, "i"),
  },
  {
    kind: "runtime",
    nativeType: "Microsoft.App/managedEnvironments",
    pattern: new RegExp(`^${AZ_RG}/providers/Microsoft\\.App/managedEnvironments/${AZ_NAME}$`, "i"),
  },
  { kind: "resource-group", nativeType: "Microsoft.Resources/resourceGroups", pattern: new RegExp(`^${AZ_RG}$`, "i") },
];

/**
 * Resolves a named resource to its cloud, native type and kind, or explains in one sentence why
 * the reference cannot be used for a grant.
 */
export function resolveResource(ref: string): ResolvedResource | { error: string } {
  const cloud = cloudOfResource(ref);
  switch (cloud) {
    case "aws": {
      const arn = parseArn(ref);
      if (!arn) return { error: `"${ref}" is not a valid ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)` };
      if (/[*?]/.test(ref.replace(AWS_ALLOWED_TRAILING_WILDCARD, "")))
        return {
          error: `"${ref}" has a wildcard; name the resource exactly (only a trailing "/*" for the objects under a path, or ":*" for every revision of an ECS task definition family, is allowed)`,
        };
      const type = awsResourceTypeOf(ref);
      if (!type)
        return { error: `"${ref}" matches no resource type of the AWS service "${arn.service}" in the IAM catalog` };
      const nativeType = `${arn.service}:${type}`;
      return { cloud, ref, nativeType, kind: AWS_RESOURCE_KINDS[nativeType] };
    }
    case "gcp":
    case "azure": {
      const rows = cloud === "gcp" ? GCP_RESOURCE_PATTERNS : AZURE_RESOURCE_PATTERNS;
      const row = rows.find((candidate) => candidate.pattern.test(ref));
      if (!row) {
        const kinds = rows.map((candidate) => candidate.kind).join(", ");
        return {
          error: `"${ref}" is not a ${cloud === "gcp" ? "Google full resource name" : "Azure resource id"} of a kind agent-iam can grant (${kinds})`,
        };
      }
      return { cloud, ref, nativeType: row.nativeType, kind: row.kind };
    }
    default:
      return {
        error: `"${ref}" is neither an AWS ARN, a Google full resource name (//SERVICE.googleapis.com/…) nor an Azure resource id (/subscriptions/…)`,
      };
  }
}
