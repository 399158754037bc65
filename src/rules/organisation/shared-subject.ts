import { federatedTrustPinned } from "../federated-trust-pinned";
import type { AgentFacts, TrustedSubject } from "./facts";
import { type OrganisationFinding, type OrganisationRule, stackLabel } from "./rule";

/**
 * Reported under `federated-trust-pinned`: two agents that trust the same exact subject of the same
 * issuer are one identity in two names, since the CI job (or pod) whose token carries that subject
 * can become either; pinning each agent's own subject is what the policy asks for. Judged when the
 * agents sharing a subject are in two stacks or more (within one stack, on the stack's agents, it
 * is not this rule's). A subject whose issuer the stack does not say (a hand-written trust) matches
 * the same subject of any issuer. The audience is not compared: the job chooses the audience it
 * asks its token for.
 */

/** Agents a message names; the findings of a subject a thousand agents share stay readable. */
const LISTED = 5;
/** Agents a finding points at as related locations. */
const RELATED = 10;

interface Holder {
  readonly stack: number;
  readonly agent: AgentFacts;
  readonly trust: TrustedSubject;
}

const sameIssuer = (a: TrustedSubject, b: TrustedSubject) => !a.issuer || !b.issuer || a.issuer === b.issuer;

export function checkSharedSubjects(
  stacks: readonly { project: string; stack: string; agents: readonly AgentFacts[] }[],
): OrganisationFinding[] {
  const bySubject = new Map<string, Holder[]>();
  stacks.forEach((stack, index) => {
    for (const agent of stack.agents) {
      if (agent.disabled) continue;
      for (const trust of agent.subjects)
        bySubject.set(trust.subject, [...(bySubject.get(trust.subject) ?? []), { stack: index, agent, trust }]);
    }
  });
  const findings: OrganisationFinding[] = [];
  const reported = new Set<string>();
  for (const [subject, holders] of bySubject) {
    if (new Set(holders.map((holder) => holder.stack)).size < 2) continue;
    for (const holder of holders) {
      const others = holders.filter(
        (other) =>
          (other.stack !== holder.stack || other.agent.id !== holder.agent.id) && sameIssuer(holder.trust, other.trust),
      );
      if (!others.some((other) => other.stack !== holder.stack)) continue;
      const key = `${holder.stack}\u0000${holder.agent.urn}\u0000${subject}`;
      if (reported.has(key)) continue;
      reported.add(key);
      // Other stacks' agents first: they are what this rule is about.
      const shown = [
        ...others.filter((other) => other.stack !== holder.stack),
        ...others.filter((other) => other.stack === holder.stack),
      ];
      const names = shown.slice(0, LISTED).map((other) => `"${other.agent.id}" (${stackLabel(stacks[other.stack]!)})`);
      const otherStacks = new Set(others.filter((other) => other.stack !== holder.stack).map((other) => other.stack));
      findings.push({
        stack: holder.stack,
        urn: holder.agent.urn,
        related: shown.slice(0, RELATED).map((other) => ({ stack: other.stack, urn: other.agent.urn })),
        message: `agent "${holder.agent.id}" trusts the subject "${subject}"${holder.trust.issuer ? ` of ${holder.trust.issuer}` : ""}, which ${others.length === 1 ? "another agent trusts" : `${others.length} other agents trust`} too (in ${otherStacks.size === 1 ? "another stack" : `${otherStacks.size} other stacks`}): ${names.join(", ")}${shown.length > LISTED ? ` and ${shown.length - LISTED} more` : ""}; one job whose token carries it can become any of them, so none is an identity of its own: give each agent its own subject (its own GitHub environment, protected ref or service account)`,
      });
    }
  }
  return findings;
}

export const sharedSubject: OrganisationRule = {
  id: "shared-subject",
  policy: federatedTrustPinned.name,
  description:
    "Across stacks: blocks two agents in different stacks that trust the same exact subject of the same issuer, since the one CI job (or pod) whose token carries it can become either; each agent needs a subject of its own. Judged by agent-iam check DIR across every stack under DIR.",
  enforcementLevel: federatedTrustPinned.enforcementLevel,
  severity: federatedTrustPinned.severity,
  remediationSteps: federatedTrustPinned.remediationSteps,
  check: checkSharedSubjects,
};
