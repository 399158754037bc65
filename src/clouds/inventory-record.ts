import { accessRank } from "../model/access";
import type { Agent } from "../model/agent";
import { breakGlassActive } from "../model/break-glass";
import { daysBetween, todayUtc } from "../model/dates";
import { scoreRisk } from "../model/risk/score";
import { riskFactsOf } from "./risk-facts";
import { describeAccountWide, describeGrant, describeToolGrant, describeToolTest } from "../model/plain-words";
import { inventoryRecordSchema } from "../model/inventory/schema";
import type { AgentCloudIdentities, InventoryGrant, InventoryRecord, InventoryTool } from "../model/inventory/record";
import { UNKNOWN_BECAUSE, unknownValuesOf } from "../model/inventory/cloud-assigned";

/** Options of {@link buildInventoryRecord}. */
export interface InventoryRecordOptions {
  /** The day the inventory is for (`YYYY-MM-DD`, default today UTC): days to expiry and risk depend on it. */
  readonly today?: string;
  /** First deploy, as the cloud reports it (ISO 8601); absent offline. */
  readonly created?: string | null;
  /** Whether the agent is disabled because its owner is in `agent-iam:departedOwners`. */
  readonly ownerDeparted?: boolean;
  /** The instant a break-glass elevation is judged active against (ISO 8601, default now). */
  readonly now?: string;
  /** The stack the record is read from (`ORG/PROJECT/STACK` or `PROJECT/STACK`). */
  readonly stack?: string;
  /** Why a cloud-assigned value that is `null` is not known (default: the program was run offline). */
  readonly unknownBecause?: string;
}

/** The agent's grants, account-wide ones included, as inventory grants. */
export function inventoryGrants(agent: Pick<Agent, "grants" | "accountWide">): InventoryGrant[] {
  const named = agent.grants.map(
    (grant): InventoryGrant => ({
      cloud: grant.resource.cloud,
      resource: grant.resource.ref,
      resourceType: grant.resource.nativeType,
      access: [...grant.access],
      include: [...grant.include],
      actions: [],
      dataClass: grant.dataClass ?? null,
      until: grant.until ?? null,
      role: grant.role ?? null,
      summary: describeGrant(grant),
    }),
  );
  const wide = agent.accountWide.map(
    (grant): InventoryGrant => ({
      cloud: grant.cloud,
      resource: "*",
      resourceType: "account",
      access: [],
      include: [],
      actions: [...grant.actions],
      dataClass: null,
      until: grant.until ?? null,
      role: grant.role ?? null,
      summary: describeAccountWide(grant),
    }),
  );
  return [...named, ...wide];
}

/** The tools the agent may call through its gateway, as inventory tools. */
export function inventoryTools(agent: Partial<Pick<Agent, "tools">>): InventoryTool[] {
  return (agent.tools ?? []).map((grant) => ({
    gateway: grant.gateway,
    target: grant.target,
    tool: grant.tool,
    action: grant.action,
    conditions: grant.tests.map(describeToolTest),
    risk: grant.risk ?? null,
    summary: describeToolGrant(grant),
  }));
}

/**
 * One agent's inventory record, from the validated agent and the identities its clouds returned.
 * Pure: the component computes its `inventoryRecord` output with it, and the offline inventory
 * computes the same record from a recorded program run.
 */
export function buildInventoryRecord(
  agent: Agent,
  identities: AgentCloudIdentities,
  options: InventoryRecordOptions = {},
): InventoryRecord {
  const today = options.today ?? todayUtc();
  const facts = riskFactsOf(agent, today);
  const score = scoreRisk(facts);
  const grants = inventoryGrants(agent);
  // inventoryGrants lists the named grants, then the account-wide ones, in the agent's order.
  const elevated = [...agent.grants, ...agent.accountWide].map((grant) => grant.breakGlass === true);
  const record: InventoryRecord = {
    id: agent.id,
    owner: agent.owner,
    team: agent.team ?? null,
    costCenter: agent.costCenter ?? null,
    purpose: agent.purpose,
    environment: agent.environment,
    created: options.created ?? null,
    expires: agent.expires,
    daysToExpiry: daysBetween(today, agent.expires),
    status: agent.disabled ? "disabled" : "active",
    disabledReason: options.ownerDeparted ? "owner-departed" : agent.disabled ? "disabled" : null,
    approval: agent.approval ?? null,
    issuer: {
      kind: agent.trust.kind,
      url: agent.trust.issuerUrl,
      subject: agent.trust.subject,
      audience: agent.trust.audience ?? null,
    },
    home: agent.trust.workload
      ? {
          cloud: agent.trust.workload.cloud,
          service: agent.trust.workload.service,
          attachedTo: agent.trust.subject,
          federatedTo: agent.clouds.filter((cloud) => cloud !== agent.trust.workload?.cloud),
        }
      : null,
    maxSessionSeconds: agent.maxSessionDuration,
    clouds: [...agent.clouds],
    identities,
    grants,
    canDo: grants.map((grant) => grant.summary),
    tools: inventoryTools(agent),
    writesProd:
      facts.reachesProd && facts.highestAccess !== "none" && accessRank(facts.highestAccess) >= accessRank("write"),
    touchesSensitiveData: agent.grants.some((grant) => grant.dataClass !== undefined),
    budget: agent.budget
      ? {
          monthly: agent.budget.monthly,
          currency: agent.budget.currency,
          notify: [...agent.budget.notify],
          stopAt: agent.budget.stopAt,
        }
      : null,
    breakGlass: agent.breakGlass
      ? {
          ...agent.breakGlass,
          active: breakGlassActive(agent.breakGlass, options.now ?? new Date().toISOString()),
          grants: grants.filter((_, index) => elevated[index]).map((grant) => grant.summary),
        }
      : null,
    delegatesTo: (agent.delegatesTo ?? []).map((target) => target.agent),
    risk: { tier: score.tier, reasons: score.reasons.map((reason) => ({ ...reason })) },
    ...(options.stack !== undefined ? { stack: options.stack } : {}),
    unknownValues: unknownValuesOf(
      { identities: identities as Record<string, unknown>, created: options.created ?? null },
      options.unknownBecause ?? UNKNOWN_BECAUSE.program,
    ),
  };
  return inventoryRecordSchema.parse(record);
}

/** The earliest of several creation times (ISO 8601), or null when none is known. */
export function earliestCreated(times: readonly (string | null | undefined)[]): string | null {
  const known = times.filter((time): time is string => typeof time === "string" && !Number.isNaN(Date.parse(time)));
  if (known.length === 0) return null;
  return known.reduce((earliest, time) => (Date.parse(time) < Date.parse(earliest) ? time : earliest));
}
