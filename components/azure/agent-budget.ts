import { azureConsumption as consumption, azureMonitor as monitor } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent, AgentBudget } from "../../src/model/agent";
import {
  azureActionGroupShortName,
  azureBudgetFilter,
  azureBudgetNotifications,
  firstOfMonth,
} from "../../src/clouds/azure/budget";
import { todayUtc } from "../../src/model/dates";
import { agentTags } from "../../src/model/tags";
import { azureIdentityName } from "./agent-identity";

/** Arguments of {@link AzureAgentBudget}; `AgentIdentity` builds them from the spec's `budget` and `azure` block. */
export interface AzureAgentBudgetArgs {
  agent: Agent;
  budget: AgentBudget;
  subscriptionId: string;
  /** Where the action group lives (the agent's identity's resource group). */
  resourceGroupName: string;
}

/**
 * An agent's Azure cost cap: a consumption budget on the subscription filtered on the agent's tag
 * (`agent-iam:agent`), with notifications at 80 %, 100 % and `stopAt` to the people in `notify` and
 * to an action group that emails them. Azure budgets do not stop anything by themselves; attach an
 * automation to the action group to stop the agent (docs/cost-caps.md). The budget counts in the
 * billing currency; its start is the first day of the month it was created, kept across updates.
 */
export class AzureAgentBudget extends pulumi.ComponentResource {
  readonly budgetName: pulumi.Output<string>;
  readonly actionGroupId: pulumi.Output<string>;

  constructor(name: string, args: AzureAgentBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.AzureAgentBudget, name, {}, opts);
    const { agent, budget } = args;
    const base = azureIdentityName(agent).replace(/^id-/, "");
    const actionGroup = new monitor.ActionGroup(
      `${name}-budget`,
      {
        resourceGroupName: args.resourceGroupName,
        actionGroupName: `ag-agent-iam-${base}`.slice(0, 260),
        groupShortName: azureActionGroupShortName(agent),
        location: "Global",
        enabled: true,
        emailReceivers: budget.notify.map((emailAddress, index) => ({
          name: `notify-${index + 1}`,
          emailAddress,
          useCommonAlertSchema: true,
        })),
        tags: agentTags(agent),
      },
      { parent: this },
    );
    const notifications = azureBudgetNotifications(budget);
    const budgetResource = new consumption.Budget(
      name,
      {
        scope: `/subscriptions/${args.subscriptionId}`,
        budgetName: `agent-iam-${base}`.slice(0, 63),
        amount: budget.monthly,
        category: "Cost",
        timeGrain: "Monthly",
        timePeriod: { startDate: `${firstOfMonth(todayUtc())}T00:00:00Z` },
        filter: azureBudgetFilter(agent),
        notifications: Object.fromEntries(
          Object.entries(notifications).map(([key, value]) => [key, { ...value, contactGroups: [actionGroup.id] }]),
        ),
      },
      // The start must be the first of a month and may not move into the past later: set it once.
      { parent: this, ignoreChanges: ["timePeriod"] },
    );
    this.budgetName = budgetResource.name;
    this.actionGroupId = actionGroup.id;
    this.registerOutputs({ budgetName: this.budgetName, actionGroupId: this.actionGroupId });
  }
}
