import { checkExpiry, expiryConfig } from "../src/rules/expiry";
import { stackPolicy } from "./support";

/** Every agent is reviewed within the horizon and never deployed past its review date. */
export const agentIdentityExpiry = stackPolicy(
  {
    name: "agent-identity-expiry",
    description: "Blocks agents whose review date (expires) has passed or lies further ahead than the configured maximum (default 90 days).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Review the agent and set expires within the horizon, or remove it.",
    config: expiryConfig,
  },
  checkExpiry,
);
