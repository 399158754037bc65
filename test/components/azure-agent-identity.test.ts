import { describe, expect, it } from "vitest";
import { AgentIdentity, githubActions, gitlabCi, kubernetes, oidc, type RunsOn } from "../../components";
import { AZURE_FORBIDDEN_ROLES } from "../../src/clouds/azure/roles";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";

const EXPIRES = "2099-01-01";
const SUB = "11111111-2222-4333-8444-555555555555";
const RG = `/subscriptions/${SUB}/resourceGroups/data`;
const CONTAINER = `${RG}/providers/Microsoft.Storage/storageAccounts/acmeprod/blobServices/default/containers/source`;
const QUEUE = `${RG}/providers/Microsoft.ServiceBus/namespaces/acme-prod/queues/reviews`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/acme-prod-kv`;

function find(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

const AZURE = { subscriptionId: SUB, resourceGroupName: "agents", location: "westeurope" };

async function deploy(runsOn: RunsOn, extra: Record<string, unknown> = {}) {
  let identity: AgentIdentity | undefined;
  const resources = await recordResources(() => {
    identity = new AgentIdentity("pr-reviewer", {
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings",
      environment: "prod",
      expires: EXPIRES,
      costCenter: "cc-1234",
      runsOn,
      grants: [
        { role: "code-reviewer", resources: [CONTAINER, QUEUE] },
        { resource: VAULT, access: "write" },
      ],
      azure: AZURE,
      ...extra,
    });
  });
  return { resources, identity: identity! };
}

const value = <T>(output: { apply<U>(f: (v: T) => U): unknown }) =>
  new Promise<T>((resolve) => output.apply((v) => resolve(v)));

const PRESETS: [string, RunsOn, string, string][] = [
  [
    "GitHub Actions",
    githubActions({ repository: "acme/api" }),
    "https://token.actions.githubusercontent.com",
    "repo:acme/api:environment:prod",
  ],
  [
    "GitHub immutable form",
    githubActions({ repository: "acme/api", ownerId: 123456, repositoryId: 456789 }),
    "https://token.actions.githubusercontent.com",
    "repo:acme@123456/api@456789:environment:prod",
  ],
  [
    "GitLab CI",
    gitlabCi({ project: "acme/platform/api" }),
    "https://gitlab.com",
    "project_path:acme/platform/api:ref_type:branch:ref:main",
  ],
  [
    "Kubernetes",
    kubernetes({
      issuerUrl: "https://westeurope.oic.prod-aks.azure.com/tenant/cluster",
      namespace: "agents",
      serviceAccount: "pr-reviewer",
    }),
    "https://westeurope.oic.prod-aks.azure.com/tenant/cluster",
    "system:serviceaccount:agents:pr-reviewer",
  ],
  [
    "generic OIDC",
    oidc({ issuerUrl: "https://auth.acme.example", subject: "agent:pr-reviewer" }),
    "https://auth.acme.example",
    "agent:pr-reviewer",
  ],
];

describe("AgentIdentity on Azure under mocks", () => {
  it.each(PRESETS)(
    "%s: a tagged managed identity with one exact federated credential",
    async (_label, runsOn, issuer, subject) => {
      const { resources, identity } = await deploy(runsOn);
      const [managed] = find(resources, "azure-native:managedidentity:UserAssignedIdentity");
      expect(managed!.inputs).toMatchObject({
        resourceName: "id-pr-reviewer-prod",
        resourceGroupName: "agents",
        location: "westeurope",
      });
      expect(managed!.inputs.tags).toEqual({
        "agent-iam:agent": "pr-reviewer",
        owner: "keisha@acme.example",
        purpose: "Reviews pull requests and posts findings",
        environment: "prod",
        expires: EXPIRES,
        "cost-center": "cc-1234",
      });
      const credentials = find(resources, "azure-native:managedidentity:FederatedIdentityCredential");
      expect(credentials).toHaveLength(1);
      expect(credentials[0]!.inputs).toMatchObject({
        issuer,
        subject,
        audiences: ["api://AzureADTokenExchange"],
        resourceName: "id-pr-reviewer-prod",
        resourceGroupName: "agents",
      });
      expect(await value<string>(identity.azure!.tenantId)).toBe("00000000-0000-4000-8000-000000000000");
      expect(await value<string>(identity.azure!.clientId)).toMatch(/^[0-9a-f-]{36}$/);
      const snippet = await value<string>(identity.azure!.snippet);
      const clientId = await value<string>(identity.azure!.clientId);
      expect(snippet).toContain(clientId);
      if (runsOn.kind === "github-actions") expect(snippet).toContain("azure/login@v2");
      if (runsOn.kind === "gitlab-ci") expect(snippet).toContain("aud: api://AzureADTokenExchange");
      if (runsOn.kind === "kubernetes") expect(snippet).toContain("azure.workload.identity/client-id");
    },
  );

  it("grants are role assignments at each resource's scope with the narrowest role", async () => {
    const { resources, identity } = await deploy(githubActions({ repository: "acme/api" }));
    const principalId = await value<string>(identity.azure!.principalId);
    const assignments = find(resources, "azure-native:authorization:RoleAssignment");
    const byScope = Object.fromEntries(assignments.map((assignment) => [assignment.inputs.scope, assignment.inputs]));
    expect(Object.keys(byScope).sort()).toEqual([CONTAINER, QUEUE, VAULT].sort());
    expect(byScope[CONTAINER]!.roleDefinitionId).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
    );
    expect(byScope[QUEUE]!.roleDefinitionId).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39`,
    );
    for (const assignment of assignments) {
      expect(assignment.inputs).toMatchObject({ principalId, principalType: "ServicePrincipal" });
      expect(assignment.inputs.roleAssignmentName).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      for (const forbidden of Object.values(AZURE_FORBIDDEN_ROLES))
        expect(assignment.inputs.roleDefinitionId).not.toContain(forbidden);
      expect(assignment.inputs.scope).not.toMatch(/^\/subscriptions\/[^/]+$/);
    }
    // Writing secrets: no built-in role writes without deleting, so an exact custom role on the vault's group.
    const [definition] = find(resources, "azure-native:authorization:RoleDefinition");
    expect(definition!.inputs).toMatchObject({ scope: RG, assignableScopes: [RG], roleType: "CustomRole" });
    expect(definition!.inputs.permissions).toEqual([
      {
        actions: [],
        notActions: [],
        dataActions: [
          "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
          "Microsoft.KeyVault/vaults/secrets/setSecret/action",
        ],
        notDataActions: [],
      },
    ]);
    expect(byScope[VAULT]!.roleDefinitionId).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${definition!.inputs.roleDefinitionId}`,
    );
  });

  it("one credential per subject, up to Azure's 20", async () => {
    const extra = Array.from({ length: 19 }, (_, index) =>
      githubActions({ repository: `acme/api`, ref: `refs/heads/release-${index}` }),
    );
    const { resources } = await deploy(githubActions({ repository: "acme/api" }), {
      azure: { ...AZURE, additionalSubjects: extra },
    });
    const credentials = find(resources, "azure-native:managedidentity:FederatedIdentityCredential");
    expect(credentials).toHaveLength(20);
    expect(new Set(credentials.map((credential) => credential.inputs.subject)).size).toBe(20);
    expect(credentials.map((credential) => credential.inputs.subject)).toContain(
      "repo:acme/api:ref:refs/heads/release-18",
    );
  });

  it("disabled: the identity stays, with no federated credential and no role assignment", async () => {
    const { resources } = await deploy(githubActions({ repository: "acme/api" }), { disabled: true });
    expect(find(resources, "azure-native:managedidentity:UserAssignedIdentity")).toHaveLength(1);
    expect(find(resources, "azure-native:managedidentity:FederatedIdentityCredential")).toHaveLength(0);
    expect(find(resources, "azure-native:authorization:RoleAssignment")).toHaveLength(0);
    expect(find(resources, "azure-native:authorization:RoleDefinition")).toHaveLength(0);
  });
});
