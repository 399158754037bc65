import { z } from "zod";
import { ACTION_CLASSES, ACTION_CLASS_WORDS, azureOperationClasses } from "../model/action-classes";
import type { StackRule } from "./support/rule";
import {
  AZURE_DATA_READER_ROLES,
  AZURE_LATERAL_ROLES,
  azureAccessAdminOperation,
  azureDataReadOf,
  azureLateralOf,
} from "../clouds/azure/broad-roles";
import { isWildcardAzureAction, judgeAzureRole, type AzureRoleJudgement } from "../clouds/azure/role-risk";
import { azureScopeLevel, isBroadAzureScope } from "../clouds/azure/scopes";
import { agentSpecSchema } from "../model/spec";
import { describeIdentity, findAgentIdentities } from "./support/agents";
import {
  AZURE_ROLE_ASSIGNMENT_TYPE,
  AZURE_ROLE_DEFINITION_TYPE,
  azureAssignmentsTo,
  azureCustomDefinitions,
} from "./support/cloud-grants";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity } from "./support/common";

/**
 * `no-overbroad-azure-scopes`: no Owner, Contributor, User Access Administrator or Role Based
 * Access Control Administrator for agents, nor a custom role that writes role assignments or
 * definitions (for anyone); no blanket data reader or lateral-movement role for an agent at
 * subscription, management-group or resource-group scope (`src/clouds/azure/broad-roles.ts`); no
 * other agent assignment at subscription or management-group scope (unless approved, see
 * `allowApprovedBroadScopes`); no custom role definition with wildcard actions (but the ones
 * Microsoft documents as the only way, such as every table of a Log Analytics workspace:
 * `AZURE_DOCUMENTED_WILDCARDS`), naming the action classes a wildcard reaches.
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

/** Principal types of Entra agent identities (azure-native `authorization` PrincipalType). */
const AGENT_PRINCIPAL_TYPES = ["AgentServicePrincipal", "AgentUser"];

/** What a role reads of every resource in a scope, and what it lets the holder run there. */
function broadPowers(judgement: AzureRoleJudgement): { data?: string; lateral?: string } {
  const guid = judgement.guid ?? "";
  const actions = judgement.actions ?? [];
  const dataActions = judgement.dataActions ?? [];
  return {
    data: AZURE_DATA_READER_ROLES[guid]?.data ?? azureDataReadOf(actions, dataActions),
    lateral: AZURE_LATERAL_ROLES[guid]?.does ?? azureLateralOf(actions, dataActions),
  };
}

/** The findings of one role assignment to an agent. */
function assignmentFindings(
  name: string,
  assignment: PolicyResource,
  judgement: AzureRoleJudgement | undefined,
  approved: boolean,
  config: AzureScopesConfig,
): Finding[] {
  const at = { urn: assignment.urn };
  const findings: Finding[] = [];
  if (!judgement)
    findings.push({
      ...at,
      level: "advisory",
      message: `${name}: the role of assignment "${assignment.name}" is not known until apply; it is judged then`,
    });
  else if (judgement.privileged)
    findings.push({
      ...at,
      message: `${name} is assigned ${judgement.name ?? "a custom role"}, which can change or hand out every permission in its scope; assign a narrow built-in or custom role on the named resource instead`,
    });
  const scope = assignment.props.scope;
  if (isUnknown(scope)) {
    findings.push({
      ...at,
      level: "advisory",
      message: `${name}: the scope of assignment "${assignment.name}" is not known until apply`,
    });
    return findings;
  }
  if (typeof scope !== "string") return findings;
  const level = azureScopeLevel(scope);
  const wide = level === "management-group" || level === "subscription" || level === "resource-group";
  const where = level?.replace("-", " ");
  const powers = judgement && !judgement.privileged && wide ? broadPowers(judgement) : {};
  const role = judgement?.name ?? "its role";
  if (powers.data)
    findings.push({
      ...at,
      message: `${name} is assigned ${role} on the whole ${where} (${scope}): it reads the ${powers.data} of every resource there, whatever their owner or sensitivity (blanket read), approved or not; assign it on the named container, vault, queue or table`,
    });
  if (powers.lateral)
    findings.push({
      ...at,
      message: `${name} is assigned ${role} on the whole ${where} (${scope}): it can ${powers.lateral} (lateral movement); assign it on the named VM or cluster`,
    });
  if (isBroadAzureScope(scope) && !(config.allowApprovedBroadScopes && approved))
    findings.push({
      ...at,
      message: `${name} has an assignment at ${level} scope (${scope}), which reaches every resource group in it; assign at the resource or resource group${config.allowApprovedBroadScopes ? ", or record the security team's approval (approval tag, AgentIdentity's approval with azure.allowBroadScopes)" : ""}`,
    });
  return findings;
}

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
    const actions: string[] = [];
    for (const permission of Array.isArray(permissions) ? permissions : []) {
      const record = (typeof permission === "object" && permission !== null ? permission : {}) as Record<
        string,
        unknown
      >;
      for (const key of ["actions", "dataActions"])
        for (const action of Array.isArray(record[key]) ? (record[key] as unknown[]) : [])
          if (typeof action === "string") {
            if (isWildcardAzureAction(action)) wildcards.push(action);
            if (key === "actions") actions.push(action);
          }
    }
    const roleName = knownString(definition.props.roleName) ?? definition.name;
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
        message: `custom role "${roleName}" has wildcard actions (${wildcards.join(", ")})${reach}; list the exact operations the role needs`,
      });
    }
    const admin = azureAccessAdminOperation(actions.filter((action) => !isWildcardAzureAction(action)));
    if (admin) {
      findings.push({
        urn: definition.urn,
        message: `custom role "${roleName}" holds ${admin}: whoever holds it can assign any role, Owner included, to anyone (itself too), so it is User Access Administrator in all but name; leave role assignments to a person or pipeline with an approved identity`,
      });
    }
  }
  const judged = new Set<PolicyResource>();
  for (const agent of findAgentIdentities(index).filter((candidate) => candidate.cloud === "azure")) {
    const name = describeIdentity(agent);
    const approval = agent.metadata.approval;
    const approved = approval.state === "value" && agentSpecSchema.shape.approval.safeParse(approval.value).success;
    const agentFindings: Finding[] = [];
    for (const { assignment, judgement } of azureAssignmentsTo(agent.resource, index)) {
      judged.add(assignment);
      agentFindings.push(...assignmentFindings(name, assignment, judgement, approved, config));
    }
    findings.push(...forIdentity(agent, agentFindings));
  }
  // Entra agent identities (Agent ID) are named by the assignment's principal type, not by a resource of the stack.
  const custom = azureCustomDefinitions(index);
  for (const assignment of index.ofType(AZURE_ROLE_ASSIGNMENT_TYPE)) {
    const principalType = knownString(assignment.props.principalType);
    if (judged.has(assignment) || principalType === undefined || !AGENT_PRINCIPAL_TYPES.includes(principalType))
      continue;
    const roleDefinitionId = assignment.props.roleDefinitionId;
    const judgement =
      typeof roleDefinitionId === "string" && !isUnknown(roleDefinitionId)
        ? judgeAzureRole(roleDefinitionId, custom.byGuid)
        : undefined;
    const principal = knownString(assignment.props.principalId) ?? "not known yet";
    findings.push(
      ...assignmentFindings(
        `agent identity ${principal} (${assignment.props.principalType})`,
        assignment,
        judgement,
        false,
        config,
      ),
    );
  }
  return findings;
}

/** No owner-class roles and no subscription-wide assignments for agents on Azure. */
export const noOverbroadAzureScopes: StackRule<typeof azureScopesConfig> = {
  name: "no-overbroad-azure-scopes",
  description:
    "Blocks Owner, Contributor, User Access Administrator and Role Based Access Control Administrator assignments to agent identities (managed identities, AI Foundry projects' identities, Entra agent identities), and custom roles that write role assignments or definitions (User Access Administrator in all but name) for anyone; for agents, data readers (Storage Blob Data Reader, Key Vault Secrets User …) and roles that run commands on or log in to VMs and clusters at subscription, management-group or resource-group scope whatever the approval, and other assignments at subscription or management-group scope (unless the agent carries an approval); custom role definitions with wildcard actions (naming the action classes they reach; Log Analytics' documented per-table wildcard workspaces/query/*/read is accepted).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Assign a narrow built-in or custom role on the named resource or resource group (AgentIdentity grants); list exact operations in custom roles.",
  config: azureScopesConfig,
  scope: "stack",
  check: checkAzureScopes,
};
