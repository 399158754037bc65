import type { Agent } from "../../model/agent";
import { githubActionsLoginSnippet, gitlabIdTokenSnippet } from "../ci-snippets";
import { gcpDefaultAudience, type OidcIssuerKind } from "./workload-identity";
import { gcpWorkloadCredentialConfig, gcpWorkloadSnippet } from "./workload-federation";

/** GCP service-account tokens last at most 1 h unless an organisation policy allows 12 h. */
export const GCP_TOKEN_LIFETIME_LIMIT = 3600;

/** What an agent needs to act as its service account: a CI step, or a credential configuration file. */
export interface GcpCredentialInstructions {
  /** The audience the agent's OIDC token must carry. */
  readonly audience: string;
  /** The credential configuration file (`external_account`) for Google's client libraries and gcloud. */
  readonly credentialConfig: Readonly<Record<string, unknown>>;
  readonly snippet: string;
}

/** Where each issuer's token is written for Google's client libraries to read. */
const TOKEN_FILES: Record<OidcIssuerKind, string> = {
  "github-actions": "/tmp/gcp-oidc-token",
  "gitlab-ci": "$CI_BUILDS_DIR/.gcp-oidc-token",
  kubernetes: "/var/run/secrets/tokens/gcp/token",
  oidc: "/path/to/oidc-token",
};

/**
 * The credential configuration for an agent's provider and service account
 * (cloud.google.com/iam/docs/workload-identity-federation-with-other-providers, "Create a credential
 * configuration"), and the snippet for its issuer: `google-github-actions/auth` on GitHub, the
 * configuration file elsewhere.
 */
export function gcpCredentialInstructions(
  agent: Pick<Agent, "id" | "environment" | "maxSessionDuration" | "trust">,
  providerName: string,
  serviceAccountEmail: string,
): GcpCredentialInstructions {
  if (agent.trust.workload) {
    const credentialConfig = gcpWorkloadCredentialConfig(agent, providerName, serviceAccountEmail);
    return {
      audience:
        agent.trust.workload.cloud === "azure" ? (agent.trust.audience ?? "") : gcpDefaultAudience(providerName),
      credentialConfig,
      snippet: gcpWorkloadSnippet(agent, serviceAccountEmail, credentialConfig),
    };
  }
  const audience = agent.trust.audience ?? `https:${gcpDefaultAudience(providerName)}`;
  const tokenFile = TOKEN_FILES[agent.trust.kind as OidcIssuerKind];
  const lifetime = Math.min(agent.maxSessionDuration, GCP_TOKEN_LIFETIME_LIMIT);
  const credentialConfig = {
    universe_domain: "googleapis.com",
    type: "external_account",
    audience: gcpDefaultAudience(providerName),
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: "https://sts.googleapis.com/v1/token",
    credential_source: { file: tokenFile },
    service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${serviceAccountEmail}:generateAccessToken`,
    service_account_impersonation: { token_lifetime_seconds: lifetime },
  };
  const config = JSON.stringify(credentialConfig, null, 2);
  switch (agent.trust.kind) {
    case "github-actions":
      return {
        audience,
        credentialConfig,
        snippet: githubActionsLoginSnippet({
          uses: "google-github-actions/auth@v2",
          with: [
            ["workload_identity_provider", providerName],
            ["service_account", serviceAccountEmail],
            ["audience", agent.trust.audience],
          ],
          environment: agent.trust.subjectEnvironment,
        }),
      };
    case "gitlab-ci":
      return {
        audience,
        credentialConfig,
        snippet: gitlabIdTokenSnippet({
          variable: "GCP_ID_TOKEN",
          audience,
          script: [
            `echo "$GCP_ID_TOKEN" > "${tokenFile}"`,
            'echo "$GCP_CREDENTIAL_CONFIG" > "$CI_BUILDS_DIR/gcp-credentials.json"',
            'export GOOGLE_APPLICATION_CREDENTIALS="$CI_BUILDS_DIR/gcp-credentials.json"',
          ],
          trailer: [
            "# GCP_CREDENTIAL_CONFIG (a CI/CD variable; it holds no secret):",
            ...config.split("\n").map((line) => `#   ${line}`),
          ],
        }),
      };
    case "kubernetes":
      return {
        audience,
        credentialConfig,
        snippet: [
          "# In the pod spec: a projected service-account token for Google's audience,",
          "# and the credential configuration (it holds no secret) in a ConfigMap.",
          "volumes:",
          "  - name: gcp-token",
          "    projected:",
          "      sources:",
          "        - serviceAccountToken:",
          `            audience: ${audience}`,
          `            expirationSeconds: ${lifetime}`,
          "            path: token",
          "# mount it at /var/run/secrets/tokens/gcp and set",
          "#   GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp/credentials.json  with:",
          ...config.split("\n").map((line) => `#   ${line}`),
        ].join("\n"),
      };
    case "oidc":
      return {
        audience,
        credentialConfig,
        snippet: [
          `# Write the issuer's token (audience ${audience}) to ${tokenFile}, save this file and point GOOGLE_APPLICATION_CREDENTIALS at it:`,
          config,
        ].join("\n"),
      };
    default:
      throw new Error(`no GCP credential instructions for ${agent.trust.kind}`);
  }
}
