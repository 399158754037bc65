import { accessRank, highestAccess, type AccessLevel } from "../model/access";
import type { ResolvedGrant } from "../model/agent";
import type { HighRiskClass } from "../model/action-classes";

/**
 * Choosing cloud roles for a grant, shared by GCP and Azure: each resource kind has a table of
 * candidate roles, narrowest first, each saying which access levels it gives ("covers"). The
 * chooser never picks a role that holds a permission above the grant's highest level, nor one that
 * holds a delete or export permission the grant did not opt into (`include`).
 */

/** One candidate role for a resource kind. */
export interface RoleChoice {
  /** The role's key in the cloud's catalog (`roles/storage.objectViewer`, `Storage Blob Data Reader`, a custom key). */
  readonly role: string;
  /** The access levels the role gives on the resource (tested against its permission list). */
  readonly covers: readonly AccessLevel[];
}

/** What the chooser needs to know of a role, read from the cloud's catalog. */
export interface RoleFacts {
  /** The highest access level of any permission the role holds. */
  readonly level: AccessLevel;
  /** The high-risk classes (delete, export) of the role's permissions. */
  readonly risks: readonly HighRiskClass[];
}

/**
 * The facts of a role from its permission list, given how the cloud classifies one permission:
 * the highest level of any of them, and every high-risk class any of them has.
 */
export function roleFactsOf(
  permissions: readonly string[],
  levelOf: (permission: string) => AccessLevel,
  risksOf: (permission: string) => readonly HighRiskClass[],
): RoleFacts {
  const risks = new Set<HighRiskClass>();
  for (const permission of permissions) for (const risk of risksOf(permission)) risks.add(risk);
  return { level: highestAccess(permissions.map(levelOf)) ?? "list", risks: [...risks] };
}

/** The roles chosen for one grant, or why none fits. */
export type RoleChoiceResult = { readonly roles: readonly string[] } | { readonly error: string };

/**
 * Picks the fewest, narrowest roles from `rows` that together give every level of the grant.
 * Levels are served from the highest down, so a role chosen for `write` also serves `read` when it
 * covers it. `describe` names the resource kind in error messages.
 */
export function chooseRoles(
  rows: readonly RoleChoice[] | undefined,
  grant: Pick<ResolvedGrant, "access" | "include">,
  facts: (role: string) => RoleFacts,
  describe: string,
): RoleChoiceResult {
  if (!rows || rows.length === 0) return { error: `agent-iam cannot grant access to ${describe} on this cloud` };
  const ceiling = highestAccess(grant.access)!;
  const allowedRisks = new Set(grant.include);
  const eligible = rows.filter((row) => {
    const fact = facts(row.role);
    return accessRank(fact.level) <= accessRank(ceiling) && fact.risks.every((risk) => allowedRisks.has(risk));
  });
  const riskScore = (row: RoleChoice) => facts(row.role).risks.filter((risk) => allowedRisks.has(risk)).length;
  const chosen: string[] = [];
  const levels = [...grant.access].sort((a, b) => accessRank(b) - accessRank(a));
  for (const level of levels) {
    const candidates = eligible.filter((row) => row.covers.includes(level));
    if (candidates.length === 0) {
      const broader = rows.filter((row) => row.covers.includes(level)).map((row) => row.role);
      const hint =
        broader.length > 0
          ? ` (${broader.join(", ")} would also allow more than ${ceiling}${allowedRisks.size === 0 ? " or delete/export" : ""})`
          : "";
      return {
        error: `no role gives exactly "${level}" on ${describe} without more${hint}; change the access levels of this grant`,
      };
    }
    const reuse = candidates.find((row) => chosen.includes(row.role));
    if (reuse) continue;
    const best = [...candidates].sort((a, b) => riskScore(b) - riskScore(a))[0]!;
    chosen.push(best.role);
  }
  for (const risk of allowedRisks)
    if (!chosen.some((role) => facts(role).risks.includes(risk)))
      return {
        error: `include: "${risk}" has no role on ${describe} that adds it to these access levels; remove "${risk}" from include`,
      };
  return { roles: chosen };
}
