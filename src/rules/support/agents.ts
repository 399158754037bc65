import { readPolicyDocument, statementCoversAction } from "../../clouds/aws/policy-document";
import {
  AGENT_RUNTIME_SERVICE_PRINCIPALS,
  TRUST_ACTIONS,
  WEB_IDENTITY_ACTION,
  judgeTrustPolicy,
  trustAllowsAgentRuntime,
} from "../../clouds/aws/trust-analysis";
import { gcpGrantsOf, readPoolPrincipal, type PoolPrincipal } from "../../clouds/gcp/iam-resources";
import type { Cloud } from "../../model/resources";
import { TAG_KEYS, parseGcpDescription } from "../../model/tags";
import { type StackIndex, knownString, type PolicyProvider, type PolicyResource } from "./stack";
import { isUnknown } from "../../model/unknown";

/**
 * What an agent identity is, whether or not `AgentIdentity` made it: the one place the pack and the
 * gate learn it.
 * - AWS: an IAM role whose trust allows `sts:AssumeRoleWithWebIdentity` from a workload issuer, or
 *   one tagged `agent-iam:agent` (a disabled agent keeps its tag and trusts no one).
 * - GCP: a service account that a Workload Identity pool principal may impersonate
 *   (`roles/iam.workloadIdentityUser` or a token-creator role on it), or the account an
 *   `AgentIdentity` declares (its description names an owner).
 * - Azure: a user-assigned managed identity with a federated identity credential, or tagged
 *   `agent-iam:agent`.
 * A Lambda execution role trusting a service principal is no agent, nor is a role or account an
 * `AgentIdentity` makes for another job (a budget action's execution role).
 */

export const AWS_ROLE_TYPE = "aws:iam/role:Role";
export const GCP_SERVICE_ACCOUNT_TYPE = "gcp:serviceaccount/account:Account";
export const AZURE_IDENTITY_TYPE = "azure-native:managedidentity:UserAssignedIdentity";
export const AZURE_FEDERATED_CREDENTIAL_TYPE = "azure-native:managedidentity:FederatedIdentityCredential";

/**
 * Managed agent runtimes and the property naming the IAM role their agents run as (the type tokens
 * of `@pulumi/aws`'s `bedrock` module): the role is an agent identity whatever its trust or tags.
 */
export const AWS_AGENT_RUNTIME_ROLES: readonly {
  readonly type: string;
  readonly property: string;
  readonly what: string;
}[] = [
  {
    type: "aws:bedrock/agentcoreAgentRuntime:AgentcoreAgentRuntime",
    property: "roleArn",
    what: "AgentCore agent runtime",
  },
  { type: "aws:bedrock/agentcoreHarness:AgentcoreHarness", property: "executionRoleArn", what: "AgentCore harness" },
  {
    type: "aws:bedrock/agentcoreCodeInterpreter:AgentcoreCodeInterpreter",
    property: "executionRoleArn",
    what: "AgentCore code interpreter",
  },
  { type: "aws:bedrock/agentcoreBrowser:AgentcoreBrowser", property: "executionRoleArn", what: "AgentCore browser" },
  { type: "aws:bedrock/agentAgent:AgentAgent", property: "agentResourceRoleArn", what: "Bedrock agent" },
];

/**
 * Resources whose IAM role serves agents rather than runs one: an AgentCore gateway assumes its role
 * to call the tools its agents are allowed (AgentCore Developer Guide, "AgentCore Gateway and Policy in
 * AgentCore IAM Permissions"). `tool-access-governed` judges that role; it is no agent, even though
 * its trust names the AgentCore service as a runtime's does.
 */
export const AWS_AGENT_SERVING_ROLES: readonly { readonly type: string; readonly property: string }[] = [
  { type: "aws:bedrock/agentcoreGateway:AgentcoreGateway", property: "roleArn" },
];

/**
 * Vertex AI Agent Engine (`gcp.vertex.AiReasoningEngine`): the service account in `spec.serviceAccount`
 * runs the agent (Pulumi GCP provider docs, "vertex.AiReasoningEngine").
 */
export const GCP_REASONING_ENGINE_TYPE = "gcp:vertex/aiReasoningEngine:AiReasoningEngine";

/**
 * Azure AI Foundry projects: their agents act with the project's managed identity, system-assigned
 * or user-assigned (Microsoft Foundry docs, "Agent identity"; `azure-native:cognitiveservices:Project`),
 * as do hub-based projects (`machinelearningservices:Workspace` of kind `Project`).
 */
export const AZURE_AGENT_PROJECT_TYPES: readonly string[] = [
  "azure-native:cognitiveservices:Project",
  "azure-native:machinelearningservices:Workspace",
];

/** Roles on a service account that let a pool principal act as it. */
export const GCP_IMPERSONATION_ROLES: readonly string[] = [
  "roles/iam.workloadIdentityUser",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.serviceAccountOpenIdTokenCreator",
];

/** A metadata field as read from tags or a description. */
export type FieldValue =
  | { readonly state: "value"; readonly value: string }
  | { readonly state: "missing" }
  | { readonly state: "unknown" };

const MISSING: FieldValue = { state: "missing" };
const UNKNOWN_FIELD: FieldValue = { state: "unknown" };

/** The metadata every agent carries. */
export interface AgentMetadata {
  readonly owner: FieldValue;
  readonly purpose: FieldValue;
  readonly environment: FieldValue;
  readonly expires: FieldValue;
  readonly approval: FieldValue;
}

/** An agent identity found in a stack. */
export interface AgentIdentityResource {
  readonly cloud: Cloud;
  readonly resource: PolicyResource;
  /** Declared through `AgentIdentity` (inside the component). */
  readonly registered: boolean;
  /**
   * False when the resource may be an agent but that is only known at apply (a role whose trust
   * policy is not known yet): its findings are advisories until then.
   */
  readonly certain: boolean;
  /** Why it is an agent, in words. */
  readonly why: string;
  readonly metadata: AgentMetadata;
  /** Where the metadata lives (`tags`, `description`), for messages. */
  readonly metadataWhere: "tags" | "description";
  /** The exact subjects its trust pins (for environment isolation). */
  readonly subjects: readonly string[];
  /** Whether no issuer can use it now (the kill switch: a trust that lets no one in, a disabled account). */
  readonly disabled: boolean;
}

function fieldFrom(value: unknown): FieldValue {
  if (isUnknown(value)) return UNKNOWN_FIELD;
  if (typeof value === "string" && value.trim() !== "") return { state: "value", value: value.trim() };
  return MISSING;
}

/**
 * A resource's tags: a map (keys looked up case-insensitively), `unknown` when the map is not known
 * yet, or a known map whose other keys may still come from a provider whose tags are not known.
 */
export type TagSet =
  | Record<string, unknown>
  | "unknown"
  | { readonly known: Record<string, unknown>; readonly providerUnknown: true };

function tagObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The tags an AWS provider adds to every resource it creates (`defaultTags.tags`, AWS provider docs,
 * "Default tags"), from its inputs as the engine hands them (an object, or its JSON text); `unknown`
 * when they are not known yet, undefined when it sets none.
 */
export function providerDefaultTags(
  provider: PolicyProvider | undefined,
): Record<string, unknown> | "unknown" | undefined {
  if (provider?.type !== "pulumi:providers:aws") return undefined;
  let defaults: unknown = provider.props.defaultTags;
  if (isUnknown(defaults)) return "unknown";
  if (typeof defaults === "string") {
    try {
      defaults = JSON.parse(defaults) as unknown;
    } catch {
      return undefined;
    }
  }
  const tags = tagObject(defaults)?.tags;
  if (isUnknown(tags)) return "unknown";
  return tagObject(tags);
}

/**
 * Tag values by key (case-insensitive): the provider's default tags, overridden by `tagsAll`, overridden
 * by `tags` (AWS applies a resource's own tag over a default of the same key); unknown when the
 * resource's map is.
 */
export function readTags(props: Readonly<Record<string, unknown>>, provider?: PolicyProvider): TagSet {
  const own = props.tags ?? props.tagsAll;
  if (isUnknown(own)) return "unknown";
  const defaults = providerDefaultTags(provider);
  const merged = { ...(defaults === "unknown" ? {} : defaults), ...tagObject(props.tagsAll), ...tagObject(props.tags) };
  return defaults === "unknown" ? { known: merged, providerUnknown: true } : merged;
}

/** One tag, looked up case-insensitively. */
export function tagValue(tags: TagSet, key: string): FieldValue {
  if (tags === "unknown") return UNKNOWN_FIELD;
  const map =
    "providerUnknown" in tags && tags.providerUnknown === true
      ? (tags.known as Record<string, unknown>)
      : (tags as Record<string, unknown>);
  const found = Object.keys(map).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (found === undefined) return map === tags ? MISSING : UNKNOWN_FIELD;
  return fieldFrom(map[found]);
}

function metadataFromTags(props: Readonly<Record<string, unknown>>, provider?: PolicyProvider): AgentMetadata {
  const tags = readTags(props, provider);
  return {
    owner: tagValue(tags, TAG_KEYS.owner),
    purpose: tagValue(tags, TAG_KEYS.purpose),
    environment: tagValue(tags, TAG_KEYS.environment),
    expires: tagValue(tags, TAG_KEYS.expires),
    approval: tagValue(tags, TAG_KEYS.approval),
  };
}

/** A service account's metadata: `owner=…; environment=…; expires=…; [approval=…;] purpose=…` in its description. */
function metadataFromDescription(description: unknown): AgentMetadata {
  if (isUnknown(description))
    return {
      owner: UNKNOWN_FIELD,
      purpose: UNKNOWN_FIELD,
      environment: UNKNOWN_FIELD,
      expires: UNKNOWN_FIELD,
      approval: UNKNOWN_FIELD,
    };
  const text = typeof description === "string" ? description : "";
  const parsed = parseGcpDescription(text);
  const purposeAt = text.search(/(^|;\s*)purpose=/);
  const head = purposeAt >= 0 ? text.slice(0, purposeAt) : text;
  const approval = /(?:^|;)\s*approval=([^;]*)/.exec(head)?.[1];
  return {
    owner: fieldFrom(parsed.owner),
    purpose: fieldFrom(parsed.purpose),
    environment: fieldFrom(parsed.environment),
    expires: fieldFrom(parsed.expires),
    approval: fieldFrom(approval),
  };
}

/** Whether a role is an agent role: `true`, `false`, or `unknown` (its trust is not known yet). */
export function awsRoleAgentStatus(resource: PolicyResource): {
  agent: boolean | "unknown";
  why: string;
  subjects: string[];
  /** Whether only its trust in an agent runtime's service makes it an agent. */
  byRuntimeTrust?: boolean;
} {
  // Roles an AgentIdentity makes for other jobs (a budget action's execution role) trust a service,
  // carry no agent tag, and are no agent: being inside the component is not enough.
  const trust = judgeTrustPolicy(resource.props.assumeRolePolicy);
  const tagged = tagValue(readTags(resource.props, resource.provider), TAG_KEYS.agent);
  if (trust.webIdentity === true)
    return {
      agent: true,
      why: "its trust policy lets an OIDC issuer's tokens assume it",
      subjects: [...trust.subjects],
    };
  if (tagged.state === "value")
    return { agent: true, why: `it is tagged ${TAG_KEYS.agent}`, subjects: [...trust.subjects] };
  if (trustAllowsAgentRuntime(resource.props.assumeRolePolicy))
    return {
      agent: true,
      why: `its trust lets an agent runtime (${AGENT_RUNTIME_SERVICE_PRINCIPALS.join(", ")}) run as it`,
      subjects: [],
      byRuntimeTrust: true,
    };
  if (trust.webIdentity === "unknown" || tagged.state === "unknown")
    return {
      agent: "unknown",
      why: "its trust policy or tags are not known until apply and may make it an agent",
      subjects: [],
    };
  return { agent: false, why: "", subjects: [] };
}

/** Whether a known trust policy allows no one to assume the role (the kill switch's deny, no allow). */
export function trustLetsNoOneIn(trust: unknown): boolean {
  const reading = readPolicyDocument(trust);
  if (reading.kind === "unknown") return false;
  if (reading.kind !== "document") return true;
  return !reading.statements.some(
    (statement) =>
      statement.effect !== "Deny" &&
      [WEB_IDENTITY_ACTION, ...TRUST_ACTIONS].some((action) => statementCoversAction(statement, action)),
  );
}

/** Keys a reference to a service account may use: its resource name, email, unique id. */
export function gcpServiceAccountKeys(account: PolicyResource): string[] {
  const keys = ["name", "email", "uniqueId", "id", "member"]
    .map((key) => knownString(account.props[key]))
    .filter((key): key is string => key !== undefined);
  const accountId = knownString(account.props.accountId);
  const project = knownString(account.props.project);
  if (accountId && project) {
    const email = `${accountId}@${project}.iam.gserviceaccount.com`;
    keys.push(email, `projects/${project}/serviceAccounts/${email}`, `serviceAccount:${email}`);
  }
  for (const key of [...keys])
    if (/@/.test(key) && !key.startsWith("serviceAccount:") && !key.startsWith("projects/"))
      keys.push(`serviceAccount:${key}`);
  return keys;
}

/** The pool principals allowed to act as a service account, and the grant resources that say so. */
export function gcpImpersonators(
  account: PolicyResource,
  index: StackIndex,
): { principal: PoolPrincipal; member: string; grant: PolicyResource; role: string }[] {
  const found: { principal: PoolPrincipal; member: string; grant: PolicyResource; role: string }[] = [];
  for (const resource of index.referencing(
    index.typesStartingWith("gcp:serviceaccount/iAM"),
    "serviceAccountId",
    account,
    gcpServiceAccountKeys,
  )) {
    for (const grant of gcpGrantsOf(resource.type, resource.props)) {
      if (!GCP_IMPERSONATION_ROLES.includes(grant.role)) continue;
      const principal = readPoolPrincipal(grant.member);
      if (principal) found.push({ principal, member: grant.member, grant: resource, role: grant.role });
    }
  }
  return found;
}

/** Keys a reference to a managed identity may use (`resourceName` of a federated credential). */
export function azureIdentityKeys(identity: PolicyResource): string[] {
  return ["resourceName", "name", "id"]
    .map((key) => knownString(identity.props[key]))
    .filter((key): key is string => key !== undefined);
}

/** The federated identity credentials of a managed identity. */
export function azureFederatedCredentials(identity: PolicyResource, index: StackIndex): PolicyResource[] {
  const group = knownString(identity.props.resourceGroupName);
  return index
    .referencing([AZURE_FEDERATED_CREDENTIAL_TYPE], "resourceName", identity, azureIdentityKeys)
    .filter((credential) => {
      const credentialGroup = knownString(credential.props.resourceGroupName);
      return (
        !group ||
        !credentialGroup ||
        group.toLowerCase() === credentialGroup.toLowerCase() ||
        (credential.propertyDependencies?.resourceName ?? []).includes(identity.urn)
      );
    });
}

/**
 * The approval an enclosing `AgentIdentity` records for its agent: its inventory record (an output)
 * or its agent model (its input). Used where a cloud has no place for it (a GCP service account).
 */
function approvalFromComponent(resource: PolicyResource, index: StackIndex): FieldValue {
  const component = index.enclosingAgentIdentity(resource);
  if (!component) return MISSING;
  for (const key of ["inventoryRecord", "agent"]) {
    const record = component.props[key];
    if (isUnknown(record)) return UNKNOWN_FIELD;
    if (typeof record === "object" && record !== null && "approval" in record)
      return fieldFrom((record as { approval?: unknown }).approval);
  }
  return MISSING;
}

function withComponentApproval(metadata: AgentMetadata, resource: PolicyResource, index: StackIndex): AgentMetadata {
  return metadata.approval.state === "missing"
    ? { ...metadata, approval: approvalFromComponent(resource, index) }
    : metadata;
}

/** The agent runtime (in words) a role runs, when a runtime in the stack names it. */
function awsRuntimeOf(role: PolicyResource, index: StackIndex): string | undefined {
  return roleNamedBy(AWS_AGENT_RUNTIME_ROLES, role, index)?.what;
}

/** The first row of a table whose resources name the role in their role property. */
function roleNamedBy<Row extends { readonly type: string; readonly property: string }>(
  table: readonly Row[],
  role: PolicyResource,
  index: StackIndex,
): Row | undefined {
  return table.find(({ type, property }) => index.referencing([type], property, role, roleArnKeys).length > 0);
}

/** Whether a role is the role of a resource that serves agents (an AgentCore gateway's). */
function servesAgents(role: PolicyResource, index: StackIndex): boolean {
  return roleNamedBy(AWS_AGENT_SERVING_ROLES, role, index) !== undefined;
}

/** Keys a role is named by in a runtime's role property: its ARN. */
function roleArnKeys(role: PolicyResource): string[] {
  const arn = knownString(role.props.arn);
  return arn ? [arn] : [];
}

/** The reasoning engine (Vertex AI Agent Engine) that runs as a service account, if any. */
function gcpReasoningEngineOf(account: PolicyResource, index: StackIndex): PolicyResource | undefined {
  const keys = new Set(gcpServiceAccountKeys(account));
  return index.ofType(GCP_REASONING_ENGINE_TYPE).find((engine) => {
    const spec = engine.props.spec as { serviceAccount?: unknown } | undefined;
    const named = typeof spec?.serviceAccount === "string" && keys.has(spec.serviceAccount);
    return named || (engine.propertyDependencies?.spec ?? []).includes(account.urn);
  });
}

/** Whether a resource is an AI Foundry project (a hub-based workspace only when its kind is `Project`). */
function isAzureAgentProject(resource: PolicyResource): boolean {
  if (resource.type !== "azure-native:machinelearningservices:Workspace") return true;
  return typeof resource.props.kind === "string" && resource.props.kind.toLowerCase() === "project";
}

/** The Foundry project that uses a user-assigned identity, if any. */
function azureProjectUsing(identity: PolicyResource, index: StackIndex): PolicyResource | undefined {
  const id = knownString(identity.props.id);
  // An ARM resource id ends /resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME
  // (Azure Resource Manager, "Resource ID"): known from the identity's inputs before the cloud assigns `id`.
  const group = knownString(identity.props.resourceGroupName);
  const name = knownString(identity.props.resourceName);
  const suffix =
    group && name
      ? `/resourcegroups/${group}/providers/microsoft.managedidentity/userassignedidentities/${name}`.toLowerCase()
      : undefined;
  const names = (entry: unknown) =>
    typeof entry === "string" &&
    ((id !== undefined && entry.toLowerCase() === id.toLowerCase()) ||
      (suffix !== undefined && entry.toLowerCase().endsWith(suffix)));
  return index.ofType(...AZURE_AGENT_PROJECT_TYPES).find((project) => {
    if (!isAzureAgentProject(project)) return false;
    const assigned = (project.props.identity as { userAssignedIdentities?: unknown } | undefined)
      ?.userAssignedIdentities;
    const ids = Array.isArray(assigned)
      ? assigned
      : typeof assigned === "object" && assigned
        ? Object.keys(assigned)
        : [];
    return ids.some(names) || (project.propertyDependencies?.identity ?? []).includes(identity.urn);
  });
}

/** Every agent identity of a stack, on every cloud (found once per index; do not modify the list). */
export function findAgentIdentities(index: StackIndex): AgentIdentityResource[] {
  return index.memo("agentIdentities", () => readAgentIdentities(index));
}

function readAgentIdentities(index: StackIndex): AgentIdentityResource[] {
  const agents: AgentIdentityResource[] = [];
  for (const role of index.ofType(AWS_ROLE_TYPE)) {
    let status = awsRoleAgentStatus(role);
    const runtime = awsRuntimeOf(role, index);
    if (status.agent !== true && runtime) status = { agent: true, why: `the ${runtime} runs as it`, subjects: [] };
    else if (status.byRuntimeTrust && !runtime && servesAgents(role, index)) continue;
    if (status.agent === false) continue;
    agents.push({
      cloud: "aws",
      resource: role,
      registered: index.isInsideAgentIdentity(role),
      certain: status.agent === true,
      why: status.why,
      metadata: withComponentApproval(metadataFromTags(role.props, role.provider), role, index),
      metadataWhere: "tags",
      subjects: status.subjects,
      disabled: status.agent === true && trustLetsNoOneIn(role.props.assumeRolePolicy),
    });
  }
  for (const account of index.ofType(GCP_SERVICE_ACCOUNT_TYPE)) {
    const impersonators = gcpImpersonators(account, index);
    // Inside an AgentIdentity, the agent's own account carries its metadata (a disabled agent has no binding left).
    const declaredInside = index.isInsideAgentIdentity(account);
    const inside = declaredInside && metadataFromDescription(account.props.description).owner.state !== "missing";
    const engine = gcpReasoningEngineOf(account, index);
    if (impersonators.length === 0 && !inside && !engine) continue;
    agents.push({
      cloud: "gcp",
      resource: account,
      registered: declaredInside,
      certain: true,
      why: engine
        ? `the Vertex AI Agent Engine "${engine.name}" runs as it`
        : impersonators.length > 0
          ? `a Workload Identity pool principal may act as it (${impersonators[0]!.role})`
          : "it is declared inside an AgentIdentity",
      metadata: withComponentApproval(metadataFromDescription(account.props.description), account, index),
      metadataWhere: "description",
      subjects: impersonators.flatMap(({ principal }) => (principal.kind === "subject" ? [principal.subject] : [])),
      disabled: account.props.disabled === true || (impersonators.length === 0 && !engine),
    });
  }
  for (const identity of index.ofType(AZURE_IDENTITY_TYPE)) {
    const credentials = azureFederatedCredentials(identity, index);
    const inside = index.isInsideAgentIdentity(identity);
    const tagged = tagValue(readTags(identity.props), TAG_KEYS.agent).state === "value";
    const project = azureProjectUsing(identity, index);
    if (credentials.length === 0 && !tagged && !project) continue;
    agents.push({
      cloud: "azure",
      resource: identity,
      registered: inside,
      certain: true,
      why:
        credentials.length > 0
          ? "it has a federated identity credential (an OIDC issuer's tokens sign in as it)"
          : project
            ? `the agents of AI Foundry project "${project.name}" act as it`
            : `it is tagged ${TAG_KEYS.agent}`,
      metadata: withComponentApproval(metadataFromTags(identity.props), identity, index),
      metadataWhere: "tags",
      subjects: credentials
        .map((credential) => knownString(credential.props.subject))
        .filter((subject): subject is string => subject !== undefined),
      disabled: credentials.length === 0 && !project,
    });
  }
  // A Foundry project's own (system-assigned) identity: its agents act as the project.
  for (const project of index.ofType(...AZURE_AGENT_PROJECT_TYPES)) {
    if (!isAzureAgentProject(project)) continue;
    const identity = project.props.identity as { type?: unknown } | undefined;
    const type = typeof identity?.type === "string" ? identity.type : "";
    if (!/SystemAssigned/i.test(type) && !isUnknown(identity?.type)) continue;
    agents.push({
      cloud: "azure",
      resource: project,
      registered: false,
      certain: !isUnknown(identity?.type),
      why: "its agents act with the project's system-assigned managed identity",
      metadata: metadataFromTags(project.props),
      metadataWhere: "tags",
      subjects: [],
      disabled: false,
    });
  }
  return agents;
}

/** The name a message uses for an agent identity: `aws:iam/role:Role "reviewer"`. */
export function describeIdentity(agent: Pick<AgentIdentityResource, "resource">): string {
  return `${agent.resource.type.split(":").pop()} "${agent.resource.name}"`;
}
