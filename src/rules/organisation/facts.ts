import { GCP_DELEGATION_ROLE } from "../../clouds/gcp/delegation";
import { gcpGrantsOf, serviceAccountEmailOf } from "../../clouds/gcp/iam-resources";
import type { RiskTier } from "../../model/risk/rules";
import { approvalOf } from "../delegation-within-approval";
import { type EnvironmentConfig, stackEnvironment } from "../environment-isolation";
import { gcpServiceAccountKeys } from "../support/agents";
import {
  agentTier,
  agentUrn,
  delegationEdges,
  roleMatches,
  stackAgents,
  trustedRoleArns,
  type DelegationEdge,
  type StackAgent,
} from "../support/stack-agents";
import { type CheckContext, knownString, type PolicyResource, StackIndex } from "../support/stack";

/**
 * What the organisation check (`agent-iam check DIR`) needs to know of one stack to judge it beside
 * the others: its agents as the stack policies find them (`stackAgents`: `AgentIdentity` and
 * hand-written identities alike), each with its environment, the exact subjects it trusts, its
 * risk tier and approval, the keys another stack may name it by, and the delegations the stack
 * itself cannot resolve. Plain data: each stack's facts are read where its program ran and judged
 * together in `./index.ts`.
 */

/** An exact subject an agent trusts, with its issuer when the stack says which. */
export interface TrustedSubject {
  /** The issuer's URL, lower case and without a trailing `/`; absent for a hand-written trust that does not say. */
  readonly issuer?: string;
  readonly subject: string;
}

/** A delegation the stack names but cannot resolve inside itself. */
export interface OutsideDelegation {
  /**
   * `acts-as`: this agent may act as the agent with id `ref` (`delegatesTo`). `acted-as-by`: the
   * identity named by `ref` (an AWS role, `aws-role:NAME`, or a GCP service account,
   * `gcp-sa:EMAIL`) may act as this agent (its trust, or a token-creator grant on its account).
   */
  readonly direction: "acts-as" | "acted-as-by";
  readonly ref: string;
  /** Where the stack says so, in words. */
  readonly via: string;
}

/** One agent of a stack, as the organisation rules read it. */
export interface AgentFacts {
  readonly id: string;
  /** The resource findings about the agent are reported on: its `AgentIdentity`, else its first identity. */
  readonly urn: string;
  /** Its own environment (the spec's, else its identities' `environment` tag or description field). */
  readonly environment?: string;
  /** The kill switch is on: it trusts no one. */
  readonly disabled: boolean;
  readonly subjects: readonly TrustedSubject[];
  readonly tier: RiskTier | "unknown";
  readonly tierReasons: readonly string[];
  /** Whether it carries an approval (`value`), none (`missing`), or one not known until apply. */
  readonly approval: "value" | "missing" | "unknown";
  /** Keys another stack may name its identities by: `aws-role:NAME`, `gcp-sa:EMAIL`. */
  readonly keys: readonly string[];
  /** The agents of its own stack it may act as directly (by id). */
  readonly delegatesTo: readonly string[];
  readonly outside: readonly OutsideDelegation[];
}

/** One stack of the organisation. */
export interface StackFacts {
  readonly project: string;
  readonly stack: string;
  /** The stack's environment as `environment-isolation` reads it, when it has one. */
  readonly environment?: string;
  readonly agents: readonly AgentFacts[];
}

const AWS_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/;

/** The key of an AWS role by its name (`aws-role:NAME`); role names are what an ARN and the stack policies match on. */
export function awsRoleKey(name: string): string {
  return `aws-role:${name}`;
}

/** The key of a GCP service account by its email. */
export function gcpAccountKey(email: string): string {
  return `gcp-sa:${email.toLowerCase()}`;
}

/** An issuer URL compared as issuers match tokens: scheme and host in lower case, no trailing `/`. */
export function normalIssuer(url: string): string {
  return url.trim().replace(/\/+$/, "").toLowerCase();
}

function environmentOf(agent: StackAgent): string | undefined {
  if (agent.model) return agent.model.environment.toLowerCase();
  for (const identity of agent.identities)
    if (identity.metadata.environment.state === "value") return identity.metadata.environment.value.toLowerCase();
  return undefined;
}

function subjectsOf(agent: StackAgent): TrustedSubject[] {
  if (agent.model) {
    if (agent.model.disabled) return [];
    return [{ issuer: normalIssuer(agent.model.trust.issuerUrl), subject: agent.model.trust.subject }];
  }
  const subjects = new Set<string>();
  for (const identity of agent.identities)
    if (!identity.disabled) for (const subject of identity.subjects) subjects.add(subject);
  return [...subjects].map((subject) => ({ subject }));
}

function keysOf(agent: StackAgent): string[] {
  const keys = new Set<string>();
  for (const identity of agent.identities) {
    const { props } = identity.resource;
    if (identity.cloud === "aws") {
      const name = knownString(props.name) ?? identity.resource.name;
      keys.add(awsRoleKey(name));
    } else if (identity.cloud === "gcp")
      for (const key of gcpServiceAccountKeys(identity.resource)) {
        const email = key.replace(/^serviceAccount:/, "").replace(/^projects\/[^/]+\/serviceAccounts\//, "");
        if (email.includes("@")) keys.add(gcpAccountKey(email));
      }
  }
  return [...keys].sort();
}

/** The stack's agent roles, and every key its agent service accounts may be named by. */
interface StackIdentities {
  readonly roles: readonly PolicyResource[];
  readonly accountKeys: ReadonlySet<string>;
}

function stackIdentities(agents: readonly StackAgent[]): StackIdentities {
  const identities = agents.flatMap((agent) => agent.identities);
  return {
    roles: identities.filter((identity) => identity.cloud === "aws").map((identity) => identity.resource),
    accountKeys: new Set(
      identities
        .filter((identity) => identity.cloud === "gcp")
        .flatMap((identity) => gcpServiceAccountKeys(identity.resource)),
    ),
  };
}

/** Delegations into `agent` from identities the stack does not hold: role trusts and token-creator grants. */
function incomingFromOutside(agent: StackAgent, index: StackIndex, { roles, accountKeys }: StackIdentities) {
  const outside: OutsideDelegation[] = [];
  for (const identity of agent.identities) {
    const resource = identity.resource;
    if (identity.cloud === "aws")
      for (const arn of trustedRoleArns(resource)) {
        const name = AWS_ROLE_ARN.exec(arn)?.[1];
        if (!name || roles.some((role) => roleMatches(role, arn))) continue;
        outside.push({
          direction: "acted-as-by",
          ref: awsRoleKey(name),
          via: `the trust of role "${resource.name}" lets ${arn} assume it`,
        });
      }
    if (identity.cloud === "gcp")
      for (const grantResource of index.referencing(
        index.typesStartingWith("gcp:serviceaccount/iAM"),
        "serviceAccountId",
        resource,
        gcpServiceAccountKeys,
      ))
        for (const grant of gcpGrantsOf(grantResource.type, grantResource.props)) {
          if (grant.role !== GCP_DELEGATION_ROLE) continue;
          const email = serviceAccountEmailOf(grant.member);
          if (!email || accountKeys.has(email)) continue;
          outside.push({
            direction: "acted-as-by",
            ref: gcpAccountKey(email),
            via: `${grantResource.type.split(":").pop()} "${grantResource.name}" gives ${email} ${GCP_DELEGATION_ROLE} on ${resource.name}`,
          });
        }
  }
  return outside;
}

/**
 * The facts of one stack: `resources` as `AnalyzeStack` hands them to a stack policy (the
 * `AgentIdentity` components with their `agent` input), `context` the stack's name and config,
 * `environmentConfig` the `environment-isolation` policy's config.
 */
export function readStackFacts(
  target: { readonly project: string; readonly stack: string },
  resources: readonly PolicyResource[],
  context: CheckContext,
  environmentConfig: EnvironmentConfig,
): StackFacts {
  const index = StackIndex.of(resources);
  const agents = stackAgents(index);
  const ids = new Set(agents.map((agent) => agent.id));
  const edgesFrom = new Map<string, DelegationEdge[]>();
  for (const edge of delegationEdges(agents, index))
    edgesFrom.set(edge.from, [...(edgesFrom.get(edge.from) ?? []), edge]);
  const identities = stackIdentities(agents);
  const facts: AgentFacts[] = [];
  for (const agent of agents) {
    const urn = agentUrn(agent);
    if (!urn) continue;
    const tier = agentTier(agent, index, context.today);
    const approval = approvalOf(agent);
    const own = edgesFrom.get(agent.id) ?? [];
    const environment = environmentOf(agent);
    facts.push({
      id: agent.id,
      urn,
      ...(environment ? { environment } : {}),
      disabled: agent.model ? agent.model.disabled : agent.identities.every((identity) => identity.disabled),
      subjects: subjectsOf(agent),
      tier: tier.tier,
      tierReasons: [...tier.reasons],
      approval: approval.state,
      keys: keysOf(agent),
      delegatesTo: own.filter((edge) => ids.has(edge.to)).map((edge) => edge.to),
      outside: [
        ...own
          .filter((edge) => !ids.has(edge.to))
          .map((edge): OutsideDelegation => ({ direction: "acts-as", ref: edge.to, via: edge.via })),
        ...incomingFromOutside(agent, index, identities),
      ],
    });
  }
  const environment = stackEnvironment(environmentConfig, {
    stackName: context.stackName,
    stackConfig: context.stackConfig,
  });
  return { project: target.project, stack: target.stack, ...(environment ? { environment } : {}), agents: facts };
}
