import { z } from "zod";
import type { ResourceRule } from "./support/rule";
import { SESSION_LIMITS } from "../model/cloud-limits";
import { AWS_ROLE_TYPE, awsRoleAgentStatus } from "./support/agents";
import type { CheckContext, Finding, PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity } from "./support/common";

/**
 * `short-lived-credentials`: an agent's AWS session lasts at most the configured maximum (default
 * one hour), so a leaked session credential dies quickly. `MaxSessionDuration` absent means AWS's
 * default of 3,600 s (IAM CreateRole).
 */

export const sessionsConfig = z
  .object({
    maxSessionSeconds: z
      .number()
      .int()
      .min(SESSION_LIMITS.minimum, { message: `at least ${SESSION_LIMITS.minimum} seconds (AWS minimum)` })
      .max(SESSION_LIMITS.maximum, { message: `at most ${SESSION_LIMITS.maximum} seconds (AWS maximum)` })
      .default(SESSION_LIMITS.maximumShort)
      .describe("Longest session an agent role may allow, in seconds"),
  })
  .strict();
export type SessionsConfig = z.output<typeof sessionsConfig>;

export function checkSessions(resource: PolicyResource, config: SessionsConfig, _context?: CheckContext): Finding[] {
  if (resource.type !== AWS_ROLE_TYPE) return [];
  const status = awsRoleAgentStatus(resource);
  if (status.agent === false) return [];
  const identity = { resource, certain: status.agent === true, why: status.why };
  const value = resource.props.maxSessionDuration;
  if (isUnknown(value))
    return forIdentity(identity, [
      { level: "advisory", message: `role "${resource.name}": maxSessionDuration is not known until apply` },
    ]);
  const seconds = typeof value === "number" ? value : SESSION_LIMITS.default;
  if (seconds <= config.maxSessionSeconds) return [];
  return forIdentity(identity, [
    {
      message: `agent role "${resource.name}" allows sessions of ${seconds} s, more than the ${config.maxSessionSeconds} s maximum; set maxSessionDuration to ${config.maxSessionSeconds} or less (AgentIdentity: maxSessionDuration)`,
    },
  ]);
}

/** Agent sessions are short. */
export const shortLivedCredentials: ResourceRule<typeof sessionsConfig> = {
  name: "short-lived-credentials",
  description:
    "Blocks agent IAM roles whose maxSessionDuration exceeds the configured maximum (default 3,600 seconds): a leaked session credential must die quickly.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set maxSessionDuration to the maximum or less (AgentIdentity: maxSessionDuration); agents refresh credentials per run.",
  config: sessionsConfig,
  scope: "resource",
  check: checkSessions,
};
