import type { Agent, ResolvedGrant } from "../../model/agent";
import { nameBasedGuid } from "./guid";
import {
  AZURE_BUILT_IN_ROLES,
  AZURE_CUSTOM_ROLES,
  AZURE_FORBIDDEN_ROLES,
  azureRolesForGrant,
  type AzureCustomRole,
} from "./roles";
import { azureTimeBoundProblem } from "./time-bound";
import { azureResourceGroupOf, azureScopeLevel, azureSubscriptionOf, isBroadAzureScope } from "./scopes";

/** A custom role definition an assignment needs, defined once per resource group. */
export interface AzureCustomRoleNeed extends AzureCustomRole {
  readonly key: string;
  /** Where the definition lives and may be assigned: the resource group of the scope. */
  readonly scope: string;
  /** The definition's name (a GUID, stable for key and scope). */
  readonly roleDefinitionGuid: string;
  /** Unique in the tenant: the role name with a short tag of its resource group. */
  readonly uniqueRoleName: string;
}

/** One role assignment agent-iam makes for an agent's grant. */
export interface AzureAssignment {
  readonly grant: number;
  readonly scope: string;
  /** The built-in role's name, or the custom role's key. */
  readonly role: string;
  /** `/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/GUID`. */
  readonly roleDefinitionId: string;
  readonly customRole?: AzureCustomRoleNeed;
  /** The assignment's name: a GUID stable for agent, environment, scope and role. */
  readonly assignmentName: string;
  readonly description: string;
}

/** A grant agent-iam cannot turn into role assignments, and why. */
export interface AzureGrantProblem {
  readonly grant: number;
  readonly message: string;
}

/** Options that widen what the planner accepts. */
export interface AzureAssignmentOptions {
  /** `azure.allowBroadScopes` from the spec. */
  readonly allowBroadScopes?: boolean;
  /** The spec's approval reference. */
  readonly approval?: string;
}

function roleDefinitionId(subscription: string, guid: string): string {
  return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

/**
 * The role assignments of an agent's Azure grants: the narrowest built-in role at the named
 * resource's scope, or an exact-action custom role defined on the resource's group. Never a
 * forbidden role; never subscription or management-group scope without an approved opt-in.
 */
export function azureAssignmentsForGrants(
  agent: Pick<Agent, "id" | "environment" | "expires">,
  grants: readonly ResolvedGrant[],
  options: AzureAssignmentOptions = {},
): { assignments: AzureAssignment[]; problems: AzureGrantProblem[] } {
  const assignments: AzureAssignment[] = [];
  const problems: AzureGrantProblem[] = [];
  grants.forEach((grant, index) => {
    if (grant.resource.cloud !== "azure") return;
    const scope = grant.resource.ref;
    if (!azureScopeLevel(scope))
      return void problems.push({ grant: index, message: `"${scope}" is not an Azure scope` });
    if (isBroadAzureScope(scope) && !(options.allowBroadScopes && options.approval))
      return void problems.push({
        grant: index,
        message: `"${scope}" is a subscription or management group: assignments there need azure.allowBroadScopes: true and an approval`,
      });
    if (grant.until || grant.endsAt)
      return void problems.push({
        grant: index,
        message: azureTimeBoundProblem(grant.breakGlass === true || grant.endsAt !== undefined),
      });
    const choice = azureRolesForGrant(grant);
    if ("error" in choice) return void problems.push({ grant: index, message: choice.error });
    const subscription = azureSubscriptionOf(scope)!;
    for (const role of choice.roles) {
      const builtIn = AZURE_BUILT_IN_ROLES[role];
      if (builtIn && Object.values(AZURE_FORBIDDEN_ROLES).includes(builtIn.id))
        throw new Error(`forbidden role ${role} in the Azure role table`);
      let customRole: AzureCustomRoleNeed | undefined;
      let guid: string;
      if (builtIn) guid = builtIn.id;
      else {
        const custom = AZURE_CUSTOM_ROLES[role]!;
        const group = azureResourceGroupOf(scope) ?? `/subscriptions/${subscription}`;
        guid = nameBasedGuid(`role-definition|${group.toLowerCase()}|${role}`);
        customRole = {
          ...custom,
          key: role,
          scope: group,
          roleDefinitionGuid: guid,
          uniqueRoleName: `${custom.roleName} ${guid.slice(0, 8)}`,
        };
      }
      assignments.push({
        grant: index,
        scope,
        role,
        roleDefinitionId: roleDefinitionId(subscription, guid),
        customRole,
        assignmentName: nameBasedGuid(
          `role-assignment|${agent.id}|${agent.environment}|${scope.toLowerCase()}|${guid}`,
        ),
        description: `agent-iam: agent ${agent.id} (${agent.environment}), review by ${agent.expires}`,
      });
    }
  });
  problems.push(...containerAppDeployProblems(grants));
  return { assignments, problems };
}

/**
 * Updating a container app (`az containerapp update --image`, azure/container-apps-deploy-action)
 * sends the whole app, its environment included, and ARM checks
 * `Microsoft.App/managedEnvironments/join/action` on that environment: without it the update fails
 * with LinkedAuthorizationFailed (microsoft/azure-container-apps#530). A grant that writes to a
 * container app needs its environment named; an app that runs as a user-assigned identity needs
 * that identity named too (`…/userAssignedIdentities/assign/action`, Microsoft Entra docs, "Managed
 * identities FAQ"), which only the app's definition says.
 */
function containerAppDeployProblems(grants: readonly ResolvedGrant[]): AzureGrantProblem[] {
  const writes = (nativeType: string) =>
    grants.findIndex((grant) => grant.resource.nativeType === nativeType && grant.access.includes("write"));
  const deploy = writes("Microsoft.App/containerApps");
  if (deploy < 0 || writes("Microsoft.App/managedEnvironments") >= 0) return [];
  return [
    {
      grant: deploy,
      message:
        "updating a container app joins it to its environment again: add the Container Apps environment (/subscriptions/S/resourceGroups/RG/providers/Microsoft.App/managedEnvironments/NAME) to the grant's resources, and the app's user-assigned identity if it runs as one",
    },
  ];
}
