import { delegationCycle, reachableAgents } from "../../model/delegation";
import { delegationWithinApproval } from "../delegation-within-approval";
import { environmentIsolation } from "../environment-isolation";
import { tierRank } from "../support/stack-agents";
import type { AgentFacts, StackFacts } from "./facts";
import { type OrganisationFinding, type OrganisationRule, type StackAgentRef, stackLabel } from "./rule";

/**
 * Delegation between agents of different stacks. A stack policy sees one stack: a delegation to
 * an agent it does not hold is an advisory there ("its risk cannot be judged here"), and a role
 * trust or token-creator grant naming another stack's agent is no delegation it can see. The
 * organisation check resolves them across every stack (`delegatesTo` by agent id, preferring the
 * delegating agent's environment; trusts and grants by the AWS role name or GCP service account
 * email another stack's agent has) and judges what the stack policies would have judged had both
 * agents been in one stack:
 * - under `delegation-within-approval`: a chain that crosses stacks and reaches an agent of a
 *   higher risk tier without an approval, a cycle through two stacks or more, and a `delegatesTo`
 *   naming an agent no stack declares;
 * - under `environment-isolation`: a delegation from an agent of one environment to an agent of
 *   another (a dev agent that may act as a prod one).
 * Chains inside one stack are the stack policy's and are not reported again.
 */

interface Node {
  readonly stack: number;
  readonly agent: AgentFacts;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly via: string;
  /** The node whose stack declares the delegation (the delegating agent's `delegatesTo`, or the target's trust). */
  readonly declaredBy: string;
}

/** The organisation's delegation graph: every agent by `stack:id`, and who may act as whom. */
export interface OrganisationGraph {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly edges: readonly Edge[];
  /** `delegatesTo` entries that name an agent no stack declares. */
  readonly unresolved: readonly { readonly from: string; readonly target: string; readonly via: string }[];
}

const nodeKey = (stack: number, id: string) => `${stack}:${id}`;

function environmentOf(node: Node, stacks: readonly StackFacts[]): string | undefined {
  return node.agent.environment ?? stacks[node.stack]!.environment;
}

/** Builds the graph of every stack's agents, with the delegations each stack declares resolved across stacks. */
export function organisationGraph(stacks: readonly StackFacts[]): OrganisationGraph {
  const nodes = new Map<string, Node>();
  const byId = new Map<string, string[]>();
  const byKey = new Map<string, string[]>();
  stacks.forEach((stack, index) => {
    for (const agent of stack.agents) {
      const key = nodeKey(index, agent.id);
      nodes.set(key, { stack: index, agent });
      byId.set(agent.id, [...(byId.get(agent.id) ?? []), key]);
      for (const ref of agent.keys) byKey.set(ref, [...(byKey.get(ref) ?? []), key]);
    }
  });
  const edges: Edge[] = [];
  const unresolved: { from: string; target: string; via: string }[] = [];
  for (const [key, node] of nodes) {
    for (const target of node.agent.delegatesTo) {
      const to = nodeKey(node.stack, target);
      if (nodes.has(to)) edges.push({ from: key, to, via: `delegatesTo of ${node.agent.id}`, declaredBy: key });
    }
    for (const outside of node.agent.outside) {
      if (outside.direction === "acts-as") {
        const candidates = (byId.get(outside.ref) ?? []).filter(
          (candidate) => nodes.get(candidate)!.stack !== node.stack,
        );
        const environment = environmentOf(node, stacks);
        const sameEnvironment = candidates.filter(
          (candidate) => environment !== undefined && environmentOf(nodes.get(candidate)!, stacks) === environment,
        );
        const targets = sameEnvironment.length > 0 ? sameEnvironment : candidates;
        if (targets.length === 0) unresolved.push({ from: key, target: outside.ref, via: outside.via });
        for (const to of targets) edges.push({ from: key, to, via: outside.via, declaredBy: key });
      } else
        for (const from of byKey.get(outside.ref) ?? [])
          if (nodes.get(from)!.stack !== node.stack) edges.push({ from, to: key, via: outside.via, declaredBy: key });
    }
  }
  return { nodes, edges, unresolved };
}

function label(node: Node, stacks: readonly StackFacts[]): string {
  return `"${node.agent.id}" (${stackLabel(stacks[node.stack]!)})`;
}

const ref = (node: Node): StackAgentRef => ({ stack: node.stack, urn: node.agent.urn });

/** Chains that cross stacks: tiers and approvals, cycles, and `delegatesTo` naming no agent anywhere. */
export function checkDelegationAcrossStacks(stacks: readonly StackFacts[]): OrganisationFinding[] {
  const { nodes, edges, unresolved } = organisationGraph(stacks);
  const findings: OrganisationFinding[] = [];
  for (const { from, target, via } of unresolved) {
    const node = nodes.get(from)!;
    findings.push({
      ...ref(node),
      related: [],
      level: "advisory",
      message: `agent ${label(node, stacks)} may act as "${target}" (${via}), which no stack that was checked declares: its risk cannot be judged; check the stack that declares it together with this one`,
    });
  }
  const crossing = edges.filter((edge) => nodes.get(edge.from)!.stack !== nodes.get(edge.to)!.stack);
  if (crossing.length === 0) return findings;
  const graph = new Map<string, string[]>();
  for (const edge of edges) graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
  const via = new Map(edges.map((edge) => [`${edge.from}→${edge.to}`, edge.via]));
  const crosses = (chain: readonly string[]) =>
    chain.slice(1).some((key, index) => nodes.get(key)!.stack !== nodes.get(chain[index]!)!.stack);
  const words = (chain: readonly string[]) => chain.map((key) => label(nodes.get(key)!, stacks)).join(" → ");
  const how = (chain: readonly string[]) =>
    chain
      .slice(1)
      .map((key, index) => via.get(`${chain[index]}→${key}`))
      .filter(Boolean)
      .join("; ");

  // Only agents from which a crossing edge can be reached can start a chain that crosses stacks.
  const sources = new Set<string>();
  const reverse = new Map<string, string[]>();
  for (const edge of edges) reverse.set(edge.to, [...(reverse.get(edge.to) ?? []), edge.from]);
  const pending = crossing.map((edge) => edge.from);
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (sources.has(key)) continue;
    sources.add(key);
    pending.push(...(reverse.get(key) ?? []));
  }

  const reportedCycles = new Set<string>();
  for (const key of [...sources].sort()) {
    const node = nodes.get(key)!;
    const cycle = delegationCycle(graph, key);
    if (cycle && crosses(cycle)) {
      const id = [...new Set(cycle)].sort().join(",");
      if (!reportedCycles.has(id)) {
        reportedCycles.add(id);
        findings.push({
          ...ref(node),
          related: [...new Set(cycle.slice(1, -1))].map((other) => ref(nodes.get(other)!)),
          message: `delegation cycle across stacks ${words(cycle)} (${how(cycle)}): an agent may end up acting as itself with every grant on the way; remove one of these delegations`,
        });
      }
    }
    const approval = node.agent.approval;
    for (const [target, chain] of reachableAgents(graph, key)) {
      if (!crosses(chain)) continue;
      const theirs = nodes.get(target)!;
      const relation = `agent ${label(node, stacks)} may act as ${label(theirs, stacks)}${chain.length > 2 ? ` through ${words(chain)}` : ""} (${how(chain)})`;
      if (node.agent.tier === "unknown" || theirs.agent.tier === "unknown") {
        if (approval !== "value")
          findings.push({
            ...ref(node),
            related: [ref(theirs)],
            level: "advisory",
            message: `${relation}; their risk tiers are not known until apply, so whether that reaches beyond what was approved waits for apply`,
          });
        continue;
      }
      if (tierRank(theirs.agent.tier) <= tierRank(node.agent.tier) || approval === "value") continue;
      if (approval === "unknown") {
        findings.push({
          ...ref(node),
          related: [ref(theirs)],
          level: "advisory",
          message: `${relation}, which is ${theirs.agent.tier} risk; whether "${node.agent.id}" has an approval is not known until apply`,
        });
        continue;
      }
      findings.push({
        ...ref(node),
        related: [ref(theirs)],
        message: `${relation}: "${node.agent.id}" is ${node.agent.tier} risk and "${theirs.agent.id}" is ${theirs.agent.tier} risk (${theirs.agent.tierReasons.join("; ")}), so delegation would give it more than its owner approved; record the security team's approval for ${theirs.agent.tier}-risk access as the approval of "${node.agent.id}", or remove the delegation`,
      });
    }
  }
  return findings;
}

/** A delegation from an agent of one environment to an agent of another, reported in the stack that declares it. */
export function checkEnvironmentAcrossStacks(stacks: readonly StackFacts[]): OrganisationFinding[] {
  const { nodes, edges } = organisationGraph(stacks);
  const findings: OrganisationFinding[] = [];
  for (const edge of edges) {
    const from = nodes.get(edge.from)!;
    const to = nodes.get(edge.to)!;
    if (from.stack === to.stack) continue;
    const fromEnvironment = environmentOf(from, stacks);
    const toEnvironment = environmentOf(to, stacks);
    if (!fromEnvironment || !toEnvironment || fromEnvironment === toEnvironment) continue;
    const declaredBy = nodes.get(edge.declaredBy)!;
    const other = declaredBy === from ? to : from;
    findings.push({
      ...ref(declaredBy),
      related: [ref(other)],
      message: `the ${fromEnvironment} agent ${label(from, stacks)} may act as the ${toEnvironment} agent ${label(to, stacks)} (${edge.via}): a ${fromEnvironment} workload reaches ${toEnvironment}; delegate only to agents of the same environment`,
    });
  }
  return findings;
}

export const delegationAcrossStacks: OrganisationRule = {
  id: "delegation-across-stacks",
  policy: delegationWithinApproval.name,
  description:
    "Across stacks: blocks delegation chains that cross stacks and let an agent act as a riskier agent without an approval, and delegation cycles through several stacks; reports a delegatesTo naming an agent no checked stack declares. Judged by agent-iam check DIR across every stack under DIR.",
  enforcementLevel: delegationWithinApproval.enforcementLevel,
  severity: delegationWithinApproval.severity,
  remediationSteps: delegationWithinApproval.remediationSteps,
  check: checkDelegationAcrossStacks,
};

export const environmentAcrossStacks: OrganisationRule = {
  id: "environment-across-stacks",
  policy: environmentIsolation.name,
  description:
    "Across stacks: blocks a delegation from an agent of one environment to an agent of another (a dev agent that may act as a prod one), declared in different stacks. Judged by agent-iam check DIR across every stack under DIR.",
  enforcementLevel: environmentIsolation.enforcementLevel,
  severity: environmentIsolation.severity,
  remediationSteps: environmentIsolation.remediationSteps,
  check: checkEnvironmentAcrossStacks,
};
