/**
 * What teams really hand-write for their bots, with the raw providers and no agent-iam component.
 * Every block is a pattern seen in real repositories; `agent-iam check examples/insecure` fails
 * on each and names the policy that owns it. Do not deploy this program.
 */
import * as aws from "@pulumi/aws";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as authorization from "@pulumi/azure-native/authorization";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const subscriptionId = config.require("azureSubscriptionId");
const gcpProject = config.require("gcpProject");

// 1. One IAM user for "the bots", with a long-lived access key pasted into every CI system.
const botsUser = new aws.iam.User("shared-bots", { name: "shared-bots", tags: { team: "platform" } });
const botsKey = new aws.iam.AccessKey("shared-bots-key", { user: botsUser.name });
new aws.iam.UserPolicyAttachment("shared-bots-power-user", {
  user: botsUser.name,
  policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
});

// 2. A GitHub OIDC role that trusts every repository of the organisation, with no audience check,
//    12-hour sessions and no permissions boundary.
const github = new aws.iam.OpenIdConnectProvider("github", {
  url: "https://token.actions.githubusercontent.com",
  clientIdLists: ["sts.amazonaws.com"],
});
const deployer = new aws.iam.Role("github-deployer", {
  name: "github-deployer",
  maxSessionDuration: 43200,
  assumeRolePolicy: github.arn.apply((providerArn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } },
        },
      ],
    }),
  ),
  tags: { owner: "platform@acme.example", purpose: "deploys everything", environment: "prod", expires: "2030-01-01" },
});
new aws.iam.RolePolicy("github-deployer-inline", {
  role: deployer.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:*", "iam:PassRole"], Resource: "*" }],
  }),
});

// 3. The support agent got AdministratorAccess "until we figure out what it needs".
const supportAgent = new aws.iam.Role("support-agent", {
  name: "support-agent",
  assumeRolePolicy: github.arn.apply((providerArn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": "repo:acme/support-bot:environment:prod",
            },
          },
        },
      ],
    }),
  ),
  tags: {
    "agent-iam:agent": "support-agent",
    owner: "dana@acme.example",
    purpose: "Answers support tickets and issues refunds",
    environment: "prod",
    expires: "2030-01-01",
  },
});
new aws.iam.RolePolicyAttachment("support-agent-admin", {
  role: supportAgent.name,
  policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
});

// 4. A GCP service account with a downloaded JSON key and the basic Editor role on the project.
const dataBot = new serviceaccount.Account("data-bot", {
  accountId: "data-bot",
  project: gcpProject,
  displayName: "data bot",
  description: "owner=dana@acme.example; environment=prod; expires=2030-01-01; purpose=Summarises the sales tables",
});
const dataBotKey = new serviceaccount.Key("data-bot-key", { serviceAccountId: dataBot.name });
new projects.IAMMember("data-bot-editor", {
  project: gcpProject,
  role: "roles/editor",
  member: pulumi.interpolate`serviceAccount:${dataBot.email}`,
});

// 5. An Azure managed identity for the ops agent, Contributor on the whole subscription.
const opsAgent = new managedidentity.UserAssignedIdentity("ops-agent", {
  resourceName: "ops-agent",
  resourceGroupName: "agents",
  location: "westeurope",
  tags: { owner: "ops@acme.example", purpose: "Restarts stuck services", environment: "prod", expires: "2030-01-01" },
});
new managedidentity.FederatedIdentityCredential("ops-agent-github", {
  resourceName: opsAgent.name,
  resourceGroupName: "agents",
  federatedIdentityCredentialResourceName: "github",
  issuer: "https://token.actions.githubusercontent.com",
  subject: "repo:acme/ops:ref:refs/heads/main",
  audiences: ["api://AzureADTokenExchange"],
});
new authorization.RoleAssignment("ops-agent-contributor", {
  principalId: opsAgent.principalId,
  principalType: "ServicePrincipal",
  roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
  scope: `/subscriptions/${subscriptionId}`,
});

// 6. A bot nobody owns: exact trust, but no owner, purpose, environment or review date anywhere.
const orphan = new aws.iam.Role("nightly-report-bot", {
  name: "nightly-report-bot",
  assumeRolePolicy: github.arn.apply((providerArn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": "repo:acme/reports:ref:refs/heads/main",
            },
          },
        },
      ],
    }),
  ),
});
new aws.iam.RolePolicy("nightly-report-bot-read", {
  role: orphan.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-prod-reports/*" }],
  }),
});

// 7. A tool gateway for the agents, wired by hand: anyone may call it, its policy engine only logs, a permit lets
//    every caller use every tool, the chat API key is pasted in, and the gateway calls its Lambda tools as a role
//    that may invoke any function.
const gatewayRole = new aws.iam.Role("tools-gateway-role", {
  name: "tools-gateway-role",
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});
new aws.iam.RolePolicy("tools-gateway-role-lambda", {
  role: gatewayRole.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "lambda:*", Resource: "*" }],
  }),
});
const engine = new aws.bedrock.AgentcorePolicyEngine("tools-policies", { name: "tools_policies" });
const gateway = new aws.bedrock.AgentcoreGateway("tools", {
  name: "tools",
  protocolType: "MCP",
  roleArn: gatewayRole.arn,
  authorizerType: "NONE",
  policyEngineConfiguration: { arn: engine.policyEngineArn, mode: "LOG_ONLY" },
});
new aws.bedrock.AgentcorePolicy("everyone-everything", {
  name: "everyone_everything",
  policyEngineId: engine.policyEngineId,
  validationMode: "IGNORE_ALL_FINDINGS",
  definition: { cedar: { statement: "permit (principal, action, resource is AgentCore::Gateway);" } },
});
new aws.bedrock.AgentcoreApiKeyCredentialProvider("chat-key", {
  name: "chat",
  apiKey: "xoxb-000000000000-000000000000-notarealtokenatall",
});
new aws.bedrock.AgentcoreGatewayTarget("payments", {
  name: "payments",
  gatewayIdentifier: gateway.gatewayId,
  targetConfiguration: {
    mcp: {
      lambda: {
        lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:payments-tools",
        toolSchema: {
          inlinePayloads: [{ name: "refund", description: "Refunds an order", inputSchema: { type: "object" } }],
        },
      },
    },
  },
  credentialProviderConfiguration: { gatewayIamRole: {} },
});

// 8. The incident teams start from: a code review agent given blanket read (every object, item, secret and log
// of the account) through a managed policy, and trusted by a vendor's account with no sts:ExternalId.
const reviewAgent = new aws.iam.Role("code-review-agent", {
  name: "code-review-agent",
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "sts:AssumeRole" }],
  }),
  tags: {
    "agent-iam:agent": "code-review",
    owner: "keisha@acme.example",
    purpose: "Reviews pull requests for the platform team",
    environment: "prod",
    expires: "2027-01-31",
  },
});
new aws.iam.RolePolicyAttachment("code-review-agent-read-all", {
  role: reviewAgent.name,
  policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
});

export const sharedKeyId = botsKey.id;
export const deployerRoleArn = deployer.arn;
export const dataBotKeyName = dataBotKey.name;
