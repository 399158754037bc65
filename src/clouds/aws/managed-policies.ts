import type { HighRiskClass } from "../../model/action-classes";

/**
 * AWS managed policies that give more than an agent should hold (AWS Managed Policies reference,
 * docs.aws.amazon.com/aws-managed-policy). Matched on the policy's name, the last part of
 * `arn:aws:iam::aws:policy/[PATH/]NAME`. `prodOnly` rules apply to agents of a production environment.
 */
export interface ManagedPolicyRule {
  readonly pattern: RegExp;
  /** What the policy gives, in words. */
  readonly gives: string;
  readonly prodOnly: boolean;
  /** High-risk classes of actions it allows (for the approval rule). */
  readonly risks: readonly ("permissions" | HighRiskClass)[];
}

export const AWS_MANAGED_POLICY_RULES: readonly ManagedPolicyRule[] = [
  {
    pattern: /^AdministratorAccess(-.+)?$/,
    gives: "every action on every resource",
    prodOnly: false,
    risks: ["permissions", "delete", "export"],
  },
  {
    pattern: /^PowerUserAccess$/,
    gives: "every action of every service but IAM and Organizations",
    prodOnly: false,
    risks: ["delete", "export"],
  },
  {
    pattern: /^IAMFullAccess$/,
    gives: "every IAM action: it can grant itself anything",
    prodOnly: false,
    risks: ["permissions", "delete"],
  },
  { pattern: /FullAccess$/, gives: "every action of a whole service", prodOnly: true, risks: ["delete"] },
];

/** The rule a managed policy name matches, if any (`job-function/X` matches on `X`). */
export function managedPolicyRule(name: string): ManagedPolicyRule | undefined {
  const last = name.slice(name.lastIndexOf("/") + 1);
  return AWS_MANAGED_POLICY_RULES.find((rule) => rule.pattern.test(last));
}
