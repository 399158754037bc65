/**
 * How an agent's access ends on its review date, per Google resource type. IAM conditions
 * (`request.time < timestamp(…)`) end a binding by themselves, but only resource types whose allow
 * policies accept conditional role bindings take one; Google rejects the rest at apply. For those,
 * Google's advice is a conditional binding on the project that names the resource
 * (`resource.name`), which works only for services that recognise resource attributes; where
 * neither works, the binding is unconditional and the `GcpBudgetStopper` disables the agent's
 * service account on its review date.
 *
 * Sources: "Resource types that accept conditional role bindings"
 * (cloud.google.com/iam/help/conditions/resource-policies) and "Resource attributes for IAM
 * Conditions" (cloud.google.com/iam/docs/conditions-resource-attributes).
 */

/** How the review date ends access. */
export type GcpExpiryMechanism =
  /** A condition on the resource's own binding. */
  | "condition"
  /** A binding on the project, conditioned on the resource's name and the date. */
  | "project-condition"
  /** An unconditional binding; the stopper disables the agent's service account on its review date. */
  | "disable-on-expiry";

/** What Google accepts for one resource type, and where it says so. */
export interface GcpExpirySupport {
  readonly mechanism: GcpExpiryMechanism;
  /** In the words the README table uses. */
  readonly resource: string;
  /** What Google requires besides, checked where it can be. */
  readonly requires?: string;
  readonly source: string;
}

const ACCEPTS = "https://cloud.google.com/iam/help/conditions/resource-policies";
const ATTRIBUTES = "https://cloud.google.com/iam/docs/conditions-resource-attributes";

/** Per native type of `GCP_RESOURCE_PATTERNS`, and the service accounts the components bind on. */
export const GCP_EXPIRY_SUPPORT: Readonly<Record<string, GcpExpirySupport>> = {
  "storage.googleapis.com/Bucket": {
    mechanism: "condition",
    resource: "Cloud Storage bucket",
    requires: "uniform bucket-level access on the bucket (Google rejects a conditional binding on a bucket without it)",
    source: ACCEPTS,
  },
  "secretmanager.googleapis.com/Secret": { mechanism: "condition", resource: "Secret Manager secret", source: ACCEPTS },
  "cloudkms.googleapis.com/CryptoKey": { mechanism: "condition", resource: "Cloud KMS crypto key", source: ACCEPTS },
  "run.googleapis.com/Service": { mechanism: "condition", resource: "Cloud Run service", source: ACCEPTS },
  "logging.googleapis.com/Project": {
    mechanism: "condition",
    resource: "a project's logs (bound on the project)",
    source: ACCEPTS,
  },
  "monitoring.googleapis.com/Project": {
    mechanism: "condition",
    resource: "a project's metrics (bound on the project)",
    source: ACCEPTS,
  },
  "bigquery.googleapis.com/Dataset": {
    mechanism: "project-condition",
    resource: "BigQuery dataset",
    source: ATTRIBUTES,
  },
  "pubsub.googleapis.com/Topic": { mechanism: "disable-on-expiry", resource: "Pub/Sub topic", source: ACCEPTS },
  "pubsub.googleapis.com/Subscription": {
    mechanism: "disable-on-expiry",
    resource: "Pub/Sub subscription",
    source: ACCEPTS,
  },
  "artifactregistry.googleapis.com/Repository": {
    mechanism: "disable-on-expiry",
    resource: "Artifact Registry repository",
    source: ACCEPTS,
  },
  "iam.googleapis.com/ServiceAccount": {
    mechanism: "disable-on-expiry",
    resource: "IAM service account (a runtime identity, delegation, workload identity)",
    source: ACCEPTS,
  },
};

/** The native type of service-account-level bindings (workload identity, delegation, the stopper's own). */
export const GCP_SERVICE_ACCOUNT_TYPE = "iam.googleapis.com/ServiceAccount";

/** How the review date ends access on a resource type; unknown types are treated as refusing conditions. */
export function gcpExpiryMechanism(nativeType: string): GcpExpiryMechanism {
  return GCP_EXPIRY_SUPPORT[nativeType]?.mechanism ?? "disable-on-expiry";
}

/** Whether a binding on a resource of this type may carry an IAM condition. */
export function gcpAcceptsConditions(nativeType: string): boolean {
  return gcpExpiryMechanism(nativeType) === "condition";
}

/** A resource type's words with their article, for messages: "a Pub/Sub topic", "an Artifact Registry repository". */
export function gcpTypeWords(nativeType: string): string {
  const words = GCP_EXPIRY_SUPPORT[nativeType]?.resource ?? nativeType;
  return `${/^[AEIOU]/i.test(words) ? "an" : "a"} ${words}`;
}
