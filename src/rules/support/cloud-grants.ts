import {
  azureRoleGuid,
  judgeAzureRole,
  type AzureCustomDefinition,
  type AzureRoleJudgement,
} from "../../clouds/azure/role-risk";
import {
  gcpGrantsOf,
  isGcpIamResourceType,
  serviceAccountEmailOf,
  type GcpGrant,
} from "../../clouds/gcp/iam-resources";
import { judgeGcpRole, type GcpRoleJudgement } from "../../clouds/gcp/role-risk";
import { gcpServiceAccountKeys } from "./agents";
import { type StackIndex, knownString, type PolicyResource } from "./stack";
import { isUnknown } from "../../model/unknown";

/**
 * What an agent's GCP service account or Azure managed identity has been granted in the stack.
 */

export const GCP_CUSTOM_ROLE_TYPES = [
  "gcp:projects/iAMCustomRole:IAMCustomRole",
  "gcp:organizations/iAMCustomRole:IAMCustomRole",
];
export const AZURE_ROLE_ASSIGNMENT_TYPE = "azure-native:authorization:RoleAssignment";
export const AZURE_ROLE_DEFINITION_TYPE = "azure-native:authorization:RoleDefinition";

const SERVICE_ACCOUNT_USER_ROLE = "roles/iam.serviceAccountUser";

/**
 * `roles/iam.serviceAccountUser` on one service account: `iam.serviceAccounts.actAs` on it, which a
 * deployer needs to deploy a service that runs as that account (Cloud Run and Compute Engine docs,
 * "Deploy with a user-managed service account"). A deploy need on one named account, not
 * permission management: judged as write (on a project or above it acts as every account, and
 * `no-overbroad-gcp-scopes` refuses it for anyone).
 */
const ACT_AS_ONE_ACCOUNT: GcpRoleJudgement = {
  role: SERVICE_ACCOUNT_USER_ROLE,
  class: "write",
  level: "write",
  risks: [],
  fromPermissions: true,
};

/** One GCP grant to an agent, with the resource that makes it and the role judged. */
export interface GcpAgentGrant {
  readonly grant: GcpGrant;
  readonly resource: PolicyResource;
  /** Undefined when the role is not known yet. */
  readonly judgement?: GcpRoleJudgement;
}

/** Permissions of the custom roles a stack declares, by the names bindings use and by URN. */
export function gcpCustomRoles(index: StackIndex): {
  byName: Map<string, readonly string[]>;
  byUrn: Map<string, { name?: string; permissions: readonly string[] }>;
} {
  return index.memo("gcpCustomRoles", () => readGcpCustomRoles(index));
}

function readGcpCustomRoles(index: StackIndex): {
  byName: Map<string, readonly string[]>;
  byUrn: Map<string, { name?: string; permissions: readonly string[] }>;
} {
  const byName = new Map<string, readonly string[]>();
  const byUrn = new Map<string, { name?: string; permissions: readonly string[] }>();
  for (const role of index.ofType(...GCP_CUSTOM_ROLE_TYPES)) {
    const raw = role.props.permissions;
    if (!Array.isArray(raw)) continue;
    const permissions = raw.filter(
      (permission): permission is string => typeof permission === "string" && !isUnknown(permission),
    );
    const roleId = knownString(role.props.roleId);
    const project = knownString(role.props.project);
    const orgId = knownString(role.props.orgId);
    const names = [knownString(role.props.name), knownString(role.props.id)];
    if (roleId && project) names.push(`projects/${project}/roles/${roleId}`);
    if (roleId && orgId) names.push(`organizations/${orgId}/roles/${roleId}`);
    for (const name of names) if (name) byName.set(name, permissions);
    byUrn.set(role.urn, { name: names.find((name) => name !== undefined), permissions });
  }
  return { byName, byUrn };
}

/** One grant of a GCP IAM resource, and its place in the stack (resource, then grant order). */
interface GcpGrantEntry {
  readonly grant: GcpGrant;
  readonly resource: PolicyResource;
  readonly order: number;
}

/**
 * Every grant of the stack's GCP IAM resources, looked up by member: a grant to
 * `serviceAccount:EMAIL` under its email and its member, and a grant whose member is not known yet
 * under the URNs its member property depends on. Built once per index.
 */
function gcpGrantTable(index: StackIndex): {
  byMember: Map<string, GcpGrantEntry[]>;
  byDependency: Map<string, GcpGrantEntry[]>;
} {
  return index.memo("gcpGrantTable", () => {
    const byMember = new Map<string, GcpGrantEntry[]>();
    const byDependency = new Map<string, GcpGrantEntry[]>();
    const add = (map: Map<string, GcpGrantEntry[]>, key: string, entry: GcpGrantEntry) => {
      const list = map.get(key);
      if (list) list.push(entry);
      else map.set(key, [entry]);
    };
    let order = 0;
    for (const resource of index.resources) {
      if (!isGcpIamResourceType(resource.type)) continue;
      for (const grant of gcpGrantsOf(resource.type, resource.props)) {
        const entry = { grant, resource, order: order++ };
        const email = serviceAccountEmailOf(grant.member);
        if (email !== undefined) for (const key of new Set([email, grant.member])) add(byMember, key, entry);
        if (isUnknown(grant.member) || grant.member === "")
          for (const urn of new Set(resource.propertyDependencies?.[grant.memberProperty] ?? []))
            add(byDependency, urn, entry);
      }
    }
    return { byMember, byDependency };
  });
}

/** The grants made to a service account (as `serviceAccount:EMAIL`) anywhere in the stack. */
export function gcpGrantsToAccount(account: PolicyResource, index: StackIndex): GcpAgentGrant[] {
  const custom = gcpCustomRoles(index);
  const table = gcpGrantTable(index);
  const matches = new Set<GcpGrantEntry>();
  for (const key of new Set(gcpServiceAccountKeys(account)))
    for (const entry of table.byMember.get(key) ?? []) matches.add(entry);
  for (const entry of table.byDependency.get(account.urn) ?? []) matches.add(entry);
  const found: GcpAgentGrant[] = [];
  for (const { grant, resource } of [...matches].sort((a, b) => a.order - b.order)) {
    let judgement: GcpRoleJudgement | undefined;
    if (grant.level === "service-account" && grant.role === SERVICE_ACCOUNT_USER_ROLE) judgement = ACT_AS_ONE_ACCOUNT;
    else if (!isUnknown(grant.role) && grant.role !== "") judgement = judgeGcpRole(grant.role, custom.byName);
    else {
      const customRole = (resource.propertyDependencies?.role ?? [])
        .map((urn) => custom.byUrn.get(urn))
        .find((role) => role !== undefined);
      if (customRole)
        judgement = judgeGcpRole(
          customRole.name ?? "custom role",
          new Map([[customRole.name ?? "custom role", customRole.permissions]]),
        );
    }
    found.push({ grant, resource, judgement });
  }
  return found;
}

/** Custom role definitions of the stack, by lower-case GUID and by URN. */
export function azureCustomDefinitions(index: StackIndex): {
  byGuid: Map<string, AzureCustomDefinition>;
  byUrn: Map<string, AzureCustomDefinition>;
} {
  return index.memo("azureCustomDefinitions", () => readAzureCustomDefinitions(index));
}

function readAzureCustomDefinitions(index: StackIndex): {
  byGuid: Map<string, AzureCustomDefinition>;
  byUrn: Map<string, AzureCustomDefinition>;
} {
  const byGuid = new Map<string, AzureCustomDefinition>();
  const byUrn = new Map<string, AzureCustomDefinition>();
  for (const definition of index.ofType(AZURE_ROLE_DEFINITION_TYPE)) {
    const permissions = Array.isArray(definition.props.permissions) ? definition.props.permissions : [];
    const split: { actions: string[]; dataActions: string[] } = { actions: [], dataActions: [] };
    for (const permission of permissions) {
      const record = (typeof permission === "object" && permission !== null ? permission : {}) as Record<
        string,
        unknown
      >;
      for (const key of ["actions", "dataActions"] as const) {
        const list = record[key];
        if (Array.isArray(list))
          for (const operation of list)
            if (typeof operation === "string" && !isUnknown(operation)) split[key].push(operation);
      }
    }
    const entry: AzureCustomDefinition = {
      name: knownString(definition.props.roleName),
      operations: [...split.actions, ...split.dataActions],
      actions: split.actions,
      dataActions: split.dataActions,
    };
    byUrn.set(definition.urn, entry);
    for (const key of ["roleDefinitionId", "name", "id"]) {
      const value = knownString(definition.props[key]);
      const guid = value ? azureRoleGuid(value) : undefined;
      if (guid) byGuid.set(guid, entry);
    }
  }
  return { byGuid, byUrn };
}

/** One role assignment to an agent, with the role judged (undefined when the role is not known yet). */
export interface AzureAgentAssignment {
  readonly assignment: PolicyResource;
  readonly judgement?: AzureRoleJudgement;
}

/** Keys a role assignment's `principalId` uses for a managed identity (or a resource's system-assigned one). */
function principalKeys(identity: PolicyResource): string[] {
  const system = (identity.props.identity as { principalId?: unknown } | undefined)?.principalId;
  return [identity.props.principalId, system]
    .map((key) => knownString(key))
    .filter((key): key is string => key !== undefined);
}

/** The role assignments whose principal is the managed identity. */
export function azureAssignmentsTo(identity: PolicyResource, index: StackIndex): AzureAgentAssignment[] {
  const custom = azureCustomDefinitions(index);
  return index.referencing([AZURE_ROLE_ASSIGNMENT_TYPE], "principalId", identity, principalKeys).map((assignment) => {
    const roleDefinitionId = assignment.props.roleDefinitionId;
    if (typeof roleDefinitionId === "string" && !isUnknown(roleDefinitionId))
      return { assignment, judgement: judgeAzureRole(roleDefinitionId, custom.byGuid) };
    const definition = (assignment.propertyDependencies?.roleDefinitionId ?? [])
      .map((urn) => custom.byUrn.get(urn))
      .find((entry) => entry !== undefined);
    if (definition) return { assignment, judgement: judgeFromDefinition(definition) };
    return { assignment };
  });
}

function judgeFromDefinition(definition: AzureCustomDefinition): AzureRoleJudgement {
  const guid = "00000000-0000-4000-8000-000000000000";
  return judgeAzureRole(guid, new Map([[guid, definition]]));
}
