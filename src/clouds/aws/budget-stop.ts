import type { AwsPolicyDocument } from "./policy-packing";

/**
 * Documents for the AWS side of an agent's cost cap: when spend crosses `stopAt`, AWS Budgets
 * itself attaches a deny-all managed policy to the agent's role (a budget action of type
 * APPLY_IAM_POLICY with automatic approval; AWS Cost Management User Guide, "Configuring a budget
 * action"). No human has to read an alert for the agent to stop.
 */

/** The policy the budget action attaches: deny everything. */
export function budgetDenyAllPolicy(): AwsPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "AgentBudgetExhausted", Effect: "Deny", Action: ["*"], Resource: ["*"] }],
  };
}

/**
 * Trust of the role AWS Budgets runs the action with. `aws:SourceAccount` keeps another account's
 * budget from using it (the confused-deputy guard the Budgets guide recommends).
 */
export function budgetExecutionTrustPolicy(accountId: string): {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
} {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BudgetsRunsTheStopAction",
        Effect: "Allow",
        Principal: { Service: "budgets.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/**
 * What the execution role may do: attach (and, to release the stop, detach) exactly the deny-all
 * policy, to exactly the agent's role. `iam:PolicyARN` pins the policy (IAM service authorization
 * reference, condition keys of AttachRolePolicy / DetachRolePolicy).
 */
export function budgetExecutionPolicy(agentRoleArn: string, denyPolicyArn: string): AwsPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AttachOnlyTheStopPolicy",
        Effect: "Allow",
        Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        Resource: [agentRoleArn],
        Condition: { ArnEquals: { "iam:PolicyARN": denyPolicyArn } },
      },
    ],
  };
}
