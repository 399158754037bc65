import type { AccessLevel } from "../../model/access";
import type { AccountWideGrant, ResolvedGrant } from "../../model/agent";
import { ACTION_CLASS_WORDS, awsActionClasses, type HighRiskClass } from "../../model/action-classes";
import { awsResourceTypeOf, parseArn } from "./arn";
import { awsActionInfo, awsServiceActions } from "./iam-catalog";
import { AWS_GRANT_ACTIONS, PASS_ROLE_SERVICES } from "./grant-actions";
import { escalationMethodsAllowed } from "./privilege-escalation";

/**
 * Resource types whose grant also covers a child type, which IAM scopes separately: read or write
 * on an S3 bucket means the objects in it (`arn:aws:s3:::bucket/*`), on a log group its streams
 * (`…:log-group:NAME:log-stream:*`, where GetLogEvents and PutLogEvents apply).
 */
export const AWS_CHILD_RESOURCES: Readonly<Record<string, { readonly suffix: string; readonly type: string }>> = {
  "s3:bucket": { suffix: "/*", type: "object" },
  "logs:log-group": { suffix: ":log-stream:*", type: "log-stream" },
};

/** One IAM statement before it is packed into managed policies. */
export interface AwsStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** What one grant on one AWS resource type allows: actions on the resource, and wildcard-only companions. */
export interface AwsGrantActions {
  readonly actions: string[];
  readonly accountWide: string[];
  /** Opt-in classes this resource type has no actions for. */
  readonly unknownIncludes: HighRiskClass[];
}

/**
 * The actions a grant gives on one resource type: the curated lists of `AWS_GRANT_ACTIONS` for the
 * levels and the opted-in classes; for a type the table does not know, the IAM catalog's actions
 * of those levels, without any action of a class the grant did not opt into and without
 * permissions management unless the grant asks for it.
 */
export function awsActionsFor(
  service: string,
  resourceType: string,
  levels: readonly AccessLevel[],
  include: readonly HighRiskClass[] = [],
): AwsGrantActions {
  const curated = AWS_GRANT_ACTIONS[`${service}:${resourceType}`];
  if (curated) {
    const actions = new Set<string>();
    const accountWide = new Set<string>();
    const sets = [
      ...levels.map((level) => curated.levels[level]),
      ...include.map((kind) => curated.include?.[kind]),
    ].filter((set) => set !== undefined);
    for (const set of sets) {
      for (const action of set.actions) actions.add(action);
      for (const action of set.accountWide ?? []) accountWide.add(action);
    }
    return {
      actions: [...actions].sort(),
      accountWide: [...accountWide].sort(),
      unknownIncludes: include.filter((kind) => !curated.include?.[kind]),
    };
  }
  const wanted = new Set(levels);
  const allowed = new Set(include);
  const actions: string[] = [];
  for (const info of awsServiceActions(service).values()) {
    if (!wanted.has(info.accessLevel) || !info.resourceTypes.includes(resourceType)) continue;
    if (awsActionClasses(info.action).some((kind) => !allowed.has(kind))) continue;
    actions.push(info.action);
  }
  return { actions: actions.sort(), accountWide: [], unknownIncludes: [] };
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
 * Turns an agent's AWS grants into IAM statements: the curated actions of each grant
 * (`AWS_GRANT_ACTIONS`), each statement scoped to the named ARNs, and the wildcard-only actions
 * the same jobs need in one statement on `*`. Returns the problems instead when a grant yields no
 * action, opts into a class its resource type has no actions for, or deploys an ECS service
 * without naming what the deploy registers and passes.
 */
export function awsStatementsForGrants(
  grants: readonly ResolvedGrant[],
  accountWide: readonly AccountWideGrant[],
): { statements: AwsStatement[]; problems: { grant: number; message: string }[] } {
  const statements: AwsStatement[] = [];
  const problems: { grant: number; message: string }[] = [];
  /** Lower-case action → the first grant that allows it (for escalation methods). */
  const grantOf = new Map<string, number>();
  /** Wildcard-only companions, one statement per end condition. */
  const companions = new Map<
    string,
    { condition: AwsStatement["Condition"]; actions: Set<string>; breakGlass: boolean }
  >();
  grants.forEach((grant, index) => {
    if (grant.resource.cloud !== "aws") return;
    const arn = grant.resource.ref;
    const parsed = parseArn(arn)!;
    const type = awsResourceTypeOf(arn)!;
    const targets: { arn: string; type: string }[] = [{ arn, type }];
    const child = AWS_CHILD_RESOURCES[`${parsed.service}:${type}`];
    if (child) targets.push({ arn: arn + child.suffix, type: child.type });
    const condition = untilCondition(grant.until, grant.endsAt);
    let produced = 0;
    const unknownIncludes = new Set<HighRiskClass>(grant.include);
    for (const target of targets) {
      const found = awsActionsFor(parsed.service, target.type, grant.access, grant.include);
      for (const kind of grant.include) if (!found.unknownIncludes.includes(kind)) unknownIncludes.delete(kind);
      produced += found.actions.length + found.accountWide.length;
      for (const action of [...found.actions, ...found.accountWide])
        if (!grantOf.has(action.toLowerCase())) grantOf.set(action.toLowerCase(), index);
      const passRole = `${parsed.service}:${target.type}` === "iam:role" ? PASS_ROLE_CONDITION : {};
      const statementCondition = { ...condition, ...passRole };
      if (found.actions.length > 0)
        statements.push({
          Sid: sidFor(index, target.type, grant.breakGlass),
          Effect: "Allow",
          Action: found.actions,
          Resource: [target.arn],
          ...(Object.keys(statementCondition).length > 0 ? { Condition: statementCondition } : {}),
        });
      if (found.accountWide.length > 0) {
        const key = JSON.stringify([condition ?? null, grant.breakGlass === true]);
        const entry = companions.get(key) ?? {
          condition,
          actions: new Set<string>(),
          breakGlass: grant.breakGlass === true,
        };
        for (const action of found.accountWide) entry.actions.add(action);
        companions.set(key, entry);
      }
    }
    if (produced === 0)
      problems.push({
        grant: index,
        message: `no ${parsed.service} action at level ${grant.access.join("/")} applies to a ${type}; choose another access level`,
      });
    if (unknownIncludes.size > 0)
      problems.push({
        grant: index,
        message: `agent-iam grants no ${[...unknownIncludes].map((kind) => ACTION_CLASS_WORDS[kind].name).join(" or ")} action on a ${parsed.service} ${type}; remove ${[...unknownIncludes].map((kind) => `"${kind}"`).join(", ")} from include`,
      });
  });
  problems.push(...ecsDeployProblems(grants));
  let companionIndex = 0;
  for (const { condition, actions, breakGlass } of companions.values())
    statements.push({
      Sid: `${breakGlass ? "BreakGlass" : ""}WildcardOnly${companionIndex++}`,
      Effect: "Allow",
      Action: [...actions].sort(),
      Resource: ["*"],
      ...(condition ? { Condition: condition } : {}),
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

/** `iam:PassRole` only to the services that run what the agent deploys. */
const PASS_ROLE_CONDITION: NonNullable<AwsStatement["Condition"]> = {
  StringEquals: { "iam:PassedToService": [...PASS_ROLE_SERVICES] },
};

/**
 * An ECS rollout registers a new revision of the service's task definition and passes its task
 * and execution roles (aws-actions/amazon-ecs-deploy-task-definition, "Permissions"): a grant that
 * writes to an ECS service needs the task definition family and the roles named, so that each
 * action is scoped to exactly them.
 */
function ecsDeployProblems(grants: readonly ResolvedGrant[]): { grant: number; message: string }[] {
  const writes = (nativeType: string) =>
    grants.some((grant) => grant.resource.nativeType === nativeType && grant.access.includes("write"));
  const index = grants.findIndex(
    (grant) => grant.resource.nativeType === "ecs:service" && grant.access.includes("write"),
  );
  if (index < 0) return [];
  const missing = [
    ...(writes("ecs:task-definition")
      ? []
      : ["the task definition family it registers (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:*)"]),
    ...(writes("iam:role") ? [] : ["the task and execution roles it passes (arn:aws:iam::ACCOUNT:role/NAME)"]),
  ];
  if (missing.length === 0) return [];
  return [
    {
      grant: index,
      message: `deploying an ECS service registers a task definition and passes its roles: add ${missing.join(" and ")} to the grant's resources`,
    },
  ];
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
