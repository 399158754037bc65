/** The clouds an agent can have an identity on. */
export const CLOUDS = ["aws", "gcp", "azure"] as const;
export type Cloud = (typeof CLOUDS)[number];

/**
 * What a named resource is, in words that mean the same on every cloud, so that a catalog role
 * ("data-reader") applies to an S3 bucket, a Cloud Storage bucket and a Blob container alike.
 */
export const RESOURCE_KINDS = [
  "bucket",
  "object",
  "table",
  "secret",
  "queue",
  "topic",
  "logs",
  "metrics",
  "function",
  "service",
  "container-repo",
  "key",
  "resource-group",
  // What a deployed service runs as or in: an IAM role to pass, a service account to act as, an
  // Azure managed identity to assign or a Container Apps environment to join.
  "runtime",
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A resource reference resolved to its cloud and kind. */
export interface ResolvedResource {
  readonly cloud: Cloud;
  /** The reference as the user wrote it (ARN, Google full resource name, Azure resource id). */
  readonly ref: string;
  /** The cloud's own name for the type (`s3:bucket`, `storage.googleapis.com/Bucket`, `Microsoft.KeyVault/vaults`). */
  readonly nativeType: string;
  /** The cloud-agnostic kind, when the type is one the catalog knows. */
  readonly kind?: ResourceKind;
}

/** Which cloud a reference belongs to, from its shape alone. */
export function cloudOfResource(ref: string): Cloud | undefined {
  if (ref.startsWith("arn:")) return "aws";
  if (/^\/\/[a-z0-9-]+\.googleapis\.com\//.test(ref)) return "gcp";
  if (/^\/subscriptions\//i.test(ref) || /^\/providers\/Microsoft\.Management\//i.test(ref)) return "azure";
  return undefined;
}
