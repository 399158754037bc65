import catalog from "../../src/clouds/azure/role-catalog.json";

/**
 * An independent evaluator of Azure RBAC, for the scenario tests: whether a principal holding some
 * role assignments may perform an operation on a resource. Written from Microsoft's documentation
 * ("Understand Azure role definitions"), not from agent-iam's planner:
 * - an assignment at a scope applies to that scope and every resource under it ("Understand scope
 *   for Azure RBAC"), compared case-insensitively as ARM compares resource ids;
 * - a control-plane operation is allowed when one of the role's `actions` matches it and none of its
 *   `notActions` does; a data action likewise with `dataActions` and `notDataActions` (the two
 *   planes never mix);
 * - `*` in an operation pattern matches any run of characters, case-insensitively.
 * Roles are read from src/clouds/azure/role-catalog.json as data (built-in roles as Microsoft
 * publishes them; agent-iam's custom roles as it defines them).
 */

/** One role assignment as the principal holds it. */
export interface AzureAssignmentUnderTest {
  readonly scope: string;
  /** A built-in role's name or a custom role's key in the catalog. */
  readonly role: string;
}

interface Definition {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

/** A role's definition from the catalog; undefined for a role it does not hold. */
export function definitionOfRole(role: string): Definition | undefined {
  const builtIn = (catalog.builtIn as Record<string, Definition>)[role];
  if (builtIn) return builtIn;
  const custom = (catalog.custom as Record<string, { actions: string[]; dataActions: string[] }>)[role];
  return custom
    ? { actions: custom.actions, notActions: [], dataActions: custom.dataActions, notDataActions: [] }
    : undefined;
}

/** ARM's wildcard match: `*` is any run of characters, the rest literal, case-insensitive. */
export function armMatches(pattern: string, operation: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(operation);
}

function within(scope: string, resource: string): boolean {
  const a = scope.toLowerCase().replace(/\/+$/, "");
  const b = resource.toLowerCase();
  return b === a || b.startsWith(`${a}/`);
}

/** Whether the assignments allow `operation` on `resource`, on the control plane or (`dataAction`) the data plane. */
export function azureAllows(
  assignments: readonly AzureAssignmentUnderTest[],
  operation: string,
  resource: string,
  dataAction = false,
): boolean {
  return assignments.some((assignment) => {
    if (!within(assignment.scope, resource)) return false;
    const definition = definitionOfRole(assignment.role);
    if (!definition) return false;
    const [allow, deny] = dataAction
      ? [definition.dataActions, definition.notDataActions]
      : [definition.actions, definition.notActions];
    return (
      allow.some((pattern) => armMatches(pattern, operation)) && !deny.some((pattern) => armMatches(pattern, operation))
    );
  });
}
