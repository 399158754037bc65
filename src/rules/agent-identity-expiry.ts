import { z } from "zod";
import type { StackRule } from "./support/rule";
import { daysBetween, isIsoDate } from "../model/dates";
import { describeIdentity, findAgentIdentities } from "./support/agents";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { forIdentity } from "./support/common";

/**
 * `agent-identity-expiry`: every agent is reviewed on a date within the configured horizon
 * (default 90 days), and an agent past its date is not deployed as if nothing happened.
 */

export const expiryConfig = z
  .object({
    maxExpiryDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe("How far ahead an agent's review date (expires) may lie, in days"),
  })
  .strict();
export type ExpiryConfig = z.output<typeof expiryConfig>;

export function checkExpiry(
  resources: readonly PolicyResource[],
  config: ExpiryConfig,
  context: CheckContext,
): Finding[] {
  return findAgentIdentities(StackIndex.of(resources)).flatMap((agent) => {
    const name = describeIdentity(agent);
    const expires = agent.metadata.expires;
    if (expires.state === "unknown")
      return forIdentity(agent, [{ level: "advisory", message: `${name}: its review date is not known until apply` }]);
    if (expires.state === "missing") return [];
    const date = expires.value;
    if (!isIsoDate(date))
      return forIdentity(agent, [
        { message: `${name}: expires "${date}" is not a date; write the review date as YYYY-MM-DD` },
      ]);
    const ahead = daysBetween(context.today, date);
    if (ahead < 0)
      return forIdentity(agent, [
        {
          message: `${name} expired on ${date} (today is ${context.today}); review the agent, then move expires forward (at most ${config.maxExpiryDays} days) or remove it`,
        },
      ]);
    if (ahead > config.maxExpiryDays)
      return forIdentity(agent, [
        {
          message: `${name} expires on ${date}, ${ahead} days ahead, beyond the ${config.maxExpiryDays}-day review horizon; set expires on or before ${addDays(context.today, config.maxExpiryDays)}`,
        },
      ]);
    return [];
  });
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every agent is reviewed within the horizon and never deployed past its review date. */
export const agentIdentityExpiry: StackRule<typeof expiryConfig> = {
  name: "agent-identity-expiry",
  description:
    "Blocks agents whose review date (expires) has passed or lies further ahead than the configured maximum (default 90 days).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Review the agent and set expires within the horizon, or remove it.",
  config: expiryConfig,
  scope: "stack",
  check: checkExpiry,
};
