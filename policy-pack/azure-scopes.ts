import { azureScopesConfig, checkAzureScopes } from "../src/rules/azure-scopes";
import { stackPolicy } from "./support";

/** No owner-class roles and no subscription-wide assignments for agents on Azure. */
export const noOverbroadAzureScopes = stackPolicy(
  {
    name: "no-overbroad-azure-scopes",
    description:
      "Blocks Owner, Contributor, User Access Administrator and Role Based Access Control Administrator assignments to agent identities; agent assignments at subscription or management-group scope (unless the agent carries an approval); custom role definitions with wildcard actions.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Assign a narrow built-in or custom role on the named resource or resource group (AgentIdentity grants); list exact operations in custom roles.",
    config: azureScopesConfig,
  },
  checkAzureScopes,
);
