import { checkRegistration, registrationConfig } from "../src/rules/registration";
import { stackPolicy } from "./support";

/** Shadow identities: federated workload identities not declared through AgentIdentity. */
export const agentIdentityRegistered = stackPolicy(
  {
    name: "agent-identity-registered",
    description:
      "Reports workload identities that trust an OIDC issuer but were not declared through AgentIdentity: they are missing from the agent inventory and have no enforced owner, review date or kill switch.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Declare the identity with new AgentIdentity(...) from agent-iam's components, or list it in allowedUnregistered while migrating it.",
    config: registrationConfig,
  },
  checkRegistration,
);
