/**
 * The components served to every Pulumi language (`provider/`, `pulumi package add`): Pulumi infers
 * their schema from these classes' declarations, so their arguments and fields are serialisable.
 * Type tokens are `agent-iam:index:<class name>`. A component joins with one line here.
 */
export { AgentIdentity, type AgentIdentityArgs, type DelegationRecord } from "./agent-identity";
export { GcpWorkloadIdentityPool, type GcpWorkloadIdentityPoolArgs } from "./workload-identity-pool";
export { AwsOidcProvider, type AwsOidcProviderArgs } from "../aws/oidc-provider";
export { GcpBudgetStopper, type GcpBudgetStopperArgs } from "../gcp/budget-stopper";
export { AgentGateway, type AgentGatewayArgs } from "./agent-gateway";
