import { agentNameUnique } from "./agent-name-unique";
import { delegationAcrossStacks, environmentAcrossStacks } from "./delegation-across-stacks";
import { sharedSubject } from "./shared-subject";
import type { OrganisationRule } from "./rule";

/**
 * The organisation check's rules: what `agent-iam check DIR` judges across every stack under DIR,
 * after each stack's packs have judged it alone. Each reports under a policy name; the policies
 * that are not the pack's own (`agent-name-unique`) exist only here.
 */
export const ORGANISATION_RULES: readonly OrganisationRule[] = [
  agentNameUnique,
  sharedSubject,
  delegationAcrossStacks,
  environmentAcrossStacks,
];

/** Policy names only the organisation check reports (the pack does not serve them). */
export const ORGANISATION_ONLY_POLICIES: readonly string[] = [agentNameUnique.policy];

export { readStackFacts, type AgentFacts, type StackFacts, type TrustedSubject } from "./facts";
export { stackLabel, type OrganisationFinding, type OrganisationRule, type StackAgentRef } from "./rule";
