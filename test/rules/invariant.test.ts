import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AgentSpecError,
  AwsOidcProvider,
  CATALOG_ROLE_NAMES,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  ROLE_CATALOG,
  githubActions,
  gitlabCi,
  kubernetes,
  oidc,
  type AgentIdentityArgs,
  type RunsOn,
} from "../../components";
import { PolicyPackProcess, type AnalyzerDiagnostic } from "../../src/gate/analyzer";
import { AnalyzerView } from "../../src/gate/cli/check/analyzer-resources";
import { loadProject } from "../../src/gate/program/project";
import { recordStack, type RecordedStack } from "../../src/gate/program/record";
import { runProject } from "../../src/gate/program/run";
import type { Cloud, ResourceKind } from "../../src/model/resources";
import { inDays } from "../fixtures/policy/build";

/**
 * The invariant: everything agent-iam's components produce passes the whole pack with every policy
 * mandatory, on every cloud, for every catalog role and the spec's other shapes (presets, approved
 * high-risk grants, the kill switch, budgets), and for every example program; in a preview, the
 * pack only says which decisions wait for apply.
 */

const PACK = "policy-pack";
const STACK = "prod";
const BOUNDARY = "arn:aws:iam::123456789012:policy/agent-iam-boundary";
const STACK_CONFIG = { "agent-iam:permissionsBoundary": BOUNDARY };
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const PROJECT = "acme-agents-prod";
const EXPIRES = inDays(80);

/** One named resource of each kind, per cloud. */
const REFS: Record<Cloud, Partial<Record<ResourceKind, string>>> = {
  aws: {
    bucket: "arn:aws:s3:::acme-prod-data",
    object: "arn:aws:s3:::acme-prod-data/reports/*",
    table: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    secret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:agent-token-AbCdEf",
    queue: "arn:aws:sqs:us-east-1:123456789012:findings",
    topic: "arn:aws:sns:us-east-1:123456789012:findings",
    logs: "arn:aws:logs:us-east-1:123456789012:log-group:/acme/prod/web",
    function: "arn:aws:lambda:us-east-1:123456789012:function:web",
    service: "arn:aws:ecs:us-east-1:123456789012:service/acme-prod/web",
    "container-repo": "arn:aws:ecr:us-east-1:123456789012:repository/web",
    key: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    runtime: "arn:aws:iam::123456789012:role/acme-prod-web-task",
  },
  gcp: {
    bucket: "//storage.googleapis.com/projects/_/buckets/acme-prod-data",
    secret: `//secretmanager.googleapis.com/projects/${PROJECT}/secrets/agent-token`,
    topic: `//pubsub.googleapis.com/projects/${PROJECT}/topics/findings`,
    queue: `//pubsub.googleapis.com/projects/${PROJECT}/subscriptions/findings-sub`,
    table: `//bigquery.googleapis.com/projects/${PROJECT}/datasets/sales`,
    service: `//run.googleapis.com/projects/${PROJECT}/locations/europe-west1/services/web`,
    "container-repo": `//artifactregistry.googleapis.com/projects/${PROJECT}/locations/europe-west1/repositories/web`,
    key: `//cloudkms.googleapis.com/projects/${PROJECT}/locations/europe-west1/keyRings/agents/cryptoKeys/data`,
    logs: `//logging.googleapis.com/projects/${PROJECT}`,
    metrics: `//monitoring.googleapis.com/projects/${PROJECT}`,
    runtime: `//iam.googleapis.com/projects/${PROJECT}/serviceAccounts/web-runtime@${PROJECT}.iam.gserviceaccount.com`,
  },
  azure: (() => {
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/data-prod`;
    const at = (path: string) => `${group}/providers/${path}`;
    return {
      bucket: at("Microsoft.Storage/storageAccounts/acmeproddata/blobServices/default/containers/reports"),
      table: at("Microsoft.Storage/storageAccounts/acmeproddata/tableServices/default/tables/orders"),
      secret: at("Microsoft.KeyVault/vaults/acme-prod-kv"),
      queue: at("Microsoft.ServiceBus/namespaces/acme-prod-bus/queues/findings"),
      topic: at("Microsoft.ServiceBus/namespaces/acme-prod-bus/topics/findings"),
      "container-repo": at("Microsoft.ContainerRegistry/registries/acmeprodimages"),
      service: at("Microsoft.App/containerApps/web"),
      function: at("Microsoft.Web/sites/web"),
      logs: at("Microsoft.OperationalInsights/workspaces/acme-prod-logs"),
      key: at("Microsoft.KeyVault/vaults/acme-prod-kv/keys/data"),
      "resource-group": group,
      runtime: at("Microsoft.App/managedEnvironments/acme-prod"),
    };
  })(),
};

/**
 * What a grant on a kind needs named beside it: an ECS rollout registers a task definition and
 * passes a role, a Cloud Run deploy acts as the runtime service account, a Container Apps update
 * joins its environment.
 */
const NEEDED_BESIDE: Partial<Record<Cloud, Partial<Record<ResourceKind, readonly string[]>>>> = {
  aws: {
    service: [
      "arn:aws:ecs:us-east-1:123456789012:task-definition/web:*",
      "arn:aws:iam::123456789012:role/acme-prod-web-task",
    ],
  },
  gcp: { service: [REFS.gcp.runtime!] },
  azure: {
    service: [
      REFS.azure.runtime!,
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/data-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/web-runtime`,
    ],
  },
};

const ROLE_ABBREVIATIONS: Record<string, string> = {
  "read-only-monitor": "mon",
  "code-reviewer": "rev",
  "deployment-agent": "dep",
  "data-reader": "dat",
};

/** What the program declared, and the combinations a component refused at spec time (not the pack's business). */
interface Declared {
  readonly created: { name: string; cloud: Cloud | "all"; role?: string }[];
  readonly refused: { name: string; reason: string }[];
}

function declareAll(): Declared {
  const declared: Declared = { created: [], refused: [] };
  const provider = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
  const pool = new GcpWorkloadIdentityPool("agents", {
    project: PROJECT,
    issuers: [githubActions({ repository: "acme/agents" })],
  });
  const stopper = new GcpBudgetStopper("budget-stopper", { project: PROJECT, region: "europe-west1" });
  const blocks = {
    aws: { aws: { oidcProvider: provider } },
    gcp: { gcp: { project: PROJECT, pool, billingAccount: "012345-6789AB-CDEF01", budgetStopper: stopper } },
    azure: { azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents-prod", location: "westeurope" } },
  } as const;
  // Every agent as the whole pack at mandatory wants it: with a budget on each of its clouds.
  const base = (name: string): Omit<AgentIdentityArgs, "runsOn"> & { runsOn: RunsOn } => ({
    owner: "keisha.okafor@acme.example",
    purpose: `Invariant agent ${name} doing its catalog job`,
    environment: STACK,
    expires: EXPIRES,
    runsOn: githubActions({ repository: `acme/${name}` }),
    budget: { monthly: 250, notify: ["keisha.okafor@acme.example"] },
  });
  const declare = (name: string, cloud: Cloud | "all", args: AgentIdentityArgs, role?: string) => {
    try {
      new AgentIdentity(name, args);
      declared.created.push({ name, cloud, role });
    } catch (error) {
      if (!(error instanceof AgentSpecError)) throw error;
      declared.refused.push({ name, reason: error.message });
    }
  };

  // Every catalog role, on every kind it covers, on every cloud that has the kind.
  for (const role of CATALOG_ROLE_NAMES) {
    const kinds = Object.keys(ROLE_CATALOG[role].access) as ResourceKind[];
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      const refs = kinds
        .map((kind) => [kind, REFS[cloud][kind]] as const)
        .filter((entry): entry is readonly [ResourceKind, string] => entry[1] !== undefined);
      for (const [kind, ref] of refs) {
        const name = `${ROLE_ABBREVIATIONS[role]}-${cloud}-${kind}`;
        const resources = [ref, ...(NEEDED_BESIDE[cloud]?.[kind] ?? [])];
        declare(name, cloud, { ...base(name), grants: [{ role, resources }], ...blocks[cloud] }, role);
      }
      if (refs.length === 0 && "accountWide" in ROLE_CATALOG[role]) {
        const name = `${ROLE_ABBREVIATIONS[role]}-${cloud}-account`;
        declare(name, cloud, { ...base(name), grants: [{ role, resources: [] }], ...blocks[cloud] }, role);
      }
    }
  }

  // The spec's other shapes, on all three clouds at once.
  const all = { ...blocks.aws, ...blocks.gcp, ...blocks.azure };
  // Each issuer with its own IAM OIDC provider, as a program declares them.
  const presets: [string, RunsOn, AwsOidcProvider][] = [
    ["immutable", githubActions({ repository: "acme/api", ownerId: 123456, repositoryId: 456789 }), provider],
    [
      "gitlab",
      gitlabCi({ project: "acme/platform/api", ref: "main" }),
      new AwsOidcProvider("gitlab", { issuerUrl: "https://gitlab.com" }),
    ],
    [
      "cluster",
      kubernetes({
        issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123",
        namespace: "agents",
        serviceAccount: "cluster",
      }),
      new AwsOidcProvider("cluster", { issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123" }),
    ],
    [
      "custom-oidc",
      oidc({ issuerUrl: "https://auth.acme.example", subject: "agent:custom-oidc" }),
      new AwsOidcProvider("acme-auth", { issuerUrl: "https://auth.acme.example" }),
    ],
  ];
  for (const [name, runsOn, issuer] of presets)
    declare(name, "all", {
      ...base(name),
      runsOn,
      grants: [{ role: "data-reader", resources: [REFS.aws.bucket!, REFS.gcp.bucket!, REFS.azure.bucket!] }],
      ...all,
      aws: { oidcProvider: issuer },
    });
  declare("approved-cleanup", "all", {
    ...base("approved-cleanup"),
    approval: "SEC-1234",
    grants: [REFS.aws.bucket!, REFS.gcp.bucket!, REFS.azure.bucket!]
      .map((resource) => ({ resource, access: ["read", "write"] as const, include: ["delete"] as const }))
      .map((grant) => ({ ...grant, access: [...grant.access], include: [...grant.include] })),
    ...all,
  });
  declare("approved-admin", "all", {
    ...base("approved-admin"),
    approval: "https://tickets.acme.example/SEC-77",
    grants: [{ resource: REFS.aws.bucket!, access: ["read", "permissions"] }],
    ...blocks.aws,
  });
  declare("killed", "all", {
    ...base("killed"),
    disabled: true,
    grants: [{ role: "code-reviewer", resources: [REFS.aws.bucket!, REFS.gcp.bucket!, REFS.azure.bucket!] }],
    ...all,
  });
  return declared;
}

async function judge(
  pack: PolicyPackProcess,
  recorded: RecordedStack,
  config: Record<string, string>,
): Promise<AnalyzerDiagnostic[]> {
  const view = new AnalyzerView({ project: recorded.project, stack: recorded.stack, config });
  const diagnostics: AnalyzerDiagnostic[] = [];
  for (const resource of view.all(recorded.resources, "analyze")) diagnostics.push(...(await pack.analyze(resource)));
  diagnostics.push(...(await pack.analyzeStack(view.all(recorded.resources, "stack"))));
  return diagnostics;
}

const shown = (diagnostics: readonly AnalyzerDiagnostic[]) =>
  diagnostics.map((diagnostic) => `${diagnostic.enforcementLevel} ${diagnostic.policyName}: ${diagnostic.message}`);

describe("everything the components produce passes the whole pack, every policy mandatory", () => {
  let pack: PolicyPackProcess;
  let declared: Declared;
  let update: RecordedStack;
  let preview: RecordedStack;

  beforeAll(async () => {
    pack = await PolicyPackProcess.start(PACK, {
      config: { all: "mandatory" },
      stack: { name: STACK, project: "invariant", config: STACK_CONFIG },
    });
    update = await recordStack(() => void (declared = declareAll()), {
      project: "invariant",
      stack: STACK,
      config: STACK_CONFIG,
    });
    preview = await recordStack(() => void declareAll(), {
      project: "invariant",
      stack: STACK,
      config: STACK_CONFIG,
      preview: true,
    });
  }, 120_000);

  afterAll(async () => {
    await pack?.close();
  });

  it("declares every catalog role on every cloud (only combinations a cloud cannot grant are refused, at spec time)", () => {
    for (const role of CATALOG_ROLE_NAMES)
      for (const cloud of ["aws", "gcp", "azure"] as const)
        expect(
          declared.created.some((entry) => entry.role === role && entry.cloud === cloud),
          `${role} on ${cloud}`,
        ).toBe(true);
    for (const variant of [
      "immutable",
      "gitlab",
      "cluster",
      "custom-oidc",
      "approved-cleanup",
      "approved-admin",
      "killed",
    ])
      expect(
        declared.created.map((entry) => entry.name),
        `${variant}: ${JSON.stringify(declared.refused)}`,
      ).toContain(variant);
    for (const refusal of declared.refused)
      expect(refusal.reason, refusal.name).toMatch(/cannot grant|no role gives|does not cover|no .* action at level/);
    const types = new Set(update.resources.map((resource) => resource.type));
    for (const type of [
      "aws:iam/role:Role",
      "gcp:serviceaccount/account:Account",
      "azure-native:managedidentity:UserAssignedIdentity",
      "azure-native:managedidentity:FederatedIdentityCredential",
      "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
    ])
      expect(types, type).toContain(type);
  });

  it("an update: no diagnostic at all", async () => {
    expect(shown(await judge(pack, update, STACK_CONFIG))).toEqual([]);
  });

  it("a preview: only advisories, for decisions that wait for apply", async () => {
    const diagnostics = await judge(pack, preview, STACK_CONFIG);
    expect(shown(diagnostics.filter((diagnostic) => diagnostic.enforcementLevel !== "advisory"))).toEqual([]);
    for (const diagnostic of diagnostics)
      expect(diagnostic.message).toMatch(/not known until apply|only known at apply/);
  });
});

/** The example programs (the insecure one is expected to fail, see below), and those of a folder of several (`organisation/payments`). */
const EXAMPLES = existsSync("examples")
  ? readdirSync("examples").flatMap((name) =>
      existsSync(join("examples", name, "Pulumi.yaml"))
        ? [name]
        : statSync(join("examples", name)).isDirectory()
          ? readdirSync(join("examples", name))
              .filter((program) => existsSync(join("examples", name, program, "Pulumi.yaml")))
              .map((program) => `${name}/${program}`)
          : [],
    )
  : [];
const stacksOf = (example: string) =>
  readdirSync(join("examples", example)).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []);

describe("every example passes the whole pack, every policy mandatory", () => {
  const cases = EXAMPLES.filter((example) => example !== "insecure").flatMap((example) =>
    stacksOf(example).map((stack) => [example, stack] as const),
  );

  it("has examples to check", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)("%s (stack %s): no diagnostic on an update, only advisories in a preview", async (example, stack) => {
    const project = loadProject(join("examples", example), { stack });
    const packStack = { name: stack, project: project.name, config: project.config };
    const pack = await PolicyPackProcess.start(PACK, { config: { all: "mandatory" }, stack: packStack });
    try {
      expect(shown(await judge(pack, await runProject(project), project.config))).toEqual([]);
      const previewed = await judge(pack, await runProject(project, { preview: true }), project.config);
      expect(shown(previewed.filter((diagnostic) => diagnostic.enforcementLevel !== "advisory"))).toEqual([]);
    } finally {
      await pack.close();
    }
  });
});

describe("the insecure example fails on every block it shows", () => {
  it.runIf(EXAMPLES.includes("insecure"))(
    "blocks it through the analyzer, each policy naming its resource",
    async () => {
      const [stack] = stacksOf("insecure");
      const project = loadProject("examples/insecure", { stack });
      const pack = await PolicyPackProcess.start(PACK, {
        stack: { name: stack!, project: project.name, config: project.config },
      });
      try {
        const diagnostics = await judge(pack, await runProject(project), project.config);
        const mandatory = new Set(
          diagnostics
            .filter((diagnostic) => diagnostic.enforcementLevel === "mandatory")
            .map((diagnostic) => diagnostic.policyName),
        );
        for (const policy of [
          "no-static-credentials",
          "agent-must-have-owner",
          "no-overbroad-aws-scopes",
          "no-overbroad-gcp-scopes",
          "no-overbroad-azure-scopes",
          "federated-trust-pinned",
          "short-lived-credentials",
          "agent-identity-expiry",
          "high-risk-requires-approval",
          "tool-access-governed",
        ])
          expect(mandatory, policy).toContain(policy);
        const advisory = new Set(
          diagnostics
            .filter((diagnostic) => diagnostic.enforcementLevel === "advisory")
            .map((diagnostic) => diagnostic.policyName),
        );
        expect(advisory).toContain("agent-identity-registered");
        expect(advisory).toContain("permissions-boundary-required");
      } finally {
        await pack.close();
      }
    },
  );
});
