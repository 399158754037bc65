import { listed } from "../support/common";
import type { AgentFacts, StackFacts } from "./facts";
import { type OrganisationFinding, type OrganisationRule, stackLabel } from "./rule";

/**
 * `agent-name-unique`: an agent's name (its id: the `AgentIdentity` name, in every tag, role
 * session name and audit record) is declared in one stack per environment. Two stacks of one
 * environment that declare the same name make two identities that audit records, budgets and the
 * inventory cannot tell apart, and whose cloud names (the AWS role, the GCP service account id)
 * collide when they share an account or project. The environment is the agent's own, else its
 * stack's; an agent with neither is not judged.
 */

function environmentOf(agent: AgentFacts, stack: StackFacts): string | undefined {
  return agent.environment ?? stack.environment;
}

export function checkAgentNameUnique(stacks: readonly StackFacts[]): OrganisationFinding[] {
  const byName = new Map<string, { stack: number; agent: AgentFacts }[]>();
  stacks.forEach((stack, index) => {
    for (const agent of stack.agents) {
      const environment = environmentOf(agent, stack);
      if (!environment) continue;
      const key = `${environment}\u0000${agent.id}`;
      byName.set(key, [...(byName.get(key) ?? []), { stack: index, agent }]);
    }
  });
  const findings: OrganisationFinding[] = [];
  for (const [key, declared] of byName) {
    if (new Set(declared.map((entry) => entry.stack)).size < 2) continue;
    const environment = key.split("\u0000")[0]!;
    for (const entry of declared) {
      const others = declared.filter((other) => other.stack !== entry.stack);
      findings.push({
        stack: entry.stack,
        urn: entry.agent.urn,
        related: others.map((other) => ({ stack: other.stack, urn: other.agent.urn })),
        message: `agent "${entry.agent.id}" (${environment}) is also declared in ${listed(others.map((other) => stackLabel(stacks[other.stack]!)))}: two ${environment} identities with one name, which audit records, budgets and the inventory cannot tell apart (and whose cloud names collide in a shared account or project); rename one, or declare the agent in one stack only`,
      });
    }
  }
  return findings;
}

export const agentNameUnique: OrganisationRule = {
  id: "agent-name-unique",
  policy: "agent-name-unique",
  description:
    "Blocks the same agent name declared in two stacks of the same environment (the agent's environment, else the stack's): one name, two identities that audit records, budgets and the inventory cannot tell apart. Judged by agent-iam check DIR across every stack under DIR; a pack in pulumi preview sees one stack and cannot.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Give each agent a name of its own in each environment (rename one of the two), or declare it in one stack only.",
  check: checkAgentNameUnique,
};
