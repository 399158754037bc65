import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { CatalogRoleName } from "../src/model/role-catalog";
import { githubActions, gitlabCi, kubernetes, type RunsOn } from "../src/model/runs-on";
import type { Cloud } from "../src/model/resources";

/**
 * The benchmark's fleet: N agents with a realistic mix of catalog roles, issuers, environments and
 * clouds, drawn from a fixed seed so that every run judges the same fleet. The mix is a table
 * (weights), not code: change a weight, not a branch.
 */

/** The seed every benchmark run uses (the fleet of a given N is the same on every machine). */
export const FLEET_SEED = 20_261_123;

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Weighted<T> = readonly (readonly [T, number])[];

function pick<T>(random: () => number, table: Weighted<T>): T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random() * total;
  for (const [value, weight] of table) {
    draw -= weight;
    if (draw < 0) return value;
  }
  return table[table.length - 1]![0];
}

function between(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** The environments of the fleet and how many agents each holds. */
export const ENVIRONMENT_MIX: Weighted<"prod" | "staging" | "dev"> = [
  ["prod", 5],
  ["staging", 2],
  ["dev", 3],
];

/** The catalog roles agents take. */
export const ROLE_MIX: Weighted<CatalogRoleName> = [
  ["code-reviewer", 3],
  ["read-only-monitor", 3],
  ["deployment-agent", 2],
  ["data-reader", 2],
];

/** Where agents run. */
export const ISSUER_MIX: Weighted<"github" | "gitlab" | "kubernetes"> = [
  ["github", 6],
  ["gitlab", 2.5],
  ["kubernetes", 1.5],
];

/** Which clouds an agent is declared on: most on all three, the rest on one or two. */
export const CLOUD_MIX: Weighted<readonly Cloud[]> = [
  [["aws", "gcp", "azure"], 6],
  [["aws"], 1.5],
  [["aws", "gcp"], 1],
  [["gcp"], 0.5],
  [["azure"], 0.5],
  [["gcp", "azure"], 0.5],
];

/** Share of agents with a monthly budget that stops them (besides those the pack requires one of). */
export const BUDGET_SHARE = 0.4;

/** Catalog roles that write (their agents are high risk in production). */
const WRITING_ROLES: readonly CatalogRoleName[] = ["code-reviewer", "deployment-agent"];

const TEAMS = [
  "platform",
  "sre",
  "developer-experience",
  "analytics",
  "support",
  "security",
  "data",
  "payments",
  "search",
  "growth",
] as const;
const PEOPLE = [
  "keisha.okafor",
  "marco.rossi",
  "priya.raman",
  "dana.levi",
  "sam.chen",
  "li.wei",
  "amara.nwosu",
  "jonas.berg",
  "sofia.garcia",
  "omar.haddad",
];
const REPOS = [
  "api",
  "web",
  "platform",
  "analytics",
  "support-bots",
  "payments",
  "search",
  "mobile",
  "infra",
  "data-pipelines",
];

/** Where the agents of one environment live on each cloud (one account, project and subscription per environment). */
export interface EnvironmentSite {
  readonly awsAccountId: string;
  readonly awsRegion: string;
  readonly permissionsBoundaryArn: string;
  readonly gcpProject: string;
  readonly gcpBillingAccount: string;
  readonly gcpRegion: string;
  readonly azureSubscriptionId: string;
  readonly azureResourceGroup: string;
  readonly azureLocation: string;
  readonly clusterIssuerUrl: string;
}

/** The sites of the environments. */
export const SITES: Readonly<Record<string, EnvironmentSite>> = {
  prod: {
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/agent-iam-boundary",
    gcpProject: "acme-agents-prod",
    gcpBillingAccount: "01A2B3-C4D5E6-F7A8B9",
    gcpRegion: "europe-west1",
    azureSubscriptionId: "11111111-2222-4333-8444-555555555555",
    azureResourceGroup: "agents-prod",
    azureLocation: "westeurope",
    clusterIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/5C0FFEE0A1B2C3D4E5F60718293A4B5C",
  },
  staging: {
    awsAccountId: "345678901234",
    awsRegion: "us-east-1",
    permissionsBoundaryArn: "arn:aws:iam::345678901234:policy/agent-iam-boundary",
    gcpProject: "acme-agents-staging",
    gcpBillingAccount: "01A2B3-C4D5E6-F7A8B9",
    gcpRegion: "europe-west1",
    azureSubscriptionId: "22222222-3333-4444-8555-666666666666",
    azureResourceGroup: "agents-staging",
    azureLocation: "westeurope",
    clusterIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/57A61E0A1B2C3D4E5F60718293A4B5C6",
  },
  dev: {
    awsAccountId: "210987654321",
    awsRegion: "us-east-1",
    permissionsBoundaryArn: "arn:aws:iam::210987654321:policy/agent-iam-boundary",
    gcpProject: "acme-agents-dev",
    gcpBillingAccount: "01A2B3-C4D5E6-F7A8B9",
    gcpRegion: "europe-west1",
    azureSubscriptionId: "66666666-7777-4888-9999-000000000000",
    azureResourceGroup: "agents-dev",
    azureLocation: "westeurope",
    clusterIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/D3V0C1A5B2C3D4E5F60718293A4B5C6D",
  },
};

/** Named resources of one kind on each cloud, for the `i`-th resource of an agent. */
/** The named resources of one kind; a deploy target brings what its rollout needs with it. */
type ResourceMaker = (site: EnvironmentSite, env: string, team: string, i: number) => string | readonly string[];

const aws = (site: EnvironmentSite, service: string, resource: string) =>
  `arn:aws:${service}:${site.awsRegion}:${site.awsAccountId}:${resource}`;
const gcpName = (site: EnvironmentSite, service: string, path: string) =>
  `//${service}.googleapis.com/projects/${site.gcpProject}/${path}`;
const azureId = (site: EnvironmentSite, env: string, path: string) =>
  `/subscriptions/${site.azureSubscriptionId}/resourceGroups/data-${env}/providers/${path}`;
const storageAccount = (env: string) => `Microsoft.Storage/storageAccounts/acme${env}data`;

/** Per role and cloud, the kinds of named resources an agent of that role is granted (round robin). */
export const ROLE_RESOURCES: Readonly<Record<CatalogRoleName, Readonly<Record<Cloud, readonly ResourceMaker[]>>>> = {
  "code-reviewer": {
    aws: [
      (_s, env, team, i) => `arn:aws:s3:::acme-${env}-${team}-source-${i}`,
      (s, _e, team, i) => aws(s, "sqs", `${team}-review-findings-${i}`),
      (s, _e, team, i) => aws(s, "sns", `${team}-review-${i}`),
    ],
    gcp: [
      (_s, env, team, i) => `//storage.googleapis.com/projects/_/buckets/acme-${env}-${team}-source-${i}`,
      (s, _e, team, i) => gcpName(s, "pubsub", `topics/${team}-review-findings-${i}`),
    ],
    azure: [
      (s, env, team, i) =>
        azureId(s, env, `${storageAccount(env)}/blobServices/default/containers/${team}-source-${i}`),
      (s, env, team, i) =>
        azureId(s, env, `Microsoft.ServiceBus/namespaces/acme-${env}-bus/queues/${team}-findings-${i}`),
    ],
  },
  "read-only-monitor": {
    aws: [(s, env, team, i) => aws(s, "logs", `log-group:/acme/${env}/${team}-${i}`)],
    gcp: [
      (s) => `//logging.googleapis.com/projects/${s.gcpProject}`,
      (s) => `//monitoring.googleapis.com/projects/${s.gcpProject}`,
    ],
    azure: [
      (s, env, team, i) => azureId(s, env, `Microsoft.OperationalInsights/workspaces/acme-${env}-${team}-logs-${i}`),
    ],
  },
  "deployment-agent": {
    aws: [
      (_s, env, team, i) => `arn:aws:s3:::acme-${env}-${team}-artifacts-${i}`,
      (s, _e, team, i) => aws(s, "ecr", `repository/${team}-${i}`),
      (s, env, team, i) => [
        aws(s, "ecs", `service/acme-${env}/${team}-${i}`),
        aws(s, "ecs", `task-definition/${team}-${i}:*`),
        `arn:aws:iam::${s.awsAccountId}:role/acme-${env}-${team}-${i}-task`,
      ],
    ],
    gcp: [
      (s, _e, team, i) => gcpName(s, "artifactregistry", `locations/europe-west1/repositories/${team}-${i}`),
      (s, _e, team, i) => [
        gcpName(s, "run", `locations/europe-west1/services/${team}-${i}`),
        gcpName(s, "iam", `serviceAccounts/${team}-${i}-runtime@${s.gcpProject}.iam.gserviceaccount.com`),
      ],
    ],
    azure: [
      (s, env, team, i) =>
        azureId(s, env, `Microsoft.ContainerRegistry/registries/acme${env}${team.replace(/-/g, "")}${i}`),
      (s, env, team, i) => [
        azureId(s, env, `Microsoft.App/containerApps/${team}-${i}`),
        azureId(s, env, `Microsoft.App/managedEnvironments/acme-${env}-${team}`),
      ],
    ],
  },
  "data-reader": {
    aws: [
      (_s, env, team, i) => `arn:aws:s3:::acme-${env}-${team}-data-${i}`,
      (s, _e, team, i) => aws(s, "dynamodb", `table/${team}-${i}`),
    ],
    gcp: [
      (_s, env, team, i) => `//storage.googleapis.com/projects/_/buckets/acme-${env}-${team}-data-${i}`,
      (s, _e, team, i) => gcpName(s, "bigquery", `datasets/${team.replace(/-/g, "_")}_${i}`),
    ],
    azure: [
      (s, env, team, i) => azureId(s, env, `${storageAccount(env)}/blobServices/default/containers/${team}-data-${i}`),
      (s, env, team, i) =>
        azureId(s, env, `${storageAccount(env)}/tableServices/default/tables/${team.replace(/-/g, "")}${i}`),
    ],
  },
};

/** One generated agent: its spec as data, and the clouds its program declares it on. */
export interface FleetAgent {
  readonly name: string;
  readonly clouds: readonly Cloud[];
  readonly spec: {
    readonly owner: string;
    readonly team: string;
    readonly costCenter: string;
    readonly purpose: string;
    readonly environment: string;
    readonly expires: string;
    readonly runsOn: RunsOn;
    readonly grants: readonly { readonly role: CatalogRoleName; readonly resources: readonly string[] }[];
    readonly budget?: { readonly monthly: number; readonly notify: readonly string[]; readonly stopAt: number };
  };
}

const PURPOSES: Readonly<Record<CatalogRoleName, string>> = {
  "code-reviewer": "Reviews pull requests and posts its findings for the authors",
  "read-only-monitor": "Reads logs and metrics and reports regressions to on-call",
  "deployment-agent": "Builds release images and rolls them out to the team's services",
  "data-reader": "Reads the team's data for the weekly reports",
};

const ROLE_ABBREVIATION: Readonly<Record<CatalogRoleName, string>> = {
  "code-reviewer": "rev",
  "read-only-monitor": "mon",
  "deployment-agent": "dep",
  "data-reader": "dat",
};

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function runsOnFor(
  random: () => number,
  issuer: "github" | "gitlab" | "kubernetes",
  team: string,
  env: string,
  site: EnvironmentSite,
  name: string,
): RunsOn {
  const repo = REPOS[between(random, 0, REPOS.length - 1)]!;
  if (issuer === "github") return githubActions({ repository: `acme/${repo}` });
  // GitLab's subject names project and ref only: each environment deploys from its own protected branch.
  if (issuer === "gitlab")
    return gitlabCi({ project: `acme/${team}/${repo}`, ref: env === "prod" ? "main" : env, refType: "branch" });
  return kubernetes({ issuerUrl: site.clusterIssuerUrl, namespace: `agents-${env}`, serviceAccount: name });
}

/**
 * The fleet of `count` agents for `seed`. Review dates are set from `today` (within the 90 days the
 * pack allows), so the same fleet stays valid on every day it is generated.
 */
export function generateFleet(count: number, options: { seed?: number; today?: string } = {}): FleetAgent[] {
  const random = seededRandom(options.seed ?? FLEET_SEED);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const agents: FleetAgent[] = [];
  for (let index = 0; index < count; index += 1) {
    const role = pick(random, ROLE_MIX);
    const environment = pick(random, ENVIRONMENT_MIX);
    const issuer = pick(random, ISSUER_MIX);
    const clouds = pick(random, CLOUD_MIX);
    const team = TEAMS[between(random, 0, TEAMS.length - 1)]!;
    const person = PEOPLE[between(random, 0, PEOPLE.length - 1)]!;
    const site = SITES[environment]!;
    const name = `${team.slice(0, 12).replace(/-$/, "")}-${ROLE_ABBREVIATION[role]}-${environment}-${index}`;
    const resources: string[] = [];
    for (const cloud of clouds) {
      const makers = ROLE_RESOURCES[role][cloud];
      const wanted = between(random, 1, 3);
      for (let i = 0; i < wanted; i += 1)
        resources.push(...[makers[i % makers.length]!(site, environment, team, index * 10 + i)].flat());
    }
    const owner = `${person}@acme.example`;
    // Agents that write in production are high risk: the pack wants a budget on them, so they have one.
    const needsBudget = environment === "prod" && WRITING_ROLES.includes(role);
    const budget =
      random() < BUDGET_SHARE || needsBudget
        ? { monthly: between(random, 5, 60) * 10, notify: [owner, "finops@acme.example"], stopAt: 100 }
        : undefined;
    agents.push({
      name,
      clouds,
      spec: {
        owner,
        team,
        costCenter: `cc-${team}`,
        purpose: PURPOSES[role],
        environment,
        expires: addDays(today, between(random, 20, 85)),
        runsOn: runsOnFor(random, issuer, team, environment, site, name),
        grants: [{ role, resources: [...new Set(resources)] }],
        ...(budget ? { budget } : {}),
      },
    });
  }
  return agents;
}

/** The stack the benchmark's program runs as (not an environment's name: the fleet spans three). */
export const FLEET_STACK = "fleet";

/** Options of {@link writeFleetProgram}. */
export interface FleetProgramOptions {
  readonly seed?: number;
  readonly today?: string;
  /** The agents to declare (a part of a larger fleet) instead of the fleet of `count`. */
  readonly agents?: readonly FleetAgent[];
  /** The project's name (default `agent-fleet-COUNT`). */
  readonly project?: string;
  /** The stack (default {@link FLEET_STACK}). */
  readonly stack?: string;
}

/**
 * Writes a Pulumi program for the fleet of `count` agents (or `options.agents`) into `dir`:
 * `Pulumi.yaml`, the stack's config, `fleet.json` (the specs) and an `index.ts` that declares them
 * with `bench/fleet-program.ts`.
 */
export function writeFleetProgram(
  dir: string,
  count: number,
  options: FleetProgramOptions = {},
): { dir: string; agents: FleetAgent[] } {
  const agents = options.agents ? [...options.agents] : generateFleet(count, options);
  const size = agents.length;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: ${options.project ?? `agent-fleet-${size}`}\nruntime: nodejs\nmain: index.ts\ndescription: agent-iam benchmark fleet of ${size} agents (seed ${options.seed ?? FLEET_SEED}).\n`,
  );
  writeFileSync(join(dir, `Pulumi.${options.stack ?? FLEET_STACK}.yaml`), "config:\n  aws:region: us-east-1\n");
  writeFileSync(join(dir, "fleet.json"), JSON.stringify(agents));
  // The program's own dependencies are this repository's: as if installed in the program's folder.
  const modules = join(dir, "node_modules");
  if (!existsSync(modules)) symlinkSync(join(__dirname, "..", "node_modules"), modules, "dir");
  let declaration = relative(dir, join(__dirname, "fleet-program")).split(sep).join("/");
  if (!declaration.startsWith(".")) declaration = `./${declaration}`;
  writeFileSync(
    join(dir, "index.ts"),
    `// Generated by bench/fleet.ts: ${size} agents.\nimport { declareFleet } from ${JSON.stringify(declaration)};\n\nexport default async function () {\n  const agents = await declareFleet(require("./fleet.json"));\n  return { agents: agents.length };\n}\n`,
  );
  return { dir, agents };
}
