import type { Agent, AgentBudget } from "../../model/agent";
import { budgetThresholds } from "../../model/budget";
import { TAG_KEYS } from "../../model/tags";

/**
 * The Azure side of an agent's cost cap: a subscription consumption budget filtered on the agent's
 * tag (`agent-iam:agent`), notifications at 80 %, 100 % and `stopAt` to the people in `notify` and
 * to an action group (Azure Cost Management docs, "Tutorial: Create and manage budgets"; a budget
 * holds at most five notifications). Azure budgets count in the billing account's currency, so
 * `currency` is not sent. Nothing on Azure stops an identity by itself: the action group is where a
 * stop (a runbook or function that deletes the agent's federated credentials) would be attached.
 */

/** Action group short names hold at most 12 characters (Azure Monitor REST API, ActionGroup). */
export const AZURE_ACTION_GROUP_SHORT_NAME = 12;

/** The first day of the month of `today`, as a consumption budget's start date must be. */
export function firstOfMonth(today: string): string {
  return `${today.slice(0, 7)}-01`;
}

/** The budget's notifications, keyed as the API takes them. */
export function azureBudgetNotifications(budget: AgentBudget): Record<
  string,
  {
    enabled: true;
    operator: "GreaterThanOrEqualTo";
    threshold: number;
    thresholdType: "Actual";
    contactEmails: string[];
  }
> {
  return Object.fromEntries(
    budgetThresholds(budget).map((threshold) => [
      `actual-${threshold}-percent`,
      {
        enabled: true,
        operator: "GreaterThanOrEqualTo",
        threshold,
        thresholdType: "Actual",
        contactEmails: [...budget.notify],
      },
    ]),
  );
}

/** The budget's tag filter: cost of resources tagged with the agent's id. */
export function azureBudgetFilter(agent: Pick<Agent, "id">) {
  return { tags: { name: TAG_KEYS.agent, operator: "In", values: [agent.id] } };
}

/** A 1–12 character short name for the agent's action group. */
export function azureActionGroupShortName(agent: Pick<Agent, "id">): string {
  return agent.id.replace(/-/g, "").slice(0, AZURE_ACTION_GROUP_SHORT_NAME);
}
