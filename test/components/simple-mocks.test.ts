import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

/**
 * The mocks users write in their own unit tests (Pulumi's documented way): `newResource` returns
 * the inputs as the state, so a role has no `arn` and a managed identity no `clientId`. Every
 * component must still register its resources and resolve every output, without an error.
 */

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "simple-mocks",
  "prod",
  false,
);

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

describe("AgentIdentity under the simplest mocks a user writes", () => {
  it("registers the identities of all three clouds and resolves its inventory record, with null for what the cloud assigns", async () => {
    const { AgentIdentity, AwsOidcProvider, GcpWorkloadIdentityPool, githubActions } = await import("../../components");
    const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
    const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod-agents" });
    const agent = new AgentIdentity("pr-reviewer", {
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings for the authors",
      environment: "prod",
      expires: "2099-02-15",
      runsOn: githubActions({ repository: "acme/api" }),
      grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source"] }],
      aws: { oidcProvider: github },
      gcp: { project: "acme-prod-agents", pool },
      azure: {
        subscriptionId: "11111111-2222-4333-8444-555555555555",
        resourceGroupName: "agents",
        location: "westeurope",
      },
    });
    const record = await resolved(agent.inventoryRecord);
    expect(record.id).toBe("pr-reviewer");
    expect(record.identities.aws).toEqual({ roleArn: null, roleName: expect.any(String) });
    expect(record.identities.azure?.clientId).toBeNull();
    expect(record.identities.azure?.principalId).toBeNull();
    expect(record.grants.map((grant) => grant.resource)).toContain("arn:aws:s3:::acme-prod-source");
    const types = new Set(registered.map((resource) => resource.type));
    for (const type of [
      "aws:iam/role:Role",
      "gcp:serviceaccount/account:Account",
      "azure-native:managedidentity:UserAssignedIdentity",
      "azure-native:managedidentity:FederatedIdentityCredential",
    ])
      expect(types).toContain(type);
  });
});

describe("AgentGateway and an agent's tools under the simplest mocks", () => {
  it("registers every AgentCore resource and resolves, the policies naming no gateway when the mocks return no ARN", async () => {
    const { AgentGateway, AgentIdentity, githubActions } = await import("../../components");
    const { gatewayArgs } = await import("../support/gateways");
    registered.length = 0;
    const gateway = new AgentGateway("tools", gatewayArgs());
    const agent = new AgentIdentity("support-refunds", {
      owner: "sam.chen@acme.example",
      purpose: "Issues approved customer refunds and files tickets",
      environment: "prod",
      expires: "2099-02-15",
      approval: "SEC-2041",
      runsOn: githubActions({ repository: "acme/support-bots" }),
      tools: { gateway, allow: [{ target: "payments", tool: "refund", when: { amount: { atMost: 500 } } }] },
    });
    const record = await resolved(agent.inventoryRecord);
    expect(record.tools.map((tool) => tool.action)).toEqual(["payments___refund"]);
    expect(await resolved(gateway.gatewayArn)).toBeUndefined();
    // Give the engine a turn to register the policies, whose statements wait for the gateway's ARN.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const types = new Set(registered.map((resource) => resource.type));
    for (const type of [
      "agent-iam:aws:AgentGateway",
      "aws:bedrock/agentcoreGateway:AgentcoreGateway",
      "aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine",
      "aws:bedrock/agentcoreGatewayTarget:AgentcoreGatewayTarget",
      "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider",
      "aws:bedrock/agentcoreApiKeyCredentialProvider:AgentcoreApiKeyCredentialProvider",
      "aws:bedrock/agentcorePolicy:AgentcorePolicy",
      "aws:iam/rolePolicy:RolePolicy",
    ])
      expect(types, type).toContain(type);
    const statements = registered
      .filter((resource) => resource.type === "aws:bedrock/agentcorePolicy:AgentcorePolicy")
      .map((resource) => (resource.inputs.definition as { cedar: { statement: string } }).cedar.statement);
    expect(statements.length).toBe(2);
    for (const statement of statements) expect(statement).not.toContain("undefined");
    expect(statements[0]).toContain('resource == AgentCore::Gateway::""');
  });
});
