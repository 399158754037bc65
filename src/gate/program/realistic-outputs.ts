import { createHash } from "node:crypto";
import { UNKNOWN } from "../../model/engine-values";

/**
 * Outputs a cloud would return for a new resource, derived deterministically from its name and
 * inputs, so that values flow from one resource into the next under mocks as they do in an update
 * (a role's ARN into a policy attachment, a service account's email into an IAM member).
 */

/** The account, project and tenant the offline gate pretends to deploy into. */
export const MOCK_CLOUD = {
  awsAccountId: "123456789012",
  awsRegion: "us-east-1",
  gcpProjectNumber: "123456789012",
  azureTenantId: "00000000-0000-4000-8000-000000000000",
} as const;

type Inputs = Record<string, unknown>;
type OutputFactory = (name: string, inputs: Inputs) => Inputs;

/** A GUID-shaped value stable for a seed. */
export function stableGuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function iamArn(kind: string, path: unknown, name: string): string {
  const cleanPath = typeof path === "string" && path.startsWith("/") ? path : "/";
  return `arn:aws:iam::${MOCK_CLOUD.awsAccountId}:${kind}${cleanPath}${name}`;
}

/** An AgentCore id: the resource's name and ten characters of its own (`tools-prod-a1b2c3d4e5`). */
function agentCoreId(name: string): string {
  return `${name}-${stableGuid(`agentcore:${name}`).replace(/-/g, "").slice(0, 10)}`;
}

function agentCoreArn(resource: string): string {
  return `arn:aws:bedrock-agentcore:${MOCK_CLOUD.awsRegion}:${MOCK_CLOUD.awsAccountId}:${resource}`;
}

/** Per type token, the outputs the provider would add to the inputs. */
export const REALISTIC_OUTPUTS: Readonly<Record<string, OutputFactory>> = {
  "aws:iam/role:Role": (name, inputs) => {
    const roleName = str(inputs.name, name);
    return {
      name: roleName,
      arn: iamArn("role", inputs.path, roleName),
      uniqueId: `AROA${stableGuid(roleName).replace(/-/g, "").slice(0, 17).toUpperCase()}`,
    };
  },
  "aws:iam/policy:Policy": (name, inputs) => {
    const policyName = str(inputs.name, name);
    return {
      name: policyName,
      arn: iamArn("policy", inputs.path, policyName),
      policyId: `ANPA${stableGuid(policyName).replace(/-/g, "").slice(0, 17).toUpperCase()}`,
    };
  },
  "aws:iam/user:User": (name, inputs) => ({
    name: str(inputs.name, name),
    arn: iamArn("user", inputs.path, str(inputs.name, name)),
  }),
  // The issuer AWS assigns an account when outbound identity federation is enabled (IAM User Guide, "Understanding token claims").
  "aws:iam/outboundWebIdentityFederation:OutboundWebIdentityFederation": (name) => ({
    issuerIdentifier: `https://${stableGuid(`outbound:${MOCK_CLOUD.awsAccountId}:${name}`)}.tokens.sts.global.api.aws`,
  }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (name, inputs) => ({
    arn: `arn:aws:iam::${MOCK_CLOUD.awsAccountId}:oidc-provider/${str(inputs.url, name).replace(/^https:\/\//, "")}`,
  }),
  "aws:s3/bucket:Bucket": (name, inputs) => ({
    bucket: str(inputs.bucket, name),
    arn: `arn:aws:s3:::${str(inputs.bucket, name)}`,
  }),
  "aws:s3/bucketV2:BucketV2": (name, inputs) => ({
    bucket: str(inputs.bucket, name),
    arn: `arn:aws:s3:::${str(inputs.bucket, name)}`,
  }),
  "aws:lambda/function:Function": (name, inputs) => ({
    arn: `arn:aws:lambda:${MOCK_CLOUD.awsRegion}:${MOCK_CLOUD.awsAccountId}:function:${str(inputs.name, name)}`,
  }),
  "aws:sqs/queue:Queue": (name, inputs) => ({
    arn: `arn:aws:sqs:${MOCK_CLOUD.awsRegion}:${MOCK_CLOUD.awsAccountId}:${str(inputs.name, name)}`,
  }),
  "aws:sns/topic:Topic": (name, inputs) => ({
    arn: `arn:aws:sns:${MOCK_CLOUD.awsRegion}:${MOCK_CLOUD.awsAccountId}:${str(inputs.name, name)}`,
  }),
  "aws:budgets/budget:Budget": (name, inputs) => ({
    name: str(inputs.name, name),
    arn: `arn:aws:budgets::${MOCK_CLOUD.awsAccountId}:budget/${str(inputs.name, name)}`,
  }),
  "gcp:serviceaccount/account:Account": (name, inputs) => {
    const accountId = str(inputs.accountId, name);
    const project = str(inputs.project, "mock-project");
    const email = `${accountId}@${project}.iam.gserviceaccount.com`;
    return {
      email,
      name: `projects/${project}/serviceAccounts/${email}`,
      member: `serviceAccount:${email}`,
      uniqueId: stableGuid(email).replace(/\D/g, "").slice(0, 21),
    };
  },
  "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": (name, inputs) => ({
    name: `projects/${MOCK_CLOUD.gcpProjectNumber}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId, name)}`,
  }),
  "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": (name, inputs) => ({
    name: `projects/${MOCK_CLOUD.gcpProjectNumber}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId, "pool")}/providers/${str(inputs.workloadIdentityPoolProviderId, name)}`,
  }),
  "gcp:serviceaccount/key:Key": (name, inputs) => {
    const account = str(
      inputs.serviceAccountId,
      `projects/mock-project/serviceAccounts/${name}@mock-project.iam.gserviceaccount.com`,
    );
    return {
      name: `${account}/keys/${stableGuid(`key:${account}:${name}`).replace(/-/g, "").slice(0, 40)}`,
      keyAlgorithm: str(inputs.keyAlgorithm, "KEY_ALG_RSA_2048"),
    };
  },
  "azure-native:authorization:RoleAssignment": (name, inputs) => ({
    name: str(inputs.roleAssignmentName, stableGuid(`assignment:${name}`)),
  }),
  "azure-native:authorization:RoleDefinition": (name, inputs) => ({
    name: str(inputs.roleDefinitionId, stableGuid(`definition:${name}`)),
  }),
  "azure-native:managedidentity:FederatedIdentityCredential": (name, inputs) => ({
    name: str(inputs.federatedIdentityCredentialResourceName, name),
  }),
  "gcp:projects/iAMCustomRole:IAMCustomRole": (name, inputs) => ({
    name: `projects/${str(inputs.project, "mock-project")}/roles/${str(inputs.roleId, name)}`,
    deleted: false,
  }),
  "gcp:serviceaccount/iAMMember:IAMMember": (name) => ({
    etag: `BwY${stableGuid(`etag:${name}`).replace(/-/g, "").slice(0, 9)}=`,
  }),
  "gcp:pubsub/topic:Topic": (name, inputs) => ({
    name: str(inputs.name, name),
    id: `projects/${str(inputs.project, "mock-project")}/topics/${str(inputs.name, name)}`,
  }),
  // Amazon Bedrock AgentCore: ARNs in the formats of the Service Authorization Reference's resource types
  // (gateway, policy-engine, workload-identity, oauth2credentialprovider, apikeycredentialprovider).
  "aws:bedrock/agentcoreGateway:AgentcoreGateway": (name, inputs) => {
    const gatewayId = agentCoreId(str(inputs.name, name));
    return {
      gatewayId,
      gatewayArn: agentCoreArn(`gateway/${gatewayId}`),
      gatewayUrl: `https://${gatewayId}.gateway.bedrock-agentcore.${MOCK_CLOUD.awsRegion}.amazonaws.com/mcp`,
      workloadIdentityDetails: [
        { workloadIdentityArn: agentCoreArn(`workload-identity-directory/default/workload-identity/${gatewayId}`) },
      ],
    };
  },
  "aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine": (name, inputs) => {
    const policyEngineId = agentCoreId(str(inputs.name, name));
    return { policyEngineId, policyEngineArn: agentCoreArn(`policy-engine/${policyEngineId}`) };
  },
  "aws:bedrock/agentcorePolicy:AgentcorePolicy": (name, inputs) => {
    const policyId = agentCoreId(str(inputs.name, name));
    return {
      policyId,
      policyArn: agentCoreArn(`policy-engine/${str(inputs.policyEngineId, "engine")}/policy/${policyId}`),
    };
  },
  "aws:bedrock/agentcoreGatewayTarget:AgentcoreGatewayTarget": (name, inputs) => ({
    targetId: agentCoreId(str(inputs.name, name)).toUpperCase().replace(/-/g, "").slice(0, 10),
  }),
  "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider": (name, inputs) => ({
    credentialProviderArn: agentCoreArn(`token-vault/default/oauth2credentialprovider/${str(inputs.name, name)}`),
    callbackUrl: `https://bedrock-agentcore.${MOCK_CLOUD.awsRegion}.amazonaws.com/identities/oauth2/callback`,
    clientSecretArns: [],
  }),
  "aws:bedrock/agentcoreApiKeyCredentialProvider:AgentcoreApiKeyCredentialProvider": (name, inputs) => ({
    credentialProviderArn: agentCoreArn(`token-vault/default/apikeycredentialprovider/${str(inputs.name, name)}`),
    apiKeySecretArns:
      inputs.apiKeySecretSource === "EXTERNAL"
        ? []
        : [
            {
              secretArn: `arn:aws:secretsmanager:${MOCK_CLOUD.awsRegion}:${MOCK_CLOUD.awsAccountId}:secret:bedrock-agentcore-identity!default/apikey/${str(inputs.name, name)}-${stableGuid(name).slice(0, 6)}`,
            },
          ],
  }),
  "azure-native:managedidentity:UserAssignedIdentity": (name, inputs) => {
    const resourceName = str(inputs.resourceName, name);
    return {
      name: resourceName,
      clientId: stableGuid(`client:${resourceName}`),
      principalId: stableGuid(`principal:${resourceName}`),
      tenantId: MOCK_CLOUD.azureTenantId,
    };
  },
};

/**
 * ARM resource types of the Azure Native tokens the components and examples create, for ids of the
 * real form `/subscriptions/SUB/resourceGroups/RG/providers/NAMESPACE/TYPE/NAME` (ARM "Resource ID").
 */
const AZURE_ARM_TYPES: Readonly<Record<string, string>> = {
  "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
  "azure-native:authorization:RoleAssignment": "Microsoft.Authorization/roleAssignments",
  "azure-native:authorization:RoleDefinition": "Microsoft.Authorization/roleDefinitions",
  "azure-native:consumption:Budget": "Microsoft.Consumption/budgets",
  "azure-native:monitor:ActionGroup": "microsoft.insights/actionGroups",
};

function azureId(type: string, name: string, outputs: Inputs): string {
  const subscription = typeof outputs.subscriptionId === "string" ? outputs.subscriptionId : stableGuid("subscription");
  const group = str(outputs.resourceGroupName, "mock");
  const armType = AZURE_ARM_TYPES[type] ?? `Microsoft.${type.split(":")[1]}/${type.split(":")[2]}`;
  const resourceName = str(outputs.resourceName ?? outputs.name, name);
  // Role assignments and definitions live at their scope, not in a resource group.
  if (typeof outputs.scope === "string" && armType.startsWith("Microsoft.Authorization/"))
    return `${outputs.scope}/providers/${armType}/${resourceName}`;
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/${armType}/${resourceName}`;
}

/** The id a new resource gets: stable for a type and name. */
export function realisticId(type: string, name: string, outputs: Inputs): string {
  if (typeof outputs.arn === "string") return outputs.arn;
  if (typeof outputs.email === "string") return outputs.email;
  if (type.startsWith("azure-native:")) return azureId(type, name, outputs);
  return `${name}-${stableGuid(`${type}:${name}`).slice(0, 8)}`;
}

/**
 * The outputs of a new resource: its inputs, plus what the provider would add. A value the inputs
 * already give is kept as given (a provider echoes its inputs), so resources that refer to each
 * other by those values still do.
 */
export function realisticOutputs(type: string, name: string, inputs: Inputs): { id: string; state: Inputs } {
  const added = REALISTIC_OUTPUTS[type]?.(name, inputs) ?? {};
  const state = { ...added, ...inputs };
  return { id: realisticId(type, name, state), state };
}

/**
 * The property a provider fills with an auto-generated name when the program gives none. Providers
 * choose that name while checking inputs, so a preview already knows it; AWS and Azure Native name
 * most resources `name`, S3 buckets `bucket` (Pulumi docs, "Resource names: autonaming").
 */
export function autonameProperty(type: string): string | undefined {
  if (type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2") return "bucket";
  if (type.startsWith("aws:") || type.startsWith("azure-native:")) return "name";
  return undefined;
}

/**
 * The outputs of a resource to be created, as a preview knows them: the inputs (still unknown
 * where they come from other new resources) and the auto-generated name; every value the cloud
 * computes on create (ids, ARNs, emails, principal ids) is {@link UNKNOWN}, and so is the id.
 */
export function previewOutputs(type: string, name: string, inputs: Inputs): { id: undefined; state: Inputs } {
  const added = REALISTIC_OUTPUTS[type]?.(name, inputs) ?? {};
  const autoname = autonameProperty(type);
  const state: Inputs = { ...inputs };
  for (const [key, value] of Object.entries(added))
    if (!(key in inputs)) state[key] = key === autoname ? value : UNKNOWN;
  return { id: undefined, state };
}
