import { AGENT_IDENTITY_TYPE, UNKNOWN } from "../../model/contract";
import type { Agent } from "../../model/agent";
import { TAG_KEYS, parseGcpDescription } from "../../model/tags";
import { readAgentModel } from "../../model/agent-model";
import { buildInventoryRecord, earliestCreated } from "../../clouds/inventory-record";
import type { AgentCloudIdentities, InventoryRecord } from "../../model/inventory/record";

/**
 * The offline inventory: built from the resources a program run registered (the gate's recorder,
 * `agent-iam check --json` resources, or any list of that shape), without a cloud.
 */

/** The type token of the `AgentIdentity` component. */

/** The resource types that carry an agent's identity on each cloud, and what the inventory reads from them. */
export const IDENTITY_RESOURCE_TYPES = {
  aws: "aws:iam/role:Role",
  gcp: "gcp:serviceaccount/account:Account",
  azure: "azure-native:managedidentity:UserAssignedIdentity",
} as const;

/** What the inventory needs of a recorded resource (a subset of the recorder's `RecordedResource`). */
export interface ResourceLike {
  readonly urn?: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  /** The id the cloud (or the mocks) gave it. */
  readonly id?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly state: Readonly<Record<string, unknown>>;
}

/** An `AgentIdentity` whose component input is not an agent model: the program uses another version of the component. */
export class InventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InventoryError";
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== UNKNOWN ? value : undefined;
}

function descendants(resources: readonly ResourceLike[], rootUrn: string): ResourceLike[] {
  const inside = new Set([rootUrn]);
  const found: ResourceLike[] = [];
  // Registration order puts parents before children, so one pass is enough.
  for (const resource of resources)
    if (resource.parent !== undefined && inside.has(resource.parent) && resource.urn !== undefined) {
      inside.add(resource.urn);
      found.push(resource);
    }
  return found;
}

function tagsOf(resource: ResourceLike): Record<string, unknown> {
  const tags = resource.state.tags ?? resource.inputs.tags;
  return typeof tags === "object" && tags !== null ? (tags as Record<string, unknown>) : {};
}

/** Children of the agent's component, or, for resources recorded without parents, those tagged with its id. */
function resourcesOf(agent: Agent, component: ResourceLike, resources: readonly ResourceLike[]): ResourceLike[] {
  if (component.urn !== undefined && resources.some((resource) => resource.parent !== undefined))
    return descendants(resources, component.urn);
  return resources.filter((resource) => tagsOf(resource)["agent-iam:agent"] === agent.id || resource.name === agent.id);
}

/**
 * Whether a resource is the agent's own identity and not another resource of the same type under
 * its component (the role AWS Budgets uses to stop it, a shared service account): the agent's tag
 * on AWS and Azure, its owner in the description of a GCP service account (`src/model/tags.ts`).
 */
export function isAgentsIdentity(resource: ResourceLike, agent: Pick<Agent, "id" | "owner">): boolean {
  if (resource.type === IDENTITY_RESOURCE_TYPES.gcp) {
    const description = text(resource.state.description) ?? text(resource.inputs.description);
    return (
      description !== undefined && parseGcpDescription(description).owner?.toLowerCase() === agent.owner.toLowerCase()
    );
  }
  return tagsOf(resource)[TAG_KEYS.agent] === agent.id;
}

/** The agent's identity resources among the resources of its component: those that are its own, else (older components) the first of each type. */
function identityResources(
  children: readonly ResourceLike[],
  agent: Pick<Agent, "id" | "owner"> | undefined,
): ResourceLike[] {
  const types = Object.values(IDENTITY_RESOURCE_TYPES) as string[];
  const candidates = children.filter((resource) => types.includes(resource.type));
  if (!agent) return candidates;
  return types.flatMap((type) => {
    const ofType = candidates.filter((resource) => resource.type === type);
    const own = ofType.filter((resource) => isAgentsIdentity(resource, agent));
    return own.length > 0 ? own : ofType.slice(0, 1);
  });
}

/** The identities an agent's cloud resources report; a value a preview does not know is left out. */
export function identitiesFrom(
  children: readonly ResourceLike[],
  agent?: Pick<Agent, "id" | "owner">,
): { identities: AgentCloudIdentities; created: string | null } {
  const identities: { -readonly [K in keyof AgentCloudIdentities]: AgentCloudIdentities[K] } = {};
  const created: (string | undefined)[] = [];
  for (const resource of identityResources(children, agent)) {
    const { state } = resource;
    if (resource.type === IDENTITY_RESOURCE_TYPES.aws && !identities.aws) {
      const roleArn = text(state.arn);
      const roleName = text(state.name);
      if (roleArn && roleName) identities.aws = { roleArn, roleName };
      created.push(text(state.createDate));
    } else if (resource.type === IDENTITY_RESOURCE_TYPES.gcp && !identities.gcp) {
      const email = text(state.email);
      if (email)
        identities.gcp = {
          serviceAccountEmail: email,
          project: text(state.project) ?? null,
          uniqueId: text(state.uniqueId) ?? null,
        };
    } else if (resource.type === IDENTITY_RESOURCE_TYPES.azure && !identities.azure) {
      const clientId = text(state.clientId);
      const principalId = text(state.principalId);
      const resourceId = text(resource.id) ?? text(state.id) ?? azureIdentityId(state);
      if (clientId && principalId && resourceId)
        identities.azure = { clientId, principalId, resourceId, tenantId: text(state.tenantId) ?? null };
      const systemData = state.systemData as Record<string, unknown> | undefined;
      created.push(text(systemData?.createdAt));
    }
  }
  return { identities, created: earliestCreated(created) };
}

/** `/subscriptions/S/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME` from a managed identity's inputs. */
function azureIdentityId(state: Readonly<Record<string, unknown>>): string | undefined {
  const name = text(state.resourceName) ?? text(state.name);
  const group = text(state.resourceGroupName);
  const subscription = text(state.subscriptionId);
  if (!name || !group || !subscription) return undefined;
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

/** Options of {@link inventoryFromResources}. */
export interface InventoryOptions {
  /** The day the inventory is for (default today UTC). */
  readonly today?: string;
}

/**
 * One inventory record per `AgentIdentity` of a recorded program run, sorted by agent id (the
 * engine registers components in no fixed order):
 * the agent model the component registered as its input, and the identities from its cloud
 * resources' outputs. Throws {@link InventoryError} when a component carries no agent model.
 */
export function inventoryFromResources(
  resources: readonly ResourceLike[],
  options: InventoryOptions = {},
): InventoryRecord[] {
  return resources
    .filter((resource) => resource.type === AGENT_IDENTITY_TYPE)
    .map((component) => {
      const agent = readAgentModel(component.inputs.agent);
      if (!agent)
        throw new InventoryError(
          `the AgentIdentity "${component.name}" registered no agent model as its input; build the program against this version of agent-iam's components`,
        );
      const { identities, created } = identitiesFrom(resourcesOf(agent, component, resources), agent);
      return buildInventoryRecord(agent, identities, {
        today: options.today,
        created,
        ownerDeparted: component.inputs.ownerDeparted === true,
      });
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
