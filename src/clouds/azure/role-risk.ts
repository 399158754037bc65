import { highestAccess, type AccessLevel } from "../../model/access";
import type { HighRiskClass } from "../../model/action-classes";
import { azureActionLevel, azureActionRisks } from "./action-levels";
import { azureAccessAdminOperation } from "./broad-roles";
import { AZURE_BUILT_IN_ROLES, AZURE_DOCUMENTED_WILDCARDS, AZURE_FORBIDDEN_ROLES } from "./roles";

/**
 * How dangerous an Azure role is when assigned to an agent, for the policy pack. Role definition
 * ids arrive as `/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/GUID`,
 * `/providers/Microsoft.Authorization/roleDefinitions/GUID` or the bare GUID; built-in roles are
 * known by GUID (learn.microsoft.com, "Azure built-in roles"), custom ones by the stack's
 * `RoleDefinition` resources.
 */

/** Built-in roles that administer everything or hand out access (never for an agent). */
export const AZURE_PRIVILEGED_ROLE_IDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(AZURE_FORBIDDEN_ROLES).map(([name, id]) => [id.toLowerCase(), name]),
);

/** The GUID at the end of a role definition id, lower case. */
export function azureRoleGuid(roleDefinitionId: string): string | undefined {
  const match = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\/?$/.exec(
    roleDefinitionId.trim(),
  );
  return match ? match[1]!.toLowerCase() : undefined;
}

/** A role judged. */
export interface AzureRoleJudgement {
  /** The role's name when known (`Owner`, `Storage Blob Data Reader`, a custom role's name). */
  readonly name?: string;
  /** Owner, Contributor, User Access Administrator, Role Based Access Control Administrator. */
  readonly privileged: boolean;
  /** The highest access level, when the role's operations are known. */
  readonly level?: AccessLevel;
  readonly risks: readonly HighRiskClass[];
  /** Whether its operations are known (a built-in role of the catalog or a custom role in the stack). */
  readonly known: boolean;
  /** The role definition's GUID (lower case), when the id holds one. */
  readonly guid?: string;
  /** Its control-plane actions and data actions, when known. */
  readonly actions?: readonly string[];
  readonly dataActions?: readonly string[];
}

/** A custom role definition declared in the stack: its name and operations (actions and data actions). */
export interface AzureCustomDefinition {
  readonly name?: string;
  readonly operations: readonly string[];
  /** Its control-plane actions and its data actions, apart (when the stack says which is which). */
  readonly actions?: readonly string[];
  readonly dataActions?: readonly string[];
}

function judgeOperations(
  name: string | undefined,
  operations: readonly string[],
  privileged: boolean,
): AzureRoleJudgement {
  // A role that writes role assignments or definitions is User Access Administrator in all but name.
  privileged ||= azureAccessAdminOperation(operations) !== undefined;
  const risks = new Set<HighRiskClass>();
  for (const operation of operations) for (const risk of azureActionRisks(operation)) risks.add(risk);
  return {
    name,
    privileged,
    level: highestAccess(operations.map(azureActionLevel)) ?? "list",
    risks: [...risks],
    known: true,
  };
}

/** Judges a role definition id, using the stack's custom definitions (keyed by lower-case GUID). */
export function judgeAzureRole(
  roleDefinitionId: string,
  custom: ReadonlyMap<string, AzureCustomDefinition> = new Map(),
): AzureRoleJudgement {
  const guid = azureRoleGuid(roleDefinitionId);
  if (!guid) return { privileged: false, risks: [], known: false };
  const privilegedName = AZURE_PRIVILEGED_ROLE_IDS[guid];
  if (privilegedName)
    return {
      name: privilegedName,
      privileged: true,
      level: "permissions",
      risks: ["delete", "export"],
      known: true,
      guid,
    };
  const builtIn = Object.entries(AZURE_BUILT_IN_ROLES).find(([, role]) => role.id.toLowerCase() === guid);
  if (builtIn)
    return {
      ...judgeOperations(builtIn[0], [...builtIn[1].actions, ...builtIn[1].dataActions], false),
      guid,
      actions: builtIn[1].actions,
      dataActions: builtIn[1].dataActions,
    };
  const definition = custom.get(guid);
  if (definition)
    return {
      ...judgeOperations(definition.name, definition.operations, false),
      guid,
      actions: definition.actions ?? definition.operations,
      dataActions: definition.dataActions ?? definition.operations,
    };
  return { privileged: false, risks: [], known: false, guid };
}

/**
 * Whether a custom role's action pattern has a wildcard: a lone star, a star for every provider, or
 * one for a whole provider. The wildcards Microsoft documents as the only way to grant a set
 * (`AZURE_DOCUMENTED_WILDCARDS`: every table of a Log Analytics workspace) do not count.
 */
export function isWildcardAzureAction(action: string): boolean {
  return (
    action.includes("*") &&
    !AZURE_DOCUMENTED_WILDCARDS.some((allowed) => allowed.toLowerCase() === action.toLowerCase())
  );
}
