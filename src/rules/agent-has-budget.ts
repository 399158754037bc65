import { z } from "zod";
import type { StackRule } from "./support/rule";
import { agentIdOfCostFilter, awsCostFilterValue } from "../clouds/aws/budget";
import { GCP_BUDGET_LABEL } from "../clouds/gcp/budget";
import { CLOUD_NAMES } from "../model/plain-words";
import type { Cloud } from "../model/resources";
import { RISK_TIERS, type RiskTier } from "../model/risk/rules";
import { gcpLabelValue, TAG_KEYS } from "../model/tags";
import { describeIdentity, type AgentIdentityResource } from "./support/agents";
import { forIdentity } from "./support/common";
import { agentTier, agentUrn, stackAgents, tierRank, type StackAgent } from "./support/stack-agents";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { containsUnknown, isUnknown } from "../model/unknown";

/**
 * `agent-has-budget`: every agent has a monthly budget on each cloud it is on, counted on its tag
 * or label, and on AWS (where the cloud can stop it) a budget action that attaches a deny policy to
 * its role. Advisory by default; mandatory for agents at or above `mandatoryFromTier` (risk tiers
 * of `src/risk`, default `critical`: a production agent that can write is already `high`). Budgets written by hand count as much as `AgentIdentity`'s.
 */

export const budgetConfig = z
  .object({
    mandatoryFromTier: z
      .enum(RISK_TIERS, { error: `mandatoryFromTier is one of ${RISK_TIERS.join(", ")}` })
      .default("critical")
      .describe(
        "Agents at this risk tier or above must have a budget (a mandatory violation); below it a missing budget is advisory",
      ),
  })
  .strict();
export type BudgetConfig = z.output<typeof budgetConfig>;

export const AWS_BUDGET_TYPE = "aws:budgets/budget:Budget";
export const AWS_BUDGET_ACTION_TYPE = "aws:budgets/budgetAction:BudgetAction";
export const GCP_BUDGET_TYPE = "gcp:billing/budget:Budget";
export const AZURE_BUDGET_TYPES = ["azure-native:consumption:Budget", "azure-native:costmanagement:Budget"];

/** What a budget says it counts: agent ids, or unknown until apply. */
type Counted = { readonly ids: readonly string[]; readonly unknown: boolean };

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** AWS: `TagKeyValue` cost filters (`user:agent-iam:agent$ID`), or a filter expression on the tag. */
function awsCounted(budget: PolicyResource): Counted {
  const ids: string[] = [];
  let unknown = false;
  for (const filter of list(budget.props.costFilters)) {
    if (isUnknown(filter)) unknown = true;
    const entry = filter as { name?: unknown; values?: unknown };
    if (entry?.name !== "TagKeyValue") continue;
    for (const value of list(entry.values)) {
      if (isUnknown(value)) unknown = true;
      const id = typeof value === "string" ? agentIdOfCostFilter(value) : undefined;
      if (id) ids.push(id);
    }
  }
  const walk = (expression: unknown): void => {
    if (typeof expression !== "object" || expression === null) return;
    const node = expression as { tags?: { key?: unknown; values?: unknown }; and?: unknown; ands?: unknown };
    const key = node.tags?.key;
    if (typeof key === "string" && key.replace(/^user:/, "") === TAG_KEYS.agent)
      for (const value of list(node.tags?.values)) if (typeof value === "string") ids.push(value);
    for (const child of [...list(node.and), ...list(node.ands)]) walk(child);
  };
  walk(budget.props.filterExpression);
  if (isUnknown(budget.props.costFilters) || isUnknown(budget.props.filterExpression)) unknown = true;
  return { ids, unknown };
}

/** GCP: `budgetFilter.labels` holds the agent's label. */
function gcpCounted(budget: PolicyResource): Counted {
  const filter = budget.props.budgetFilter as { labels?: Record<string, unknown> } | undefined;
  if (isUnknown(filter) || isUnknown(filter?.labels)) return { ids: [], unknown: true };
  const value = filter?.labels?.[GCP_BUDGET_LABEL];
  if (isUnknown(value)) return { ids: [], unknown: true };
  return { ids: list(value).filter((entry): entry is string => typeof entry === "string"), unknown: false };
}

/** Azure: a tag filter on `agent-iam:agent`, alone or inside `and`. */
function azureCounted(budget: PolicyResource): Counted {
  const ids: string[] = [];
  const filter = budget.props.filter as { tags?: { name?: unknown; values?: unknown }; and?: unknown } | undefined;
  if (isUnknown(filter)) return { ids, unknown: true };
  for (const node of [filter, ...list(filter?.and)] as { tags?: { name?: unknown; values?: unknown } }[]) {
    if (node?.tags?.name === TAG_KEYS.agent)
      for (const value of list(node.tags.values)) if (typeof value === "string") ids.push(value);
  }
  return { ids, unknown: containsUnknown(filter) && ids.length === 0 };
}

/** The id a budget must count for an identity: the agent id, and on GCP its label form. */
function wanted(cloud: Cloud, id: string, identity: AgentIdentityResource): string[] {
  if (cloud !== "gcp") return [id];
  const accountId = knownString(identity.resource.props.accountId);
  return [gcpLabelValue(id), ...(accountId ? [gcpLabelValue(accountId)] : [])];
}

const BUDGET_READERS: Record<
  Cloud,
  {
    readonly types: readonly string[];
    readonly counted: (budget: PolicyResource) => Counted;
    readonly how: (id: string) => string;
  }
> = {
  aws: {
    types: [AWS_BUDGET_TYPE],
    counted: awsCounted,
    how: (id) => `an aws.budgets.Budget with the cost filter TagKeyValue ${awsCostFilterValue(id)}`,
  },
  gcp: {
    types: [GCP_BUDGET_TYPE],
    counted: gcpCounted,
    how: (id) => `a billing Budget whose budgetFilter.labels has ${GCP_BUDGET_LABEL}: ${gcpLabelValue(id)}`,
  },
  azure: {
    types: AZURE_BUDGET_TYPES,
    counted: azureCounted,
    how: (id) => `a consumption Budget filtered on the tag ${TAG_KEYS.agent} = ${id}`,
  },
};

/** A cloud's budgets with what each counts, and by agent id (built once per index). */
interface BudgetEntry {
  readonly budget: PolicyResource;
  readonly counted: Counted;
  /** Its place among the cloud's budgets. */
  readonly order: number;
}

function budgetTable(cloud: Cloud, index: StackIndex): { byId: Map<string, BudgetEntry[]>; anyUnknown: boolean } {
  return index.memo(`budgets:${cloud}`, () => {
    const reader = BUDGET_READERS[cloud];
    const budgets: BudgetEntry[] = index
      .ofType(...reader.types)
      .map((budget, order) => ({ budget, counted: reader.counted(budget), order }));
    const byId = new Map<string, BudgetEntry[]>();
    for (const entry of budgets)
      for (const id of new Set(entry.counted.ids)) {
        const list = byId.get(id);
        if (list) list.push(entry);
        else byId.set(id, [entry]);
      }
    return { byId, anyUnknown: budgets.some(({ counted }) => counted.unknown) };
  });
}

/** The budget actions that may act on a budget: those naming it or depending on it, and those whose budget is not known yet. */
function budgetActionsFor(budget: PolicyResource, index: StackIndex): PolicyResource[] {
  const table = index.memo("budgetActions", () => {
    const byName = new Map<unknown, PolicyResource[]>();
    const byDependency = new Map<string, PolicyResource[]>();
    const unknownBudget: PolicyResource[] = [];
    const add = <K>(map: Map<K, PolicyResource[]>, key: K, action: PolicyResource) => {
      const list = map.get(key);
      if (list) list.push(action);
      else map.set(key, [action]);
    };
    for (const action of index.ofType(AWS_BUDGET_ACTION_TYPE)) {
      add(byName, action.props.budgetName, action);
      for (const urn of new Set(action.propertyDependencies?.budgetName ?? [])) add(byDependency, urn, action);
      if (isUnknown(action.props.budgetName)) unknownBudget.push(action);
    }
    return { byName, byDependency, unknownBudget };
  });
  const budgetName = knownString(budget.props.name);
  return [
    ...new Set([
      ...(budgetName !== undefined ? (table.byName.get(budgetName) ?? []) : []),
      ...(table.byDependency.get(budget.urn) ?? []),
      ...table.unknownBudget,
    ]),
  ];
}

/** The budget actions that stop an AWS role: APPLY_IAM_POLICY, automatic, naming the role, on the budget. */
function awsStops(budget: PolicyResource, role: PolicyResource, index: StackIndex): boolean | "unknown" {
  const budgetName = knownString(budget.props.name);
  const roleName = knownString(role.props.name) ?? role.name;
  let unknown = false;
  // Only actions on this budget, or on a budget not known yet, can stop the role (the result does not depend on their order).
  for (const action of budgetActionsFor(budget, index)) {
    const onBudget =
      (budgetName !== undefined && action.props.budgetName === budgetName) ||
      (action.propertyDependencies?.budgetName ?? []).includes(budget.urn);
    if (!onBudget && !isUnknown(action.props.budgetName)) continue;
    if (action.props.actionType !== "APPLY_IAM_POLICY" || action.props.approvalModel !== "AUTOMATIC") {
      if (containsUnknown([action.props.actionType, action.props.approvalModel])) unknown = true;
      continue;
    }
    const roles = list(
      (action.props.definition as { iamActionDefinition?: { roles?: unknown } } | undefined)?.iamActionDefinition
        ?.roles,
    );
    if (roles.includes(roleName) && onBudget) return true;
    if (roles.some(isUnknown) || isUnknown(action.props.budgetName)) unknown = true;
  }
  return unknown ? "unknown" : false;
}

function level(tier: RiskTier | "unknown", config: BudgetConfig): Finding["level"] {
  return tier !== "unknown" && tierRank(tier) >= tierRank(config.mandatoryFromTier) ? "mandatory" : undefined;
}

function checkAgent(agent: StackAgent, index: StackIndex, config: BudgetConfig, context: CheckContext): Finding[] {
  const active = agent.identities.filter((identity) => !identity.disabled);
  if (active.length === 0) return [];
  const reading = agentTier(agent, index, context.today);
  const tierWords =
    reading.tier === "unknown" ? `risk not known until apply: ${reading.reasons.join("; ")}` : `risk ${reading.tier}`;
  const findings: Finding[] = [];
  for (const identity of active) {
    const reader = BUDGET_READERS[identity.cloud];
    const ids = wanted(identity.cloud, agent.id, identity);
    const table = budgetTable(identity.cloud, index);
    // The budgets counting one of the ids, in stack order (looked up by id: a fleet holds thousands).
    const matching = [...new Set(ids.flatMap((id) => table.byId.get(id) ?? []))].sort((a, b) => a.order - b.order);
    const urn = agentUrn(agent) ?? identity.resource.urn;
    const name = agent.component ? `agent "${agent.id}"` : describeIdentity(identity);
    const fix = agent.component
      ? "add budget: { monthly, notify } to its AgentIdentity"
      : `add ${reader.how(agent.id)}`;
    const report = (finding: Finding) => findings.push(...forIdentity(identity, [finding]));
    if (matching.length === 0) {
      if (table.anyUnknown)
        report({
          urn,
          level: "advisory",
          message: `${name}: whether a budget on ${CLOUD_NAMES[identity.cloud]} counts its cost is not known until apply`,
        });
      else
        report({
          urn,
          level: level(reading.tier, config),
          message: `${name} (${tierWords}) has no budget on ${CLOUD_NAMES[identity.cloud]}: nothing caps what it can spend; ${fix}`,
        });
      continue;
    }
    if (identity.cloud !== "aws") continue;
    const stops = matching.map(({ budget }) => awsStops(budget, identity.resource, index));
    if (stops.includes(true)) continue;
    if (stops.includes("unknown"))
      report({ urn, level: "advisory", message: `${name}: whether its AWS budget stops it is not known until apply` });
    else
      report({
        urn,
        level: level(reading.tier, config),
        message: `${name} (${tierWords}) has an AWS budget that only notifies: add an aws.budgets.BudgetAction (APPLY_IAM_POLICY, approvalModel AUTOMATIC) that attaches a deny-all policy to role ${knownString(identity.resource.props.name) ?? identity.resource.name}, as AgentIdentity's budget does`,
      });
  }
  return findings;
}

export function checkBudget(
  resources: readonly PolicyResource[],
  config: BudgetConfig,
  context: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  return stackAgents(index).flatMap((agent) => checkAgent(agent, index, config, context));
}

/** Every agent's spend is capped, and on AWS the cap stops it; mandatory from a configured risk tier up. */
export const agentHasBudget: StackRule<typeof budgetConfig> = {
  name: "agent-has-budget",
  description:
    "Reports agents with no monthly budget on a cloud they are on (counted on the agent-iam:agent tag or the agent-iam-agent label), and AWS budgets without the budget action that stops the agent. Advisory, except for agents at or above mandatoryFromTier (default critical), where it blocks.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Give the agent budget: { monthly, notify, stopAt } in its AgentIdentity, or a budget on each of its clouds filtered on its tag or label (on AWS with an APPLY_IAM_POLICY budget action on its role).",
  config: budgetConfig,
  scope: "stack",
  check: checkBudget,
};
