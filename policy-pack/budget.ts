import { budgetConfig, checkBudget } from "../src/rules/budget";
import { stackPolicy } from "./support";

/** Every agent's spend is capped, and on AWS the cap stops it; mandatory from a configured risk tier up. */
export const agentHasBudget = stackPolicy(
  {
    name: "agent-has-budget",
    description:
      "Reports agents with no monthly budget on a cloud they are on (counted on the agent-iam:agent tag or the agent-iam-agent label), and AWS budgets without the budget action that stops the agent. Advisory, except for agents at or above mandatoryFromTier (default high), where it blocks.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Give the agent budget: { monthly, notify, stopAt } in its AgentIdentity, or a budget on each of its clouds filtered on its tag or label (on AWS with an APPLY_IAM_POLICY budget action on its role).",
    config: budgetConfig,
  },
  checkBudget,
);
