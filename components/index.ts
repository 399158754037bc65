/**
 * agent-iam: Pulumi components that give every AI agent its own least-privilege, federated identity.
 */
export {
  AgentIdentity,
  type AgentIdentityArgs,
  type AgentAwsIdentity,
  type AgentGcpIdentity,
  type AgentAzureIdentity,
} from "./agent-identity";
export { AwsOidcProvider, type AwsOidcProviderArgs } from "./aws/oidc-provider";
export { AwsAgentRole, awsRoleName, type AwsAgentRoleArgs } from "./aws/agent-role";
export {
  GcpWorkloadIdentityPool,
  type GcpWorkloadIdentityPoolArgs,
  type GcpPoolProvider,
} from "./gcp/workload-identity-pool";
export { GcpAgentServiceAccount, type GcpAgentServiceAccountArgs } from "./gcp/agent-service-account";
export { AzureAgentIdentity, azureIdentityName, type AzureAgentIdentityArgs } from "./azure/agent-identity";
export { AwsAgentBudget, type AwsAgentBudgetArgs } from "./aws/agent-budget";
export { AgentGateway } from "./aws/agent-gateway";
export { AgentToolPolicies, type AgentToolPoliciesArgs } from "./aws/agent-tool-policies";
export { GcpAgentBudget, type GcpAgentBudgetArgs } from "./gcp/agent-budget";
export { GcpBudgetStopper, type GcpBudgetStopperArgs } from "./gcp/budget-stopper";
export { AzureAgentBudget, type AzureAgentBudgetArgs } from "./azure/agent-budget";
export type { DelegationRecord } from "./delegation";
export {
  githubActions,
  gitlabCi,
  kubernetes,
  oidc,
  awsWorkload,
  gcpWorkload,
  azureWorkload,
  type AwsWorkloadArgs,
  type GcpWorkloadArgs,
  type AzureWorkloadArgs,
  type AwsWorkloadService,
  type GcpWorkloadService,
  type AzureWorkloadService,
  type GithubActionsArgs,
  type GitlabCiArgs,
  type KubernetesArgs,
  type OidcArgs,
  type RunsOn,
} from "../src/model/runs-on";
export { ROLE_CATALOG, CATALOG_ROLE_NAMES } from "../src/model/role-catalog";
export {
  AgentSpecError,
  type ActionsGrant,
  type AgentSpec,
  type AwsBlock,
  type AzureBlock,
  type BreakGlassSpec,
  type BudgetSpec,
  type DelegationSpec,
  type GcpBlock,
  type GrantSpec,
  type ResourceGrant,
  type RoleGrant,
  type SpecProblem,
} from "../src/model/agent-spec";
export {
  GatewaySpecError,
  type AgentGatewayArgs,
  type AgentGatewayLike,
  type ApiKeyCredentialsSpec,
  type ArgumentCondition,
  type GatewayIssuerSpec,
  type GatewayTargetSpec,
  type OAuth2CredentialsSpec,
  type PerCallApprovalSpec,
  type RateLimitSpec,
  type SecretsManagerValue,
  type TargetCredentialsSpec,
  type ToolAccessSpec,
  type ToolArgumentType,
  type ToolCatalog,
  type ToolInputSpec,
  type ToolPermissionSpec,
  type ToolRiskClass,
  type ToolRouteSpec,
  type ToolSpec,
} from "../src/model/tool-spec";
export { planAgent } from "../src/clouds/plan";
export type { Agent } from "../src/model/agent";
