import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AwsOidcProvider,
  githubActions,
  gitlabCi,
  kubernetes,
  oidc,
  type RunsOn,
} from "../../components";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";

const EXPIRES = "2099-01-01";

function find(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

async function deploy(runsOn: RunsOn, extra: Record<string, unknown> = {}) {
  return recordResources(() => {
    // The IAM OIDC provider of the agent's own issuer (a preset's issuerUrl, else the hosted default).
    const issuerUrl =
      "issuerUrl" in runsOn && runsOn.issuerUrl
        ? runsOn.issuerUrl
        : runsOn.kind === "gitlab-ci"
          ? "https://gitlab.com"
          : "https://token.actions.githubusercontent.com";
    const provider = new AwsOidcProvider("issuer", { issuerUrl });
    new AgentIdentity("pr-reviewer", {
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings",
      environment: "prod",
      expires: EXPIRES,
      costCenter: "cc-1234",
      runsOn,
      grants: [
        {
          role: "code-reviewer",
          resources: ["arn:aws:s3:::acme-prod-source", "arn:aws:sqs:us-east-1:123456789012:reviews"],
        },
      ],
      aws: { oidcProvider: provider },
      ...extra,
    });
  });
}

const PRESETS: [string, RunsOn, string, string][] = [
  [
    "GitHub Actions",
    githubActions({ repository: "acme/api" }),
    "token.actions.githubusercontent.com",
    "repo:acme/api:environment:prod",
  ],
  [
    "GitHub immutable form",
    githubActions({ repository: "acme/api", ownerId: 123456, repositoryId: 456789 }),
    "token.actions.githubusercontent.com",
    "repo:acme@123456/api@456789:environment:prod",
  ],
  [
    "GitLab CI",
    gitlabCi({ project: "acme/platform/api" }),
    "gitlab.com",
    "project_path:acme/platform/api:ref_type:branch:ref:main",
  ],
  [
    "Kubernetes",
    kubernetes({
      issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123",
      namespace: "agents",
      serviceAccount: "pr-reviewer",
    }),
    "oidc.eks.us-east-1.amazonaws.com/id/ABC123",
    "system:serviceaccount:agents:pr-reviewer",
  ],
  [
    "generic OIDC",
    oidc({ issuerUrl: "https://auth.acme.example", subject: "agent:pr-reviewer", audience: "acme-agents" }),
    "auth.acme.example",
    "agent:pr-reviewer",
  ],
];

describe("AgentIdentity on AWS under mocks", () => {
  it.each(PRESETS)(
    "%s: trust allows only web identity, pinned to aud, the exact sub and the session name",
    async (_label, runsOn, host, subject) => {
      const resources = await deploy(runsOn);
      const [component] = find(resources, "agent-iam:index:AgentIdentity");
      expect(component).toBeDefined();
      const [role] = find(resources, "aws:iam/role:Role");
      const trust = JSON.parse(role!.inputs.assumeRolePolicy as string);
      expect(trust.Statement).toHaveLength(1);
      const [statement] = trust.Statement;
      expect(statement.Effect).toBe("Allow");
      expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
      // The provider of the agent's own issuer, whose name is the condition keys' prefix.
      expect(statement.Principal.Federated).toBe(`arn:aws:iam::123456789012:oidc-provider/${host}`);
      expect(Object.keys(statement.Condition)).toEqual(["StringEquals"]);
      expect(statement.Condition.StringEquals[`${host}:sub`]).toBe(subject);
      expect(statement.Condition.StringEquals[`${host}:aud`]).toBe(
        runsOn.kind === "oidc" ? "acme-agents" : "sts.amazonaws.com",
      );
      expect(statement.Condition.StringEquals["sts:RoleSessionName"]).toBe("pr-reviewer");
    },
  );

  it("names, tags and limits the role, and attaches only scoped managed policies", async () => {
    const resources = await deploy(githubActions({ repository: "acme/api" }));
    const [role] = find(resources, "aws:iam/role:Role");
    expect(role!.inputs.name).toBe("agent-pr-reviewer-prod");
    expect(role!.inputs.maxSessionDuration).toBe(3600);
    expect(role!.inputs.tags).toEqual({
      "agent-iam:agent": "pr-reviewer",
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings",
      environment: "prod",
      expires: EXPIRES,
      "cost-center": "cc-1234",
    });
    const policies = find(resources, "aws:iam/policy:Policy");
    expect(policies.length).toBeGreaterThanOrEqual(1);
    for (const policy of policies) {
      expect(policy.inputs.tags).toEqual(role!.inputs.tags);
      const document = JSON.parse(policy.inputs.policy as string);
      for (const statement of document.Statement) {
        expect(statement.Effect).toBe("Allow");
        expect(statement.Resource).not.toContain("*");
        for (const action of statement.Action) expect(action).not.toMatch(/\*/);
      }
      expect(JSON.stringify(document).length).toBeLessThanOrEqual(6144);
    }
    const attachments = find(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachments).toHaveLength(policies.length);
    expect(attachments.every((attachment) => attachment.inputs.role === "agent-pr-reviewer-prod")).toBe(true);
    expect(find(resources, "aws:iam/rolePolicy:RolePolicy")).toHaveLength(0);
    expect(find(resources, "aws:iam/accessKey:AccessKey")).toHaveLength(0);
  });

  it("shares one OIDC provider across agents", async () => {
    const resources = await recordResources(() => {
      const provider = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
      for (const name of ["bot-one", "bot-two"])
        new AgentIdentity(name, {
          owner: "keisha@acme.example",
          purpose: "Reads the reports bucket nightly",
          environment: "dev",
          expires: EXPIRES,
          runsOn: githubActions({ repository: `acme/${name}` }),
          grants: [{ resource: "arn:aws:s3:::acme-dev-reports", access: "read" }],
          aws: { oidcProvider: provider },
        });
    });
    expect(find(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toHaveLength(1);
    expect(find(resources, "aws:iam/role:Role")).toHaveLength(2);
  });

  it("applies a permissions boundary given in the spec", async () => {
    const boundary = "arn:aws:iam::123456789012:policy/agent-boundary";
    const resources = await deploy(githubActions({ repository: "acme/api" }), {
      aws: {
        oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        permissionsBoundary: boundary,
      },
    });
    expect(find(resources, "aws:iam/role:Role")[0]!.inputs.permissionsBoundary).toBe(boundary);
  });

  it("disabled: removes the trust, denies everything and revokes earlier sessions", async () => {
    const resources = await deploy(githubActions({ repository: "acme/api" }), { disabled: true });
    const trust = JSON.parse(find(resources, "aws:iam/role:Role")[0]!.inputs.assumeRolePolicy as string);
    expect(trust.Statement.every((statement: { Effect: string }) => statement.Effect === "Deny")).toBe(true);
    const [killSwitch] = find(resources, "aws:iam/rolePolicy:RolePolicy");
    const policy = JSON.parse(killSwitch!.inputs.policy as string);
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Action: ["*"], Resource: ["*"] });
    expect(policy.Statement[1].Condition.DateLessThan["aws:TokenIssueTime"]).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
  });

  it("an invalid spec registers nothing", async () => {
    let thrown: unknown;
    const resources = await recordResources(() => {
      try {
        new AgentIdentity("pr-reviewer", {
          owner: "nobody",
          purpose: "x",
          environment: "prod",
          expires: "2001-01-01",
          runsOn: githubActions({ repository: "acme/api" }),
        } as never);
      } catch (error) {
        thrown = error;
      }
    });
    expect(String(thrown)).toMatch(/owner/);
    expect(resources).toHaveLength(0);
  });
});
