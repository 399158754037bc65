import type { AccessLevel } from "../../model/access";
import type { AccountWideGrant, ResolvedGrant } from "../../model/agent";
import { highRiskClasses, type HighRiskClass } from "../../model/action-classes";
import { awsResourceTypeOf, parseArn } from "./arn";
import { awsActionInfo, awsServiceActions } from "./iam-catalog";
import { escalationMethodsAllowed } from "./privilege-escalation";

/**
 * Resource types whose grant also covers a child type: read or write on an S3 bucket means the
 * objects in it (`arn:aws:s3:::bucket/*`), which IAM scopes separately.
 */
export const AWS_CHILD_RESOURCES: Readonly<Record<string, { readonly suffix: string; readonly type: string }>> = {
  "s3:bucket": { suffix: "/*", type: "object" },
};

/** One IAM statement before it is packed into managed policies. */
export interface AwsStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * The catalog actions of `service` that can be scoped to `resourceType` and sit at one of the given
 * access levels, leaving out high-risk classes (delete, export) the grant did not opt into.
 */
export function awsActionsFor(
  service: string,
  resourceType: string,
  levels: readonly AccessLevel[],
  include: readonly HighRiskClass[] = [],
): string[] {
  const wanted = new Set(levels);
  const allowedRisk = new Set(include);
  const actions: string[] = [];
  for (const info of awsServiceActions(service).values()) {
    if (!wanted.has(info.accessLevel) || !info.resourceTypes.includes(resourceType)) continue;
    if (highRiskClasses(info.action).some((risk) => !allowedRisk.has(risk))) continue;
    actions.push(info.action);
  }
  return actions.sort();
}

/**
 * `DateLessThan aws:CurrentTime` for a grant that ends: access stops at 00:00Z the day after `until`,
 * or at the exact instant `endsAt` (a break-glass grant).
 */
export function untilCondition(until: string | undefined, endsAt?: string): AwsStatement["Condition"] {
  const end =
    endsAt ??
    (until ? new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000).toISOString().replace(".000Z", "Z") : undefined);
  if (!end) return undefined;
  return { DateLessThan: { "aws:CurrentTime": end } };
}

/** Break-glass statements say so in their Sid, so a reader of the policy sees the elevation. */
function sidFor(index: number, suffix: string, breakGlass?: true): string {
  return `${breakGlass ? "BreakGlass" : "Grant"}${index}${suffix.replace(/[^A-Za-z0-9]/g, "")}`.slice(0, 100);
}

/**
 * Turns an agent's AWS grants into IAM statements: actions chosen from the IAM catalog by access
 * level and resource type, each statement scoped to the named ARNs. Returns the problems instead
 * when a grant yields no action (a level the resource type does not have).
 */
export function awsStatementsForGrants(
  grants: readonly ResolvedGrant[],
  accountWide: readonly AccountWideGrant[],
): { statements: AwsStatement[]; problems: { grant: number; message: string }[] } {
  const statements: AwsStatement[] = [];
  const problems: { grant: number; message: string }[] = [];
  /** Lower-case action → the first grant that allows it (for escalation methods). */
  const grantOf = new Map<string, number>();
  grants.forEach((grant, index) => {
    if (grant.resource.cloud !== "aws") return;
    const arn = grant.resource.ref;
    const parsed = parseArn(arn)!;
    const type = awsResourceTypeOf(arn)!;
    const targets: { arn: string; type: string; levels: readonly AccessLevel[] }[] = [
      { arn, type, levels: grant.access },
    ];
    const child = AWS_CHILD_RESOURCES[`${parsed.service}:${type}`];
    if (child) targets.push({ arn: arn + child.suffix, type: child.type, levels: grant.access });
    let produced = 0;
    for (const target of targets) {
      const actions = awsActionsFor(parsed.service, target.type, target.levels, grant.include);
      if (actions.length === 0) continue;
      produced += actions.length;
      for (const action of actions) if (!grantOf.has(action.toLowerCase())) grantOf.set(action.toLowerCase(), index);
      const condition = untilCondition(grant.until, grant.endsAt);
      statements.push({
        Sid: sidFor(index, target.type, grant.breakGlass),
        Effect: "Allow",
        Action: actions,
        Resource: [target.arn],
        ...(condition ? { Condition: condition } : {}),
      });
    }
    if (produced === 0)
      problems.push({
        grant: index,
        message: `no ${parsed.service} action at level ${grant.access.join("/")} applies to a ${type}; choose another access level`,
      });
  });
  // A published privilege-escalation method among the granted actions would be refused by the pack
  // (no-overbroad-aws-scopes): say so at spec time, on the grant that brings it.
  const escalations = new Map<number, string[]>();
  for (const method of escalationMethodsAllowed((action) => grantOf.has(action))) {
    const index = Math.min(...method.actions.map((action) => grantOf.get(action)!));
    escalations.set(index, [...(escalations.get(index) ?? []), `${method.name} (${method.actions.join(" + ")})`]);
  }
  for (const [index, methods] of escalations)
    problems.push({
      grant: index,
      message: `these access levels let the agent escalate its own privileges: ${methods.join(", ")}, methods cloudsplaining publishes and the policy pack refuses; choose access levels without them (for a Lambda function, leave out write: updating its code runs code as the function's role)`,
    });
  accountWide.forEach((grant, index) => {
    if (grant.cloud !== "aws") return;
    const actions = grant.actions.map((action) => awsActionInfo(action)?.action ?? action).sort();
    const condition = untilCondition(grant.until, grant.endsAt);
    statements.push({
      Sid: `${grant.breakGlass ? "BreakGlass" : ""}AccountWide${index}`,
      Effect: "Allow",
      Action: actions,
      Resource: ["*"],
      ...(condition ? { Condition: condition } : {}),
    });
  });
  return { statements: mergeSameActions(statements), problems };
}

/**
 * Statements that allow the same actions under the same condition become one statement listing all
 * their resources: ten buckets read alike cost one action list, not ten (AWS counts characters).
 */
export function mergeSameActions(statements: readonly AwsStatement[]): AwsStatement[] {
  const merged = new Map<string, AwsStatement>();
  for (const statement of statements) {
    const key = JSON.stringify([statement.Effect, statement.Action, statement.Condition ?? null]);
    const existing = merged.get(key);
    if (existing)
      existing.Resource.push(...statement.Resource.filter((resource) => !existing.Resource.includes(resource)));
    else merged.set(key, { ...statement, Resource: [...statement.Resource] });
  }
  return [...merged.values()];
}
