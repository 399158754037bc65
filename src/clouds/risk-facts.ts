import { highestAccess, type AccessLevel } from "../model/access";
import type { Agent } from "../model/agent";
import { daysBetween } from "../model/dates";
import type { RiskFacts } from "../model/risk/rules";
import { isProductionEnvironment } from "../model/risk/score";
import { ROLE_CATALOG, type CatalogRoleName } from "../model/role-catalog";
import { awsActionInfo } from "./aws/iam-catalog";

/**
 * The facts the risk rules (`src/model/risk/rules.ts`) look at, read from an agent: account-wide
 * grants are judged by what their actions are on the cloud, so this lives beside the clouds.
 */

/**
 * The access level of an account-wide grant: from the AWS catalog for AWS actions, from the role
 * catalog for a catalog role, and `write` when neither says (an unknown grant is not assumed harmless).
 */
export function accountWideAccess(grant: Agent["accountWide"][number]): AccessLevel {
  const levels: AccessLevel[] = [];
  for (const action of grant.actions) {
    const info = grant.cloud === "aws" ? awsActionInfo(action) : undefined;
    if (info) levels.push(info.accessLevel);
    else if (grant.role && grant.role in ROLE_CATALOG) {
      const role = ROLE_CATALOG[grant.role as CatalogRoleName];
      levels.push(...(Object.values(role.access) as (readonly AccessLevel[])[]).flat());
    } else levels.push("write");
  }
  return highestAccess(levels) ?? "read";
}

/** The facts the risk rules look at, for an agent on a given day (`YYYY-MM-DD`). */
export function riskFactsOf(
  agent: Pick<Agent, "grants" | "accountWide" | "environment" | "maxSessionDuration" | "expires"> &
    Partial<Pick<Agent, "tools">>,
  today: string,
): RiskFacts {
  const all: AccessLevel[] = [];
  const sensitive: AccessLevel[] = [];
  for (const grant of agent.grants) {
    all.push(...grant.access);
    if (grant.dataClass) sensitive.push(...grant.access);
  }
  for (const grant of agent.accountWide) all.push(accountWideAccess(grant));
  return {
    highestAccess: highestAccess(all) ?? "none",
    reachesProd: isProductionEnvironment(agent.environment),
    sensitiveAccess: highestAccess(sensitive) ?? "none",
    deletesOrExports: agent.grants.some((grant) => grant.include.length > 0),
    sessionSeconds: agent.maxSessionDuration,
    daysToExpiry: daysBetween(today, agent.expires),
    highRiskTools: (agent.tools ?? []).filter((tool) => tool.risk !== undefined).length,
  };
}
