import { checkStaticCredentials, staticCredentialsConfig } from "../src/rules/static-credentials";
import { resourcePolicy } from "./support";

/** Agents authenticate with short-lived federated tokens; any long-lived secret is blocked. */
export const noStaticCredentials = resourcePolicy(
  {
    name: "no-static-credentials",
    description:
      "Blocks long-lived secrets for agents: AWS access keys, GCP service-account keys, Entra ID application and service-principal passwords or certificates, IAM users made for machines, and literal secrets in any resource input (AWS access key ids, private keys, GCP key files, GitHub, GitLab and Slack tokens). A static secret outlives every session and cannot be tied to one run.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Remove the key, password or literal secret and revoke it; give the agent an OIDC-federated identity (AgentIdentity) and let it fetch any other secret at run time from a secret manager.",
    config: staticCredentialsConfig,
  },
  checkStaticCredentials,
);
