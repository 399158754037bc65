import { checkOwnership, ownershipConfig } from "../src/rules/ownership";
import { stackPolicy } from "./support";

/** Every agent identity names an accountable person, its purpose, environment and review date. */
export const agentMustHaveOwner = stackPolicy(
  {
    name: "agent-must-have-owner",
    description:
      "Blocks agent identities (AgentIdentity, or any IAM role, GCP service account or Azure managed identity that trusts an OIDC issuer) without owner, purpose, environment and expires; an owner that is not a person's email in the allowed domains; an owner who has left.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Declare the agent with AgentIdentity, or tag the identity with owner (a person's email), purpose, environment and expires (YYYY-MM-DD); for a GCP service account write them in its description. Hand agents of departed owners to a current owner.",
    config: ownershipConfig,
  },
  checkOwnership,
);
