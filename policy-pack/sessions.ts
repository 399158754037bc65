import { checkSessions, sessionsConfig } from "../src/rules/sessions";
import { resourcePolicy } from "./support";

/** Agent sessions are short. */
export const shortLivedCredentials = resourcePolicy(
  {
    name: "short-lived-credentials",
    description: "Blocks agent IAM roles whose maxSessionDuration exceeds the configured maximum (default 3,600 seconds): a leaked session credential must die quickly.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set maxSessionDuration to the maximum or less (AgentIdentity: maxSessionDuration); agents refresh credentials per run.",
    config: sessionsConfig,
  },
  checkSessions,
);
