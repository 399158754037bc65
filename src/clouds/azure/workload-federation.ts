import { createHash } from "node:crypto";
import type { Agent } from "../../model/agent";
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../../model/cloud-limits";
import { WORKLOAD_ISSUERS } from "../../model/issuers";

/**
 * Azure as the target of an agent whose home is another cloud: one federated identity credential
 * on the agent's managed identity, exact issuer and exact subject, audience `api://AzureADTokenExchange`
 * (Microsoft Entra, "Workload identity federation"; issuer and subject are matched exactly):
 * - GCP home → Azure: issuer `https://accounts.google.com`, subject the service account's unique id
 *   (a Google ID token's `sub`: Google Cloud, "ID tokens").
 * - AWS home → Azure: issuer the account's outbound identity federation issuer (AWS assigns it:
 *   `https://ID.tokens.sts.global.api.aws`), subject the role's ARN (IAM User Guide, "Understanding
 *   token claims": `sub` is the calling role's ARN).
 * And Azure as a home: AKS pods reach their managed identity through a credential for the cluster's
 * issuer and `system:serviceaccount:NAMESPACE:NAME` (AKS, "Use Microsoft Entra Workload ID").
 */

/** A credential whose issuer or subject the cloud assigns (known at apply). */
export interface AzureWorkloadCredentialSpec<T = string> {
  readonly name: string;
  readonly issuer: T;
  readonly subject: T;
  readonly audiences: readonly string[];
}

/** The credential name for a home, stable for the agent and the home's kind. */
function credentialName(kind: string, seed: string): string {
  return `${kind}-${createHash("sha256").update(seed).digest("hex").slice(0, 12)}`;
}

/** GCP home → Azure: Google ID tokens of one service account (its unique id, known once it exists). */
export function googleFederatedCredential<T>(agentId: string, uniqueId: T): AzureWorkloadCredentialSpec<T | string> {
  return {
    name: credentialName("google", `${WORKLOAD_ISSUERS.gcp}\n${agentId}`),
    issuer: WORKLOAD_ISSUERS.gcp,
    subject: uniqueId,
    audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
  };
}

/** AWS home → Azure: the account's outbound tokens whose `sub` is the agent's role ARN. */
export function awsOutboundFederatedCredential<T>(
  agentId: string,
  issuer: T,
  roleArn: T,
): AzureWorkloadCredentialSpec<T> {
  return {
    name: credentialName("aws-outbound", agentId),
    issuer,
    subject: roleArn,
    audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
  };
}

/** What the agent's code sets to sign in to Azure from its home cloud, or as its home. */
export function azureWorkloadInstructions(
  agent: Pick<Agent, "trust">,
  ids: { readonly clientId: string; readonly tenantId: string; readonly subscriptionId: string },
): { environment: Readonly<Record<string, string>>; snippet: string } {
  const environment: Record<string, string> = {
    AZURE_CLIENT_ID: ids.clientId,
    AZURE_TENANT_ID: ids.tenantId,
    AZURE_SUBSCRIPTION_ID: ids.subscriptionId,
  };
  const workload = agent.trust.workload;
  if (workload?.cloud === "azure") {
    const attach =
      workload.service === "aks"
        ? `# On the pod's service account ${workload.namespace}/${workload.serviceAccount}: annotation azure.workload.identity/client-id: ${ids.clientId}, and the pod label azure.workload.identity/use: "true".`
        : `# Assign the user-assigned identity to the ${workload.service === "functions" ? "function app" : "container app"} and set AZURE_CLIENT_ID=${ids.clientId}; ManagedIdentityCredential picks it.`;
    return { environment, snippet: attach };
  }
  const tokenFile = "/var/run/agent-iam/azure-federated-token";
  const fetch =
    workload?.cloud === "aws"
      ? // GetWebIdentityToken (outbound identity federation) is regional only; the role may ask for this audience and at most 300 s.
        `aws sts get-web-identity-token --audience ${AZURE_TOKEN_EXCHANGE_AUDIENCE} --signing-algorithm RS256 --duration-seconds 300 --query WebIdentityToken --output text > ${tokenFile}`
      : `curl -s -H "Metadata-Flavor: Google" "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity?audience=${AZURE_TOKEN_EXCHANGE_AUDIENCE}&format=full" > ${tokenFile}`;
  const withFile = { ...environment, AZURE_FEDERATED_TOKEN_FILE: tokenFile };
  return {
    environment: withFile,
    snippet: [
      "# Refresh the home identity's token into the file before it expires; DefaultAzureCredential (WorkloadIdentityCredential) then signs in:",
      fetch,
      ...Object.entries(withFile).map(([key, value]) => `export ${key}=${value}`),
    ].join("\n"),
  };
}
