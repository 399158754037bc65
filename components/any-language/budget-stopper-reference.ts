import type * as pulumi from "@pulumi/pulumi";
import type { Agent } from "../../src/model/agent";
import { AgentSpecError, type SpecProblem } from "../../src/model/agent-spec";
import type { GcpBudgetStopperReference } from "../../src/model/serialisable-spec";
import type { GcpStopper } from "../gcp/agent-budget";
import { protectAgent } from "../gcp/budget-stopper";

const FIELDS = ["name", "project", "region", "topicId", "serviceAccountEmail", "roleName"] as const;

/**
 * A `GcpBudgetStopper` as a program in another language hands it to an agent, its `reference`: the
 * grant that lets it disable the agent is made as the stopper's own `protect` makes it, under the
 * agent's component (`parent()`, known once the component is registered).
 */
export function stopperFromReference(agentName: string, reference: unknown, parent: () => pulumi.Resource): GcpStopper {
  const given = (typeof reference === "object" && reference !== null ? reference : {}) as Record<string, unknown>;
  const problems: SpecProblem[] = FIELDS.filter((field) => given[field] === undefined || given[field] === "").map(
    (field) => ({
      path: `gcp.budgetStopper.${field}`,
      message: "gcp.budgetStopper is a GcpBudgetStopper's reference output: pass the stopper's reference as it is",
    }),
  );
  if (problems.length > 0) throw new AgentSpecError(agentName, problems);
  const stopper = given as unknown as GcpBudgetStopperReference;
  const protectedAgents = new Set<string>();
  return {
    topicId: stopper.topicId,
    protect(agent: Agent, serviceAccountName: pulumi.Input<string>) {
      if (protectedAgents.has(agent.id)) return undefined;
      protectedAgents.add(agent.id);
      return protectAgent(stopper, agent, serviceAccountName, { parent: parent() });
    },
  };
}
