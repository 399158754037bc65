import { AGENT_IDENTITY_TYPE, UNKNOWN } from "../../model/contract";
import type { Agent } from "../../model/agent";
import { TAG_KEYS, parseGcpDescription } from "../../model/tags";
import { readAgentModel } from "../../model/agent-model";
import { buildInventoryRecord, earliestCreated } from "../../clouds/inventory-record";
import type { AgentCloudIdentities, InventoryRecord } from "../../model/inventory/record";
import { UNKNOWN_BECAUSE } from "../../model/inventory/cloud-assigned";

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

/** What {@link identitiesFrom} reads of cloud-assigned values. */
export type CloudValues = "as-recorded" | "unknown";

/**
 * The identities an agent's cloud resources report: one per cloud it has an identity resource on,
 * a value not known (a preview's unknown, absent from the state) as `null`. With `cloudValues:
 * "unknown"` (a program run under mocks, whose values a cloud assigns are invented) every
 * cloud-assigned value is `null`, and only what agent-iam chooses is kept: the role name, the
 * service account email built from its account id and project.
 */
export function identitiesFrom(
  children: readonly ResourceLike[],
  agent?: Pick<Agent, "id" | "owner">,
  cloudValues: CloudValues = "as-recorded",
): { identities: AgentCloudIdentities; created: string | null } {
  const identities: { -readonly [K in keyof AgentCloudIdentities]: AgentCloudIdentities[K] } = {};
  const created: (string | undefined)[] = [];
  const assigned = (value: string | undefined): string | null => (cloudValues === "unknown" ? null : (value ?? null));
  for (const resource of identityResources(children, agent)) {
    const { state, inputs } = resource;
    if (resource.type === IDENTITY_RESOURCE_TYPES.aws && !identities.aws) {
      identities.aws = { roleArn: assigned(text(state.arn)), roleName: text(state.name) ?? text(inputs.name) ?? null };
      created.push(text(state.createDate));
    } else if (resource.type === IDENTITY_RESOURCE_TYPES.gcp && !identities.gcp) {
      const project = text(state.project) ?? text(inputs.project);
      const accountId = text(inputs.accountId) ?? text(state.accountId);
      // Google's format for a service account's email: ACCOUNT_ID@PROJECT_ID.iam.gserviceaccount.com
      // (Cloud IAM, "Service accounts").
      const chosenEmail = accountId && project ? `${accountId}@${project}.iam.gserviceaccount.com` : undefined;
      identities.gcp = {
        serviceAccountEmail: cloudValues === "unknown" ? (chosenEmail ?? null) : (text(state.email) ?? null),
        project: project ?? null,
        uniqueId: assigned(text(state.uniqueId)),
      };
    } else if (resource.type === IDENTITY_RESOURCE_TYPES.azure && !identities.azure) {
      identities.azure = {
        clientId: assigned(text(state.clientId)),
        principalId: assigned(text(state.principalId)),
        resourceId: assigned(text(resource.id) ?? text(state.id) ?? azureIdentityId(state)),
        tenantId: assigned(text(state.tenantId)),
      };
      const systemData = state.systemData as Record<string, unknown> | undefined;
      created.push(text(systemData?.createdAt));
    }
  }
  return { identities, created: cloudValues === "unknown" ? null : earliestCreated(created) };
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
  /**
   * `as-recorded` (default): the values the resources hold (a stack's state, a component's outputs);
   * `unknown`: the resources come from a program run under mocks, so every value a cloud assigns is `null`.
   */
  readonly cloudValues?: CloudValues;
  /** The stack of the resources, written on each record. */
  readonly stack?: string;
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
      const cloudValues = options.cloudValues ?? "as-recorded";
      const { identities, created } = identitiesFrom(resourcesOf(agent, component, resources), agent, cloudValues);
      return buildInventoryRecord(agent, identities, {
        today: options.today,
        created,
        ownerDeparted: component.inputs.ownerDeparted === true,
        stack: options.stack,
        unknownBecause: cloudValues === "unknown" ? UNKNOWN_BECAUSE.program : UNKNOWN_BECAUSE.state,
      });
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
