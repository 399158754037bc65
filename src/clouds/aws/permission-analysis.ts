import { accessRank } from "../../model/access";
import { ACTION_CLASSES, highRiskClasses, type HighRiskClass } from "../../model/action-classes";
import { isUnknown } from "../../model/unknown";
import { awsDataReadOf } from "./data-reads";
import { awsActionInfo, type AwsActionInfo } from "./iam-catalog";
import { AWS_LATERAL_MOVES } from "./lateral-movement";
import {
  actionMatches,
  expandActionPattern,
  isServiceWildcard,
  resourceBreadth,
  statementCoversAction,
  statementCoversAllResources,
  statementDeniesEverywhere,
  type PolicyStatement,
} from "./policy-document";
import { reachesEveryResource, reachWords, statementReach, statementReachByType, type Reach } from "./resource-reach";
import {
  CREDENTIALS_EXPOSURE_ACTIONS,
  READ_ONLY_DATA_EXFILTRATION_ACTIONS,
  ROLE_HOPPING_ACTIONS,
  escalationMethodsAllowed,
  type EscalationMethod,
} from "./privilege-escalation";

/**
 * What a role's identity policies, taken together, let it do: the judgement behind
 * `no-overbroad-aws-scopes` and `high-risk-requires-approval`. Statements come from every policy
 * attached to the role (inline, managed, attachments); an unconditional Deny on every resource
 * removes an action (the agent kill switch denies everything).
 */

/** A statement and where it came from (for messages). */
export interface SourcedStatement {
  readonly statement: PolicyStatement;
  /** `inline policy "grants"`, `policy "reviewer-grants-1"`, … */
  readonly source: string;
  /** The resource that holds or attaches the policy, when it is not the role itself. */
  readonly urn?: string;
}

/** One problem, with the statement it comes from. */
export interface PermissionProblem {
  readonly source: string;
  readonly message: string;
  /** The resource that holds or attaches the statement's policy, when known. */
  readonly urn?: string;
  /** The actions the problem is about, as the catalog spells them (for blanket reads, unscoped writes, lateral movement). */
  readonly actions?: readonly string[];
}

/** The analysis of a role's permissions. */
export interface PermissionAnalysis {
  /** `*`, `service:*` or service-spanning actions in Allow statements. */
  readonly serviceWildcards: readonly PermissionProblem[];
  /** Allow statements with `NotAction`. */
  readonly notActionAllows: readonly PermissionProblem[];
  /**
   * Write or permissions-management actions allowed on every resource of their type (`*`, or an
   * ARN pattern such as `table/*`, `function:*`) although they can be scoped.
   */
  readonly unscopedWrites: readonly PermissionProblem[];
  /** Reads of stored data (objects, items, messages, secrets …) on every resource of their type. */
  readonly blanketReads: readonly PermissionProblem[];
  /** Actions that run code on, or log in to, every instance, task or function (`lateral-movement.ts`). */
  readonly lateralMovement: readonly PermissionProblem[];
  /** Published privilege-escalation methods the role can perform. */
  readonly escalations: readonly EscalationMethod[];
  /** `iam:PassRole` / `sts:AssumeRole` on every role (of the account, or of every account). */
  readonly roleHopping: readonly PermissionProblem[];
  /** Actions that return credentials, allowed on every resource. */
  readonly credentialsExposure: readonly PermissionProblem[];
  /** High-risk actions allowed (for the approval rule), by class, with examples. */
  readonly highRisk: Readonly<Record<"permissions" | HighRiskClass, readonly string[]>>;
  /** Statements that could not be judged yet (unknown values), by source. */
  readonly unknownSources: readonly string[];
}

/** Options of {@link analyzePermissions}. */
export interface PermissionOptions {
  /** Escalation methods (cloudsplaining names) the team accepts. */
  readonly allowedEscalationMethods?: readonly string[];
  /** Credential-returning actions the team accepts on every resource (lower case). */
  readonly allowedCredentialActions?: readonly string[];
}

const MAX_LISTED = 6;

function listed(actions: readonly string[], max = MAX_LISTED): string {
  const head = actions.slice(0, max).join(", ");
  return actions.length > max ? `${head} and ${actions.length - max} more` : head;
}

function where(entry: SourcedStatement): string {
  return `${entry.source}, statement ${entry.statement.sid ? `"${entry.statement.sid}"` : entry.statement.index}`;
}

type EveryReach = Extract<Reach, { kind: "every" }>;

/** Actions grouped by the words of what they reach (`every resource ("*")` → the actions). */
function byReach(entries: readonly { action: string; reach: EveryReach }[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const { action, reach } of entries) {
    const words = reachWords(reach);
    const list = groups.get(words) ?? [];
    if (!list.includes(action)) list.push(action);
    groups.set(words, list);
  }
  return [...groups];
}

const LATERAL_BY_ACTION = new Map(AWS_LATERAL_MOVES.map((move) => [move.action, move]));

/** Analyses the statements of every policy a role holds. */
export function analyzePermissions(
  entries: readonly SourcedStatement[],
  options: PermissionOptions = {},
): PermissionAnalysis {
  const allows = entries.filter((entry) => entry.statement.effect === "Allow");
  const denies = entries.filter((entry) => entry.statement.effect === "Deny").map((entry) => entry.statement);
  const unknownSources = [
    ...new Set(
      entries
        .filter((entry) => entry.statement.effect === "unknown" || entry.statement.hasUnknown)
        .map((entry) => entry.source),
    ),
  ];
  const deniedEverywhere = (action: string) => denies.some((statement) => statementDeniesEverywhere(statement, action));
  // An unconditional `Deny *` on every resource (the kill switch) leaves nothing to judge.
  const denyAll = denies.some(
    (statement) =>
      statement.actions.some((pattern) => pattern.trim() === "*") &&
      statementDeniesEverywhere(statement, "iam:passrole"),
  );

  const serviceWildcards: PermissionProblem[] = [];
  const notActionAllows: PermissionProblem[] = [];
  const unscopedWrites: PermissionProblem[] = [];
  const blanketReads: PermissionProblem[] = [];
  const lateralMovement: PermissionProblem[] = [];
  const roleHopping: PermissionProblem[] = [];
  const credentialsExposure: PermissionProblem[] = [];
  const highRisk: Record<"permissions" | HighRiskClass, Set<string>> = {
    permissions: new Set(),
    delete: new Set(),
    export: new Set(),
    tamper: new Set(),
    credentials: new Set(),
  };
  const allowedCredentials = new Set((options.allowedCredentialActions ?? []).map((action) => action.toLowerCase()));

  // The types each action reaches entirely, over every statement that allows it: IAM checks each
  // resource of a request against all statements, so a required type named in one statement and
  // reached entirely by another is reached entirely.
  const reachMemo = new Map<PolicyStatement, Map<string, ReadonlyMap<string, EveryReach>>>();
  const reachByType = (statement: PolicyStatement, info: AwsActionInfo): ReadonlyMap<string, EveryReach> => {
    let byAction = reachMemo.get(statement);
    if (!byAction) reachMemo.set(statement, (byAction = new Map()));
    let found = byAction.get(info.action);
    if (!found) byAction.set(info.action, (found = statementReachByType(statement, info)));
    return found;
  };
  const everyTypes = new Map<string, Set<string>>();
  const everyTypesOf = (info: AwsActionInfo): ReadonlySet<string> => {
    let types = everyTypes.get(info.action);
    if (!types) {
      types = new Set();
      for (const { statement } of denyAll ? [] : allows)
        if (statementCoversAction(statement, info.action) && !deniedEverywhere(info.action))
          for (const type of reachByType(statement, info).keys()) types.add(type);
      everyTypes.set(info.action, types);
    }
    return types;
  };

  for (const entry of denyAll ? [] : allows) {
    const { statement } = entry;
    const allResources = statementCoversAllResources(statement);
    const wildcards = statement.actions.filter((pattern) => !isUnknown(pattern) && isServiceWildcard(pattern));
    const at = { source: entry.source, ...(entry.urn ? { urn: entry.urn } : {}) };
    if (wildcards.length > 0)
      serviceWildcards.push({
        ...at,
        message: `${where(entry)} allows ${wildcards.map((pattern) => `"${pattern}"`).join(", ")}: every action of ${wildcards.includes("*") ? "every service" : "a service"}; list the exact actions the agent needs`,
      });
    if (statement.notActions.length > 0)
      notActionAllows.push({
        ...at,
        message: `${where(entry)} allows everything except ${listed(statement.notActions)} (NotAction); list the actions the agent needs with Action instead`,
      });

    // Everything this statement allows, expanded against the catalog.
    const everything =
      statement.notActions.length > 0 ||
      statement.actions.some((pattern) => !isUnknown(pattern) && expandActionPattern(pattern).everyService);
    const infos: AwsActionInfo[] = [];
    if (everything) {
      const what = statement.notActions.length > 0 ? "everything but the NotAction list" : "*";
      for (const risk of ["permissions", ...ACTION_CLASSES] as const) highRisk[risk].add(what);
    }
    for (const pattern of statement.actions) {
      if (isUnknown(pattern)) continue;
      const expanded = expandActionPattern(pattern).actions.filter((info) => !deniedEverywhere(info.action));
      infos.push(...expanded);
      // A service wildcard is named as written (`s3:*`), not as the hundreds of actions it holds.
      const named = (info: AwsActionInfo) => (isServiceWildcard(pattern) ? pattern : info.action);
      for (const info of expanded) {
        if (info.accessLevel === "permissions") highRisk.permissions.add(named(info));
        for (const risk of highRiskClasses(info.action)) highRisk[risk].add(named(info));
        if (allResources && READ_ONLY_DATA_EXFILTRATION_ACTIONS.includes(info.action.toLowerCase()))
          highRisk.export.add(`${named(info)} on every resource`);
      }
    }
    // What each action reaches: every resource of its type (`*`, `table/*`, `arn:aws:s3:::*/*` …) or named ones.
    const writes: { action: string; reach: EveryReach }[] = [];
    const reads: { action: string; reach: EveryReach; data: string }[] = [];
    const lateral: { action: string; reach: EveryReach; does: string }[] = [];
    for (const info of infos) {
      if (info.isWildcardOnly) continue;
      const lower = info.action.toLowerCase();
      const move = LATERAL_BY_ACTION.get(lower);
      if (move) {
        const reach = statementReach(statement, info, move.types);
        if (reach.kind === "every") {
          lateral.push({ action: info.action, reach, does: move.does });
          continue;
        }
      }
      const data = awsDataReadOf(lower);
      const here = reachByType(statement, info);
      if (here.size === 0 || !reachesEveryResource(info, everyTypesOf(info))) continue;
      const reach = [...here.values()].reduce((widest, candidate) =>
        candidate.names === "all" && candidate.accounts === "every" ? candidate : widest,
      );
      if (accessRank(info.accessLevel) >= accessRank("write")) writes.push({ action: info.action, reach });
      else if (data) reads.push({ action: info.action, reach, data });
    }
    if (wildcards.length === 0)
      for (const [words, actions] of byReach(writes))
        unscopedWrites.push({
          ...at,
          actions,
          message: `${where(entry)} allows ${listed(actions)} on ${words}, though ${actions.length === 1 ? "it" : "they"} can be scoped; name the resources' ARNs in Resource`,
        });
    for (const [words, actions] of byReach(reads)) {
      const kinds = [...new Set(reads.filter((read) => actions.includes(read.action)).map((read) => read.data))];
      blanketReads.push({
        ...at,
        actions,
        message: `${where(entry)} allows ${listed(actions)} on ${words}: it reads the ${listed(kinds, 3)} of every resource, whatever their owner or sensitivity (blanket read); name the buckets, tables, queues or secrets the agent needs`,
      });
    }
    for (const { action, reach, does } of lateral)
      lateralMovement.push({
        ...at,
        actions: [action],
        message: `${where(entry)} allows ${action} on ${reachWords(reach)}: the agent can ${does} (lateral movement); name the instances, clusters or functions it needs, by ARN`,
      });
    for (const action of CREDENTIALS_EXPOSURE_ACTIONS) {
      if (allowedCredentials.has(action) || deniedEverywhere(action) || ROLE_HOPPING_ACTIONS.includes(action)) continue;
      if (!statementCoversAction(statement, action)) continue;
      const info = awsActionInfo(action);
      const reach = info && !info.isWildcardOnly ? statementReach(statement, info) : undefined;
      if (allResources || reach?.kind === "every")
        credentialsExposure.push({
          ...at,
          message: `${where(entry)} allows ${action} on ${reach?.kind === "every" ? reachWords(reach) : "every resource"}, which returns credentials; scope it to the named resource or remove it`,
        });
    }
    for (const action of ROLE_HOPPING_ACTIONS) {
      if (!statementCoversAction(statement, action) || deniedEverywhere(action)) continue;
      const info = awsActionInfo(action);
      const reach = info ? statementReach(statement, info, ["role"]) : undefined;
      const broad =
        reach?.kind === "every" ||
        statement.notResources.length > 0 ||
        statement.resources.some((resource) => resourceBreadth(resource) === "all");
      if (broad)
        roleHopping.push({
          ...at,
          message: `${where(entry)} allows ${action} on ${reach?.kind === "every" && reach.names === "one" ? reachWords(reach) : "every role"}; name the one role ARN it ${action === "iam:passrole" ? "passes" : "assumes"}`,
        });
    }
  }

  // Escalation methods share actions (iam:passrole is in a dozen): each is judged once. Exact
  // action names (most of a generated policy) are looked up, case-insensitively as IAM compares
  // them; only statements with wildcards or NotAction are matched pattern by pattern.
  const exactlyAllowed = new Set<string>();
  const patternAllows: PolicyStatement[] = [];
  for (const { statement } of allows) {
    if (statement.resources.length === 0 && statement.notResources.length === 0) continue;
    if (
      statement.notActions.length > 0 ||
      statement.actions.some((pattern) => !isUnknown(pattern) && /[*?]/.test(pattern))
    )
      patternAllows.push(statement);
    else for (const pattern of statement.actions) if (!isUnknown(pattern)) exactlyAllowed.add(pattern.toLowerCase());
  }
  const judged = new Map<string, boolean>();
  const allowed = (action: string) => {
    let verdict = judged.get(action);
    if (verdict === undefined) {
      verdict =
        !deniedEverywhere(action) &&
        (exactlyAllowed.has(action.toLowerCase()) ||
          patternAllows.some((statement) => statementCoversAction(statement, action)));
      judged.set(action, verdict);
    }
    return verdict;
  };
  const escalations = denyAll ? [] : escalationMethodsAllowed(allowed, options.allowedEscalationMethods ?? []);

  return {
    serviceWildcards,
    notActionAllows,
    unscopedWrites,
    blanketReads,
    lateralMovement,
    escalations,
    roleHopping,
    credentialsExposure,
    highRisk: {
      permissions: [...highRisk.permissions],
      delete: [...highRisk.delete],
      export: [...highRisk.export],
      tamper: [...highRisk.tamper],
      credentials: [...highRisk.credentials],
    },
    unknownSources,
  };
}

/** Whether an action matches any of the patterns (case-insensitive). */
export function anyActionMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((pattern) => actionMatches(pattern, action));
}
