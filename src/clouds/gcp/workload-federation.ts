import type { Agent } from "../../model/agent";
import type { Trust } from "../../model/runs-on";
import { shortHash } from "./account-id";
import type { GcpProviderSpec } from "./provider-spec";

/**
 * GCP as the target of an agent whose home is another cloud, and GCP as a home:
 * - AWS home → GCP: a pool provider of type `aws` for the agent's account whose attribute condition
 *   pins the agent's role (`attribute.aws_role`), and `roles/iam.workloadIdentityUser` for that one
 *   role's sessions (Google Cloud, "Configure Workload Identity Federation with AWS or Azure").
 * - Azure home → GCP: an OIDC provider for the tenant's Entra v2.0 issuer, pinned to the tenant and to
 *   the application ID URI as audience, and the binding for the managed identity's object id alone.
 * - GCP home: the service account attached to the workload; on GKE, the pod's Kubernetes service
 *   account is allowed to act as it (`serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]`).
 */

/**
 * Google's attribute mapping for AWS providers (Google Cloud, "Configure Workload Identity Federation
 * with AWS or Azure", "Define an attribute mapping and condition"): `google.subject` is the caller's
 * ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) and `attribute.aws_role` the role's, without
 * the session: `arn:aws:sts::ACCOUNT:assumed-role/ROLE`.
 */
export const GCP_AWS_ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = {
  "google.subject": "assertion.arn",
  "attribute.aws_role":
    "assertion.arn.contains('assumed-role') ? assertion.arn.extract('{account_arn}assumed-role/') + 'assumed-role/' + assertion.arn.extract('assumed-role/{role_name}/') : assertion.arn",
};

/** The value of `attribute.aws_role` for a role's sessions (an assumed-role ARN names the role without its path). */
export function awsRoleAttribute(accountId: string, roleName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}`;
}

/** The one member the target account trusts for an AWS role: every session of that role, and nothing else. */
export function gcpAwsRolePrincipal(poolName: string, accountId: string, roleName: string): string {
  return `principalSet://iam.googleapis.com/${poolName}/attribute.aws_role/${awsRoleAttribute(accountId, roleName)}`;
}

/** The member a GKE pod's Kubernetes service account is, in the cluster project's workload pool. */
export function gkeMember(project: string, namespace: string, serviceAccount: string): string {
  return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}

/** A CEL string literal. */
function cel(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A provider of type aws that admits one role of one account (the attribute `aws_role` it maps). */
export function gcpAwsRoleProviderSpec(accountId: string, roleName: string): GcpProviderSpec {
  const role = awsRoleAttribute(accountId, roleName);
  const key = JSON.stringify(["aws", accountId, role]);
  return {
    key,
    providerId: `aws-${accountId.slice(-6)}-${shortHash(key)}`,
    displayName: `aws ${accountId}`,
    description: `agent-iam: AWS account ${accountId}, role ${roleName}`.slice(0, 256),
    awsAccountId: accountId,
    attributeMapping: GCP_AWS_ATTRIBUTE_MAPPING,
    attributeCondition: `attribute.aws_role == ${cel(role)}`,
    allowedAudiences: [],
  };
}

/** The provider a workload agent's home needs in a GCP pool, or undefined for an OIDC preset (or a GCP home). */
export function gcpWorkloadProviderSpec(trust: Trust, awsRoleName?: string): GcpProviderSpec | undefined {
  const workload = trust.workload;
  if (workload?.cloud === "aws") {
    if (!awsRoleName) throw new Error("an AWS provider pins the agent's role: give its role name");
    return gcpAwsRoleProviderSpec(workload.accountId, awsRoleName);
  }
  if (workload?.cloud === "azure") {
    const key = JSON.stringify(["entra", trust.issuerUrl, trust.audience ?? ""]);
    return {
      key,
      providerId: `entra-${shortHash(key)}`,
      displayName: `entra ${workload.tenantId.slice(0, 8)}`,
      description: `agent-iam: ${trust.issuerUrl}, tid = ${workload.tenantId}`.slice(0, 256),
      issuerUri: trust.issuerUrl,
      // Entra access tokens (Microsoft identity platform, "Access token claims reference"): sub, tid, aud.
      attributeMapping: { "google.subject": "assertion.sub", "attribute.tid": "assertion.tid" },
      attributeCondition: `assertion.tid == ${cel(workload.tenantId)}`,
      allowedAudiences: trust.audience ? [trust.audience] : [],
    };
  }
  return undefined;
}

/**
 * The credential configuration of an agent whose home is AWS or Azure, for Google's client
 * libraries (Google Cloud, "Configure Workload Identity Federation with AWS or Azure", "Create a
 * credential configuration"): AWS signs a GetCallerIdentity request with the role's credentials
 * (`environment_id: aws1`); Azure's access token is read from a file the agent refreshes.
 */
export function gcpWorkloadCredentialConfig(
  agent: Pick<Agent, "maxSessionDuration" | "trust">,
  providerName: string,
  serviceAccountEmail: string,
): Record<string, unknown> {
  const common = {
    universe_domain: "googleapis.com",
    type: "external_account",
    audience: `//iam.googleapis.com/${providerName}`,
    token_url: "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${serviceAccountEmail}:generateAccessToken`,
    service_account_impersonation: { token_lifetime_seconds: Math.min(agent.maxSessionDuration, 3600) },
  };
  if (agent.trust.workload?.cloud === "aws")
    return {
      ...common,
      subject_token_type: "urn:ietf:params:aws:token-type:aws4_request",
      credential_source: {
        environment_id: "aws1",
        region_url: "http://169.254.169.254/latest/meta-data/placement/availability-zone",
        url: "http://169.254.169.254/latest/meta-data/iam/security-credentials",
        regional_cred_verification_url:
          "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
      },
    };
  return {
    ...common,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    credential_source: { file: "/var/run/agent-iam/entra-token" },
  };
}

/** The snippet of a workload agent's GCP side. */
export function gcpWorkloadSnippet(agent: Pick<Agent, "trust">, serviceAccountEmail: string, config: unknown): string {
  const workload = agent.trust.workload;
  if (workload?.cloud === "gcp") {
    switch (workload.service) {
      case "cloud-run":
        return `# Deploy the Cloud Run service with --service-account=${serviceAccountEmail}; Google's libraries use it (no key, no variable).`;
      case "cloud-functions":
        return `# Deploy the function with --service-account=${serviceAccountEmail}; Google's libraries use it (no key, no variable).`;
      case "gke":
        return [
          "# On the pod's Kubernetes service account (Workload Identity Federation for GKE):",
          "metadata:",
          `  name: ${workload.serviceAccount}`,
          `  namespace: ${workload.namespace}`,
          "  annotations:",
          `    iam.gke.io/gcp-service-account: ${serviceAccountEmail}`,
        ].join("\n");
      case "agent-engine":
        return "# Create the reasoning engine with spec.identityType AGENT_IDENTITY; its grants are on its own principal.";
    }
  }
  const lines = JSON.stringify(config, null, 2);
  const refresh =
    workload?.cloud === "azure"
      ? `# Refresh the managed identity's token for ${agent.trust.audience} into /var/run/agent-iam/entra-token, then:`
      : "# On AWS the libraries sign with the role's credentials from the environment (AWS_ACCESS_KEY_ID… and AWS_REGION), then:";
  return [
    refresh,
    "# save this file and set GOOGLE_APPLICATION_CREDENTIALS to its path (it holds no secret):",
    lines,
  ].join("\n");
}
