import type { EnforcementLevel, Severity } from "../support/rule";
import type { StackFacts } from "./facts";

/**
 * A rule of the organisation check (`agent-iam check DIR`): it judges every stack at once, which no
 * stack policy can (a pack sees one stack in `pulumi preview`). Each reports under a policy name
 * (an existing policy of the pack where one fits), whose level and config apply to its findings.
 */

/** An agent of one of the stacks judged, by the stack's index in the list and the agent's URN. */
export interface StackAgentRef {
  readonly stack: number;
  readonly urn: string;
}

/** What an organisation rule reports: on one agent of one stack, naming the others involved. */
export interface OrganisationFinding extends StackAgentRef {
  readonly message: string;
  /** `advisory` when the decision waits for apply (or for a stack that was not checked); absent: the policy's level. */
  readonly level?: "advisory";
  /** The agents of other stacks (or the same one) the finding is about. */
  readonly related: readonly StackAgentRef[];
}

export interface OrganisationRule {
  /** A name of its own (`shared-subject`), for documentation and tests. */
  readonly id: string;
  /** The policy it reports under: its level (and the config's entry for it) apply. */
  readonly policy: string;
  /** What it blocks across stacks, as reports show it beside its findings. */
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly check: (stacks: readonly StackFacts[]) => OrganisationFinding[];
}

/** `project/stack`, as messages name a stack. */
export function stackLabel(stack: Pick<StackFacts, "project" | "stack">): string {
  return `${stack.project}/${stack.stack}`;
}
