import type { Agent, AgentBudget } from "../../model/agent";
import { BUDGET_NOTIFY_AT } from "../../model/budget";
import { TAG_KEYS } from "../../model/tags";

/**
 * The AWS Budgets side of an agent's cost cap: a monthly cost budget filtered on the agent's
 * cost-allocation tag, email notifications at 80 % and 100 %, and the budget action that attaches
 * the deny-all policy of `budget-stop.ts` at `stopAt` (AWS Cost Management User Guide, "Managing
 * your costs with AWS Budgets" and "Configuring a budget action"). The tag `agent-iam:agent` must be
 * activated as a user-defined cost allocation tag in the Billing console; the budget counts the
 * resources that carry it.
 */

/** The value of a `TagKeyValue` cost filter for a user-defined tag: `user:KEY$VALUE` (Budgets API, CostFilters). */
export function awsCostFilterValue(agentId: string): string {
  return `user:${TAG_KEYS.agent}$${agentId}`;
}

/** The agent id an AWS `TagKeyValue` filter value names, if it is the agent tag's. */
export function agentIdOfCostFilter(value: string): string | undefined {
  const prefix = `user:${TAG_KEYS.agent}$`;
  return value.startsWith(prefix) && value.length > prefix.length ? value.slice(prefix.length) : undefined;
}

/** Budget names are unique in an account, at most 100 characters. */
export function awsBudgetName(roleName: string): string {
  return `agent-iam-${roleName.replace(/^agent-/, "")}`.slice(0, 100);
}

/** The inputs of the agent's `aws.budgets.Budget`, besides its name and tags. */
export function awsBudgetInputs(agent: Pick<Agent, "id">, budget: AgentBudget) {
  return {
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: budget.monthly.toFixed(2),
    limitUnit: budget.currency,
    costFilters: [{ name: "TagKeyValue", values: [awsCostFilterValue(agent.id)] }],
    notifications: BUDGET_NOTIFY_AT.map((threshold) => ({
      comparisonOperator: "GREATER_THAN",
      threshold,
      thresholdType: "PERCENTAGE",
      notificationType: "ACTUAL",
      subscriberEmailAddresses: [...budget.notify],
    })),
  };
}

/** The inputs of the budget action that stops the agent, besides its budget, policy and roles. */
export function awsBudgetActionInputs(budget: AgentBudget) {
  return {
    actionType: "APPLY_IAM_POLICY",
    approvalModel: "AUTOMATIC",
    notificationType: "ACTUAL",
    actionThreshold: { actionThresholdType: "PERCENTAGE", actionThresholdValue: budget.stopAt },
    subscribers: budget.notify.map((address) => ({ address, subscriptionType: "EMAIL" })),
  };
}

/** Managed policy slots the budget takes on the agent's role: the stop policy, attached when the budget is spent. */
export function awsBudgetPolicySlots(agent: Pick<Agent, "budget">): number {
  return agent.budget ? 1 : 0;
}
