import type { AccessLevel } from "../model/access";
import type { AccountWideGrant, Agent, BreakGlass, ResolvedGrant } from "../model/agent";
import { breakGlassProblems, normalizeInstant } from "../model/break-glass";
import { agentBudgetOf } from "../model/budget";
import { delegationTargetOf } from "../model/delegation";
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../model/cloud-limits";
import { ROLE_CATALOG, type CatalogRole } from "../model/role-catalog";
import { todayUtc } from "../model/dates";
import { resolveTrust } from "../model/issuers";
import { CLOUDS, type Cloud } from "../model/resources";
import {
  AGENT_ID,
  agentSpecSchema,
  checkDelegation,
  checkFieldRules,
  checkGrantRules,
  checkRawBreakGlass,
  type GrantInput,
  type ParsedSpec,
} from "../model/spec";
import { AgentSpecError, formatPath, type ParseOptions, type SpecProblem } from "../model/agent-spec";
import { awsStatementsForGrants } from "./aws/actions";
import { awsBudgetPolicySlots } from "./aws/budget";
import { packPolicies } from "./aws/policy-packing";
import { awsActionInfo } from "./aws/iam-catalog";
import { azureAssignmentsForGrants } from "./azure/assignments";
import { gcpBindingsForGrants, gcpGrantsEndedByStopper, gcpTrustProblems } from "./gcp/bindings";
import { gcpTypeWords } from "./gcp/expiry";
import { resolveResource } from "./resources";
import { resolveToolGrants, type ResolvedToolGrant } from "../model/tools";
import type { ToolCatalog } from "../model/tool-spec";
import { oversizedPolicies } from "./aws/agentcore/cedar";
import { AGENTCORE_LIMITS } from "../model/cloud-limits";
import { workloadProblems } from "../model/workload-rules";

/**
 * From a spec to an agent: the spec's schema and rules (`src/model/spec.ts`), then what each
 * cloud makes of it (the named resources resolved, each cloud's planner asked whether it can grant
 * them, the AWS policies packed under their limits), every problem gathered into one
 * {@link AgentSpecError}.
 */

/**
 * Validates a spec, plans it on its clouds and builds the cloud-agnostic {@link Agent}. Throws {@link AgentSpecError} with
 * every problem at once; never returns a half-valid agent.
 */
export function planAgent(name: string, input: unknown, options: ParseOptions = {}): Agent {
  const problems: SpecProblem[] = [];
  if (typeof name !== "string" || !AGENT_ID.test(name))
    problems.push({
      path: "name",
      message:
        "the agent name must be 3–40 lower-case letters, digits or '-', starting with a letter (it names the cloud identities)",
    });
  const now = options.now ?? new Date().toISOString();
  const today = options.today ?? (options.now ? todayUtc(new Date(options.now)) : todayUtc());
  const parsed = agentSpecSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: formatPath(issue.path), message: issue.message });
    // Report the rules on the fields that did parse too, so one run shows every problem.
    const failed = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? "")));
    if (typeof input === "object" && input !== null) {
      checkFieldRules(input as Partial<ParsedSpec>, failed, today, problems);
      checkRawBreakGlass(input as Record<string, unknown>, parsed.error.issues, now, problems);
    }
    throw new AgentSpecError(String(name), problems);
  }
  const spec = parsed.data;
  const { grants, accountWide } = resolveGrants(spec, problems);
  const breakGlass = resolveBreakGlass(spec, now, problems);
  checkFieldRules(spec, new Set(), today, problems);
  checkGrantRules(spec, today, grants, problems);
  checkCloudTrust(spec, problems);
  checkGcpExpiry(spec, [...grants, ...(breakGlass?.grants ?? [])], problems);
  checkDelegation(name, spec, problems);
  const trust = resolveTrust(spec.runsOn, spec.environment);
  const tools: ResolvedToolGrant[] = spec.tools
    ? resolveToolGrants(spec.tools, { environment: spec.environment, trust, approval: spec.approval }, problems)
    : [];
  if (spec.tools && problems.length === 0)
    for (const plan of oversizedPolicies(
      {
        id: name,
        owner: spec.owner,
        environment: spec.environment,
        expires: spec.expires,
        disabled: spec.disabled,
        approval: spec.approval,
        trust,
        tools,
      },
      spec.tools.gateway.catalog as ToolCatalog,
    ))
      problems.push({
        path: plan.index === undefined ? "tools.gateway" : `tools.allow[${plan.index}]`,
        message: `its Cedar policy would be ${plan.statement.length} characters; AgentCore takes at most ${AGENTCORE_LIMITS.policyStatementCharacters.maximum} per policy: split the conditions over several entries`,
      });
  checkAwsPacking(
    spec,
    [...grants, ...(breakGlass?.grants ?? [])],
    [...accountWide, ...(breakGlass?.accountWide ?? [])],
    problems,
  );
  if (problems.length > 0) throw new AgentSpecError(String(name), problems);
  const agent: Agent = {
    id: name,
    owner: spec.owner,
    team: spec.team,
    costCenter: spec.costCenter,
    purpose: spec.purpose,
    environment: spec.environment,
    expires: spec.expires,
    trust,
    grants,
    accountWide,
    maxSessionDuration: spec.maxSessionDuration,
    disabled: spec.disabled,
    approval: spec.approval,
    clouds: CLOUDS.filter((cloud) => spec[cloud] !== undefined),
    ...(spec.budget ? { budget: agentBudgetOf(spec.budget) } : {}),
    ...(breakGlass ? { breakGlass: breakGlass.elevation } : {}),
    delegatesTo: spec.delegatesTo.map(delegationTargetOf),
    tools,
  };
  if (breakGlass)
    return {
      ...agent,
      grants: [...agent.grants, ...breakGlass.grants],
      accountWide: [...agent.accountWide, ...breakGlass.accountWide],
    };
  return agent;
}

function resolveGrants(
  spec: ParsedSpec,
  problems: SpecProblem[],
): { grants: ResolvedGrant[]; accountWide: AccountWideGrant[] } {
  return resolveGrantList(spec, spec.grants, "grants", problems);
}

/**
 * The grants of a list (`grants`, or `breakGlass.grants` at `prefix`), resolved against the
 * resource tables and each cloud's planner; problems carry the grant's path under `prefix`.
 */
function resolveGrantList(
  spec: ParsedSpec,
  list: readonly GrantInput[],
  prefix: string,
  problems: SpecProblem[],
  mark: { readonly endsAt: string; readonly breakGlass: true } | Record<string, never> = {},
): { grants: ResolvedGrant[]; accountWide: AccountWideGrant[] } {
  const grants: ResolvedGrant[] = [];
  const accountWide: AccountWideGrant[] = [];
  const declared = new Set<Cloud>(CLOUDS.filter((cloud) => spec[cloud] !== undefined));
  const needCloud = (cloud: Cloud, path: string) => {
    if (!declared.has(cloud))
      problems.push({
        path,
        message: `this grant is on ${cloud.toUpperCase()}, but the agent has no "${cloud}" block; add one or remove the grant`,
      });
  };

  list.forEach((grant, index) => {
    const at = `${prefix}[${index}]`;
    if ("role" in grant) {
      const role: CatalogRole = ROLE_CATALOG[grant.role];
      for (const [cloud, actions] of Object.entries(role.accountWide ?? {}) as [Cloud, readonly string[]][])
        if (declared.has(cloud)) accountWide.push({ cloud, actions, role: role.name, until: grant.until, ...mark });
      grant.resources.forEach((ref, resourceIndex) => {
        const path = `${at}.resources[${resourceIndex}]`;
        const resolved = resolveResource(ref);
        if ("error" in resolved) return void problems.push({ path, message: resolved.error });
        needCloud(resolved.cloud, path);
        const levels = resolved.kind
          ? (role.access as Record<string, readonly AccessLevel[]>)[resolved.kind]
          : undefined;
        if (!levels) {
          const kinds = Object.keys(role.access).join(", ");
          return void problems.push({
            path,
            message: `role "${role.name}" does not cover a ${resolved.kind ?? resolved.nativeType}; it applies to: ${kinds}`,
          });
        }
        grants.push({
          resource: resolved,
          access: levels,
          include: [],
          dataClass: grant.dataClass,
          until: grant.until,
          role: role.name,
          ...mark,
        });
      });
      if (grant.resources.length === 0 && !role.accountWide)
        problems.push({ path: `${at}.resources`, message: `role "${role.name}" needs the resources it applies to` });
    } else if ("actions" in grant) {
      needCloud("aws", `${at}.actions`);
      grant.actions.forEach((action, actionIndex) => {
        const info = awsActionInfo(action);
        const path = `${at}.actions[${actionIndex}]`;
        if (!info) problems.push({ path, message: `"${action}" is not an AWS action in the IAM catalog` });
        else if (!info.isWildcardOnly)
          problems.push({
            path,
            message: `"${info.action}" can be scoped to a resource; grant it with { resource: ARN, access: "${info.accessLevel}" } instead of "*"`,
          });
      });
      accountWide.push({ cloud: "aws", actions: grant.actions, until: grant.until, ...mark });
    } else {
      const path = `${at}.resource`;
      if (grant.resource === "*")
        return void problems.push({
          path,
          message: 'a grant names its resources; "*" is only for wildcard-only actions ({ actions, resource: "*" })',
        });
      const resolved = resolveResource(grant.resource);
      if ("error" in resolved) return void problems.push({ path, message: resolved.error });
      needCloud(resolved.cloud, path);
      grants.push({
        resource: resolved,
        access: grant.access,
        include: grant.include ?? [],
        dataClass: grant.dataClass,
        until: grant.until,
        ...mark,
      });
    }
  });

  const cloudProblems = [
    ...awsStatementsForGrants(grants, []).problems,
    ...gcpBindingsForGrants({ id: "", expires: spec.expires }, grants).problems,
    ...azureAssignmentsForGrants({ id: "", environment: spec.environment, expires: spec.expires }, grants, {
      allowBroadScopes: spec.azure?.allowBroadScopes,
      approval: spec.approval,
    }).problems,
  ];
  for (const problem of cloudProblems) {
    const grant = grants[problem.grant]!;
    const index = list.findIndex(
      (raw) =>
        ("resource" in raw && raw.resource === grant.resource.ref) ||
        ("resources" in raw && raw.resources.includes(grant.resource.ref)),
    );
    problems.push({ path: `${prefix}[${index}]`, message: problem.message });
  }
  return { grants, accountWide };
}

/**
 * The break-glass elevation: its rules (reason, approver, an end at most 24 hours ahead), and its
 * grants resolved like `grants`, each marked and ending at `until`.
 */
function resolveBreakGlass(
  spec: ParsedSpec,
  now: string,
  problems: SpecProblem[],
): { elevation: BreakGlass; grants: ResolvedGrant[]; accountWide: AccountWideGrant[] } | undefined {
  if (!spec.breakGlass) return undefined;
  const raw = spec.breakGlass;
  const found = breakGlassProblems(raw, { now, owner: spec.owner, expires: spec.expires });
  for (const problem of found) problems.push({ path: `breakGlass.${problem.field}`, message: problem.message });
  const until = normalizeInstant(raw.until);
  // Planned with their end, so each cloud's planner refuses what it cannot end (Azure).
  const resolved = resolveGrantList(spec, raw.grants, "breakGlass.grants", problems, {
    endsAt: until ?? raw.until,
    breakGlass: true,
  });
  if (found.length > 0 || !until) return undefined;
  const elevation: BreakGlass = { reason: raw.reason.trim(), approvedBy: raw.approvedBy.trim(), until };
  return { elevation, ...resolved };
}

/** The AWS grants fit the managed policies a role holds, less the slot the budget's stop policy takes. */
function checkAwsPacking(
  spec: ParsedSpec,
  grants: readonly ResolvedGrant[],
  accountWide: readonly AccountWideGrant[],
  problems: SpecProblem[],
): void {
  if (!spec.aws || problems.length > 0) return;
  const { statements } = awsStatementsForGrants(grants, accountWide);
  if (statements.length === 0) return;
  try {
    packPolicies(statements, undefined, awsBudgetPolicySlots({ budget: spec.budget && agentBudgetOf(spec.budget) }));
  } catch (error) {
    problems.push({ path: "grants", message: (error as Error).message });
  }
}

/**
 * On GCP, bindings on resource types that take no IAM condition (Pub/Sub, Artifact Registry,
 * service accounts) and the binding that lets this agent act as another end on the review date
 * only because the `GcpBudgetStopper` disables the agent's service account then: such an agent
 * needs `gcp.budgetStopper`.
 */
function checkGcpExpiry(spec: ParsedSpec, grants: readonly ResolvedGrant[], problems: SpecProblem[]): void {
  if (!spec.gcp || spec.gcp.budgetStopper || spec.disabled) return;
  const types = [...new Set(gcpGrantsEndedByStopper(grants).map((grant) => gcpTypeWords(grant.resource.nativeType)))];
  const delegates = spec.delegatesTo.some((entry) => {
    const clouds = typeof entry === "object" && "clouds" in entry ? entry.clouds : undefined;
    return clouds === undefined || clouds.includes("gcp");
  });
  if (types.length > 0)
    problems.push({
      path: "gcp.budgetStopper",
      message: `Google takes no IAM condition on ${types.join(" or ")}, so this agent's access there ends on its review date only when a GcpBudgetStopper disables its service account: set gcp.budgetStopper (one GcpBudgetStopper per project)`,
    });
  else if (delegates)
    problems.push({
      path: "gcp.budgetStopper",
      message:
        'acting as another agent on GCP is a binding on its service account, which takes no IAM condition: set gcp.budgetStopper (a GcpBudgetStopper disables this agent\'s account on its review date), or limit delegatesTo to clouds: ["aws"]',
    });
}

/** What the GCP and Azure sides need of the agent's trust: a short enough subject, Azure's audience. */
function checkCloudTrust(spec: ParsedSpec, problems: SpecProblem[]): void {
  const trust = resolveTrust(spec.runsOn, spec.environment);
  problems.push(...workloadProblems(spec));
  spec.azure?.additionalSubjects?.forEach((runsOn, index) => {
    if (runsOn.kind.endsWith("-workload"))
      problems.push({
        path: `azure.additionalSubjects[${index}]`,
        message:
          "additional subjects are OIDC issuers (githubActions, gitlabCi, kubernetes, oidc); a cloud workload is the agent's runsOn",
      });
  });
  // A workload's audience is the one its Google or Entra tokens carry to other clouds, not an OIDC preset's.
  if (trust.workload) return;
  if (spec.gcp) problems.push(...gcpTrustProblems({ trust }));
  if (spec.azure && trust.audience !== undefined && trust.audience !== AZURE_TOKEN_EXCHANGE_AUDIENCE)
    problems.push({
      path: "runsOn.audience",
      message: `Azure federated credentials accept only the audience ${AZURE_TOKEN_EXCHANGE_AUDIENCE}; remove audience, or set it to that value`,
    });
  spec.azure?.additionalSubjects?.forEach((runsOn, index) => {
    if ("audience" in runsOn && runsOn.audience !== undefined && runsOn.audience !== AZURE_TOKEN_EXCHANGE_AUDIENCE)
      problems.push({
        path: `azure.additionalSubjects[${index}].audience`,
        message: `Azure federated credentials accept only the audience ${AZURE_TOKEN_EXCHANGE_AUDIENCE}; remove audience`,
      });
  });
}
