/**
 * Google full resource names (cloud.google.com/iam/docs/full-resource-names) split into the ids
 * each resource-level IAM API takes. `resolveResource` has already matched the name's shape.
 */

/** Where a resource-level IAM member goes, per Google resource type. */
export type GcpIamTarget =
  | { readonly type: "bucket"; readonly bucket: string }
  | { readonly type: "secret"; readonly project: string; readonly secretId: string }
  | { readonly type: "topic"; readonly project: string; readonly topic: string }
  | { readonly type: "subscription"; readonly project: string; readonly subscription: string }
  | { readonly type: "dataset"; readonly project: string; readonly datasetId: string }
  | { readonly type: "run-service"; readonly project: string; readonly location: string; readonly name: string }
  | {
      readonly type: "artifact-repository";
      readonly project: string;
      readonly location: string;
      readonly repository: string;
    }
  | { readonly type: "crypto-key"; readonly project: string; readonly cryptoKeyId: string }
  | { readonly type: "project"; readonly project: string }
  /** A service account as a resource (`projects/P/serviceAccounts/EMAIL`): who may act as it. */
  | { readonly type: "service-account"; readonly project: string; readonly email: string };

/** `//storage.googleapis.com/projects/_/buckets/b` → `{ projects: "_", buckets: "b" }`. */
function segments(ref: string): Record<string, string> {
  const parts = ref.replace(/^\/\/[^/]+\//, "").split("/");
  const pairs: Record<string, string> = {};
  for (let index = 0; index + 1 < parts.length; index += 2) pairs[parts[index]!] = parts[index + 1]!;
  return pairs;
}

/** The IAM target of a Google resource, from its native type and full resource name; undefined for other types. */
export function gcpIamTarget(nativeType: string, ref: string): GcpIamTarget | undefined {
  const s = segments(ref);
  const project = s.projects ?? "";
  switch (nativeType) {
    case "storage.googleapis.com/Bucket":
      return { type: "bucket", bucket: s.buckets! };
    case "secretmanager.googleapis.com/Secret":
      return { type: "secret", project, secretId: s.secrets! };
    case "pubsub.googleapis.com/Topic":
      return { type: "topic", project, topic: s.topics! };
    case "pubsub.googleapis.com/Subscription":
      return { type: "subscription", project, subscription: s.subscriptions! };
    case "bigquery.googleapis.com/Dataset":
      return { type: "dataset", project, datasetId: s.datasets! };
    case "run.googleapis.com/Service":
      return { type: "run-service", project, location: s.locations!, name: s.services! };
    case "artifactregistry.googleapis.com/Repository":
      return { type: "artifact-repository", project, location: s.locations!, repository: s.repositories! };
    case "cloudkms.googleapis.com/CryptoKey":
      return { type: "crypto-key", project, cryptoKeyId: ref.replace(/^\/\/cloudkms\.googleapis\.com\//, "") };
    case "iam.googleapis.com/ServiceAccount":
      return { type: "service-account", project, email: s.serviceAccounts! };
    case "logging.googleapis.com/Project":
    case "monitoring.googleapis.com/Project":
      return { type: "project", project };
    default:
      return undefined;
  }
}

/** The project a target lives in, when its name says (a bucket's name does not). */
export function gcpTargetProject(target: GcpIamTarget): string | undefined {
  return "project" in target && target.project !== "_" && target.project !== "-" ? target.project : undefined;
}

/** `projects/P/serviceAccounts/EMAIL`, the id the IAM API and `serviceaccount.IAMMember` take. */
export function gcpServiceAccountId(target: Extract<GcpIamTarget, { type: "service-account" }>): string {
  return `projects/${target.project}/serviceAccounts/${target.email}`;
}
