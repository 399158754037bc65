import { azureAuthorization as authorization, azureManagedIdentity as managedidentity } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent } from "../../src/model/agent";
import {
  azureAssignmentsForGrants,
  type AzureAssignment,
  type AzureCustomRoleNeed,
} from "../../src/clouds/azure/assignments";
import { azureCredentialInstructions } from "../../src/clouds/azure/credentials";
import { azureFederatedCredentials } from "../../src/clouds/azure/federated";
import type { Trust } from "../../src/model/runs-on";
import type { AzureWorkloadCredentialSpec } from "../../src/clouds/azure/workload-federation";
import { agentTags } from "../../src/model/tags";
import { sharedResource } from "../shared-resources";

/** Arguments of {@link AzureAgentIdentity}; `AgentIdentity` builds them from the spec's `azure` block. */
export interface AzureAgentIdentityArgs {
  agent: Agent;
  subscriptionId: string;
  resourceGroupName: string;
  location: string;
  /** Subjects trusted besides the agent's own (`azure.additionalSubjects`, resolved). */
  additionalSubjects?: readonly Trust[];
  /** `azure.allowBroadScopes`; assignments at subscription or management-group scope also need the agent's approval. */
  allowBroadScopes?: boolean;
  /**
   * The credentials of an agent that runs on a cloud's own compute, instead of its `runsOn` subject's:
   * its home identity elsewhere (issuer and subject known at apply), or none for a Container App or Function.
   */
  workloadCredentials?: readonly AzureWorkloadCredentialSpec<pulumi.Input<string>>[];
}

/** The managed identity's resource name: `id-ID-ENV` (3–128 characters). */
export function azureIdentityName(agent: Pick<Agent, "id" | "environment">): string {
  const base = agent.id.endsWith(`-${agent.environment}`) ? agent.id : `${agent.id}-${agent.environment}`;
  return `id-${base}`.slice(0, 128);
}

/** A custom role definition, registered once per resource group and role for the whole deployment. */
function customRoleDefinition(need: AzureCustomRoleNeed): InstanceType<typeof authorization.RoleDefinition> {
  return sharedResource(
    `azure-role-definition|${need.roleDefinitionGuid}`,
    () =>
      new authorization.RoleDefinition(`agent-iam-${need.key}-${need.roleDefinitionGuid.slice(0, 8)}`, {
        roleDefinitionId: need.roleDefinitionGuid,
        roleName: need.uniqueRoleName,
        description: `${need.description} (agent-iam${need.basedOn ? `; narrows ${need.basedOn}` : ""})`,
        roleType: "CustomRole",
        scope: need.scope,
        assignableScopes: [need.scope],
        permissions: [
          { actions: [...need.actions], notActions: [], dataActions: [...need.dataActions], notDataActions: [] },
        ],
      }),
  );
}

/**
 * One agent's Azure identity: a user-assigned managed identity tagged with the agent's metadata,
 * one federated identity credential per trusted subject (exact issuer and subject, audience
 * `api://AzureADTokenExchange`), and its grants as role assignments at each named resource's scope
 * with the narrowest built-in role or an exact-action custom role. `disabled` removes the
 * credentials and the assignments; the identity stays so its history stays attributable.
 */
export class AzureAgentIdentity extends pulumi.ComponentResource {
  readonly clientId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly tenantId: pulumi.Output<string>;
  readonly identityName: pulumi.Output<string>;
  /** The managed identity's Azure resource id. */
  readonly resourceId: pulumi.Output<string>;
  /** The credentials as planned (empty when disabled); a workload home's issuer and subject may be outputs. */
  readonly federatedCredentials: readonly AzureWorkloadCredentialSpec<pulumi.Input<string>>[];
  /** The role assignments as planned (empty when disabled). */
  readonly assignments: readonly AzureAssignment[];
  /** Environment variables for the Azure Identity libraries (no secret among them). */
  readonly environment: pulumi.Output<Record<string, string>>;
  /** The `azure/login` step, or its equivalent for the agent's issuer. */
  readonly snippet: pulumi.Output<string>;

  constructor(name: string, args: AzureAgentIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    const { agent } = args;
    const planned: readonly AzureWorkloadCredentialSpec<pulumi.Input<string>>[] =
      args.workloadCredentials ?? azureFederatedCredentials([agent.trust, ...(args.additionalSubjects ?? [])]);
    const { assignments, problems } = azureAssignmentsForGrants(agent, agent.grants, {
      allowBroadScopes: args.allowBroadScopes,
      approval: agent.approval,
    });
    if (problems.length > 0)
      throw new Error(
        `agent "${agent.id}" Azure grants: ${problems.map((problem) => `grants[${problem.grant}]: ${problem.message}`).join("; ")}`,
      );
    super(COMPONENT_TYPES.AzureAgentIdentity, name, {}, opts);
    this.federatedCredentials = agent.disabled ? [] : planned;
    this.assignments = agent.disabled ? [] : assignments;

    const identity = new managedidentity.UserAssignedIdentity(
      name,
      {
        resourceName: azureIdentityName(agent),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: agentTags(agent),
      },
      { parent: this },
    );

    // Azure rejects concurrent writes of federated credentials on one identity: create them in a chain.
    let previous: pulumi.Resource | undefined;
    for (const credential of this.federatedCredentials) {
      previous = new managedidentity.FederatedIdentityCredential(
        `${name}-${credential.name}`,
        {
          resourceGroupName: args.resourceGroupName,
          resourceName: identity.name,
          federatedIdentityCredentialResourceName: credential.name,
          issuer: credential.issuer,
          subject: credential.subject,
          audiences: [...credential.audiences],
        },
        { parent: this, ...(previous ? { dependsOn: [previous] } : {}) },
      );
    }

    this.assignments.forEach((assignment, index) => {
      const definition = assignment.customRole ? customRoleDefinition(assignment.customRole) : undefined;
      new authorization.RoleAssignment(
        `${name}-grant-${index + 1}`,
        {
          roleAssignmentName: assignment.assignmentName,
          scope: assignment.scope,
          roleDefinitionId: assignment.roleDefinitionId,
          principalId: identity.principalId,
          principalType: "ServicePrincipal",
          description: assignment.description,
        },
        { parent: this, ...(definition ? { dependsOn: [definition] } : {}) },
      );
    });

    this.clientId = identity.clientId;
    this.principalId = identity.principalId;
    this.tenantId = identity.tenantId;
    this.identityName = identity.name;
    this.resourceId = identity.id;
    const instructions = pulumi
      .all([identity.clientId, identity.tenantId])
      .apply(([clientId, tenantId]) =>
        azureCredentialInstructions(agent, { clientId, tenantId, subscriptionId: args.subscriptionId }),
      );
    this.environment = instructions.apply((value) => ({ ...value.environment }));
    this.snippet = instructions.apply((value) => value.snippet);
    this.registerOutputs({
      clientId: this.clientId,
      principalId: this.principalId,
      tenantId: this.tenantId,
      snippet: this.snippet,
    });
  }
}
