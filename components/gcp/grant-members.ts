import {
  gcpArtifactRegistry as artifactregistry,
  gcpBigQuery as bigquery,
  gcpCloudRunV2 as cloudrunv2,
  gcpKms as kms,
  gcpProjects as projects,
  gcpPubSub as pubsub,
  gcpSecretManager as secretmanager,
  gcpServiceAccount as serviceaccount,
  gcpStorage as storage,
} from "../providers";
import type * as pulumi from "@pulumi/pulumi";
import type { GcpIamCondition } from "../../src/clouds/gcp/conditions";
import { gcpServiceAccountId, type GcpIamTarget } from "../../src/clouds/gcp/resource-names";

/** What every resource-level IAM member takes besides its target. */
export interface GcpMemberInputs {
  readonly role: pulumi.Input<string>;
  readonly member: pulumi.Input<string>;
  /** Absent on resource types that refuse conditional bindings (`GCP_EXPIRY_SUPPORT`). */
  readonly condition?: GcpIamCondition;
}

type MemberFactory<T extends GcpIamTarget["type"]> = (
  name: string,
  target: Extract<GcpIamTarget, { type: T }>,
  inputs: GcpMemberInputs,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The Pulumi resource that adds one member to a resource's IAM policy, per target type. Members
 * (not bindings or policies) leave everyone else's access as it is. Bucket conditions need
 * uniform bucket-level access on the bucket; a condition is passed only where the type accepts one.
 */
export const GCP_MEMBER_FACTORIES: { readonly [T in GcpIamTarget["type"]]: MemberFactory<T> } = {
  bucket: (name, target, inputs, opts) => new storage.BucketIAMMember(name, { bucket: target.bucket, ...inputs }, opts),
  secret: (name, target, inputs, opts) =>
    new secretmanager.SecretIamMember(name, { project: target.project, secretId: target.secretId, ...inputs }, opts),
  topic: (name, target, inputs, opts) =>
    new pubsub.TopicIAMMember(name, { project: target.project, topic: target.topic, ...inputs }, opts),
  subscription: (name, target, inputs, opts) =>
    new pubsub.SubscriptionIAMMember(
      name,
      { project: target.project, subscription: target.subscription, ...inputs },
      opts,
    ),
  dataset: (name, target, inputs, opts) =>
    new bigquery.DatasetIamMember(name, { project: target.project, datasetId: target.datasetId, ...inputs }, opts),
  "run-service": (name, target, inputs, opts) =>
    new cloudrunv2.ServiceIamMember(
      name,
      { project: target.project, location: target.location, name: target.name, ...inputs },
      opts,
    ),
  "artifact-repository": (name, target, inputs, opts) =>
    new artifactregistry.RepositoryIamMember(
      name,
      { project: target.project, location: target.location, repository: target.repository, ...inputs },
      opts,
    ),
  "crypto-key": (name, target, inputs, opts) =>
    new kms.CryptoKeyIAMMember(name, { cryptoKeyId: target.cryptoKeyId, ...inputs }, opts),
  project: (name, target, inputs, opts) => new projects.IAMMember(name, { project: target.project, ...inputs }, opts),
  "service-account": (name, target, inputs, opts) =>
    new serviceaccount.IAMMember(name, { serviceAccountId: gcpServiceAccountId(target), ...inputs }, opts),
};

/** Registers the IAM member for one target. */
export function gcpIamMember(
  name: string,
  target: GcpIamTarget,
  inputs: GcpMemberInputs,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const factory = GCP_MEMBER_FACTORIES[target.type] as MemberFactory<GcpIamTarget["type"]>;
  return factory(name, target, inputs, opts);
}
