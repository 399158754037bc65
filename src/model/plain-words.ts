import { ACCESS_LEVELS, ACCESS_LEVEL_WORDS, type AccessLevel } from "./access";
import type { AccountWideGrant, DataClass, ResolvedGrant } from "./agent";
import { ROLE_CATALOG, type CatalogRoleName } from "./role-catalog";
import type { Cloud } from "./resources";
import { TOOL_RISK_WORDS, type ResolvedToolGrant, type ToolArgumentTest } from "./tools";

/**
 * Grants in words a reviewer who does not read IAM understands:
 * "read and list the S3 bucket acme-prod-source (holds PII)".
 */

/** The name people use for each native resource type. */
export const RESOURCE_TYPE_WORDS: Readonly<Record<string, string>> = {
  "s3:bucket": "S3 bucket",
  "s3:object": "S3 objects",
  "dynamodb:table": "DynamoDB table",
  "secretsmanager:Secret": "Secrets Manager secret",
  "ssm:parameter": "SSM parameter",
  "sqs:queue": "SQS queue",
  "sns:topic": "SNS topic",
  "logs:log-group": "CloudWatch log group",
  "lambda:function": "Lambda function",
  "ecs:service": "ECS service",
  "ecr:repository": "ECR repository",
  "kms:key": "KMS key",
  "storage.googleapis.com/Bucket": "Cloud Storage bucket",
  "secretmanager.googleapis.com/Secret": "Secret Manager secret",
  "pubsub.googleapis.com/Topic": "Pub/Sub topic",
  "pubsub.googleapis.com/Subscription": "Pub/Sub subscription",
  "bigquery.googleapis.com/Dataset": "BigQuery dataset",
  "run.googleapis.com/Service": "Cloud Run service",
  "artifactregistry.googleapis.com/Repository": "Artifact Registry repository",
  "cloudkms.googleapis.com/CryptoKey": "Cloud KMS key",
  "logging.googleapis.com/Project": "Cloud Logging logs of project",
  "monitoring.googleapis.com/Project": "Cloud Monitoring metrics of project",
  "Microsoft.Storage/storageAccounts/blobServices/containers": "blob container",
  "Microsoft.Storage/storageAccounts/tableServices/tables": "storage table",
  "Microsoft.KeyVault/vaults": "key vault",
  "Microsoft.KeyVault/vaults/keys": "key vault key",
  "Microsoft.ServiceBus/namespaces/queues": "Service Bus queue",
  "Microsoft.ServiceBus/namespaces/topics": "Service Bus topic",
  "Microsoft.ContainerRegistry/registries": "container registry",
  "Microsoft.App/containerApps": "container app",
  "Microsoft.Web/sites": "web or function app",
  "Microsoft.OperationalInsights/workspaces": "Log Analytics workspace",
  "Microsoft.Resources/resourceGroups": "resource group",
};

/** The words for a data class, as a reviewer says them. */
export const DATA_CLASS_WORDS: Readonly<Record<DataClass, string>> = {
  pii: "PII",
  financial: "financial data",
  credentials: "credentials",
};

export const CLOUD_NAMES: Readonly<Record<Cloud, string>> = { aws: "AWS", gcp: "Google Cloud", azure: "Azure" };

/**
 * The short name of a resource: for an ARN, its resource part without the type prefix
 * (`table/customers` → `customers`; S3 keeps `bucket/*`); otherwise the last path segment.
 */
export function resourceShortName(ref: string): string {
  if (ref.startsWith("arn:")) {
    const [, , service = "", , , ...rest] = ref.split(":");
    const resource = rest.join(":");
    if (service === "s3") return resource;
    const cut = resource.search(/[/:]/);
    return cut > 0 ? resource.slice(cut + 1) : resource;
  }
  const parts = ref.split("/").filter(Boolean);
  return parts[parts.length - 1] ?? ref;
}

/** "read and list", most powerful first: "write to, read and list". */
export function accessWords(levels: readonly AccessLevel[]): string {
  const words = [...new Set(levels)]
    .sort((a, b) => ACCESS_LEVELS.indexOf(b) - ACCESS_LEVELS.indexOf(a))
    .map((level) => ACCESS_LEVEL_WORDS[level]);
  if (words.length <= 1) return words[0] ?? "no access to";
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** A resource in words: "the S3 bucket acme-prod-source". */
export function resourceWords(nativeType: string, ref: string): string {
  const type = RESOURCE_TYPE_WORDS[nativeType];
  return type ? `the ${type} ${resourceShortName(ref)}` : ref;
}

/** One grant on a named resource, in one sentence without a subject. */
export function describeGrant(grant: ResolvedGrant): string {
  const notes: string[] = [];
  if (grant.dataClass) notes.push(`holds ${DATA_CLASS_WORDS[grant.dataClass]}`);
  if (grant.include.length > 0) notes.push(`may also ${grant.include.join(" and ")}`);
  if (grant.role) notes.push(`role ${grant.role}`);
  if (grant.until) notes.push(`until ${grant.until}`);
  if (grant.breakGlass) notes.push(`break-glass until ${grant.endsAt}`);
  const text = `${accessWords(grant.access)} ${resourceWords(grant.resource.nativeType, grant.resource.ref)}`;
  return notes.length > 0 ? `${text} (${notes.join(", ")})` : text;
}

/** An account-wide grant in one sentence: the catalog role's summary when there is one, else its actions. */
export function describeAccountWide(grant: AccountWideGrant): string {
  const role = grant.role && grant.role in ROLE_CATALOG ? ROLE_CATALOG[grant.role as CatalogRoleName] : undefined;
  const what = role
    ? `account-wide on ${CLOUD_NAMES[grant.cloud]}: ${role.summary.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase())}`
    : `call ${grant.actions.join(", ")} account-wide on ${CLOUD_NAMES[grant.cloud]}`;
  const notes = [
    role ? `role ${role.name}` : undefined,
    grant.until ? `until ${grant.until}` : undefined,
    grant.breakGlass ? `break-glass until ${grant.endsAt}` : undefined,
  ].filter(Boolean);
  return notes.length > 0 ? `${what} (${notes.join(", ")})` : what;
}

const TEST_WORDS: Readonly<Record<ToolArgumentTest["operator"], string>> = {
  "==": "is",
  in: "is one of",
  "<": "is less than",
  "<=": "is at most",
  ">": "is more than",
  ">=": "is at least",
};

function valueWords(value: ToolArgumentTest["value"]): string {
  const one = (item: string | number | boolean) => (typeof item === "string" ? JSON.stringify(item) : String(item));
  return Array.isArray(value) ? value.map(one).join(", ") : one(value as string | number | boolean);
}

/** One condition on a tool's argument: `project is "OPS"`, `amount is less than 500`. */
export function describeToolTest(test: ToolArgumentTest): string {
  return `${test.argument} ${TEST_WORDS[test.operator]} ${valueWords(test.value)}`;
}

/** A tool the agent may call, in one sentence: "may call jira create_issue when project is "OPS" (…)". */
export function describeToolGrant(grant: ResolvedToolGrant): string {
  const when = grant.tests.length > 0 ? ` when ${grant.tests.map(describeToolTest).join(" and ")}` : "";
  const risk = grant.risk ? ` (high-risk: ${TOOL_RISK_WORDS[grant.risk]})` : "";
  return `may call ${grant.target} ${grant.tool}${when}${risk}`;
}

/** What reports show for a value the cloud assigns when it creates an identity, before it is known. */
export const KNOWN_AFTER_DEPLOY = "known after deploy";
