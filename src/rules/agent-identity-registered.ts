import { z } from "zod";
import type { StackRule } from "./support/rule";
import { describeIdentity, findAgentIdentities } from "./support/agents";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { forIdentity, stringList } from "./support/common";

/**
 * `agent-identity-registered`: a workload identity that trusts an OIDC issuer but was not declared
 * through `AgentIdentity` is a shadow identity: it has no inventory record, no enforced owner or
 * review date, no kill switch.
 */

export const registrationConfig = z
  .object({
    allowedUnregistered: stringList("allowedUnregistered").describe(
      "Names or URNs of identities accepted outside AgentIdentity (for example while migrating them)",
    ),
  })
  .strict();
export type RegistrationConfig = z.output<typeof registrationConfig>;

export function checkRegistration(
  resources: readonly PolicyResource[],
  config: RegistrationConfig,
  _context?: CheckContext,
): Finding[] {
  const allowed = new Set(config.allowedUnregistered);
  return findAgentIdentities(StackIndex.of(resources))
    .filter((agent) => !agent.registered && !allowed.has(agent.resource.name) && !allowed.has(agent.resource.urn))
    .flatMap((agent) =>
      forIdentity(agent, [
        {
          message: `${describeIdentity(agent)} is an agent identity (${agent.why}) that was not declared through AgentIdentity, so it is missing from the agent inventory and has no enforced owner, review date or kill switch; declare it with new AgentIdentity(...) from agent-iam's components, or list it in allowedUnregistered while you migrate it`,
        },
      ]),
    );
}

/** Shadow identities: federated workload identities not declared through AgentIdentity. */
export const agentIdentityRegistered: StackRule<typeof registrationConfig> = {
  name: "agent-identity-registered",
  description:
    "Reports workload identities that trust an OIDC issuer but were not declared through AgentIdentity: they are missing from the agent inventory and have no enforced owner, review date or kill switch.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Declare the identity with new AgentIdentity(...) from agent-iam's components, or list it in allowedUnregistered while migrating it.",
  config: registrationConfig,
  scope: "stack",
  check: checkRegistration,
};
