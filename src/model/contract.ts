/**
 * What the components write and the rules, reports and gate read: the type tokens of agent-iam's
 * components and the Pulumi engine's markers for values a program does not hold in plain form.
 * Defined once here; everything else imports them.
 */

/** The type tokens of agent-iam's component resources, as they appear in URNs and to policy packs. */
export const COMPONENT_TYPES = {
  AgentIdentity: "agent-iam:index:AgentIdentity",
  AwsOidcProvider: "agent-iam:aws:OidcProvider",
  AwsAgentRole: "agent-iam:aws:AgentRole",
  AwsAgentBudget: "agent-iam:aws:AgentBudget",
  AgentGateway: "agent-iam:aws:AgentGateway",
  AwsAgentToolPolicies: "agent-iam:aws:AgentToolPolicies",
  GcpWorkloadIdentityPool: "agent-iam:gcp:WorkloadIdentityPool",
  GcpAgentServiceAccount: "agent-iam:gcp:AgentServiceAccount",
  GcpAgentBudget: "agent-iam:gcp:AgentBudget",
  GcpBudgetStopper: "agent-iam:gcp:BudgetStopper",
  AzureAgentIdentity: "agent-iam:azure:AgentIdentity",
  AzureAgentBudget: "agent-iam:azure:AgentBudget",
} as const;

/**
 * The type tokens of the Amazon Bedrock AgentCore resources of `@pulumi/aws` 7.48 that a gateway is
 * made of (`__pulumiType` of each class in `@pulumi/aws/bedrock`): `AgentGateway` registers them and
 * `tool-access-governed` judges them, also when a program writes them by hand.
 */
export const AGENTCORE_TYPES = {
  gateway: "aws:bedrock/agentcoreGateway:AgentcoreGateway",
  target: "aws:bedrock/agentcoreGatewayTarget:AgentcoreGatewayTarget",
  policyEngine: "aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine",
  policy: "aws:bedrock/agentcorePolicy:AgentcorePolicy",
  oauth2Provider: "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider",
  apiKeyProvider: "aws:bedrock/agentcoreApiKeyCredentialProvider:AgentcoreApiKeyCredentialProvider",
} as const;

/** The `AgentIdentity` component's type token: its inputs carry the validated agent model. */
export const AGENT_IDENTITY_TYPE = COMPONENT_TYPES.AgentIdentity;

/** The engine's marker for a value not known until apply (`rpc.unknownValue` in the Pulumi SDK). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Signature key and values of the SDK's special objects (`rpc.specialSigKey` and friends, `runtime/rpc.ts`). */
export const SIGNATURES = {
  key: "4dabf18193072939515e22adb298388d",
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resource: "5cf8f73096256a8f31e491e813e4eb8e",
  output: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
} as const;
