import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  githubActions,
  gitlabCi,
  kubernetes,
  oidc,
  type RunsOn,
} from "../../components";
import { gcpAccountId } from "../../src/clouds/gcp/account-id";
import { gcpProviderSpec } from "../../src/clouds/gcp/workload-identity";
import { resolveTrust } from "../../src/model/issuers";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";
import { parseGcpDescription } from "../../src/model/tags";

const EXPIRES = "2099-01-01";
const POOL_NAME = "projects/123456789012/locations/global/workloadIdentityPools/agent-iam";

function find(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

async function deploy(runsOn: RunsOn, extra: Record<string, unknown> = {}) {
  return recordResources(() => {
    const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod" });
    // A Pub/Sub topic takes no IAM condition: the stopper ends the agent's access there.
    const budgetStopper = new GcpBudgetStopper("stopper", { project: "acme-prod", region: "europe-west1" });
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
          resources: [
            "//storage.googleapis.com/projects/_/buckets/acme-prod-source",
            "//pubsub.googleapis.com/projects/acme-prod/topics/reviews",
          ],
        },
        {
          resource: "//secretmanager.googleapis.com/projects/acme-prod/secrets/review-token",
          access: "read",
          until: "2098-06-30",
        },
      ],
      gcp: { project: "acme-prod", pool, budgetStopper },
      ...extra,
    });
  });
}

const WORKLOAD_IDENTITY = (resources: RecordedResource[]) =>
  find(resources, "gcp:serviceaccount/iAMMember:IAMMember").filter(
    (member) => member.inputs.role === "roles/iam.workloadIdentityUser",
  );

const PRESETS: [string, RunsOn, string, string, string][] = [
  [
    "GitHub Actions",
    githubActions({ repository: "acme/api" }),
    "https://token.actions.githubusercontent.com",
    "repo:acme/api:environment:prod",
    "assertion.repository_owner == 'acme' && assertion.sub.startsWith('repo:acme/')",
  ],
  [
    "GitHub immutable form",
    githubActions({ repository: "acme/api", ownerId: 123456, repositoryId: 456789 }),
    "https://token.actions.githubusercontent.com",
    "repo:acme@123456/api@456789:environment:prod",
    "assertion.repository_owner_id == '123456' && assertion.sub.startsWith('repo:acme@123456/')",
  ],
  [
    "GitLab CI",
    gitlabCi({ project: "acme/platform/api" }),
    "https://gitlab.com",
    "project_path:acme/platform/api:ref_type:branch:ref:main",
    "assertion.namespace_path == 'acme/platform' && assertion.sub.startsWith('project_path:acme/platform/')",
  ],
  [
    "Kubernetes",
    kubernetes({
      issuerUrl: "https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/agents",
      namespace: "agents",
      serviceAccount: "pr-reviewer",
    }),
    "https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/agents",
    "system:serviceaccount:agents:pr-reviewer",
    "assertion['kubernetes.io']['namespace'] == 'agents' && assertion.sub.startsWith('system:serviceaccount:agents:')",
  ],
  [
    "generic OIDC",
    oidc({ issuerUrl: "https://auth.acme.example", subject: "agent:pr-reviewer", audience: "acme-agents" }),
    "https://auth.acme.example",
    "agent:pr-reviewer",
    "assertion.sub == 'agent:pr-reviewer'",
  ],
];

describe("AgentIdentity on GCP under mocks", () => {
  it.each(PRESETS)(
    "%s: one provider pinned to the owner, one workload identity binding for the exact subject",
    async (_label, runsOn, issuer, subject, condition) => {
      const resources = await deploy(runsOn);
      expect(find(resources, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool")).toHaveLength(1);
      const providers = find(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
      expect(providers).toHaveLength(1);
      const provider = providers[0]!.inputs;
      expect(provider.attributeCondition).toBe(condition);
      expect((provider.oidc as { issuerUri: string }).issuerUri).toBe(issuer);
      expect((provider.attributeMapping as Record<string, string>)["google.subject"]).toBe("assertion.sub");
      expect(provider.workloadIdentityPoolId).toBe("agent-iam");
      expect(provider.workloadIdentityPoolProviderId).toMatch(/^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$/);
      expect((provider.oidc as { allowedAudiences?: string[] }).allowedAudiences).toEqual(
        runsOn.kind === "oidc" ? ["acme-agents"] : undefined,
      );

      const bindings = WORKLOAD_IDENTITY(resources);
      expect(bindings).toHaveLength(1);
      expect(bindings[0]!.inputs.member).toBe(`principal://iam.googleapis.com/${POOL_NAME}/subject/${subject}`);
      expect(bindings[0]!.inputs.serviceAccountId).toBe(
        "projects/acme-prod/serviceAccounts/pr-reviewer-prod@acme-prod.iam.gserviceaccount.com",
      );
      // Service accounts take no conditional binding (Google: "Resource types that accept conditional role bindings").
      expect(bindings[0]!.inputs.condition).toBeUndefined();
      expect(find(resources, "gcp:serviceaccount/key:Key")).toHaveLength(0);
    },
  );

  it("the service account carries the agent's metadata in the exact description form", async () => {
    const resources = await deploy(githubActions({ repository: "acme/api" }));
    const [account] = find(resources, "gcp:serviceaccount/account:Account").filter(
      (resource) => resource.name === "pr-reviewer",
    );
    expect(account!.inputs).toMatchObject({ project: "acme-prod", accountId: "pr-reviewer-prod", disabled: false });
    expect(account!.inputs.description).toBe(
      `owner=keisha@acme.example; environment=prod; expires=${EXPIRES}; purpose=Reviews pull requests and posts findings`,
    );
    expect(parseGcpDescription(account!.inputs.description as string)).toEqual({
      owner: "keisha@acme.example",
      environment: "prod",
      expires: EXPIRES,
      purpose: "Reviews pull requests and posts findings",
    });
  });

  it("grants are resource-level members with the narrowest role, each ending on the review date or the grant's end as its type allows", async () => {
    const resources = await deploy(githubActions({ repository: "acme/api" }));
    const member = "serviceAccount:pr-reviewer-prod@acme-prod.iam.gserviceaccount.com";
    const [bucket] = find(resources, "gcp:storage/bucketIAMMember:BucketIAMMember");
    expect(bucket!.inputs).toMatchObject({ bucket: "acme-prod-source", role: "roles/storage.objectViewer", member });
    const [topic] = find(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember");
    expect(topic!.inputs).toMatchObject({
      project: "acme-prod",
      topic: "reviews",
      role: "roles/pubsub.publisher",
      member,
    });
    const [secret] = find(resources, "gcp:secretmanager/secretIamMember:SecretIamMember");
    expect(secret!.inputs).toMatchObject({
      project: "acme-prod",
      secretId: "review-token",
      role: "roles/secretmanager.secretAccessor",
      member,
    });
    expect((bucket!.inputs.condition as { expression: string }).expression).toBe(
      `request.time < timestamp("${EXPIRES}T00:00:00Z")`,
    );
    expect((secret!.inputs.condition as { expression: string }).expression).toBe(
      'request.time < timestamp("2098-07-01T00:00:00Z")',
    );
    // Pub/Sub takes no condition: the topic's binding has none, and the stopper disables the account on the review date.
    expect(topic!.inputs.condition).toBeUndefined();
    const grants = resources.filter(
      (resource) => /IAMMember|IamMember/.test(resource.type) && resource.inputs.member === member,
    );
    expect(grants.map((grant) => grant.type).sort()).toEqual([
      "gcp:pubsub/topicIAMMember:TopicIAMMember",
      "gcp:secretmanager/secretIamMember:SecretIamMember",
      "gcp:storage/bucketIAMMember:BucketIAMMember",
    ]);
    for (const resource of grants) expect(resource.inputs.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
    expect(find(resources, "gcp:projects/iAMMember:IAMMember")).toHaveLength(0);
  });

  it("the stopper may disable the account (no condition) and publishes the expiry message on the review date", async () => {
    const resources = await deploy(githubActions({ repository: "acme/api" }));
    const [job] = find(resources, "gcp:cloudscheduler/job:Job");
    expect(job!.inputs).toMatchObject({
      project: "acme-prod",
      region: "europe-west1",
      schedule: "0 0 1 1 *",
      timeZone: "Etc/UTC",
      pubsubTarget: { topicName: "projects/acme-prod/topics/agent-iam-budget-stop" },
    });
    const data = (job!.inputs.pubsubTarget as { data: string }).data;
    expect(JSON.parse(Buffer.from(data, "base64").toString("utf8"))).toEqual({
      kind: "agent-iam-expiry",
      accountId: "pr-reviewer-prod",
      expires: EXPIRES,
    });
    const [mayStop] = find(resources, "gcp:serviceaccount/iAMMember:IAMMember").filter(
      (member) => member.name === "stopper-may-stop-pr-reviewer",
    );
    expect(mayStop!.inputs.serviceAccountId).toBe(
      "projects/acme-prod/serviceAccounts/pr-reviewer-prod@acme-prod.iam.gserviceaccount.com",
    );
    expect(mayStop!.inputs.condition).toBeUndefined();
  });

  it("logs and metrics get project-wide read roles, always with a condition", async () => {
    const resources = await recordResources(() => {
      const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod" });
      new AgentIdentity("ops-monitor", {
        owner: "keisha@acme.example",
        purpose: "Watches service health and reports regressions",
        environment: "prod",
        expires: EXPIRES,
        runsOn: githubActions({ repository: "acme/ops" }),
        grants: [
          {
            role: "read-only-monitor",
            resources: [
              "//logging.googleapis.com/projects/acme-prod",
              "//monitoring.googleapis.com/projects/acme-prod",
            ],
          },
        ],
        gcp: { project: "acme-prod", pool },
      });
    });
    const members = find(resources, "gcp:projects/iAMMember:IAMMember");
    expect(members.map((member) => member.inputs.role).sort()).toEqual([
      "roles/logging.viewer",
      "roles/monitoring.viewer",
    ]);
    for (const member of members)
      expect((member.inputs.condition as { expression: string }).expression).toMatch(/^request\.time < timestamp\("/);
  });

  it("BigQuery: the roles are bound on the project, conditioned on the dataset's name; custom roles once per project", async () => {
    const resources = await recordResources(() => {
      const pool = new GcpWorkloadIdentityPool("agents", {
        project: "acme-prod",
        issuers: [githubActions({ repository: "acme/data" })],
      });
      for (const name of ["sales-reader", "audit-reader"])
        new AgentIdentity(name, {
          owner: "keisha@acme.example",
          purpose: "Reads the sales dataset for weekly reports",
          environment: "prod",
          expires: EXPIRES,
          runsOn: githubActions({ repository: `acme/${name}` }),
          grants: [{ role: "data-reader", resources: ["//bigquery.googleapis.com/projects/acme-prod/datasets/sales"] }],
          gcp: { project: "acme-prod", pool },
        });
    });
    const roles = find(resources, "gcp:projects/iAMCustomRole:IAMCustomRole");
    expect(roles.map((role) => role.inputs.roleId).sort()).toEqual([
      "agentIam.bigqueryDataReader",
      "agentIam.bigqueryJobUser",
    ]);
    for (const role of roles) expect(role.inputs).toMatchObject({ project: "acme-prod", stage: "GA" });
    expect(roles.find((role) => role.inputs.roleId === "agentIam.bigqueryJobUser")!.inputs.permissions).toEqual([
      "bigquery.jobs.create",
    ]);
    expect(roles.flatMap((role) => role.inputs.permissions as string[])).not.toContain("bigquery.tables.export");
    // BigQuery datasets take no conditional binding; the project does, and BigQuery reports resource.name.
    expect(find(resources, "gcp:bigquery/datasetIamMember:DatasetIamMember")).toEqual([]);
    const members = find(resources, "gcp:projects/iAMMember:IAMMember");
    expect(
      members.map((member) => [member.inputs.role, (member.inputs.condition as { expression: string }).expression]),
    ).toEqual(
      ["sales-reader", "audit-reader"].flatMap(() => [
        [
          "projects/acme-prod/roles/agentIam.bigqueryDataReader",
          `(resource.name == "projects/acme-prod/datasets/sales" || resource.name.startsWith("projects/acme-prod/datasets/sales/")) && request.time < timestamp("${EXPIRES}T00:00:00Z")`,
        ],
        ["projects/acme-prod/roles/agentIam.bigqueryJobUser", `request.time < timestamp("${EXPIRES}T00:00:00Z")`],
      ]),
    );
    // Both agents run in the acme organisation: one provider, made from the pool's issuer list.
    expect(find(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")).toHaveLength(1);
  });

  it("an existing pool and provider are used as they are", async () => {
    const existing = {
      name: "projects/987654321098/locations/global/workloadIdentityPools/shared",
      provider: "projects/987654321098/locations/global/workloadIdentityPools/shared/providers/github",
    };
    let identity: AgentIdentity | undefined;
    const resources = await recordResources(() => {
      identity = new AgentIdentity("pr-reviewer", {
        owner: "keisha@acme.example",
        purpose: "Reviews pull requests and posts findings",
        environment: "prod",
        expires: EXPIRES,
        runsOn: githubActions({ repository: "acme/api" }),
        gcp: { project: "acme-prod", pool: existing },
      });
    });
    expect(find(resources, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool")).toHaveLength(0);
    expect(find(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")).toHaveLength(0);
    expect(find(resources, "gcp:serviceaccount/iAMMember:IAMMember")[0]!.inputs.member).toBe(
      `principal://iam.googleapis.com/${existing.name}/subject/repo:acme/api:environment:prod`,
    );
    const snippet = await new Promise<string>((resolve) => identity!.gcp!.snippet.apply(resolve));
    expect(snippet).toContain(`workload_identity_provider: ${existing.provider}`);
    expect(snippet).toContain("service_account: pr-reviewer-prod@acme-prod.iam.gserviceaccount.com");
    expect(snippet).toContain("google-github-actions/auth");
  });

  it("outputs the email, the provider name and a credential configuration for non-GitHub issuers", async () => {
    let identity: AgentIdentity | undefined;
    await recordResources(() => {
      const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod" });
      identity = new AgentIdentity("pr-reviewer", {
        owner: "keisha@acme.example",
        purpose: "Reviews pull requests and posts findings",
        environment: "prod",
        expires: EXPIRES,
        runsOn: gitlabCi({ project: "acme/platform/api" }),
        gcp: { project: "acme-prod", pool },
      });
    });
    const value = <T>(output: { apply<U>(f: (v: T) => U): unknown }) =>
      new Promise<T>((resolve) => output.apply((v) => resolve(v)));
    expect(await value<string>(identity!.gcp!.serviceAccountEmail)).toBe(
      "pr-reviewer-prod@acme-prod.iam.gserviceaccount.com",
    );
    const provider = await value<string>(identity!.gcp!.providerName);
    expect(provider).toMatch(
      /^projects\/123456789012\/locations\/global\/workloadIdentityPools\/agent-iam\/providers\/gl-acme-platform-[0-9a-f]{6}$/,
    );
    const snippet = await value<string>(identity!.gcp!.snippet);
    expect(snippet).toContain(`aud: https://iam.googleapis.com/${provider}`);
    expect(snippet).toContain('"type": "external_account"');
    expect(snippet).toContain(`serviceAccounts/pr-reviewer-prod@acme-prod.iam.gserviceaccount.com:generateAccessToken`);
    expect(identity!.gcp!.labels).toMatchObject({
      "agent-iam-agent": "pr-reviewer",
      owner: "keisha_at_acme-example",
      environment: "prod",
    });
  });

  it("disabled: the account is disabled, with no workload identity binding and no grants", async () => {
    const resources = await deploy(githubActions({ repository: "acme/api" }), { disabled: true });
    const account = find(resources, "gcp:serviceaccount/account:Account").find(
      (resource) => resource.name === "pr-reviewer",
    );
    expect(account!.inputs.disabled).toBe(true);
    // The stopper's own account may invoke its function; nothing else is bound, and nothing is scheduled.
    expect(
      resources
        .filter((resource) => /IAMMember|IamMember/.test(resource.type))
        .map((resource) => [resource.name, resource.inputs.role]),
    ).toEqual([["stopper-invoker", "roles/run.invoker"]]);
    expect(find(resources, "gcp:cloudscheduler/job:Job")).toEqual([]);
  });
});

describe("GCP naming", () => {
  it.each([
    [{ id: "pr-reviewer", environment: "prod" }, "pr-reviewer-prod"],
    [{ id: "bot", environment: "dev" }, "bot-dev"],
    [{ id: "bot", environment: "d" }, "bot-d-agent"],
    [{ id: "billing-prod", environment: "prod" }, "billing-prod"],
  ])("account id of %o is %s", (agent, expected) => {
    expect(gcpAccountId(agent)).toBe(expected);
  });

  it("long ids are cut to 30 characters with a stable hash, and stay valid and distinct", () => {
    const a = gcpAccountId({ id: "customer-support-refunds-agent", environment: "staging" });
    const b = gcpAccountId({ id: "customer-support-refunds-agent", environment: "prod" });
    for (const id of [a, b]) expect(id).toMatch(/^[a-z]([-a-z0-9]{4,28})[a-z0-9]$/);
    expect(a).not.toBe(b);
    expect(gcpAccountId({ id: "customer-support-refunds-agent", environment: "staging" })).toBe(a);
  });

  it("providers of different owners on one issuer are distinct and each pins its own owner", () => {
    const acme = gcpProviderSpec(resolveTrust({ kind: "github-actions", repository: "acme/api" }, "prod"));
    const evil = gcpProviderSpec(resolveTrust({ kind: "github-actions", repository: "acme-evil/api" }, "prod"));
    expect(acme.key).not.toBe(evil.key);
    expect(acme.providerId).not.toBe(evil.providerId);
    expect(evil.attributeCondition).toContain("'acme-evil'");
    expect(acme.attributeCondition).not.toContain("acme-evil");
  });
});
