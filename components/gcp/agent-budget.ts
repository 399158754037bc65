import { gcpBilling as billing, gcpMonitoring as monitoring, gcpPubSub as pubsub } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent, AgentBudget } from "../../src/model/agent";
import { gcpAccountId } from "../../src/clouds/gcp/account-id";
import { gcpBudgetInputs } from "../../src/clouds/gcp/budget";
import { agentLabels } from "../../src/model/tags";
import type { GcpBudgetStopper } from "./budget-stopper";

/** Arguments of {@link GcpAgentBudget}; `AgentIdentity` builds them from the spec's `budget` and `gcp` block. */
export interface GcpAgentBudgetArgs {
  agent: Agent;
  budget: AgentBudget;
  /** The project of the agent's service account (and of the notification channels and topic). */
  project: string;
  /** The billing account that pays for the project: `XXXXXX-XXXXXX-XXXXXX`. */
  billingAccount: string;
  /** The agent's service account (`projects/P/serviceAccounts/EMAIL`), which the stopper may disable. */
  serviceAccountName: pulumi.Input<string>;
  /** The stopper that disables the account at `stopAt`; without it the budget only notifies. */
  stopper?: GcpBudgetStopper;
}

/**
 * An agent's GCP cost cap: a Cloud Billing budget on the agent's label (`agent-iam-agent`) with
 * thresholds at 80 %, 100 % and `stopAt`, one email notification channel per address in `notify`,
 * and every update published to Pub/Sub: the `GcpBudgetStopper`'s topic when one is given (it
 * disables the agent's service account at `stopAt`), otherwise a topic of the agent's own for
 * whatever should react. Resources the agent runs must carry its labels to be counted.
 */
export class GcpAgentBudget extends pulumi.ComponentResource {
  readonly budgetName: pulumi.Output<string>;
  readonly topicId: pulumi.Output<string>;
  /** Whether the cloud stops the agent (a stopper protects it) or only notifies. */
  readonly stops: boolean;

  constructor(name: string, args: GcpAgentBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.GcpAgentBudget, name, {}, opts);
    const { agent, budget, project } = args;
    const labels = agentLabels(agent);
    const channels = budget.notify.map(
      (email, index) =>
        new monitoring.NotificationChannel(
          `${name}-notify-${index + 1}`,
          {
            project,
            type: "email",
            displayName: `agent-iam budget of ${agent.id} (${agent.environment}): ${email}`.slice(0, 512),
            labels: { email_address: email },
            userLabels: labels,
          },
          { parent: this },
        ),
    );
    const own = args.stopper
      ? undefined
      : new pubsub.Topic(name, { project, name: `agent-iam-budget-${gcpAccountId(agent)}`, labels }, { parent: this });
    const topicId = args.stopper
      ? args.stopper.topicId
      : pulumi.interpolate`projects/${own!.project}/topics/${own!.name}`;
    const budgetResource = new billing.Budget(
      name,
      {
        billingAccount: args.billingAccount,
        ...gcpBudgetInputs(agent, budget, gcpAccountId(agent)),
        allUpdatesRule: {
          pubsubTopic: topicId,
          schemaVersion: "1.0",
          monitoringNotificationChannels: channels.map((channel) => channel.id),
        },
      },
      // A channel's id is its full name, `projects/P/notificationChannels/ID` (provider docs, "Import").
      { parent: this },
    );
    if (args.stopper && !agent.disabled) args.stopper.protect(agent, args.serviceAccountName);
    this.stops = args.stopper !== undefined && !agent.disabled;
    this.budgetName = budgetResource.name;
    this.topicId = topicId;
    this.registerOutputs({ budgetName: this.budgetName, topicId: this.topicId });
  }
}
