import type { Trust } from "../../model/runs-on";
import { shortHash } from "./account-id";
import { gcpWorkloadProviderSpec } from "./workload-federation";
import type { GcpProviderSpec } from "./provider-spec";

/**
 * Workload Identity Federation, as agent-iam configures it (cloud.google.com/iam/docs/workload-identity-federation):
 * one pool per project, one OIDC provider per issuer and owner, each provider with an attribute
 * condition that pins the issuer's owner and the shape of the subject, and one
 * `roles/iam.workloadIdentityUser` binding per agent for exactly one `principal://…/subject/SUBJECT`.
 */

/** Pool and provider ids: 4–32 characters of `[a-z0-9-]`, not starting with `gcp-` (IAM API reference). */
export const GCP_WIF_ID = /^(?!gcp-)[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$/;
/** `google.subject` holds at most 127 bytes (IAM docs, "Attribute mappings"). */
export const GCP_SUBJECT_LIMIT = 127;
/** `attributeCondition` holds at most 4,096 characters. */
export const GCP_CONDITION_LIMIT = 4096;
/** Provider display names hold at most 32 characters. */
const DISPLAY_NAME_LIMIT = 32;

/** The issuer presets that are OIDC issuers of their own (a cloud workload federates through its home cloud instead). */
export type OidcIssuerKind = Exclude<Trust["kind"], "aws-workload" | "gcp-workload" | "azure-workload">;

/** Per issuer kind: the CEL expression of each claim, the provider id prefix and how the subject starts. */
interface IssuerProfile {
  readonly prefix: string;
  /** CEL expressions of the claims agent-iam maps to attributes (claims every token of the issuer carries). */
  readonly claims: Readonly<Record<string, string>>;
  /** The start every subject of this owner has, or undefined to pin the exact subject. */
  readonly subjectPrefix: (trust: Trust) => string | undefined;
}

/** Claim expressions per issuer (GitHub "OpenID Connect reference", GitLab "ID token claims", Kubernetes projected tokens). */
export const GCP_ISSUER_PROFILES: Readonly<Record<OidcIssuerKind, IssuerProfile>> = {
  "github-actions": {
    prefix: "gh",
    claims: {
      repository: "assertion.repository",
      repository_owner: "assertion.repository_owner",
      repository_owner_id: "assertion.repository_owner_id",
      repository_id: "assertion.repository_id",
      ref: "assertion.ref",
    },
    subjectPrefix: (trust) => trust.subject.slice(0, trust.subject.indexOf("/") + 1),
  },
  "gitlab-ci": {
    prefix: "gl",
    claims: {
      project_path: "assertion.project_path",
      namespace_path: "assertion.namespace_path",
      ref: "assertion.ref",
      ref_type: "assertion.ref_type",
    },
    subjectPrefix: (trust) => `project_path:${trust.ownerClaim.value}/`,
  },
  kubernetes: {
    prefix: "k8s",
    claims: {
      namespace: "assertion['kubernetes.io']['namespace']",
      service_account: "assertion['kubernetes.io']['serviceaccount']['name']",
    },
    subjectPrefix: (trust) => `system:serviceaccount:${trust.ownerClaim.value}:`,
  },
  oidc: { prefix: "oidc", claims: {}, subjectPrefix: () => undefined },
};

/** A CEL string literal. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export type { GcpProviderSpec } from "./provider-spec";

/**
 * The provider an agent's trust needs. Its condition pins the owner claim (`repository_owner`,
 * `namespace_path`, the Kubernetes namespace) and the subject's owner part, so that no other
 * issuer or owner in the pool can mint a subject that collides with this agent's.
 */
export function gcpProviderSpec(trust: Trust, awsRoleName?: string): GcpProviderSpec {
  const workload = gcpWorkloadProviderSpec(trust, awsRoleName);
  if (workload) return workload;
  const profile = GCP_ISSUER_PROFILES[trust.kind as OidcIssuerKind];
  const ownerExpression =
    trust.kind === "oidc"
      ? "assertion.sub"
      : (profile.claims[trust.ownerClaim.claim] ?? `assertion.${trust.ownerClaim.claim}`);
  const parts = [`${ownerExpression} == ${celString(trust.ownerClaim.value)}`];
  const subjectPrefix = profile.subjectPrefix(trust);
  if (subjectPrefix !== undefined && trust.kind !== "oidc")
    parts.push(`assertion.sub.startsWith(${celString(subjectPrefix)})`);
  const attributeCondition = parts.join(" && ");
  const attributeMapping: Record<string, string> = { "google.subject": "assertion.sub" };
  for (const [name, expression] of Object.entries(profile.claims)) attributeMapping[`attribute.${name}`] = expression;
  const key = JSON.stringify([trust.issuerUrl, attributeCondition, trust.audience ?? ""]);
  const slug = trust.ownerClaim.value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 18)
    .replace(/-+$/, "");
  const providerId = [profile.prefix, slug, shortHash(key)].filter(Boolean).join("-");
  return {
    key,
    providerId,
    displayName: `${profile.prefix} ${trust.ownerClaim.value}`.slice(0, DISPLAY_NAME_LIMIT),
    description: `agent-iam: ${trust.issuerUrl}, ${trust.ownerClaim.claim} = ${trust.ownerClaim.value}`.slice(0, 256),
    issuerUri: trust.issuerUrl,
    attributeMapping,
    attributeCondition,
    allowedAudiences: trust.audience ? [trust.audience] : [],
  };
}

/** The one principal an agent's service account trusts: `principal://iam.googleapis.com/POOL/subject/SUBJECT`. */
export function gcpPrincipal(poolName: string, subject: string): string {
  return `principal://iam.googleapis.com/${poolName}/subject/${subject}`;
}

/** The audience a token must carry for a provider without `allowedAudiences`: its full resource name. */
export function gcpDefaultAudience(providerName: string): string {
  return `//iam.googleapis.com/${providerName}`;
}
