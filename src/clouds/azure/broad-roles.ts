import { wildcardMatches } from "../../model/wildcard";

/**
 * Azure role operations that are dangerous on a subscription, a management group or a resource
 * group, as data: data actions that read what every resource there stores, operations that run
 * code on or log in to every VM or cluster, and the authorization operations that make a role User
 * Access Administrator in all but name. Built-in roles agent-iam's catalog does not list are named
 * by id with what they hold.
 *
 * Sources: Microsoft Learn, "Azure built-in roles" (each role's id, actions and data actions) and
 * "Azure resource provider operations" (Microsoft.Storage, Microsoft.KeyVault, Microsoft.ServiceBus,
 * Microsoft.EventHub, Microsoft.Compute, Microsoft.ContainerService, Microsoft.Authorization).
 */

/** Data actions that read stored data, and what they read. */
export const AZURE_DATA_READ_OPERATIONS: Readonly<Record<string, string>> = {
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read": "blobs",
  "Microsoft.Storage/storageAccounts/tableServices/tables/entities/read": "table entities",
  "Microsoft.Storage/storageAccounts/queueServices/queues/messages/read": "queue messages",
  "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read": "file shares",
  "Microsoft.KeyVault/vaults/secrets/getSecret/action": "Key Vault secrets",
  "Microsoft.ServiceBus/*/receive/action": "Service Bus messages",
  "Microsoft.EventHub/*/receive/action": "Event Hubs events",
  "Microsoft.AppConfiguration/configurationStores/keyValues/read": "App Configuration values",
};

/** Control-plane actions that hand out keys to all of a store's data. */
export const AZURE_DATA_KEY_ACTIONS: Readonly<Record<string, string>> = {
  "Microsoft.Storage/storageAccounts/listKeys/action": "storage account keys (every blob, table, queue and file)",
  "Microsoft.DocumentDB/databaseAccounts/listKeys/action": "Cosmos DB account keys (every document)",
};

/** Built-in roles outside agent-iam's catalog that read stored data, by id. */
export const AZURE_DATA_READER_ROLES: Readonly<Record<string, { readonly name: string; readonly data: string }>> = {
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": { name: "Storage Blob Data Owner", data: "blobs" },
  "19e7f393-937e-4f77-808e-94535e297925": { name: "Storage Queue Data Reader", data: "queue messages" },
  "974c5e8b-45b9-4653-ba55-5f855dd0fb88": { name: "Storage Queue Data Contributor", data: "queue messages" },
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": { name: "Key Vault Administrator", data: "Key Vault secrets" },
  "a638d3c7-ab3a-418d-83e6-5f17a39d4fde": { name: "Azure Event Hubs Data Receiver", data: "Event Hubs events" },
  "f526a384-b230-433a-b45c-95f59c4a2dec": { name: "Azure Event Hubs Data Owner", data: "Event Hubs events" },
  "090c5cfd-751d-490a-894a-3ce6f1109419": { name: "Azure Service Bus Data Owner", data: "Service Bus messages" },
  "516239f1-63e1-4d78-a4de-a74fb236a071": { name: "App Configuration Data Reader", data: "App Configuration values" },
};

/** Operations (actions or data actions) that run code on, or log in to, compute, and what they allow. */
export const AZURE_LATERAL_OPERATIONS: Readonly<Record<string, string>> = {
  "Microsoft.Compute/virtualMachines/runCommand/action": "run commands on every VM",
  "Microsoft.Compute/virtualMachines/runCommands/write": "run commands on every VM",
  "Microsoft.Compute/virtualMachines/extensions/write": "install extensions (code) on every VM",
  "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action": "run commands on every scale-set VM",
  "Microsoft.Compute/virtualMachineScaleSets/extensions/write": "install extensions on every scale set",
  "Microsoft.Compute/virtualMachines/loginAsAdmin/action": "log in to every VM as an administrator",
  "Microsoft.Compute/virtualMachines/login/action": "log in to every VM",
  "Microsoft.ContainerService/managedClusters/runCommand/action": "run commands in every AKS cluster",
  "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action":
    "get cluster-admin credentials of every AKS cluster",
};

/** Built-in roles outside agent-iam's catalog that move laterally, by id. */
export const AZURE_LATERAL_ROLES: Readonly<Record<string, { readonly name: string; readonly does: string }>> = {
  "9980e02c-c2be-4d73-94e8-173b1dc7cf3c": {
    name: "Virtual Machine Contributor",
    does: "run commands and install extensions on every VM",
  },
  "1c0163c0-47e6-4577-8991-ea5c82e286e4": {
    name: "Virtual Machine Administrator Login",
    does: "log in to every VM as an administrator",
  },
  "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8": {
    name: "Azure Kubernetes Service Cluster Admin Role",
    does: "get cluster-admin credentials of every AKS cluster",
  },
  "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": {
    name: "Azure Kubernetes Service RBAC Cluster Admin",
    does: "administer every resource of every AKS cluster",
  },
};

/**
 * Operations that change who may do what: a role holding one hands out any role, itself included
 * (User Access Administrator's own actions are `Microsoft.Authorization/*`).
 */
export const AZURE_ACCESS_ADMIN_OPERATIONS: readonly string[] = [
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Authorization/roleDefinitions/write",
];

/** Whether two operation patterns can name the same operation (either covers the other). */
function overlaps(a: string, b: string): boolean {
  return wildcardMatches(a, b, { questionMark: false }) || wildcardMatches(b, a, { questionMark: false });
}

/** The first entry of a table an operation reaches. */
function firstMatch(table: Readonly<Record<string, string>>, operations: readonly string[]): string | undefined {
  for (const operation of operations)
    for (const [pattern, what] of Object.entries(table)) if (overlaps(operation, pattern)) return what;
  return undefined;
}

/** What stored data a role's operations read (data actions, and key-listing actions), or undefined. */
export function azureDataReadOf(actions: readonly string[], dataActions: readonly string[]): string | undefined {
  return firstMatch(AZURE_DATA_READ_OPERATIONS, dataActions) ?? firstMatch(AZURE_DATA_KEY_ACTIONS, actions);
}

/** What lateral movement a role's operations allow, or undefined. */
export function azureLateralOf(actions: readonly string[], dataActions: readonly string[]): string | undefined {
  return firstMatch(AZURE_LATERAL_OPERATIONS, [...actions, ...dataActions]);
}

/** The operation among a role's actions that writes role assignments or definitions, or undefined. */
export function azureAccessAdminOperation(actions: readonly string[]): string | undefined {
  return actions.find((action) =>
    AZURE_ACCESS_ADMIN_OPERATIONS.some((operation) => wildcardMatches(action, operation, { questionMark: false })),
  );
}
