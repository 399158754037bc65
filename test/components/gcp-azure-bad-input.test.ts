import { describe, expect, it } from "vitest";
import { AgentIdentity, GcpWorkloadIdentityPool, githubActions, oidc } from "../../components";
import { azureAssignmentsForGrants } from "../../src/clouds/azure/assignments";
import { azureFederatedCredentials } from "../../src/clouds/azure/federated";
import { recordResources } from "../../src/gate/program/record";
import { AgentSpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";

const SUB = "11111111-2222-4333-8444-555555555555";
const EXISTING_POOL = {
  name: "projects/123/locations/global/workloadIdentityPools/agents",
  provider: "projects/123/locations/global/workloadIdentityPools/agents/providers/github",
};
const BASE = {
  owner: "keisha@acme.example",
  purpose: "Reads the reports bucket nightly",
  environment: "prod",
  expires: "2099-01-01",
  runsOn: githubActions({ repository: "acme/reports" }),
};
const AZURE = { subscriptionId: SUB, resourceGroupName: "agents", location: "westeurope" };

/** The problems of a spec, as `path: message` lines; fails the test when the spec is valid. */
function problems(spec: Record<string, unknown>): { path: string; message: string }[] {
  try {
    planAgent("report-reader", { ...BASE, ...spec });
  } catch (error) {
    expect(error).toBeInstanceOf(AgentSpecError);
    return [...(error as AgentSpecError).problems];
  }
  throw new Error("the spec was accepted");
}

describe("bad GCP and Azure input: clear errors naming the field", () => {
  it.each([
    ["upper case", "Acme-Prod"],
    ["too short", "acme"],
    ["starts with a digit", "1acme-prod"],
    ["ends with a hyphen", "acme-prod-"],
  ])("a malformed GCP project id (%s)", (_label, project) => {
    const found = problems({ gcp: { project, pool: EXISTING_POOL } });
    expect(found).toContainEqual({ path: "gcp.project", message: expect.stringMatching(/project id has 6–30/) });
  });

  it("a GCP pool that is neither a component nor a full name", () => {
    expect(problems({ gcp: { project: "acme-prod", pool: "agents" } })).toContainEqual({
      path: "gcp.pool",
      message: expect.stringMatching(/GcpWorkloadIdentityPool, or \{ name, provider \}/),
    });
    const found = problems({
      gcp: {
        project: "acme-prod",
        pool: {
          name: "agents",
          provider: "projects/123/locations/global/workloadIdentityPools/other/providers/github",
        },
      },
    });
    expect(found).toContainEqual({
      path: "gcp.pool.name",
      message: expect.stringMatching(/projects\/PROJECT_NUMBER\/locations\/global/),
    });
    const mismatched = problems({
      gcp: {
        project: "acme-prod",
        pool: {
          ...EXISTING_POOL,
          provider: "projects/123/locations/global/workloadIdentityPools/other/providers/github",
        },
      },
    });
    expect(mismatched).toContainEqual({
      path: "gcp.pool.provider",
      message: "the provider must belong to the pool named in gcp.pool.name",
    });
  });

  it.each([
    [
      "a subscription id that is no GUID",
      { ...AZURE, subscriptionId: "prod-subscription" },
      "azure.subscriptionId",
      /GUID/,
    ],
    [
      "a resource group ending with a dot",
      { ...AZURE, resourceGroupName: "agents." },
      "azure.resourceGroupName",
      /does not end with/,
    ],
    ["a location written as a display name", { ...AZURE, location: "West Europe" }, "azure.location", /westeurope/],
  ])("a malformed Azure block: %s", (_label, azure, path, message) => {
    expect(problems({ azure })).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each([
    ["not a resource id", "/subscriptions/not-a-guid/resourceGroups/data"],
    ["an unknown provider type", `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Sql/servers/db1`],
    ["a subscription", `/subscriptions/${SUB}`],
  ])("a malformed or unsupported Azure scope: %s", (_label, resource) => {
    const found = problems({ azure: AZURE, grants: [{ resource, access: "read" }] });
    expect(found).toContainEqual({
      path: "grants[0].resource",
      message: expect.stringMatching(/Azure resource id of a kind agent-iam can grant/),
    });
  });

  it("more than 20 federated subjects on Azure", () => {
    const additionalSubjects = Array.from({ length: 20 }, (_, index) =>
      githubActions({ repository: "acme/reports", ref: `refs/heads/r${index}` }),
    );
    const found = problems({ azure: { ...AZURE, additionalSubjects } });
    expect(found).toContainEqual({
      path: "azure.additionalSubjects",
      message: expect.stringMatching(/at most 20 federated identity credentials/),
    });
    expect(() =>
      azureFederatedCredentials(
        Array.from({ length: 21 }, (_, index) => ({
          kind: "oidc" as const,
          issuerUrl: "https://auth.acme.example",
          subject: `s${index}`,
        })),
      ),
    ).toThrow(/at most 20 federated identity credentials/);
  });

  it("a grant whose resource kind the cloud cannot grant names the grant", () => {
    const subscription = problems({
      gcp: { project: "acme-prod", pool: EXISTING_POOL },
      grants: [{ resource: "//pubsub.googleapis.com/projects/acme-prod/subscriptions/reviews", access: "write" }],
    });
    expect(subscription).toContainEqual({
      path: "grants[0]",
      message: expect.stringMatching(/Pub\/Sub subscription \(to send messages, grant write on its topic\)/),
    });
    const workspace = problems({
      azure: AZURE,
      grants: [
        {
          resource: `/subscriptions/${SUB}/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/logs`,
          access: "write",
        },
      ],
    });
    expect(workspace).toContainEqual({
      path: "grants[0]",
      message: expect.stringMatching(/no role gives exactly "write" on a Log Analytics workspace/),
    });
    const group = problems({
      azure: AZURE,
      grants: [{ role: "deployment-agent", resources: [`/subscriptions/${SUB}/resourceGroups/ops`] }],
    });
    expect(group).toContainEqual({
      path: "grants[0].resources[0]",
      message: expect.stringMatching(/does not cover a resource-group/),
    });
    const unknown = problems({
      gcp: { project: "acme-prod", pool: EXISTING_POOL },
      grants: [{ resource: "//compute.googleapis.com/projects/acme-prod/zones/a/instances/vm", access: "read" }],
    });
    expect(unknown).toContainEqual({
      path: "grants[0].resource",
      message: expect.stringMatching(/Google full resource name of a kind agent-iam can grant/),
    });
  });

  it("changing permissions is never granted on GCP or Azure", () => {
    const found = problems({
      approval: "SEC-1234",
      gcp: { project: "acme-prod", pool: EXISTING_POOL },
      azure: AZURE,
      grants: [
        { resource: "//storage.googleapis.com/projects/_/buckets/acme-prod-reports", access: "permissions" },
        {
          resource: `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.KeyVault/vaults/acme-kv`,
          access: "permissions",
        },
      ],
    });
    expect(found.map((problem) => problem.path)).toEqual(["grants[0]", "grants[1]"]);
  });

  it("Azure rejects a fixed audience other than its own, and grants with an end date (not enforceable yet)", () => {
    const audience = problems({
      runsOn: oidc({ issuerUrl: "https://auth.acme.example", subject: "agent:x", audience: "acme-agents" }),
      azure: AZURE,
    });
    expect(audience).toContainEqual({
      path: "runsOn.audience",
      message: expect.stringMatching(/api:\/\/AzureADTokenExchange/),
    });
    const until = problems({
      azure: AZURE,
      grants: [
        {
          resource: `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.KeyVault/vaults/acme-kv`,
          access: "read",
          until: "2098-01-01",
        },
      ],
    });
    expect(until).toContainEqual({
      path: "grants[0]",
      message: expect.stringMatching(/cannot end this role assignment by itself/),
    });
  });

  it("a subject too long for google.subject", () => {
    const found = problems({
      runsOn: oidc({ issuerUrl: "https://auth.acme.example", subject: `agent:${"x".repeat(130)}` }),
      gcp: { project: "acme-prod", pool: EXISTING_POOL },
    });
    expect(found).toContainEqual({ path: "runsOn", message: expect.stringMatching(/holds at most 127/) });
  });

  it("broad Azure scopes need the opt-in and an approval", () => {
    const grant = {
      resource: {
        cloud: "azure" as const,
        ref: `/subscriptions/${SUB}`,
        nativeType: "Microsoft.Resources/subscriptions",
      },
      access: ["read" as const],
      include: [],
    };
    const agent = { id: "x", environment: "prod", expires: "2099-01-01" };
    expect(azureAssignmentsForGrants(agent, [grant]).problems[0]!.message).toMatch(
      /allowBroadScopes: true and an approval/,
    );
    expect(azureAssignmentsForGrants(agent, [grant], { allowBroadScopes: true }).problems[0]!.message).toMatch(
      /allowBroadScopes: true and an approval/,
    );
    expect(problems({ azure: { ...AZURE, allowBroadScopes: true } })).toContainEqual({
      path: "azure.allowBroadScopes",
      message: expect.stringMatching(/approval/),
    });
  });

  it("an invalid GCP pool component argument names the field, and an invalid spec registers nothing", async () => {
    expect(() => new GcpWorkloadIdentityPool("agents", { project: "acme-prod", poolId: "gcp-agents" })).toThrow(
      /poolId: a pool id has 4–32/,
    );
    let thrown: unknown;
    const resources = await recordResources(() => {
      try {
        new AgentIdentity("report-reader", {
          ...BASE,
          gcp: { project: "Acme", pool: EXISTING_POOL },
          azure: { ...AZURE, subscriptionId: "x" },
        });
      } catch (error) {
        thrown = error;
      }
    });
    expect(String(thrown)).toMatch(/gcp\.project[\s\S]*azure\.subscriptionId/);
    expect(resources).toHaveLength(0);
  });

  it("a pool's awsRoles take a role's name and account, and its issuers no AWS or GCP workload", () => {
    const pool = (args: Record<string, unknown>) => () =>
      new GcpWorkloadIdentityPool("agents", { project: "acme-prod", ...args } as never);
    expect(
      pool({ awsRoles: [{ accountId: "123456789012", roleName: "arn:aws:iam::123456789012:role/agent-a-prod" }] }),
    ).toThrow(/awsRoles\[0\]\.roleName: write the role's name \(not its ARN\)/);
    expect(pool({ awsRoles: [{ accountId: "1234", roleName: "agent-a-prod" }] })).toThrow(
      /awsRoles\[0\]\.accountId: an AWS account id has 12 digits/,
    );
    expect(pool({ awsRoles: [{ roleName: "agent-a-prod" }] })).toThrow(
      /awsRoles\[0\]\.accountId: accountId is required/,
    );
    expect(
      pool({ issuers: [{ kind: "aws-workload", service: "lambda", accountId: "123456789012", functionName: "f" }] }),
    ).toThrow(
      /issuers\[0\]: an agent on AWS reaches GCP through a provider that admits its role alone: name the role in awsRoles/,
    );
    expect(pool({ issuers: [{ kind: "gcp-workload", service: "cloud-run", project: "acme-prod" }] })).toThrow(
      /issuers\[0\]: an agent that runs on GCP uses its service account directly/,
    );
  });
});
