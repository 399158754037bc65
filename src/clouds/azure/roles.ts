import type { AccessLevel } from "../../model/access";
import type { ResolvedGrant } from "../../model/agent";
import catalog from "./role-catalog.json";
import { chooseRoles, roleFactsOf, type RoleChoice, type RoleChoiceResult, type RoleFacts } from "../role-choice";
import { azureActionLevel, azureActionRisks } from "./action-levels";

/** A built-in role as Microsoft publishes it. */
export interface AzureBuiltInRole {
  readonly id: string;
  readonly description: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

/** An agent-iam custom role: exact actions, no wildcard but {@link AZURE_DOCUMENTED_WILDCARDS}. */
export interface AzureCustomRole {
  readonly roleName: string;
  readonly description: string;
  /** The built-in role whose actions this one narrows, when there is one. */
  readonly basedOn?: string;
  readonly actions: readonly string[];
  readonly dataActions: readonly string[];
}

// Wildcards Microsoft documents as the way to grant a set with no fixed list: every table of a Log
// Analytics workspace ("Manage access to Log Analytics workspaces": workspaces/query/*/read lets
// queries read all tables, workspaces/query/TABLE/read one table). Read-only and scoped by the
// assignment; custom roles may hold these and no other wildcard.
/** Wildcard operations agent-iam's custom roles may hold: Microsoft documents no exact alternative. */
export const AZURE_DOCUMENTED_WILDCARDS: readonly string[] = ["Microsoft.OperationalInsights/workspaces/query/*/read"];

/** Built-in roles agent-iam assigns (src/clouds/azure/role-catalog.json). */
export const AZURE_BUILT_IN_ROLES: Readonly<Record<string, AzureBuiltInRole>> = catalog.builtIn;
/** Custom roles agent-iam defines where no built-in role is narrow enough. */
export const AZURE_CUSTOM_ROLES: Readonly<Record<string, AzureCustomRole>> = catalog.custom;
/** Roles the components never assign, by name → id. */
export const AZURE_FORBIDDEN_ROLES: Readonly<Record<string, string>> = catalog.forbidden;

/** Every action and data action a role holds (not-actions are subtracted only by ARM at evaluation; agent-iam's roles use none). */
export function azureRoleOperations(role: string): readonly string[] | undefined {
  const builtIn = AZURE_BUILT_IN_ROLES[role];
  if (builtIn) return [...builtIn.actions, ...builtIn.dataActions];
  const custom = AZURE_CUSTOM_ROLES[role];
  return custom ? [...custom.actions, ...custom.dataActions] : undefined;
}

/** The highest level and the high-risk classes of a role's operations. */
export function azureRoleFacts(role: string): RoleFacts {
  const operations = azureRoleOperations(role);
  if (!operations) throw new Error(`Azure role "${role}" is not in src/clouds/azure/role-catalog.json`);
  return roleFactsOf(operations, azureActionLevel, azureActionRisks);
}

/**
 * Candidate roles per Azure resource type, narrowest first. ARM's `read` operations both read and
 * list, so a role that reads also lists. Resource groups take only Reader: write at a resource
 * group would need Contributor, which agent-iam never assigns; name the resources instead.
 */
export const AZURE_ROLE_CHOICES: Readonly<Record<string, readonly RoleChoice[]>> = {
  "Microsoft.Storage/storageAccounts/blobServices/containers": [
    { role: "Storage Blob Data Reader", covers: ["list", "read"] },
    { role: "blobDataWriter", covers: ["list", "read", "write"] },
    { role: "blobDataWriterWithDelete", covers: ["list", "read", "write"] },
    { role: "Storage Blob Data Contributor", covers: ["list", "read", "write"] },
  ],
  "Microsoft.Storage/storageAccounts/tableServices/tables": [
    { role: "Storage Table Data Reader", covers: ["list", "read"] },
    { role: "tableDataWriter", covers: ["list", "read", "write"] },
    { role: "tableDataWriterWithDelete", covers: ["list", "read", "write"] },
    { role: "Storage Table Data Contributor", covers: ["list", "read", "write"] },
  ],
  "Microsoft.KeyVault/vaults": [
    { role: "Key Vault Secrets User", covers: ["list", "read"] },
    { role: "keyVaultSecretsWriter", covers: ["list", "write"] },
    { role: "keyVaultSecretsWriterWithDelete", covers: ["list", "write"] },
  ],
  "Microsoft.KeyVault/vaults/keys": [
    { role: "keyVaultKeyReader", covers: ["list", "read"] },
    { role: "keyVaultKeyUser", covers: ["write"] },
  ],
  "Microsoft.ServiceBus/namespaces/queues": [
    { role: "Azure Service Bus Data Receiver", covers: ["list", "read"] },
    { role: "Azure Service Bus Data Sender", covers: ["write"] },
  ],
  "Microsoft.ServiceBus/namespaces/topics": [
    { role: "Azure Service Bus Data Receiver", covers: ["list", "read"] },
    { role: "Azure Service Bus Data Sender", covers: ["write"] },
  ],
  "Microsoft.ContainerRegistry/registries": [
    { role: "AcrPull", covers: ["list", "read"] },
    { role: "AcrPush", covers: ["list", "read", "write"] },
  ],
  "Microsoft.App/containerApps": [
    { role: "Reader", covers: ["list", "read"] },
    { role: "containerAppDeployer", covers: ["write"] },
  ],
  "Microsoft.Web/sites": [
    { role: "Reader", covers: ["list", "read"] },
    { role: "webAppDeployer", covers: ["write"] },
  ],
  "Microsoft.OperationalInsights/workspaces": [{ role: "logAnalyticsReader", covers: ["list", "read"] }],
  // What a Container App runs as and in (linked access checks of a deploy).
  "Microsoft.ManagedIdentity/userAssignedIdentities": [{ role: "managedIdentityAssigner", covers: ["write"] }],
  "Microsoft.App/managedEnvironments": [{ role: "containerAppEnvironmentJoiner", covers: ["write"] }],
  "Microsoft.Resources/resourceGroups": [{ role: "Reader", covers: ["list", "read"] }],
};

const AZURE_TYPE_WORDS: Readonly<Record<string, string>> = {
  "Microsoft.Storage/storageAccounts/blobServices/containers": "a Blob container",
  "Microsoft.Storage/storageAccounts/tableServices/tables": "a Storage table",
  "Microsoft.KeyVault/vaults": "a Key Vault's secrets",
  "Microsoft.KeyVault/vaults/keys": "a Key Vault key",
  "Microsoft.ServiceBus/namespaces/queues": "a Service Bus queue",
  "Microsoft.ServiceBus/namespaces/topics": "a Service Bus topic",
  "Microsoft.ContainerRegistry/registries": "a container registry",
  "Microsoft.App/containerApps": "a container app",
  "Microsoft.Web/sites": "an App Service or Functions app",
  "Microsoft.OperationalInsights/workspaces": "a Log Analytics workspace",
  "Microsoft.Resources/resourceGroups": "a resource group (name the resources instead)",
  "Microsoft.ManagedIdentity/userAssignedIdentities": "a user-assigned identity (a deploy assigns it)",
  "Microsoft.App/managedEnvironments": "a Container Apps environment (a deploy joins it)",
};

/** The Azure roles for one grant on an Azure resource, or why none fits. */
export function azureRolesForGrant(grant: Pick<ResolvedGrant, "resource" | "access" | "include">): RoleChoiceResult {
  const type = grant.resource.nativeType;
  return chooseRoles(AZURE_ROLE_CHOICES[type], grant, azureRoleFacts, AZURE_TYPE_WORDS[type] ?? type);
}

/** The access levels a role gives (its operations' levels). */
export function azureRoleLevels(role: string): AccessLevel[] {
  return [...new Set((azureRoleOperations(role) ?? []).map(azureActionLevel))];
}
