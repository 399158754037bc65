import { z } from "zod";
import { accessRank, highestAccess, type AccessLevel } from "../../model/access";
import type { Agent } from "../../model/agent";
import { managedPolicyRule } from "../../clouds/aws/managed-policies";
import { analyzePermissions } from "../../clouds/aws/permission-analysis";
import { expandActionPattern, readPolicyDocument } from "../../clouds/aws/policy-document";
import { daysBetween, isIsoDate } from "../../model/dates";
import { GCP_DELEGATION_ROLE } from "../../clouds/gcp/delegation";
import { gcpGrantsOf, serviceAccountEmailOf } from "../../clouds/gcp/iam-resources";
import { readAgentModel } from "../../model/agent-model";
import type { Cloud } from "../../model/resources";
import { RISK_TIERS, type RiskTier } from "../../model/risk/rules";
import { isProductionEnvironment, scoreRisk } from "../../model/risk/score";
import { riskFactsOf } from "../../clouds/risk-facts";
import { TAG_KEYS } from "../../model/tags";
import {
  findAgentIdentities,
  gcpServiceAccountKeys,
  readTags,
  tagValue,
  type AgentIdentityResource,
  type FieldValue,
} from "./agents";
import { awsManagedPolicyName, roleKeys, rolePolicySources, statementsOf } from "./aws-role-policies";
import { azureAssignmentsTo, gcpGrantsToAccount } from "./cloud-grants";
import { AGENT_IDENTITY_TYPE } from "../../model/contract";
import { knownString, type PolicyResource, type StackIndex } from "./stack";
import { isUnknown } from "../../model/unknown";

/**
 * Agents as a stack holds them, one per agent id across its clouds: the identities the pack finds
 * (`findAgentIdentities`), grouped by the `AgentIdentity` they were declared in, else by the
 * `agent-iam:agent` tag, else by their own name. With each, the agent model the component
 * registered as its input, or the inventory record it exports (what a stack analysis sees), and its
 * risk tier: the model's, scored by `src/risk`, the record's, or for an
 * identity written by hand, facts read from its grants in the stack. The budget, break-glass and
 * delegation policies judge agents through this.
 */

/** One agent of a stack. */
export interface StackAgent {
  readonly id: string;
  readonly identities: readonly AgentIdentityResource[];
  /** The `AgentIdentity` it was declared with, if any. */
  readonly component?: PolicyResource;
  /** The validated agent that component registered (its input: what `Analyze` sees). */
  readonly model?: Agent;
  /** The inventory record that component exports (its output: what `AnalyzeStack` sees). */
  readonly record?: AgentRecordView;
}

/** What the pack reads of an `AgentIdentity`'s exported inventory record (`src/model/inventory/schema.ts`). */
export interface AgentRecordView {
  readonly owner: string;
  readonly approval: string | null;
  readonly tier: RiskTier;
  readonly reasons: readonly string[];
  readonly breakGlass: { readonly reason: string; readonly approvedBy: string; readonly until: string } | null;
  readonly delegatesTo: readonly string[];
}

const recordViewSchema = z.object({
  owner: z.string(),
  approval: z.string().nullable().default(null),
  risk: z.object({ tier: z.enum(RISK_TIERS), reasons: z.array(z.object({ text: z.string() })) }),
  breakGlass: z.object({ reason: z.string(), approvedBy: z.string(), until: z.string() }).nullable().default(null),
  delegatesTo: z.array(z.string()).default([]),
});

/** The record a component exports, read leniently; undefined when it has none (or not yet). */
export function readRecordView(value: unknown): AgentRecordView | undefined {
  const parsed = recordViewSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { risk, breakGlass, ...rest } = parsed.data;
  return {
    ...rest,
    tier: risk.tier,
    reasons: risk.reasons.map((reason) => reason.text),
    breakGlass: breakGlass
      ? { reason: breakGlass.reason, approvedBy: breakGlass.approvedBy, until: breakGlass.until }
      : null,
  };
}

/** The resource a finding about the agent is reported on: its component, else its first identity. */
export function agentUrn(agent: StackAgent): string | undefined {
  return agent.component?.urn ?? agent.identities[0]?.resource.urn;
}

/** The `AgentIdentity` a resource was declared in (its parent chain), if the stack holds it. */
export function enclosingComponent(resource: PolicyResource, index: StackIndex): PolicyResource | undefined {
  const seen = new Set<string>();
  let current: PolicyResource | undefined = resource;
  while (current?.parent && !seen.has(current.parent)) {
    seen.add(current.parent);
    const parent = index.get(current.parent);
    if (!parent) return undefined;
    if (parent.type === AGENT_IDENTITY_TYPE) return parent;
    current = parent;
  }
  return undefined;
}

/** The agent id an identity written without `AgentIdentity` carries: its agent tag, else its name. */
export function identityAgentId(identity: AgentIdentityResource): string {
  const { props } = identity.resource;
  if (identity.cloud !== "gcp") {
    const tag = tagValue(readTags(props, identity.resource.provider), TAG_KEYS.agent);
    if (tag.state === "value") return tag.value;
  }
  const own = { aws: props.name, gcp: props.accountId, azure: props.resourceName }[identity.cloud];
  return knownString(own) ?? identity.resource.name;
}

/** Every agent of a stack, in the order its first identity (or component) appears (found once per index when `identities` is not given). */
export function stackAgents(index: StackIndex, identities?: readonly AgentIdentityResource[]): StackAgent[] {
  if (identities === undefined)
    return index.memo("stackAgents", () => readStackAgents(index, findAgentIdentities(index)));
  return readStackAgents(index, identities);
}

function readStackAgents(index: StackIndex, identities: readonly AgentIdentityResource[]): StackAgent[] {
  const byId = new Map<
    string,
    {
      id: string;
      identities: AgentIdentityResource[];
      component?: PolicyResource;
      model?: Agent;
      record?: AgentRecordView;
    }
  >();
  for (const component of index.ofType(AGENT_IDENTITY_TYPE))
    byId.set(component.name, {
      id: component.name,
      identities: [],
      component,
      model: readAgentModel(component.props.agent),
      record: readRecordView(component.props.inventoryRecord),
    });
  for (const identity of identities) {
    const component = enclosingComponent(identity.resource, index);
    const id = component?.name ?? identityAgentId(identity);
    const entry = byId.get(id) ?? { id, identities: [] };
    entry.identities.push(identity);
    byId.set(id, entry);
  }
  return [...byId.values()];
}

/** An agent's risk tier and why, or `unknown` when values it depends on are not known until apply. */
export type TierReading =
  | { readonly tier: RiskTier; readonly reasons: readonly string[] }
  | { readonly tier: "unknown"; readonly reasons: readonly string[] };

/** Rank of a tier (higher is riskier). */
export function tierRank(tier: RiskTier): number {
  return RISK_TIERS.indexOf(tier);
}

/** The access level an AWS action pattern reaches: every action it matches, `permissions` for one that spans services. */
function awsPatternLevel(pattern: string): AccessLevel | undefined {
  const expansion = expandActionPattern(pattern);
  if (expansion.everyService) return "permissions";
  return highestAccess(expansion.actions.map((info) => info.accessLevel));
}

/** The actions of assuming another role (lower case): delegation, not access of the agent's own. */
const ROLE_CHAINING_ACTIONS: ReadonlySet<string> = new Set([
  "sts:assumerole",
  "sts:setsourceidentity",
  "sts:tagsession",
]);

interface GrantFacts {
  levels: AccessLevel[];
  deletesOrExports: boolean;
  unknown: boolean;
}

function awsGrantFacts(identity: AgentIdentityResource, index: StackIndex): GrantFacts {
  const sources = rolePolicySources(identity.resource, index);
  const levels: AccessLevel[] = [];
  let unknown = false;
  for (const source of sources) {
    const name = source.policyArn ? awsManagedPolicyName(source.policyArn) : undefined;
    if (name && managedPolicyRule(name))
      levels.push(managedPolicyRule(name)!.risks.includes("permissions") ? "permissions" : "write");
    if (source.unresolved === "unknown" || source.document?.kind === "unknown") unknown = true;
  }
  // Acting as another role is judged through the agent it reaches (delegation-within-approval), not as the agent's own access.
  const statements = statementsOf(sources).filter(
    ({ statement }) =>
      !(
        statement.actions.length > 0 &&
        statement.actions.every((action) => ROLE_CHAINING_ACTIONS.has(action.toLowerCase()))
      ),
  );
  for (const { statement } of statements) {
    if (statement.effect !== "Allow") continue;
    if (statement.notActions.length > 0) levels.push("permissions");
    for (const action of statement.actions) {
      if (isUnknown(action)) unknown = true;
      else {
        const level = awsPatternLevel(action);
        if (level) levels.push(level);
      }
    }
  }
  const analysis = analyzePermissions(statements);
  return {
    levels,
    deletesOrExports: analysis.highRisk.delete.length > 0 || analysis.highRisk.export.length > 0,
    unknown: unknown || analysis.unknownSources.length > 0,
  };
}

function gcpGrantFacts(identity: AgentIdentityResource, index: StackIndex): GrantFacts {
  const facts: GrantFacts = { levels: [], deletesOrExports: false, unknown: false };
  for (const { judgement, resource } of gcpGrantsToAccount(identity.resource, index)) {
    // Minting another account's tokens is judged through the agent it reaches, as on AWS.
    if (resource.type.startsWith("gcp:serviceaccount/") && judgement?.class === "token-creator") continue;
    if (!judgement) {
      facts.unknown = true;
      continue;
    }
    facts.levels.push(
      judgement.level ?? (judgement.class === "read" ? "read" : judgement.class === "write" ? "write" : "permissions"),
    );
    if (judgement.risks.length > 0) facts.deletesOrExports = true;
  }
  return facts;
}

function azureGrantFacts(identity: AgentIdentityResource, index: StackIndex): GrantFacts {
  const facts: GrantFacts = { levels: [], deletesOrExports: false, unknown: false };
  for (const { judgement } of azureAssignmentsTo(identity.resource, index)) {
    if (!judgement) {
      facts.unknown = true;
      continue;
    }
    facts.levels.push(judgement.level ?? (judgement.privileged ? "permissions" : "write"));
    if (judgement.risks.length > 0) facts.deletesOrExports = true;
  }
  return facts;
}

const GRANT_READERS: Record<Cloud, (identity: AgentIdentityResource, index: StackIndex) => GrantFacts> = {
  aws: awsGrantFacts,
  gcp: gcpGrantFacts,
  azure: azureGrantFacts,
};

/**
 * The highest access an identity's grants in the stack reach (read from the same grants the risk
 * tier reads), whether it deletes or exports, and whether some grant is not known until apply.
 */
export function identityAccess(
  identity: AgentIdentityResource,
  index: StackIndex,
): { highest?: AccessLevel; deletesOrExports: boolean; unknown: boolean } {
  const facts = GRANT_READERS[identity.cloud](identity, index);
  return { highest: highestAccess(facts.levels), deletesOrExports: facts.deletesOrExports, unknown: facts.unknown };
}

function fieldText(field: FieldValue): string | undefined {
  return field.state === "value" ? field.value : undefined;
}

/**
 * The agent's risk tier on `today`. With an agent model, the inventory's own scoring. Without one,
 * the same rules on what the stack shows: the highest access level its grants reach, whether it
 * deletes or exports, its environment, session length and review date (no data classes: those
 * live only in the spec).
 */
export function agentTier(agent: StackAgent, index: StackIndex, today: string): TierReading {
  if (agent.model) {
    const score = scoreRisk(riskFactsOf(agent.model, today));
    return { tier: score.tier, reasons: score.reasons.map((reason) => reason.text) };
  }
  if (agent.record) return { tier: agent.record.tier, reasons: agent.record.reasons };
  const levels: AccessLevel[] = [];
  let deletesOrExports = false;
  let unknown = false;
  let sessionSeconds = 3600;
  let reachesProd = false;
  let daysToExpiry = 0;
  for (const identity of agent.identities) {
    const facts = GRANT_READERS[identity.cloud](identity, index);
    levels.push(...facts.levels);
    deletesOrExports ||= facts.deletesOrExports;
    unknown ||= facts.unknown || !identity.certain;
    const session = identity.resource.props.maxSessionDuration;
    if (typeof session === "number") sessionSeconds = Math.max(sessionSeconds, session);
    const environment = fieldText(identity.metadata.environment);
    if (environment && isProductionEnvironment(environment)) reachesProd = true;
    const expires = fieldText(identity.metadata.expires);
    if (expires && isIsoDate(expires)) daysToExpiry = daysBetween(today, expires);
  }
  const highest = highestAccess(levels);
  const score = scoreRisk({
    highestAccess: highest ?? "none",
    reachesProd,
    sensitiveAccess: "none",
    deletesOrExports,
    sessionSeconds,
    daysToExpiry,
    // Tool grants live only in an agent model (AgentIdentity's tools); a hand-written identity has none to count.
    highRiskTools: 0,
  });
  // An unknown grant can only raise the tier: a known tier is a floor, not the answer.
  if (unknown && (highest === undefined || accessRank(highest) < accessRank("permissions")))
    return { tier: "unknown", reasons: [`at least ${score.tier}; some of its grants are not known until apply`] };
  return { tier: score.tier, reasons: score.reasons.map((reason) => reason.text) };
}

/** An edge of the delegation graph: `from` may act as `to`, and where the stack says so. */
export interface DelegationEdge {
  readonly from: string;
  readonly to: string;
  readonly via: string;
}

/** The role ARNs an agent role's trust lets `sts:AssumeRole` it (known values only). */
export function trustedRoleArns(role: PolicyResource): string[] {
  const reading = readPolicyDocument(role.props.assumeRolePolicy);
  if (reading.kind !== "document") return [];
  const arns: string[] = [];
  for (const statement of reading.statements) {
    if (statement.effect !== "Allow" || !statement.actions.some((action) => /^sts:(AssumeRole|\*)$|^\*$/i.test(action)))
      continue;
    const principal = statement.principal;
    const aws = typeof principal === "object" && principal !== null ? (principal as { AWS?: unknown }).AWS : undefined;
    for (const arn of Array.isArray(aws) ? aws : [aws]) if (typeof arn === "string" && !isUnknown(arn)) arns.push(arn);
  }
  return arns;
}

/** Whether a role ARN names this role: one of its keys, or a role ARN ending in its name. */
export function roleMatches(role: PolicyResource, arn: string): boolean {
  if (roleKeys(role).includes(arn)) return true;
  const name = knownString(role.props.name) ?? role.name;
  return /^arn:aws[a-z-]*:iam::\d{12}:role\//.test(arn) && arn.endsWith(`/${name}`);
}

/**
 * Who may act as whom: the `delegatesTo` of agent models, AWS agent roles whose trust lets another
 * agent's role `sts:AssumeRole`, and GCP agent accounts on which another agent's account holds a
 * token-creator role. Hand-written identities count as much as `AgentIdentity`'s.
 */
export function delegationEdges(agents: readonly StackAgent[], index: StackIndex): DelegationEdge[] {
  const edges: DelegationEdge[] = [];
  const owner = new Map<string, string>();
  for (const agent of agents) for (const identity of agent.identities) owner.set(identity.resource.urn, agent.id);
  for (const agent of agents) {
    const targets = agent.model?.delegatesTo.map((target) => target.agent) ?? agent.record?.delegatesTo ?? [];
    for (const target of targets) edges.push({ from: agent.id, to: target, via: `delegatesTo of ${agent.id}` });
  }
  const roles = agents.flatMap((agent) =>
    agent.identities.filter((identity) => identity.cloud === "aws").map((identity) => identity.resource),
  );
  const accounts = agents.flatMap((agent) =>
    agent.identities.filter((identity) => identity.cloud === "gcp").map((identity) => identity.resource),
  );
  for (const role of roles)
    for (const arn of trustedRoleArns(role)) {
      const from = roles.find((candidate) => candidate !== role && roleMatches(candidate, arn));
      if (from)
        edges.push({
          from: owner.get(from.urn)!,
          to: owner.get(role.urn)!,
          via: `the trust of role "${role.name}" lets ${arn} assume it`,
        });
    }
  for (const account of accounts) {
    // The IAM resources on the account, by its keys or the engine's dependency (looked up by key, not by scanning the stack).
    for (const resource of index.referencing(
      index.typesStartingWith("gcp:serviceaccount/iAM"),
      "serviceAccountId",
      account,
      gcpServiceAccountKeys,
    )) {
      for (const grant of gcpGrantsOf(resource.type, resource.props)) {
        if (grant.role !== GCP_DELEGATION_ROLE) continue;
        const email = serviceAccountEmailOf(grant.member);
        const from = accounts.find(
          (candidate) =>
            candidate !== account && email !== undefined && gcpServiceAccountKeys(candidate).includes(email),
        );
        if (from)
          edges.push({
            from: owner.get(from.urn)!,
            to: owner.get(account.urn)!,
            via: `${resource.type.split(":").pop()} "${resource.name}" gives ${email} ${GCP_DELEGATION_ROLE} on ${account.name}`,
          });
      }
    }
  }
  // One edge per pair, the first way it was found.
  const unique = new Map<string, DelegationEdge>();
  for (const edge of edges) if (!unique.has(`${edge.from}→${edge.to}`)) unique.set(`${edge.from}→${edge.to}`, edge);
  return [...unique.values()];
}
