import { z } from "zod";
import type { AgentBudget } from "./agent";

/**
 * An agent's monthly cost cap, the same on every cloud: notifications at {@link BUDGET_NOTIFY_AT}
 * percent of the amount, and the cloud stops the agent at `stopAt` percent (AWS: a budget action
 * attaches a deny-all policy; GCP: the optional `GcpBudgetStopper` disables the service account;
 * Azure: the action group is told). See docs/cost-caps.md.
 */

/** Percentages of the monthly amount at which the people in `notify` are told. */
export const BUDGET_NOTIFY_AT: readonly number[] = [80, 100];

/** Where the cloud stops the agent unless the spec says otherwise (percent of the amount). */
export const DEFAULT_STOP_AT = 100;

/**
 * Subscribers a budget can tell: AWS Budgets allows 10 email subscribers per notification
 * (AWS Cost Management User Guide, "Budgets quotas"); GCP budgets 5 notification channels
 * (Cloud Billing API, `NotificationsRule.monitoringNotificationChannels`).
 */
export const BUDGET_NOTIFY_LIMIT = 5;

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** The `budget` block of an agent spec. */
export const budgetSchema = z
  .object({
    monthly: z
      .number({ error: "budget.monthly is required: the most the agent may cost in a month, such as 250" })
      .positive({ message: "budget.monthly must be more than 0" })
      .max(1_000_000_000, { message: "budget.monthly must be at most 1,000,000,000" })
      .refine((value) => Math.round(value * 100) === value * 100, {
        message: "budget.monthly has at most two decimals, such as 250 or 99.50",
      }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, {
        message: "budget.currency is an ISO 4217 code in capitals, such as USD or EUR (the billing account's currency)",
      })
      .default("USD"),
    notify: z
      .array(
        z.string().refine((value) => EMAIL.test(value), { message: "each entry of budget.notify is an email address" }),
        {
          error: "budget.notify is required: the emails told at 80 % and 100 % of the amount",
        },
      )
      .min(1, { message: "budget.notify needs at least one email" })
      .max(BUDGET_NOTIFY_LIMIT, {
        message: `budget.notify holds at most ${BUDGET_NOTIFY_LIMIT} emails (GCP budgets take 5 notification channels); use a group address`,
      })
      .readonly(),
    stopAt: z
      .number()
      .int({ message: "budget.stopAt is a whole percentage, such as 90" })
      .min(1, { message: "budget.stopAt is a percentage of the monthly amount, from 1 to 100" })
      .max(100, { message: "budget.stopAt is at most 100: an agent stops when it reaches its budget, no exceptions" })
      .default(DEFAULT_STOP_AT),
  })
  .strict();

/** The budget as the agent model holds it (duplicates removed from `notify`). */
export function agentBudgetOf(input: z.output<typeof budgetSchema>): AgentBudget {
  return { monthly: input.monthly, currency: input.currency, notify: [...new Set(input.notify)], stopAt: input.stopAt };
}

/** Every percentage a budget reports at: the notification thresholds and the stop, ascending. */
export function budgetThresholds(budget: Pick<AgentBudget, "stopAt">): number[] {
  return [...new Set([...BUDGET_NOTIFY_AT, budget.stopAt])].sort((a, b) => a - b);
}

/** The amount at which the agent stops, in the budget's currency (two decimals). */
export function stopAmount(budget: Pick<AgentBudget, "monthly" | "stopAt">): number {
  return Math.round(budget.monthly * budget.stopAt) / 100;
}
