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
