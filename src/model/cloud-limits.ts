/**
 * The clouds' documented limits and formats that an agent spec must fit, each with its source:
 * the spec checks them before anything is planned, and each cloud's planner relies on them.
 */

/** AWS IAM quotas that shape generated policies (IAM User Guide, "IAM and AWS STS quotas"). */
export const AWS_LIMITS = {
  /** A customer managed policy document, counted without white space. */
  managedPolicyCharacters: 6144,
  /** Managed policies attached to one role, by default. */
  managedPoliciesPerRole: 10,
  /** A role trust policy, counted without white space, by default. */
  trustPolicyCharacters: 2048,
  /** Role names. */
  roleNameCharacters: 64,
} as const;

/** The size AWS counts: the JSON without white space outside strings. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).length;
}

/** Seconds: AWS allows sessions of 900 s to 43,200 s (IAM CreateRole, MaxSessionDuration). */
export const SESSION_LIMITS = { minimum: 900, default: 3600, maximumShort: 3600, maximum: 43_200 } as const;

/** A user-assigned managed identity holds at most 20 federated identity credentials (Microsoft Entra limits). */
export const AZURE_FEDERATED_CREDENTIAL_LIMIT = 20;

/** The audience Azure federated identity credentials accept (Microsoft Entra workload identity federation). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** A billing account id: `XXXXXX-XXXXXX-XXXXXX`, upper-case hex (Cloud Billing API, BillingAccount.name). */
export const GCP_BILLING_ACCOUNT = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

/** A workload identity pool's full resource name: `projects/NUMBER/locations/global/workloadIdentityPools/ID`. */
export const GCP_POOL_NAME =
  /^projects\/\d+\/locations\/global\/workloadIdentityPools\/(?!gcp-)[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$/;
/** A provider's full resource name: the pool's name, then `/providers/ID`. */
export const GCP_PROVIDER_NAME =
  /^projects\/\d+\/locations\/global\/workloadIdentityPools\/(?!gcp-)[a-z0-9][a-z0-9-]{2,30}[a-z0-9]\/providers\/(?!gcp-)[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$/;

/**
 * Amazon Bedrock AgentCore's names and sizes that a gateway and its policies must fit.
 * - Gateway names: letters, digits, `_` and `-`; descriptions up to 200 characters of letters, digits,
 *   `_`, `-` and spaces (CreateGateway, as the CDK's `GatewayProps` states it).
 * - Target names: `^([0-9a-zA-Z][-]?){1,100}$`, descriptions up to 200 characters (CreateGatewayTarget).
 * - Policy engine and policy names: `^[A-Za-z][A-Za-z0-9_]*$`, 1–48 characters (`aws.bedrock.AgentcorePolicyEngine`,
 *   `AgentcorePolicy` in `@pulumi/aws` 7.48).
 * - A policy statement: 35 to 10,000 characters (API `PolicyStatement`); 10 KB per policy and 200 KB per
 *   resource within a policy engine (devguide, "Policy in AgentCore: Limitations").
 */
export const AGENTCORE_LIMITS = {
  gatewayName: /^[A-Za-z0-9_-]{1,100}$/,
  gatewayDescriptionCharacters: 200,
  targetName: /^([0-9a-zA-Z]-?){1,100}$/,
  targetDescriptionCharacters: 200,
  policyName: /^[A-Za-z][A-Za-z0-9_]{0,47}$/,
  policyNameCharacters: 48,
  policyStatementCharacters: { minimum: 35, maximum: 10_000 },
} as const;
