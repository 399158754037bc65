import type { Agent } from "../../model/agent";
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../../model/cloud-limits";
import { githubActionsLoginSnippet, gitlabIdTokenSnippet } from "../ci-snippets";
import { azureWorkloadInstructions } from "./workload-federation";

/** The ids an agent signs in with: no secret among them. */
export interface AzureLoginIds {
  readonly clientId: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
}

/** What an agent needs to sign in as its managed identity. */
export interface AzureCredentialInstructions {
  readonly environment: Readonly<Record<string, string>>;
  readonly snippet: string;
}

/**
 * The sign-in configuration for an agent's issuer: `azure/login` on GitHub, `az login --federated-token`
 * on GitLab, Azure Workload Identity annotations on Kubernetes, the `AZURE_*` variables of the
 * Azure Identity libraries elsewhere (learn.microsoft.com, "Workload identity federation").
 */
export function azureCredentialInstructions(
  agent: Pick<Agent, "trust">,
  ids: AzureLoginIds,
): AzureCredentialInstructions {
  const environment: Record<string, string> = {
    AZURE_CLIENT_ID: ids.clientId,
    AZURE_TENANT_ID: ids.tenantId,
    AZURE_SUBSCRIPTION_ID: ids.subscriptionId,
  };
  if (agent.trust.workload) return azureWorkloadInstructions(agent, ids);
  switch (agent.trust.kind) {
    case "github-actions":
      return {
        environment,
        snippet: githubActionsLoginSnippet({
          uses: "azure/login@v2",
          with: [
            ["client-id", ids.clientId],
            ["tenant-id", ids.tenantId],
            ["subscription-id", ids.subscriptionId],
          ],
          environment: agent.trust.subjectEnvironment,
        }),
      };
    case "gitlab-ci":
      return {
        environment,
        snippet: gitlabIdTokenSnippet({
          variable: "AZURE_ID_TOKEN",
          audience: AZURE_TOKEN_EXCHANGE_AUDIENCE,
          script: [
            `az login --service-principal --username ${ids.clientId} --tenant ${ids.tenantId} --federated-token "$AZURE_ID_TOKEN"`,
            `az account set --subscription ${ids.subscriptionId}`,
          ],
        }),
      };
    case "kubernetes":
      return {
        environment: {
          ...environment,
          AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token",
        },
        snippet: [
          "# Azure Workload Identity: on the pod's service account",
          "metadata:",
          "  annotations:",
          `    azure.workload.identity/client-id: ${ids.clientId}`,
          `    azure.workload.identity/tenant-id: ${ids.tenantId}`,
          "# and on the pod template",
          '#   metadata.labels: { azure.workload.identity/use: "true" }',
        ].join("\n"),
      };
    case "oidc":
      return {
        environment: { ...environment, AZURE_FEDERATED_TOKEN_FILE: "/path/to/oidc-token" },
        snippet: [
          `# Write the issuer's token (audience ${AZURE_TOKEN_EXCHANGE_AUDIENCE}) to AZURE_FEDERATED_TOKEN_FILE; DefaultAzureCredential then signs in.`,
          `AZURE_CLIENT_ID=${ids.clientId}`,
          `AZURE_TENANT_ID=${ids.tenantId}`,
          `AZURE_SUBSCRIPTION_ID=${ids.subscriptionId}`,
          "AZURE_FEDERATED_TOKEN_FILE=/path/to/oidc-token",
        ].join("\n"),
      };
    default:
      throw new Error(`no Azure credential instructions for ${agent.trust.kind}`);
  }
}
