/**
 * Azure scopes (learn.microsoft.com, "Understand scope for Azure RBAC"): management group,
 * subscription, resource group, resource. Assignments at the first two are broad.
 */
export type AzureScopeLevel = "management-group" | "subscription" | "resource-group" | "resource";

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const SUBSCRIPTION = new RegExp(`^/subscriptions/${GUID}$`, "i");
const RESOURCE_GROUP = new RegExp(`^/subscriptions/${GUID}/resourceGroups/[-\\w._()]{1,90}$`, "i");
const RESOURCE = new RegExp(
  `^/subscriptions/${GUID}/resourceGroups/[-\\w._()]{1,90}/providers/[A-Za-z0-9.]+/.+[^/]$`,
  "i",
);
const MANAGEMENT_GROUP = /^\/providers\/Microsoft\.Management\/managementGroups\/[-\w.()]{1,90}$/i;

/** The level of a scope, or undefined when the text is no Azure scope. */
export function azureScopeLevel(scope: string): AzureScopeLevel | undefined {
  if (MANAGEMENT_GROUP.test(scope)) return "management-group";
  if (SUBSCRIPTION.test(scope)) return "subscription";
  if (RESOURCE_GROUP.test(scope)) return "resource-group";
  if (RESOURCE.test(scope)) return "resource";
  return undefined;
}

/** Whether assignments at this scope reach more than one resource group. */
export function isBroadAzureScope(scope: string): boolean {
  const level = azureScopeLevel(scope);
  return level === "management-group" || level === "subscription";
}

/** The subscription id a scope lives in. */
export function azureSubscriptionOf(scope: string): string | undefined {
  return new RegExp(`^/subscriptions/(${GUID})`, "i").exec(scope)?.[1];
}

/** The resource group scope (`/subscriptions/S/resourceGroups/RG`) a scope lives in. */
export function azureResourceGroupOf(scope: string): string | undefined {
  return new RegExp(`^/subscriptions/${GUID}/resourceGroups/[-\\w._()]{1,90}`, "i").exec(scope)?.[0];
}
