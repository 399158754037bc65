import type { Agent, AgentBudget } from "../../model/agent";
import { budgetThresholds } from "../../model/budget";
import { gcpLabelValue } from "../../model/tags";

/**
 * The Cloud Billing side of an agent's cost cap: a budget on the billing account filtered on the
 * agent's label (`agent-iam-agent`), with threshold rules at 80 %, 100 % and `stopAt`, email
 * notification channels, and every update published to a Pub/Sub topic (Cloud Billing docs,
 * "Set up programmatic notifications"). Google does not stop anything by itself: the optional
 * `GcpBudgetStopper` subscribes and disables the agent's service account at `stopAt`.
 */

/** The label key the budget filters on (labels allow no `:`; see `agentLabels`). */
export const GCP_BUDGET_LABEL = "agent-iam-agent";

/**
 * The budget's display name, which the stopper reads: `agent-iam ACCOUNT_ID stop N%`. Display names
 * hold at most 60 characters; an account id at most 30.
 */
export function gcpBudgetDisplayName(accountId: string, stopAt: number): string {
  return `agent-iam ${accountId} stop ${stopAt}%`;
}

/** What the display name looks like; the stopper's source embeds this very expression. */
export const GCP_BUDGET_DISPLAY_NAME = /^agent-iam ([a-z][a-z0-9-]{4,28}[a-z0-9]) stop (\d{1,3})%$/;

/** The account id and stop percentage a display name carries, if it is one of agent-iam's. */
export function parseGcpBudgetDisplayName(name: string): { accountId: string; stopAt: number } | undefined {
  const match = GCP_BUDGET_DISPLAY_NAME.exec(name);
  return match ? { accountId: match[1]!, stopAt: Number(match[2]) } : undefined;
}

/** `units` and `nanos` of a money amount (Cloud Billing API, google.type.Money). */
export function gcpMoney(amount: number): { units: string; nanos: number } {
  const cents = Math.round(amount * 100);
  return { units: String(Math.trunc(cents / 100)), nanos: (cents % 100) * 10_000_000 };
}

/** The inputs of the agent's `billing.Budget`, besides its billing account and notification targets. */
export function gcpBudgetInputs(agent: Pick<Agent, "id">, budget: AgentBudget, accountId: string) {
  return {
    displayName: gcpBudgetDisplayName(accountId, budget.stopAt),
    amount: { specifiedAmount: { currencyCode: budget.currency, ...gcpMoney(budget.monthly) } },
    budgetFilter: { labels: { [GCP_BUDGET_LABEL]: gcpLabelValue(agent.id) }, calendarPeriod: "MONTH" },
    thresholdRules: budgetThresholds(budget).map((percent) => ({
      thresholdPercent: percent / 100,
      spendBasis: "CURRENT_SPEND",
    })),
  };
}
