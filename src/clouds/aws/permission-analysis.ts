import { accessRank } from "../../model/access";
import { ACTION_CLASSES, highRiskClasses, type HighRiskClass } from "../../model/action-classes";
import { isUnknown } from "../../model/unknown";
import type { AwsActionInfo } from "./iam-catalog";
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
}

/** One problem, with the statement it comes from. */
export interface PermissionProblem {
  readonly source: string;
  readonly message: string;
}

/** The analysis of a role's permissions. */
export interface PermissionAnalysis {
  /** `*`, `service:*` or service-spanning actions in Allow statements. */
  readonly serviceWildcards: readonly PermissionProblem[];
  /** Allow statements with `NotAction`. */
  readonly notActionAllows: readonly PermissionProblem[];
  /** Write or permissions-management actions allowed on every resource although they can be scoped. */
  readonly unscopedWrites: readonly PermissionProblem[];
  /** Published privilege-escalation methods the role can perform. */
  readonly escalations: readonly EscalationMethod[];
  /** `iam:PassRole` / `sts:AssumeRole` on every role. */
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

function listed(actions: readonly string[]): string {
  const head = actions.slice(0, MAX_LISTED).join(", ");
  return actions.length > MAX_LISTED ? `${head} and ${actions.length - MAX_LISTED} more` : head;
}

function where(entry: SourcedStatement): string {
  return `${entry.source}, statement ${entry.statement.sid ? `"${entry.statement.sid}"` : entry.statement.index}`;
}

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

  for (const entry of denyAll ? [] : allows) {
    const { statement } = entry;
    const allResources = statementCoversAllResources(statement);
    const wildcards = statement.actions.filter((pattern) => !isUnknown(pattern) && isServiceWildcard(pattern));
    if (wildcards.length > 0)
      serviceWildcards.push({
        source: entry.source,
        message: `${where(entry)} allows ${wildcards.map((pattern) => `"${pattern}"`).join(", ")}: every action of ${wildcards.includes("*") ? "every service" : "a service"}; list the exact actions the agent needs`,
      });
    if (statement.notActions.length > 0)
      notActionAllows.push({
        source: entry.source,
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
    const live = infos;
    if (allResources) {
      const scopable = live
        .filter((info) => accessRank(info.accessLevel) >= accessRank("write") && !info.isWildcardOnly)
        .map((info) => info.action);
      if (scopable.length > 0 && wildcards.length === 0)
        unscopedWrites.push({
          source: entry.source,
          message: `${where(entry)} allows ${listed([...new Set(scopable)])} on every resource ("*"), though ${scopable.length === 1 ? "it" : "they"} can be scoped; name the resources' ARNs in Resource`,
        });
      for (const action of CREDENTIALS_EXPOSURE_ACTIONS) {
        if (allowedCredentials.has(action) || deniedEverywhere(action) || ROLE_HOPPING_ACTIONS.includes(action))
          continue;
        if (statementCoversAction(statement, action))
          credentialsExposure.push({
            source: entry.source,
            message: `${where(entry)} allows ${action} on every resource, which returns credentials; scope it to the named resource or remove it`,
          });
      }
    }
    for (const action of ROLE_HOPPING_ACTIONS) {
      if (!statementCoversAction(statement, action) || deniedEverywhere(action)) continue;
      const broad =
        statement.notResources.length > 0 ||
        statement.resources.some(
          (resource) => resourceBreadth(resource) === "all" || /:role\/(.*\/)?\*$/.test(resource),
        );
      if (broad)
        roleHopping.push({
          source: entry.source,
          message: `${where(entry)} allows ${action} on every role; name the one role ARN it ${action === "iam:passrole" ? "passes" : "assumes"}`,
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
