import { z } from "zod";
import type { StackRule } from "./support/rule";
import { delegationCycle, reachableAgents } from "../model/delegation";
import type { RiskTier } from "../model/risk/rules";
import type { FieldValue } from "./support/agents";
import {
  agentTier,
  agentUrn,
  delegationEdges,
  stackAgents,
  tierRank,
  type DelegationEdge,
  type StackAgent,
  type TierReading,
} from "./support/stack-agents";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";

/**
 * `delegation-within-approval`: delegation must not let an agent reach more than was approved for
 * it. An agent that may act (directly or through a chain) as an agent of a higher risk tier than
 * its own needs an approval of its own (`approval` on its AgentIdentity, or the `approval`
 * tag or description field), since the owner approved the lower tier; and no chain may come back to where it started
 * (a cycle). Edges come from `delegatesTo` and from the stack itself: AWS trusts that let another
 * agent's role assume a role, GCP token-creator grants of one agent's account on another's.
 */

export const delegationConfig = z.object({}).strict();
export type DelegationConfig = z.output<typeof delegationConfig>;

/** The approval an agent carries: its model's, else an identity's approval tag or description field. */
export function approvalOf(agent: StackAgent): FieldValue {
  const declared = agent.model ? agent.model.approval : agent.record ? agent.record.approval : undefined;
  if (declared !== undefined) return declared ? { state: "value", value: declared } : { state: "missing" };
  return (
    agent.identities.map((identity) => identity.metadata.approval).find((field) => field.state !== "missing") ?? {
      state: "missing",
    }
  );
}

function chainWords(chain: readonly string[]): string {
  return chain.join(" → ");
}

export function checkDelegation(
  resources: readonly PolicyResource[],
  _config: DelegationConfig,
  context: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  const agents = stackAgents(index);
  const edges = delegationEdges(agents, index);
  if (edges.length === 0) return [];
  const byId = new Map(agents.map((agent) => [agent.id, agent]));
  const graph = new Map<string, string[]>();
  for (const edge of edges) graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
  const via = new Map<string, DelegationEdge>(edges.map((edge) => [`${edge.from}→${edge.to}`, edge]));
  const tiers = new Map<string, TierReading>();
  const tierOf = (id: string): TierReading | undefined => {
    const agent = byId.get(id);
    if (!agent) return undefined;
    if (!tiers.has(id)) tiers.set(id, agentTier(agent, index, context.today));
    return tiers.get(id);
  };

  const findings: Finding[] = [];
  const reportedCycles = new Set<string>();
  for (const agent of agents) {
    const urn = agentUrn(agent);
    if (!graph.has(agent.id)) continue;
    const cycle = delegationCycle(graph, agent.id);
    if (cycle) {
      const key = [...new Set(cycle)].sort().join(",");
      if (!reportedCycles.has(key)) {
        reportedCycles.add(key);
        const how = cycle
          .slice(1)
          .map((to, index) => via.get(`${cycle[index]}→${to}`)?.via)
          .filter(Boolean);
        findings.push({
          urn,
          message: `delegation cycle ${chainWords(cycle)} (${how.join("; ")}): an agent may end up acting as itself with every grant on the way; remove one of these delegations`,
        });
      }
    }
    const own = tierOf(agent.id)!;
    const reach = reachableAgents(graph, agent.id);
    const approval = approvalOf(agent);
    for (const [target, chain] of reach) {
      const theirs = tierOf(target);
      if (!theirs) {
        findings.push({
          urn,
          level: "advisory",
          message: `agent "${agent.id}" may act as "${target}" (${chainWords(chain)}), which is not in this stack: its risk cannot be judged here; make sure its tier was approved for ${agent.id}`,
        });
        continue;
      }
      if (own.tier === "unknown" || theirs.tier === "unknown") {
        if (approval.state !== "value")
          findings.push({
            urn,
            level: "advisory",
            message: `agent "${agent.id}" may act as "${target}" (${chainWords(chain)}); their risk tiers are not known until apply, so whether that reaches beyond what was approved waits for apply`,
          });
        continue;
      }
      if (tierRank(theirs.tier) <= tierRank(own.tier)) continue;
      if (approval.state === "value") continue;
      if (approval.state === "unknown") {
        findings.push({
          urn,
          level: "advisory",
          message: `agent "${agent.id}" may act as the ${theirs.tier}-risk "${target}"; whether it has an approval is not known until apply`,
        });
        continue;
      }
      findings.push({
        urn,
        message: `agent "${agent.id}" is ${own.tier} risk but may act as "${target}", which is ${theirs.tier} risk (${theirs.reasons.join("; ")}), through ${chainWords(chain)}: delegation would give it more than its owner approved; record the security team's approval for ${tierWords(theirs.tier)} access as the approval of "${agent.id}", or remove the delegation`,
      });
    }
  }
  return findings;
}

function tierWords(tier: RiskTier): string {
  return `${tier}-risk`;
}

/** Delegation never reaches a riskier agent without an approval, and never loops. */
export const delegationWithinApproval: StackRule<typeof delegationConfig> = {
  name: "delegation-within-approval",
  description:
    "Blocks delegation chains that let an agent act as an agent of a higher risk tier than its own when it has no approval (a low-risk agent delegating to a critical one), and delegation cycles; reads delegatesTo, AWS trusts between agent roles and GCP token-creator grants between agent accounts.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Record the security team's approval as the delegating agent's approval, or remove the delegation; break cycles by removing one delegation.",
  config: delegationConfig,
  scope: "stack",
  check: checkDelegation,
};
