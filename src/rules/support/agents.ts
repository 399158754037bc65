import { judgeTrustPolicy } from "../../clouds/aws/trust-analysis";
import { gcpGrantsOf, readPoolPrincipal, type PoolPrincipal } from "../../clouds/gcp/iam-resources";
import type { Cloud } from "../../model/resources";
import { TAG_KEYS, parseGcpDescription } from "../../model/tags";
import { type StackIndex, knownString, type PolicyResource } from "./stack";
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

/** Tag values by key (case-insensitive), from `tags`, else `tagsAll`; unknown when the map is. */
export function readTags(props: Readonly<Record<string, unknown>>): Record<string, unknown> | "unknown" {
  const tags = props.tags ?? props.tagsAll;
  if (isUnknown(tags)) return "unknown";
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return {};
  return tags as Record<string, unknown>;
}

/** One tag, looked up case-insensitively. */
export function tagValue(tags: Record<string, unknown> | "unknown", key: string): FieldValue {
  if (tags === "unknown") return UNKNOWN_FIELD;
  const found = Object.keys(tags).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  return found === undefined ? MISSING : fieldFrom(tags[found]);
}

function metadataFromTags(props: Readonly<Record<string, unknown>>): AgentMetadata {
  const tags = readTags(props);
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
} {
  // Roles an AgentIdentity makes for other jobs (a budget action's execution role) trust a service,
  // carry no agent tag, and are no agent: being inside the component is not enough.
  const trust = judgeTrustPolicy(resource.props.assumeRolePolicy);
  const tagged = tagValue(readTags(resource.props), TAG_KEYS.agent);
  if (trust.webIdentity === true)
    return {
      agent: true,
      why: "its trust policy lets an OIDC issuer's tokens assume it",
      subjects: [...trust.subjects],
    };
  if (tagged.state === "value")
    return { agent: true, why: `it is tagged ${TAG_KEYS.agent}`, subjects: [...trust.subjects] };
  if (trust.webIdentity === "unknown" || tagged.state === "unknown")
    return {
      agent: "unknown",
      why: "its trust policy or tags are not known until apply and may make it an agent",
      subjects: [],
    };
  return { agent: false, why: "", subjects: [] };
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

/** Every agent identity of a stack, on every cloud (found once per index; do not modify the list). */
export function findAgentIdentities(index: StackIndex): AgentIdentityResource[] {
  return index.memo("agentIdentities", () => readAgentIdentities(index));
}

function readAgentIdentities(index: StackIndex): AgentIdentityResource[] {
  const agents: AgentIdentityResource[] = [];
  for (const role of index.ofType(AWS_ROLE_TYPE)) {
    const status = awsRoleAgentStatus(role);
    if (status.agent === false) continue;
    agents.push({
      cloud: "aws",
      resource: role,
      registered: index.isInsideAgentIdentity(role),
      certain: status.agent === true,
      why: status.why,
      metadata: withComponentApproval(metadataFromTags(role.props), role, index),
      metadataWhere: "tags",
      subjects: status.subjects,
      disabled: status.agent === true && judgeTrustPolicy(role.props.assumeRolePolicy).webIdentity === false,
    });
  }
  for (const account of index.ofType(GCP_SERVICE_ACCOUNT_TYPE)) {
    const impersonators = gcpImpersonators(account, index);
    // Inside an AgentIdentity, the agent's own account carries its metadata (a disabled agent has no binding left).
    const declaredInside = index.isInsideAgentIdentity(account);
    const inside = declaredInside && metadataFromDescription(account.props.description).owner.state !== "missing";
    if (impersonators.length === 0 && !inside) continue;
    agents.push({
      cloud: "gcp",
      resource: account,
      registered: declaredInside,
      certain: true,
      why:
        impersonators.length > 0
          ? `a Workload Identity pool principal may act as it (${impersonators[0]!.role})`
          : "it is declared inside an AgentIdentity",
      metadata: withComponentApproval(metadataFromDescription(account.props.description), account, index),
      metadataWhere: "description",
      subjects: impersonators.flatMap(({ principal }) => (principal.kind === "subject" ? [principal.subject] : [])),
      disabled: account.props.disabled === true || impersonators.length === 0,
    });
  }
  for (const identity of index.ofType(AZURE_IDENTITY_TYPE)) {
    const credentials = azureFederatedCredentials(identity, index);
    const inside = index.isInsideAgentIdentity(identity);
    const tagged = tagValue(readTags(identity.props), TAG_KEYS.agent).state === "value";
    if (credentials.length === 0 && !tagged) continue;
    agents.push({
      cloud: "azure",
      resource: identity,
      registered: inside,
      certain: true,
      why:
        credentials.length > 0
          ? "it has a federated identity credential (an OIDC issuer's tokens sign in as it)"
          : `it is tagged ${TAG_KEYS.agent}`,
      metadata: withComponentApproval(metadataFromTags(identity.props), identity, index),
      metadataWhere: "tags",
      subjects: credentials
        .map((credential) => knownString(credential.props.subject))
        .filter((subject): subject is string => subject !== undefined),
      disabled: credentials.length === 0,
    });
  }
  return agents;
}

/** The name a message uses for an agent identity: `aws:iam/role:Role "reviewer"`. */
export function describeIdentity(agent: Pick<AgentIdentityResource, "resource">): string {
  return `${agent.resource.type.split(":").pop()} "${agent.resource.name}"`;
}
