import { aws } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent, AgentBudget } from "../../src/model/agent";
import { awsBudgetActionInputs, awsBudgetInputs, awsBudgetName } from "../../src/clouds/aws/budget";
import {
  budgetDenyAllPolicy,
  budgetExecutionPolicy,
  budgetExecutionTrustPolicy,
} from "../../src/clouds/aws/budget-stop";
import { AWS_LIMITS } from "../../src/model/cloud-limits";
import { agentTags } from "../../src/model/tags";

/** The tag that names the agent a budget resource belongs to, where the agent's own tag would make it look like an agent. */
export const BUDGET_OF_TAG = "agent-iam:budget-of";

/** Arguments of {@link AwsAgentBudget}; `AgentIdentity` builds them from the spec's `budget`. */
export interface AwsAgentBudgetArgs {
  agent: Agent;
  budget: AgentBudget;
  /** The agent role's ARN and name (the budget action attaches the stop policy to it). */
  roleArn: pulumi.Output<string>;
  roleName: string;
  /** IAM path of the stop policy and the execution role (default `/agents/`). */
  path?: string;
}

/**
 * An agent's AWS cost cap that stops the agent without a human: a monthly cost budget on the
 * agent's cost-allocation tag with email notifications at 80 % and 100 %, a deny-all managed policy,
 * and a budget action that attaches it to the agent's role at `stopAt` % (APPLY_IAM_POLICY,
 * automatic approval), run by an execution role that may attach or detach exactly that policy to
 * exactly that role. Pulumi does not manage the attachment, so neither an update nor a refresh lifts
 * the stop; the budget's owner does, by resetting the action in the Budgets console.
 */
export class AwsAgentBudget extends pulumi.ComponentResource {
  readonly budgetName: pulumi.Output<string>;
  readonly stopPolicyArn: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;

  constructor(name: string, args: AwsAgentBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.AwsAgentBudget, name, {}, opts);
    const { agent, budget } = args;
    const tags = agentTags(agent);
    const path = args.path ?? "/agents/";
    // The account the role lives in, known at preview too (an invoke, not another resource's output).
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    const budgetResource = new aws.budgets.Budget(
      name,
      { name: awsBudgetName(args.roleName), ...awsBudgetInputs(agent, budget), tags },
      { parent: this },
    );

    const stopPolicy = new aws.iam.Policy(
      `${name}-stop`,
      {
        name: `${args.roleName}-budget-stop`.slice(0, 128),
        path,
        description: `Attached by AWS Budgets to agent ${agent.id}'s role when it has spent ${budget.stopAt}% of ${budget.monthly} ${budget.currency} in a month: denies everything`,
        policy: JSON.stringify(budgetDenyAllPolicy()),
        tags,
      },
      { parent: this },
    );

    const executionRole = new aws.iam.Role(
      `${name}-action`,
      {
        name: `${args.roleName}-budget-action`.slice(0, AWS_LIMITS.roleNameCharacters),
        path,
        description: `AWS Budgets stops agent ${agent.id} with this role: it may attach only the stop policy, only to the agent's role`,
        assumeRolePolicy: accountId.apply((account) => JSON.stringify(budgetExecutionTrustPolicy(account))),
        maxSessionDuration: 3600,
        // Not the agent's tag: this role is AWS Budgets', not an agent identity.
        tags: { [BUDGET_OF_TAG]: agent.id, owner: agent.owner, environment: agent.environment },
      },
      { parent: this },
    );
    const executionPolicy = new aws.iam.RolePolicy(
      `${name}-action`,
      {
        name: "agent-iam-budget-action",
        role: executionRole.name,
        policy: pulumi
          .all([args.roleArn, stopPolicy.arn])
          .apply(([roleArn, policyArn]) => JSON.stringify(budgetExecutionPolicy(roleArn, policyArn))),
      },
      { parent: this },
    );

    new aws.budgets.BudgetAction(
      name,
      {
        budgetName: budgetResource.name,
        ...awsBudgetActionInputs(budget),
        // The role exists by then: the execution policy this action depends on names the role's ARN.
        definition: { iamActionDefinition: { policyArn: stopPolicy.arn, roles: [args.roleName] } },
        executionRoleArn: executionRole.arn,
        tags,
      },
      { parent: this, dependsOn: [executionPolicy] },
    );

    this.budgetName = budgetResource.name;
    this.stopPolicyArn = stopPolicy.arn;
    this.executionRoleArn = executionRole.arn;
    this.registerOutputs({
      budgetName: this.budgetName,
      stopPolicyArn: this.stopPolicyArn,
      executionRoleArn: this.executionRoleArn,
    });
  }
}
