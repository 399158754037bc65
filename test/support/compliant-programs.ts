import fc from "fast-check";
import {
  AgentGateway,
  AgentIdentity,
  AgentSpecError,
  AwsOidcProvider,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  type AgentIdentityArgs,
  type RunsOn,
} from "../../components";
import type { AnalyzerResource } from "../../src/gate/analyzer";
import { ACCESS_LEVELS, type AccessLevel } from "../../src/model/access";
import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import { CATALOG_ROLE_NAMES, ROLE_CATALOG } from "../../src/model/role-catalog";
import { AnalyzerView } from "../../src/gate/cli/check/analyzer-resources";
import { todayUtc } from "../../src/model/dates";
import { recordStack, type RecordedStack } from "../../src/gate/program/record";
import type { Cloud, ResourceKind } from "../../src/model/resources";
import { AgentSpecError as SpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";
import { SESSION_LIMITS } from "../../src/model/cloud-limits";
import { awsTagValue } from "../../src/model/tags";
import type { DirectConfig } from "./pack-direct";
import { catalogOf, parseGatewayArgs } from "../../src/model/gateway";
import { resolveTrust } from "../../src/model/issuers";
import type { ToolPermissionSpec } from "../../src/model/tool-spec";
import { TARGETS, gatewayArgs } from "./gateways";

/**
 * Valid agent programs, generated: one to three `AgentIdentity`s of one environment, each on a
 * non-empty set of clouds, with every issuer preset (GitHub mutable and immutable subjects, refs,
 * GitHub environments, GitLab with subgroups, refs and tags, Kubernetes, any OIDC issuer), catalog
 * roles and resource grants of every access level on resources of every kind a cloud has, approvals,
 * expiring grants, wildcard-only AWS actions, budgets and the kill switch. Specs the components
 * refuse at spec time are not valid specs: they are counted, not judged.
 *
 * The pack's thresholds are configuration a team sets (`maxExpiryDays`, `maxSessionSeconds`): a
 * program that asks for longer sessions or a later review date comes with the pack config that
 * allows them, as a team that decided so would write it.
 */

export const ACCOUNT = "123456789012";
export const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
export const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/agent-iam-boundary`;
export const DEPARTED_OWNER = "departed.engineer@acme.example";

const name = (min: number, max: number) => fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{${min - 1},${max - 1}}$`));

/** One named resource of each kind a cloud can grant, with a generated name. */
export function resourceRef(cloud: Cloud, kind: ResourceKind, id: string, project: string): string | undefined {
  switch (cloud) {
    case "aws": {
      const region = "us-east-1";
      const refs: Partial<Record<ResourceKind, string>> = {
        bucket: `arn:aws:s3:::acme-${id}`,
        object: `arn:aws:s3:::acme-${id}/reports/*`,
        table: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${id}`,
        secret: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${id}-AbCdEf`,
        queue: `arn:aws:sqs:${region}:${ACCOUNT}:${id}`,
        topic: `arn:aws:sns:${region}:${ACCOUNT}:${id}`,
        logs: `arn:aws:logs:${region}:${ACCOUNT}:log-group:/acme/${id}`,
        function: `arn:aws:lambda:${region}:${ACCOUNT}:function:${id}`,
        service: `arn:aws:ecs:${region}:${ACCOUNT}:service/acme/${id}`,
        "container-repo": `arn:aws:ecr:${region}:${ACCOUNT}:repository/${id}`,
        key: `arn:aws:kms:${region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      };
      return refs[kind];
    }
    case "gcp": {
      const refs: Partial<Record<ResourceKind, string>> = {
        bucket: `//storage.googleapis.com/projects/_/buckets/acme-${id}`,
        secret: `//secretmanager.googleapis.com/projects/${project}/secrets/${id}`,
        topic: `//pubsub.googleapis.com/projects/${project}/topics/${id}`,
        queue: `//pubsub.googleapis.com/projects/${project}/subscriptions/${id}`,
        table: `//bigquery.googleapis.com/projects/${project}/datasets/${id}`,
        service: `//run.googleapis.com/projects/${project}/locations/europe-west1/services/${id}`,
        "container-repo": `//artifactregistry.googleapis.com/projects/${project}/locations/europe-west1/repositories/${id}`,
        key: `//cloudkms.googleapis.com/projects/${project}/locations/europe-west1/keyRings/agents/cryptoKeys/${id}`,
        logs: `//logging.googleapis.com/projects/${project}`,
        metrics: `//monitoring.googleapis.com/projects/${project}`,
        runtime: `//iam.googleapis.com/projects/${project}/serviceAccounts/${id}-runtime@${project}.iam.gserviceaccount.com`,
      };
      return refs[kind];
    }
    case "azure": {
      const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/data-${id}`;
      const at = (path: string) => `${group}/providers/${path}`;
      const refs: Partial<Record<ResourceKind, string>> = {
        bucket: at(`Microsoft.Storage/storageAccounts/acme${id}/blobServices/default/containers/reports`),
        table: at(`Microsoft.Storage/storageAccounts/acme${id}/tableServices/default/tables/orders`),
        secret: at(`Microsoft.KeyVault/vaults/kv-${id}`),
        queue: at(`Microsoft.ServiceBus/namespaces/bus-${id}/queues/findings`),
        topic: at(`Microsoft.ServiceBus/namespaces/bus-${id}/topics/findings`),
        "container-repo": at(`Microsoft.ContainerRegistry/registries/acr${id}`),
        service: at(`Microsoft.App/containerApps/${id}`),
        function: at(`Microsoft.Web/sites/${id}`),
        logs: at(`Microsoft.OperationalInsights/workspaces/logs-${id}`),
        key: at(`Microsoft.KeyVault/vaults/kv-${id}/keys/data`),
        "resource-group": group,
        runtime: at(`Microsoft.App/managedEnvironments/env-${id}`),
      };
      return refs[kind];
    }
  }
}

/** Kinds each cloud can name. */
export const KINDS_BY_CLOUD: Record<Cloud, readonly ResourceKind[]> = {
  aws: [
    "bucket",
    "object",
    "table",
    "secret",
    "queue",
    "topic",
    "logs",
    "function",
    "service",
    "container-repo",
    "key",
  ],
  gcp: [
    "bucket",
    "secret",
    "topic",
    "queue",
    "table",
    "service",
    "container-repo",
    "key",
    "logs",
    "metrics",
    "runtime",
  ],
  azure: [
    "bucket",
    "table",
    "secret",
    "queue",
    "topic",
    "container-repo",
    "service",
    "function",
    "logs",
    "key",
    "resource-group",
    "runtime",
  ],
};

/**
 * What a deploy of a service needs named beside it (a runtime identity it acts as or an environment
 * it joins): added to a catalog role's resources, so that generated deploys are valid specs.
 */
function neededBeside(cloud: Cloud, kind: ResourceKind, id: string, project: string): string[] {
  if (kind !== "service" || cloud === "aws") return [];
  return [resourceRef(cloud, "runtime", id, project)!];
}

/** AWS actions the IAM catalog offers only on `*` (checked by the soundness test against the catalog). */
export const WILDCARD_ONLY_ACTIONS: readonly string[] = [
  "sts:GetCallerIdentity",
  "s3:ListAllMyBuckets",
  "cloudwatch:ListDashboards",
  "ec2:DescribeInstances",
  "logs:DescribeLogGroups",
];

/** A resource reference symbolically, resolved once the program's project is known. */
interface RefPlan {
  readonly cloud: Cloud;
  readonly kind: ResourceKind;
  readonly id: string;
}

type GrantPlan =
  | {
      readonly form: "role";
      readonly role: (typeof CATALOG_ROLE_NAMES)[number];
      readonly refs: readonly RefPlan[];
      readonly untilDays?: number;
      readonly dataClass?: "pii" | "financial";
    }
  | {
      readonly form: "resource";
      readonly ref: RefPlan;
      readonly access: readonly AccessLevel[];
      readonly include: readonly ("delete" | "export")[];
      readonly untilDays?: number;
    }
  | { readonly form: "actions"; readonly actions: readonly string[] };

/** Where an agent runs, with the AWS provider its issuer needs. */
interface RunsOnPlan {
  readonly runsOn: RunsOn;
  readonly issuerUrl: string;
  readonly audience?: string;
}

/** One agent of a generated program. */
export interface AgentPlan {
  readonly name: string;
  readonly owner: string;
  readonly purpose: string;
  readonly expiresInDays: number;
  readonly runsOn: RunsOnPlan;
  readonly clouds: readonly Cloud[];
  readonly grants: readonly GrantPlan[];
  readonly maxSessionDuration: number;
  readonly disabled: boolean;
  readonly approval?: string;
  readonly budget: boolean;
  readonly awsProvider: "component" | "arn";
  readonly gcpPool: "component" | "existing";
  readonly team?: string;
  readonly costCenter?: string;
  /** Tools on the gateway of the agent's issuer (a gateway trusts one issuer), from `TOOL_GRANTS`. */
  readonly tools?: readonly ToolPermissionSpec[];
}

/** A generated program: agents of one environment, deployed as the stack of that environment. */
export interface ProgramPlan {
  readonly environment: string;
  readonly project: string;
  readonly boundary: boolean;
  readonly agents: readonly AgentPlan[];
}

const environmentArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("prod", "dev", "staging") },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,9}[a-z0-9]$/) },
);
const ownerArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "keisha.okafor@acme.example",
      "j.doe+agents@corp.example.com",
      "ana-maria@eu.acme.example",
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,14}[a-z0-9]$/), fc.constantFrom("acme.example", "acme.co.uk"))
      .map(([local, domain]) => `${local}@${domain}`),
  },
);
/** Purposes people write: words, punctuation, other scripts; at least 10 characters once trimmed. */
const purposeArb = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "Reviews pull requests and posts findings",
        "Reads nightly reports for the finance team",
        "Deploys the api service after review",
        "Réconcilie les paiements (EU) — nightly",
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.constantFrom(
            "reads",
            "the",
            "sales",
            "tables",
            "nightly",
            "posts",
            "findings",
            "to",
            "Slack",
            "for",
            "team-x",
            "v2.1",
            "(EU)",
            "&",
            "über",
            "données",
            "; owner",
            "=",
            "purpose",
            "q/a",
          ),
          { minLength: 3, maxLength: 12 },
        )
        .map((words) => words.join(" "))
        .filter((text) => text.trim().length >= 10 && text.length <= 200),
    },
    // A valid purpose still says something in a tag (spec rule; the refusal is tested on its own).
  )
  .filter((text) => awsTagValue(text).length >= 10);

const refArb = (cloud: Cloud, kinds: readonly ResourceKind[] = KINDS_BY_CLOUD[cloud]): fc.Arbitrary<RefPlan> =>
  fc.record({ cloud: fc.constant(cloud), kind: fc.constantFrom(...kinds), id: name(4, 12) });

function grantArb(clouds: readonly Cloud[], rich: boolean): fc.Arbitrary<GrantPlan> {
  const cloud = fc.constantFrom(...clouds);
  const role = fc.constantFrom(...CATALOG_ROLE_NAMES).chain((roleName) => {
    const kinds = Object.keys(ROLE_CATALOG[roleName].access) as ResourceKind[];
    const refs = fc.array(
      cloud.chain((chosen) => {
        const usable = kinds.filter((kind) => KINDS_BY_CLOUD[chosen].includes(kind));
        return usable.length > 0
          ? refArb(chosen, usable).map((ref): RefPlan | undefined => ref)
          : fc.constant<RefPlan | undefined>(undefined);
      }),
      // A role without account-wide actions needs resources to apply to.
      { minLength: "accountWide" in ROLE_CATALOG[roleName] ? 0 : 1, maxLength: 3 },
    );
    return fc.record({
      form: fc.constant("role" as const),
      role: fc.constant(roleName),
      refs: refs.map((list) => list.filter((ref): ref is RefPlan => ref !== undefined)),
      untilDays: clouds.includes("azure")
        ? fc.constant(undefined)
        : fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      dataClass: fc.option(fc.constantFrom("pii" as const, "financial" as const), { nil: undefined }),
    });
  });
  const resource = cloud.chain((chosen) =>
    fc.record({
      form: fc.constant("resource" as const),
      ref: refArb(chosen),
      access: fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom<AccessLevel[]>(
            ["read"],
            ["list"],
            ["read", "list"],
            ["write"],
            ["read", "write"],
            ["read", "list", "write"],
          ),
        },
        // Changing permissions on a named resource (with the approval the spec then asks for).
        {
          weight: rich ? 4 : 0,
          arbitrary: fc.constantFrom<AccessLevel[]>(["read", "permissions"], ["read", "write", "permissions"]),
        },
        { weight: 1, arbitrary: fc.subarray([...ACCESS_LEVELS], { minLength: 1 }) },
      ),
      include: fc.oneof(
        { weight: 3, arbitrary: fc.constant<("delete" | "export")[]>([]) },
        { weight: 1, arbitrary: fc.subarray(["delete", "export"] as const) },
      ),
      // Azure refuses grants that end on a date at spec time (no PIM schedule): only the other clouds get them.
      untilDays:
        chosen === "azure" ? fc.constant(undefined) : fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    }),
  );
  const actions = fc.record({
    form: fc.constant("actions" as const),
    actions: fc.subarray([...WILDCARD_ONLY_ACTIONS], { minLength: 1 }),
  });
  return clouds.includes("aws")
    ? fc.oneof({ weight: 3, arbitrary: role }, { weight: 3, arbitrary: resource }, { weight: 1, arbitrary: actions })
    : fc.oneof(role, resource);
}

const githubRepo = fc
  .tuple(fc.constantFrom("acme", "acme-corp", "a1"), fc.constantFrom("api", "web.site", "tools_x", "api-gateway"))
  .map(([org, repo]) => `${org}/${repo}`);

function runsOnArb(environment: string): fc.Arbitrary<RunsOnPlan> {
  const github = "https://token.actions.githubusercontent.com";
  return fc.oneof(
    githubRepo.map((repository) => ({ runsOn: { kind: "github-actions", repository } as RunsOn, issuerUrl: github })),
    githubRepo.map((repository) => ({
      runsOn: { kind: "github-actions", repository, environment } as RunsOn,
      issuerUrl: github,
    })),
    fc
      .tuple(githubRepo, fc.integer({ min: 1, max: 2e9 }), fc.integer({ min: 1, max: 2e9 }))
      .map(([repository, ownerId, repositoryId]) => ({
        runsOn: { kind: "github-actions", repository, ownerId, repositoryId } as RunsOn,
        issuerUrl: github,
      })),
    fc
      .tuple(githubRepo, fc.constantFrom("refs/heads/main", "refs/tags/v1.2.0", "refs/heads/release/2026"))
      .map(([repository, ref]) => ({
        runsOn: { kind: "github-actions", repository, ref } as RunsOn,
        issuerUrl: github,
      })),
    fc.tuple(githubRepo, fc.constantFrom("acme")).map(([repository, slug]) => ({
      runsOn: { kind: "github-actions", repository, issuerUrl: `${github}/${slug}` } as RunsOn,
      issuerUrl: `${github}/${slug}`,
    })),
    // GitLab's subject names project and ref, not the environment (the spec refuses one).
    fc
      .tuple(
        fc.constantFrom("acme/api", "acme/platform/api", "acme/platform/tools/bot"),
        fc.option(fc.constantFrom("main", "release"), { nil: undefined }),
        fc.option(fc.constantFrom("branch" as const, "tag" as const), { nil: undefined }),
      )
      .map(([project, ref, refType]) => ({
        runsOn: { kind: "gitlab-ci", project, ...(ref ? { ref } : {}), ...(refType ? { refType } : {}) } as RunsOn,
        issuerUrl: "https://gitlab.com",
      })),
    fc
      .tuple(fc.constantFrom("agents", "ml-prod", "default"), fc.constantFrom("bot", "pr-reviewer", "a.b"))
      .map(([namespace, serviceAccount]) => ({
        runsOn: {
          kind: "kubernetes",
          issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123",
          namespace,
          serviceAccount,
        } as RunsOn,
        issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123",
      })),
    fc
      .tuple(
        fc.constantFrom("agent:one", "svc-42", "spiffe://acme.example/agents/one"),
        fc.option(fc.constant("acme-agents"), { nil: undefined }),
      )
      .map(([subject, audience]) => ({
        runsOn: {
          kind: "oidc",
          issuerUrl: "https://auth.acme.example",
          subject,
          ...(audience ? { audience } : {}),
        } as RunsOn,
        issuerUrl: "https://auth.acme.example",
        audience,
      })),
  );
}

function agentArb(environment: string, agentName: string, rich: boolean): fc.Arbitrary<AgentPlan> {
  return (
    fc
      .tuple(fc.subarray(["aws", "gcp", "azure"] as Cloud[], { minLength: rich ? 2 : 1 }), runsOnArb(environment))
      .chain(([clouds, runsOn]) =>
        fc.record({
          name: fc.constant(agentName),
          owner: ownerArb,
          purpose: purposeArb,
          expiresInDays: fc.integer({ min: 31, max: 120 }),
          // Azure federated credentials accept only Azure's audience.
          runsOn: fc.constant(
            clouds.includes("azure") && runsOn.audience
              ? { ...runsOn, runsOn: { ...runsOn.runsOn, audience: undefined } as RunsOn, audience: undefined }
              : runsOn,
          ),
          clouds: fc.constant(clouds),
          grants: fc
            .tuple(
              fc.array(grantArb(clouds, rich), { minLength: rich ? 2 : 0, maxLength: rich ? 6 : 4 }),
              // Rich AWS agents often also manage who else may use one of their resources (a bucket or queue policy).
              rich && clouds.includes("aws")
                ? fc.option(
                    refArb("aws", ["bucket", "queue", "topic", "secret"]).map(
                      (ref): GrantPlan => ({ form: "resource", ref, access: ["read", "permissions"], include: [] }),
                    ),
                    { nil: undefined },
                  )
                : fc.constant(undefined),
            )
            .map(([grants, extra]) => (extra ? [...grants, extra] : grants)),
          maxSessionDuration: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(900, 1800, 3600) },
            { weight: 1, arbitrary: fc.integer({ min: 3601, max: SESSION_LIMITS.maximum }) },
          ),
          disabled: fc.constantFrom(false, false, false, true),
          approval: fc.option(fc.constantFrom("SEC-1234", "https://tickets.acme.example/SEC-77"), {
            nil: undefined,
            freq: 3,
          }),
          budget: fc.constant(true),
          awsProvider: fc.constantFrom("component" as const, "arn" as const),
          gcpPool: fc.constantFrom("component" as const, "existing" as const),
          team: fc.option(fc.constantFrom("platform", "data & ml"), { nil: undefined }),
          costCenter: fc.option(fc.constantFrom("CC-42", "eng/platform"), { nil: undefined }),
          tools: fc.option(fc.subarray([...TOOL_GRANTS], { minLength: 1, maxLength: 3 }), { nil: undefined }),
        }),
      )
      // Grants that change permissions, delete or export need an approval (else the spec is not valid).
      // High-risk tools need an approval too.
      .map((plan) =>
        plan.tools?.some((entry) => HIGH_RISK_TOOLS.has(`${entry.target}/${entry.tool}`))
          ? { ...plan, approval: plan.approval ?? "SEC-1234" }
          : plan,
      )
      .map((plan) =>
        plan.grants.some(
          (grant) => grant.form === "resource" && (grant.access.includes("permissions") || grant.include.length > 0),
        )
          ? { ...plan, approval: plan.approval ?? "SEC-1234" }
          : plan,
      )
  );
}

/**
 * Programs of one to three agents (`rich`: each on two clouds or more, with more grants, some that
 * change permissions: more for a mutation to change). Every program names the permissions boundary
 * and every agent has a budget: with all policies mandatory, the pack asks for both (the advisory
 * policies become requirements).
 */
export function programArbitrary(
  options: { environment?: fc.Arbitrary<string>; maxAgents?: number; rich?: boolean } = {},
): fc.Arbitrary<ProgramPlan> {
  return fc
    .tuple(
      options.environment ?? environmentArb,
      fc.constantFrom("acme-agents-prod", "acme-agents-dev"),
      fc.uniqueArray(name(3, 14), { minLength: 1, maxLength: options.maxAgents ?? 3 }),
    )
    .chain(([environment, project, names]) =>
      fc
        .tuple(...names.map((agentName) => agentArb(environment, agentName, options.rich ?? false)))
        .map((agents) =>
          validPlan({ environment, project, boundary: true, agents: oneSubjectPerGateway(agents, environment) }),
        ),
    );
}

/**
 * Tools an agent of a generated program may be allowed, on the gateway of `test/support/gateways.ts`
 * (a target of each kind, each argument type, high-risk tools).
 */
export const TOOL_GRANTS: readonly ToolPermissionSpec[] = [
  { target: "jira", tool: "create_issue", when: { project: { equals: "OPS" } } },
  { target: "jira", tool: "create_issue", when: { project: { oneOf: ["OPS", "SUP"] }, priority: { atMost: 2 } } },
  { target: "payments", tool: "get_order" },
  { target: "payments", tool: "refund", when: { amount: { atMost: 500 }, currency: { equals: "EUR" } } },
  { target: "slack", tool: "post_message", when: { channel: { oneOf: ["#ops", "#reviews"] } } },
  { target: "jira", tool: "delete_issue" },
  { target: "access", tool: "grant_access", when: { role: { equals: "viewer" } } },
];

const HIGH_RISK_TOOLS = new Set(
  TARGETS.flatMap((target) => target.tools.filter((tool) => tool.risk).map((tool) => `${target.name}/${tool.name}`)),
);

/** Two agents with one subject would be one principal to a gateway (the components refuse it): the later one gets no tools. */
function oneSubjectPerGateway(agents: readonly AgentPlan[], environment: string): AgentPlan[] {
  const taken = new Set<string>();
  return agents.map((agent) => {
    if (!agent.tools) return agent;
    const trust = resolveTrust(agent.runsOn.runsOn as never, environment);
    const key = `${trust.issuerUrl}\n${trust.subject}`;
    if (taken.has(key)) return { ...agent, tools: undefined };
    taken.add(key);
    return agent;
  });
}

/** The gateway of an issuer in a program: one per environment and issuer. */
export function gatewayArgsFor(environment: string, issuerUrl: string) {
  return gatewayArgs({ environment, issuer: { url: issuerUrl, audiences: ["https://tools.acme.example"] } });
}

/** Programs of any environment. */
export const programArb: fc.Arbitrary<ProgramPlan> = programArbitrary();

function inDays(days: number): string {
  return new Date(Date.parse(`${todayUtc()}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const POOL_NAME = "projects/123456789012/locations/global/workloadIdentityPools/agents";

/** The spec an agent plan stands for, with the shared components of the program. */
function specOf(
  plan: AgentPlan,
  program: ProgramPlan,
  shared: {
    provider: (issuerUrl: string, audience?: string) => unknown;
    pool: () => unknown;
    stopper: () => unknown;
    gateway: (issuerUrl: string, environment: string) => unknown;
  },
): AgentIdentityArgs {
  const ref = (entry: RefPlan) => resourceRef(entry.cloud, entry.kind, entry.id, program.project)!;
  const grants = plan.grants.map((grant) => {
    switch (grant.form) {
      case "role":
        return {
          role: grant.role,
          resources: [
            ...new Set(
              grant.refs.flatMap((entry) => [
                ref(entry),
                ...(grant.role === "deployment-agent"
                  ? neededBeside(entry.cloud, entry.kind, entry.id, program.project)
                  : []),
              ]),
            ),
          ],
          ...(grant.untilDays ? { until: inDays(Math.min(grant.untilDays, plan.expiresInDays)) } : {}),
          ...(grant.dataClass ? { dataClass: grant.dataClass } : {}),
        };
      case "resource":
        return {
          resource: ref(grant.ref),
          access: [...grant.access],
          ...(grant.include.length > 0 ? { include: [...grant.include] } : {}),
          ...(grant.untilDays ? { until: inDays(Math.min(grant.untilDays, plan.expiresInDays)) } : {}),
        };
      case "actions":
        return { actions: [...grant.actions], resource: "*" as const };
    }
  });
  const host = plan.runsOn.issuerUrl.replace(/^https:\/\//, "");
  const spec: Record<string, unknown> = {
    owner: plan.owner,
    purpose: plan.purpose,
    environment: program.environment,
    expires: inDays(plan.expiresInDays),
    runsOn: plan.runsOn.runsOn,
    grants,
    maxSessionDuration: plan.maxSessionDuration,
    ...(plan.maxSessionDuration > SESSION_LIMITS.maximumShort ? { allowLongSessions: true } : {}),
    disabled: plan.disabled,
    ...(plan.approval ? { approval: plan.approval } : {}),
    ...(plan.team ? { team: plan.team } : {}),
    ...(plan.costCenter ? { costCenter: plan.costCenter } : {}),
  };
  if (plan.clouds.includes("aws"))
    spec.aws = {
      oidcProvider:
        plan.awsProvider === "component"
          ? shared.provider(plan.runsOn.issuerUrl, plan.runsOn.audience)
          : `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`,
    };
  if (plan.clouds.includes("gcp"))
    spec.gcp = {
      project: program.project,
      pool:
        plan.gcpPool === "component" ? shared.pool() : { name: POOL_NAME, provider: `${POOL_NAME}/providers/existing` },
      ...(plan.budget ? { billingAccount: "012345-6789AB-CDEF01" } : {}),
      // Ends grants that take no IAM condition on the review date, and stops the agent at its budget.
      budgetStopper: shared.stopper(),
    };
  if (plan.clouds.includes("azure"))
    spec.azure = {
      subscriptionId: SUBSCRIPTION,
      resourceGroupName: `agents-${program.environment}`,
      location: "westeurope",
    };
  if (plan.budget) spec.budget = { monthly: 250, notify: [plan.owner] };
  if (plan.tools)
    spec.tools = { gateway: shared.gateway(plan.runsOn.issuerUrl, program.environment), allow: plan.tools };
  return spec as unknown as AgentIdentityArgs;
}

/** Shared components stood in for by what they resolve to: enough to validate a spec without a Pulumi run. */
const STAND_INS = {
  gateway: (issuerUrl: string, environment: string) => {
    const parsed = parseGatewayArgs("tools", gatewayArgsFor(environment, issuerUrl));
    return {
      catalog: catalogOf("tools", parsed.args!),
      policyEngineId: "toolspolicies-a1b2c3d4e5",
      gatewayArn: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-a1b2c3d4e5",
    };
  },
  provider: (issuerUrl: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerUrl.replace(/^https:\/\//, "")}`,
  pool: () => ({ name: POOL_NAME, provider: `${POOL_NAME}/providers/existing` }),
  stopper: () => ({ protect: () => undefined }),
};

/**
 * The plan with every grant a cloud's catalog cannot give exactly left out (the spec names each by
 * its index), so that generated programs are valid specs by construction and an agent is refused
 * only for a reason the generator did not foresee (which the soundness test reports).
 */
export function validPlan(program: ProgramPlan): ProgramPlan {
  const agents = program.agents.map((agent) => {
    let current = agent;
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        planAgent(current.name, specOf(current, program, STAND_INS));
        return current;
      } catch (error) {
        if (!(error instanceof SpecError)) throw error;
        const bad = new Set(
          error.problems
            .map((problem) => /^grants\[(\d+)\]/.exec(problem.path)?.[1])
            .filter((index): index is string => index !== undefined)
            .map(Number),
        );
        if (bad.size === 0) return current;
        const grants = current.grants.filter((_, index) => !bad.has(index));
        const needsApproval = grants.some(
          (grant) => grant.form === "resource" && (grant.access.includes("permissions") || grant.include.length > 0),
        );
        current = { ...current, grants, approval: needsApproval ? (current.approval ?? "SEC-1234") : current.approval };
      }
    }
    return current;
  });
  return { ...program, agents };
}

/** What a program declared: the agents made, and those the components refused at spec time (with why). */
export interface Declared {
  readonly created: string[];
  readonly refused: { name: string; error: AgentSpecError }[];
}

/** Declares the program's components (call inside a Pulumi program). Errors other than AgentSpecError propagate. */
export function declareProgram(program: ProgramPlan): Declared {
  const declared: Declared = { created: [], refused: [] };
  const providers = new Map<string, AwsOidcProvider>();
  let pool: GcpWorkloadIdentityPool | undefined;
  const gateways = new Map<string, AgentGateway>();
  let stopper: GcpBudgetStopper | undefined;
  const shared = {
    provider: (issuerUrl: string, audience?: string) => {
      const key = `${issuerUrl} ${audience ?? ""}`;
      let provider = providers.get(key);
      if (!provider) {
        provider = new AwsOidcProvider(`oidc-${providers.size}`, {
          issuerUrl,
          ...(audience ? { audiences: [audience] } : {}),
        });
        providers.set(key, provider);
      }
      return provider;
    },
    pool: () => (pool ??= new GcpWorkloadIdentityPool("agents", { project: program.project })),
    gateway: (issuerUrl: string, environment: string) => {
      let gateway = gateways.get(issuerUrl);
      if (!gateway) {
        gateway = new AgentGateway(`tools-${gateways.size}`, gatewayArgsFor(environment, issuerUrl));
        gateways.set(issuerUrl, gateway);
      }
      return gateway;
    },
    stopper: () =>
      (stopper ??= new GcpBudgetStopper("budget-stopper", { project: program.project, region: "europe-west1" })),
  };
  for (const agent of program.agents) {
    try {
      new AgentIdentity(agent.name, specOf(agent, program, shared));
      declared.created.push(agent.name);
    } catch (error) {
      if (!(error instanceof AgentSpecError)) throw error;
      declared.refused.push({ name: agent.name, error });
    }
  }
  return declared;
}

/** The stack config a program runs with. */
export function stackConfigOf(program: ProgramPlan): Record<string, string> {
  return {
    "agent-iam:environment": program.environment,
    ...(program.boundary ? { "agent-iam:permissionsBoundary": BOUNDARY } : {}),
  };
}

/**
 * The pack config a team that wrote this program would run: thresholds that admit the program's own
 * choices (its longest session, its latest review date), every policy mandatory when `strict`.
 */
export function packConfigOf(
  program: ProgramPlan,
  options: { strict?: boolean; departed?: readonly string[] } = {},
): DirectConfig {
  const longest = Math.max(SESSION_LIMITS.maximumShort, ...program.agents.map((agent) => agent.maxSessionDuration));
  const latest = Math.max(90, ...program.agents.map((agent) => agent.expiresInDays));
  const level = options.strict ? { enforcementLevel: "mandatory" as const } : {};
  return {
    ...(options.strict ? { all: "mandatory" as const } : {}),
    "short-lived-credentials": { ...level, maxSessionSeconds: longest },
    "agent-identity-expiry": { ...level, maxExpiryDays: latest },
    "agent-must-have-owner": { ...level, departedOwners: [...(options.departed ?? [DEPARTED_OWNER])] },
  };
}

/** A recorded program, as the engine hands it to a pack. */
export interface JudgeableProgram {
  readonly plan: ProgramPlan;
  readonly declared: Declared;
  readonly recorded: RecordedStack;
  /** `Analyze` requests: each resource with its inputs. */
  readonly analyze: AnalyzerResource[];
  /** `AnalyzeStack`: every resource with its outputs. */
  readonly stack: AnalyzerResource[];
  readonly stackConfig: Record<string, string>;
}

/** Runs a generated program under mocks and turns what it registered into analyzer requests. */
export async function recordProgram(plan: ProgramPlan, options: { preview?: boolean } = {}): Promise<JudgeableProgram> {
  let declared: Declared = { created: [], refused: [] };
  const stackConfig = stackConfigOf(plan);
  const recorded = await recordStack(() => void (declared = declareProgram(plan)), {
    project: "generated",
    stack: plan.environment,
    config: stackConfig,
    preview: options.preview ?? false,
  });
  const target = { project: recorded.project, stack: recorded.stack, config: stackConfig };
  return {
    plan,
    declared,
    recorded,
    analyze: new AnalyzerView(target).all(recorded.resources, "analyze"),
    stack: new AnalyzerView(target).all(recorded.resources, "stack"),
    stackConfig,
  };
}

/** Whether every wildcard-only action the generator uses is wildcard-only in the IAM catalog. */
export function wildcardOnlyActionsCheck(): string[] {
  return WILDCARD_ONLY_ACTIONS.filter((action) => awsActionInfo(action)?.isWildcardOnly !== true);
}
