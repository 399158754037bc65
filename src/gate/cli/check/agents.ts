import { AGENT_IDENTITY_TYPE } from "../../../model/contract";
import type { Agent } from "../../../model/agent";
import { readAgentModel } from "../../../model/agent-model";
import { describeAccountWide, describeGrant, describeToolGrant } from "../../../model/plain-words";
import type { RecordedResource } from "../../program/record";
import { UNKNOWN } from "../../../model/engine-values";
import { CLOUDS, type Cloud } from "../../../model/resources";

/** One agent as the check shows it: who owns it, where it runs, what it can do. */
export interface AgentSummary {
  readonly id: string;
  readonly urn: string;
  readonly owner: string | null;
  readonly team: string | null;
  readonly purpose: string | null;
  readonly environment: string | null;
  readonly expires: string | null;
  readonly clouds: Cloud[];
  /** The issuer and the exact subject the agent's identities trust. */
  readonly runsOn: { readonly kind: string; readonly issuer: string; readonly subject: string } | null;
  /** Its grants in plain words. */
  readonly canDo: string[];
  /** The tools it may call through its gateway, in plain words. */
  readonly tools: string[];
  readonly maxSessionDuration: number | null;
  readonly disabled: boolean;
  readonly approval: string | null;
}

/** Which cloud a provider type token belongs to. */
const CLOUD_OF_PACKAGE: Readonly<Record<string, Cloud>> = {
  aws: "aws",
  gcp: "gcp",
  "azure-native": "azure",
  azure: "azure",
};

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" && value !== UNKNOWN ? value : null;
}

function summaryOf(agent: Agent, urn: string): AgentSummary {
  return {
    id: agent.id,
    urn,
    owner: agent.owner,
    team: agent.team ?? null,
    purpose: agent.purpose,
    environment: agent.environment,
    expires: agent.expires,
    clouds: [...agent.clouds],
    runsOn: { kind: agent.trust.kind, issuer: agent.trust.issuerUrl, subject: agent.trust.subject },
    canDo: [...agent.grants.map(describeGrant), ...agent.accountWide.map(describeAccountWide)],
    tools: (agent.tools ?? []).map(describeToolGrant),
    maxSessionDuration: agent.maxSessionDuration,
    disabled: agent.disabled,
    approval: agent.approval ?? null,
  };
}

/** What can be said of a component that carries no agent model (another version of the component). */
function summaryFromState(component: RecordedResource, descendants: readonly RecordedResource[]): AgentSummary {
  const clouds = new Set<Cloud>();
  for (const resource of descendants) {
    const cloud = resource.custom ? CLOUD_OF_PACKAGE[resource.type.split(":")[0]!] : undefined;
    if (cloud) clouds.add(cloud);
  }
  const state = component.state;
  return {
    id: text(state.agentId) ?? component.name,
    urn: component.urn,
    owner: text(state.owner),
    team: text(state.team),
    purpose: text(state.purpose),
    environment: text(state.environment),
    expires: text(state.expires),
    clouds: CLOUDS.filter((cloud) => clouds.has(cloud)),
    runsOn: null,
    canDo: [],
    tools: [],
    maxSessionDuration: null,
    disabled: state.disabled === true,
    approval: text(state.approval),
  };
}

/** Every resource below a URN (children, their children, …). */
export function descendantsOf(resources: readonly RecordedResource[], urn: string): RecordedResource[] {
  const below = new Set([urn]);
  const result: RecordedResource[] = [];
  for (const resource of resources)
    if (resource.parent && below.has(resource.parent)) {
      below.add(resource.urn);
      result.push(resource);
    }
  return result;
}

/**
 * One summary per `AgentIdentity` in a recorded run, sorted by id: the validated agent model the
 * component registered (its owner, environment, clouds, grants in plain words), or what its outputs
 * and resources tell when it registered none.
 */
export function agentSummaries(resources: readonly RecordedResource[]): AgentSummary[] {
  return resources
    .filter((resource) => resource.type === AGENT_IDENTITY_TYPE)
    .map((component) => {
      const agent = readAgentModel(component.inputs.agent) ?? readAgentModel(component.state.agent);
      return agent
        ? summaryOf(agent, component.urn)
        : summaryFromState(component, descendantsOf(resources, component.urn));
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.urn < b.urn ? -1 : 1));
}
