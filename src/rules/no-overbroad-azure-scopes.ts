import { z } from "zod";
import { ACTION_CLASSES, ACTION_CLASS_WORDS, azureOperationClasses } from "../model/action-classes";
import type { StackRule } from "./support/rule";
import { isWildcardAzureAction } from "../clouds/azure/role-risk";
import { azureScopeLevel, isBroadAzureScope } from "../clouds/azure/scopes";
import { agentSpecSchema } from "../model/spec";
import { describeIdentity, findAgentIdentities } from "./support/agents";
import { AZURE_ROLE_DEFINITION_TYPE, azureAssignmentsTo } from "./support/cloud-grants";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity } from "./support/common";

/**
 * `no-overbroad-azure-scopes`: no Owner, Contributor, User Access Administrator or Role Based
 * Access Control Administrator for agents; no agent assignment at subscription or
 * management-group scope (unless approved, see `allowApprovedBroadScopes`); no custom role
 * definition with wildcard actions (but the ones Microsoft documents as the only way, such as every
 * table of a Log Analytics workspace: `AZURE_DOCUMENTED_WILDCARDS`), naming the action classes a
 * wildcard reaches.
 */

export const azureScopesConfig = z
  .object({
    allowApprovedBroadScopes: z
      .boolean()
      .default(true)
      .describe(
        "Accept an agent's subscription or management-group assignment when the agent carries an approval (AgentIdentity's azure.allowBroadScopes); false refuses them all",
      ),
  })
  .strict();
export type AzureScopesConfig = z.output<typeof azureScopesConfig>;

export function checkAzureScopes(
  resources: readonly PolicyResource[],
  config: AzureScopesConfig,
  _context?: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  const findings: Finding[] = [];
  for (const definition of index.ofType(AZURE_ROLE_DEFINITION_TYPE)) {
    const permissions = definition.props.permissions;
    if (isUnknown(permissions)) {
      findings.push({
        urn: definition.urn,
        level: "advisory",
        message: `role definition "${definition.name}": its permissions are not known until apply`,
      });
      continue;
    }
    const wildcards: string[] = [];
    for (const permission of Array.isArray(permissions) ? permissions : []) {
      const record = (typeof permission === "object" && permission !== null ? permission : {}) as Record<
        string,
        unknown
      >;
      for (const key of ["actions", "dataActions"])
        for (const action of Array.isArray(record[key]) ? (record[key] as unknown[]) : [])
          if (typeof action === "string" && isWildcardAzureAction(action)) wildcards.push(action);
    }
    if (wildcards.length > 0) {
      const classes = ACTION_CLASSES.filter((kind) =>
        wildcards.some((action) => azureOperationClasses(action).includes(kind)),
      );
      const reach =
        classes.length > 0
          ? `, which reach ${classes.map((kind) => ACTION_CLASS_WORDS[kind].name).join(", ")} operations`
          : "";
      findings.push({
        urn: definition.urn,
        message: `custom role "${knownString(definition.props.roleName) ?? definition.name}" has wildcard actions (${wildcards.join(", ")})${reach}; list the exact operations the role needs`,
      });
    }
  }
  for (const agent of findAgentIdentities(index).filter((candidate) => candidate.cloud === "azure")) {
    const name = describeIdentity(agent);
    const approval = agent.metadata.approval;
    const approved = approval.state === "value" && agentSpecSchema.shape.approval.safeParse(approval.value).success;
    const agentFindings: Finding[] = [];
    for (const { assignment, judgement } of azureAssignmentsTo(agent.resource, index)) {
      const at = { urn: assignment.urn };
      if (!judgement)
        agentFindings.push({
          ...at,
          level: "advisory",
          message: `${name}: the role of assignment "${assignment.name}" is not known until apply; it is judged then`,
        });
      else if (judgement.privileged)
        agentFindings.push({
          ...at,
          message: `${name} is assigned ${judgement.name}, which can change or hand out every permission in its scope; assign a narrow built-in or custom role on the named resource instead`,
        });
      const scope = assignment.props.scope;
      if (isUnknown(scope))
        agentFindings.push({
          ...at,
          level: "advisory",
          message: `${name}: the scope of assignment "${assignment.name}" is not known until apply`,
        });
      else if (typeof scope === "string" && isBroadAzureScope(scope)) {
        const level = azureScopeLevel(scope);
        if (!(config.allowApprovedBroadScopes && approved))
          agentFindings.push({
            ...at,
            message: `${name} has an assignment at ${level} scope (${scope}), which reaches every resource group in it; assign at the resource or resource group${config.allowApprovedBroadScopes ? ", or record the security team's approval (approval tag, AgentIdentity's approval with azure.allowBroadScopes)" : ""}`,
          });
      }
    }
    findings.push(...forIdentity(agent, agentFindings));
  }
  return findings;
}

/** No owner-class roles and no subscription-wide assignments for agents on Azure. */
export const noOverbroadAzureScopes: StackRule<typeof azureScopesConfig> = {
  name: "no-overbroad-azure-scopes",
  description:
    "Blocks Owner, Contributor, User Access Administrator and Role Based Access Control Administrator assignments to agent identities; agent assignments at subscription or management-group scope (unless the agent carries an approval); custom role definitions with wildcard actions (naming the action classes they reach; Log Analytics' documented per-table wildcard workspaces/query/*/read is accepted).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Assign a narrow built-in or custom role on the named resource or resource group (AgentIdentity grants); list exact operations in custom roles.",
  config: azureScopesConfig,
  scope: "stack",
  check: checkAzureScopes,
};
