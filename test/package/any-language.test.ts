import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import type * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { recordStack, type RecordedResource } from "../../src/gate/program/record";
import { CATALOG_ROLE_NAMES } from "../../src/model/role-catalog";
import { agentSpecSchema } from "../../src/model/spec";
import { gatewayArgsSchema } from "../../src/model/gateway";
import { argumentTestSchema, toolPermissionSchema, toolSpecSchema } from "../../src/model/tools";
import {
  awsWorkloadSchema,
  azureWorkloadSchema,
  gcpWorkloadSchema,
  genericOidcSchema,
  githubActionsSchema,
  gitlabCiSchema,
  kubernetesSchema,
} from "../../src/model/issuers";
import { declareFleet, FLEET_DEFAULTS } from "../../examples/fleet/fleet";
import { validAwsSpec } from "../support/arbitraries";
import { runs } from "../support/property";
import { REPO } from "../support/package";

/**
 * agent-iam for every Pulumi language, tested as Pulumi's own SDK tests its component providers
 * (sdk/nodejs/tests/provider/experimental/provider.spec.ts): in process, `ComponentProvider` over the
 * package's `provider/` folder as `npm install` lays it out from the tarball, so the schema is inferred
 * from the shipped declarations and tsconfig.json, and `construct` builds the shipped classes.
 */

type Schema = {
  name: string;
  resources: Record<string, SchemaResource>;
  types: Record<string, { properties?: Record<string, SchemaProperty>; required?: string[] }>;
};
type SchemaProperty = {
  type?: string;
  $ref?: string;
  description?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
};
type SchemaResource = {
  isComponent: boolean;
  description?: string;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs?: string[];
  properties: Record<string, SchemaProperty>;
};

// biome-ignore lint/suspicious/noExplicitAny: the package's compiled modules, loaded from the tarball.
type Module = Record<string, any>;

let installed: string;
let served: Module;
let library: Module;
let provider: ComponentProvider;
let schema: Schema;

beforeAll(async () => {
  // The tarball unpacked where npm puts it; its dependencies resolve from this repository's node_modules
  // (the same versions a consumer installs), so the components and this test share one Pulumi SDK.
  const project = join(REPO, "test-output", "any-language");
  rmSync(project, { recursive: true, force: true });
  installed = join(project, "node_modules", "@agent-iam", "pulumi");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", inject("packageTarball"), "--strip-components=1", "-C", installed]);
  served = require(join(installed, "provider"));
  library = require(installed);
  const components = Object.values(served).filter((value) => typeof value === "function");
  provider = new ComponentProvider({ components, dirname: join(installed, "provider"), name: "agent-iam" });
  const text = await provider.getSchema();
  // Kept for scripts/validate-package-schema.py, which checks it against Pulumi's package metaschema.
  writeFileSync(join(project, "schema.json"), text);
  schema = JSON.parse(text);
}, 120_000);

const FULL = "agent-iam:index:";

/** A field of a zod object is required when the field's schema refuses `undefined`. */
function requiredOf(shape: Record<string, z.ZodType>): string[] {
  return Object.entries(shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key)
    .sort();
}

/** The fields of a zod object, through a transform's pipe. */
function shapeOf(schema: unknown): Record<string, z.ZodType> {
  const object = schema as { shape?: Record<string, z.ZodType>; def?: { in?: unknown } };
  return object.shape ?? shapeOf(object.def!.in);
}

function typeOf(ref: string | undefined): { properties?: Record<string, SchemaProperty>; required?: string[] } {
  return schema.types[ref!.replace("#/types/", "")]!;
}

describe("the schema Pulumi infers from the package as installed", () => {
  it("has every served component under agent-iam:index:<class name>, and nothing else", () => {
    expect(schema.name).toBe("agent-iam");
    const classes = Object.entries(served)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => `${FULL}${name}`)
      .sort();
    expect(classes).toEqual(
      expect.arrayContaining([
        `${FULL}AgentIdentity`,
        `${FULL}AwsOidcProvider`,
        `${FULL}GcpWorkloadIdentityPool`,
        `${FULL}GcpBudgetStopper`,
        `${FULL}AgentGateway`,
      ]),
    );
    expect(Object.keys(schema.resources).sort()).toEqual(classes);
    for (const resource of Object.values(schema.resources)) {
      expect(resource.isComponent).toBe(true);
      expect(resource.description).toBeTruthy();
    }
  });

  it("AgentIdentity takes the spec's fields, required as the spec's schema requires them", () => {
    const identity = schema.resources[`${FULL}AgentIdentity`]!;
    const shape = (agentSpecSchema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
    expect(Object.keys(identity.inputProperties).sort()).toEqual(Object.keys(shape).sort());
    expect([...(identity.requiredInputs ?? [])].sort()).toEqual(requiredOf(shape));
    // runsOn's members are the presets, with the presets' own fields and required flags.
    const runsOn = typeOf(identity.inputProperties.runsOn!.$ref);
    const presets = {
      githubActions: githubActionsSchema,
      gitlabCi: gitlabCiSchema,
      kubernetes: kubernetesSchema,
      oidc: genericOidcSchema,
      awsWorkload: awsWorkloadSchema,
      gcpWorkload: gcpWorkloadSchema,
      azureWorkload: azureWorkloadSchema,
    };
    expect(Object.keys(runsOn.properties!).sort()).toEqual(Object.keys(presets).sort());
    for (const [member, preset] of Object.entries(presets)) {
      const { kind: _kind, ...fields } = (preset as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
      const type = typeOf(runsOn.properties![member]!.$ref);
      expect(Object.keys(type.properties!).sort(), member).toEqual(Object.keys(fields).sort());
      expect([...(type.required ?? [])].sort(), member).toEqual(requiredOf(fields));
    }
  });

  it("AgentGateway takes the gateway's arguments, required as its schema requires them, and gives its reference to agents", () => {
    const gateway = schema.resources[`${FULL}AgentGateway`]!;
    const shape = shapeOf(gatewayArgsSchema);
    expect(Object.keys(gateway.inputProperties).sort()).toEqual(Object.keys(shape).sort());
    expect([...(gateway.requiredInputs ?? [])].sort()).toEqual(requiredOf(shape));
    const target = typeOf(gateway.inputProperties.targets!.items!.$ref);
    const targetFields = shapeOf((shape.targets as unknown as z.ZodArray).element);
    expect(Object.keys(target.properties!).sort()).toEqual(Object.keys(targetFields).sort());
    expect([...(target.required ?? [])].sort()).toEqual(requiredOf(targetFields));
    // credentials: one object whose members are the union's, none required (zod checks exactly one).
    const credentials = typeOf(target.properties!.credentials!.$ref);
    expect(Object.keys(credentials.properties!).sort()).toEqual(["apiKey", "gatewayRole", "oauth2"]);
    expect(credentials.required ?? []).toEqual([]);
    const tool = typeOf(target.properties!.tools!.items!.$ref);
    const toolFields = shapeOf(toolSpecSchema);
    expect(Object.keys(tool.properties!).sort()).toEqual(Object.keys(toolFields).sort());
    expect([...(tool.required ?? [])].sort()).toEqual(requiredOf(toolFields));
    expect(Object.keys(gateway.properties).sort()).toEqual(
      ["gatewayArn", "gatewayId", "gatewayUrl", "policyEngineArn", "policyEngineId", "reference", "roleArn"].sort(),
    );
    // The gateway's reference output is what an agent's tools.gateway takes.
    const identity = schema.resources[`${FULL}AgentIdentity`]!;
    const tools = typeOf(identity.inputProperties.tools!.$ref);
    expect(tools.properties!.gateway!.$ref).toBe(gateway.properties.reference!.$ref);
    expect(Object.keys(typeOf(gateway.properties.reference!.$ref).properties!).sort()).toEqual([
      "catalog",
      "gatewayArn",
      "policyEngineId",
    ]);
    // A condition's value is typed by its member: every language declares it without a union.
    const permission = typeOf(tools.properties!.allow!.items!.$ref);
    const permissionFields = shapeOf(toolPermissionSchema);
    expect(Object.keys(permission.properties!).sort()).toEqual(Object.keys(permissionFields).sort());
    const condition = typeOf(permission.properties!.when!.additionalProperties!.$ref);
    const conditionFields = shapeOf(argumentTestSchema);
    expect(Object.keys(condition.properties!).sort()).toEqual(Object.keys(conditionFields).sort());
    expect(condition.properties!.equals!.type).toBe("string");
    expect(condition.properties!.equalsNumber!.type).toBe("number");
    expect(condition.properties!.equalsBoolean!.type).toBe("boolean");
  });

  it("every input of every component and of every type it takes is described", () => {
    const undescribed: string[] = [];
    const seen = new Set<string>();
    const visit = (where: string, properties: Record<string, SchemaProperty>) => {
      for (const [key, property] of Object.entries(properties)) {
        if (!property.description) undescribed.push(`${where}.${key}`);
        const ref = property.$ref ?? property.items?.$ref;
        if (ref?.startsWith("#/types/") && !seen.has(ref)) {
          seen.add(ref);
          visit(ref.replace(`#/types/${FULL}`, ""), typeOf(ref).properties ?? {});
        }
      }
    };
    for (const [token, resource] of Object.entries(schema.resources))
      visit(token.replace(FULL, ""), resource.inputProperties);
    expect(undescribed).toEqual([]);
  });

  it("outputs other languages read: the role ARN, the service-account email, the managed identity's ids, the environment, the snippets, the inventory record", () => {
    const identity = schema.resources[`${FULL}AgentIdentity`]!;
    expect(Object.keys(identity.properties).sort()).toEqual(
      ["agentId", "aws", "azure", "delegation", "gcp", "inventoryRecordJson"].sort(),
    );
    expect(Object.keys(typeOf(identity.properties.aws!.$ref).properties!).sort()).toEqual([
      "environment",
      "roleArn",
      "roleName",
      "snippet",
    ]);
    expect(typeOf(identity.properties.aws!.$ref).properties!.environment!.additionalProperties?.type).toBe("string");
    expect(Object.keys(typeOf(identity.properties.gcp!.$ref).properties!)).toEqual(
      expect.arrayContaining(["serviceAccountEmail", "snippet", "principal", "providerName"]),
    );
    expect(Object.keys(typeOf(identity.properties.azure!.$ref).properties!)).toEqual(
      expect.arrayContaining(["clientId", "tenantId", "principalId", "snippet"]),
    );
    expect(identity.properties.inventoryRecordJson!.type).toBe("string");
    expect(Object.keys(schema.resources[`${FULL}AwsOidcProvider`]!.properties)).toEqual(["arn", "issuerUrl"]);
    expect(Object.keys(schema.resources[`${FULL}GcpBudgetStopper`]!.properties)).toEqual(
      expect.arrayContaining(["topicId", "serviceAccountEmail", "reference"]),
    );
    // The stopper's reference output is what an agent's gcp.budgetStopper takes.
    const gcp = typeOf(schema.resources[`${FULL}AgentIdentity`]!.inputProperties.gcp!.$ref);
    expect(gcp.properties!.budgetStopper!.$ref).toBe(
      schema.resources[`${FULL}GcpBudgetStopper`]!.properties.reference!.$ref,
    );
    expect(Object.keys(schema.resources[`${FULL}GcpWorkloadIdentityPool`]!.properties)).toEqual(
      expect.arrayContaining(["name", "providerNames"]),
    );
  });
});

const GITHUB_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const ISSUER_ARNS: Record<string, string> = {
  "https://token.actions.githubusercontent.com": GITHUB_ARN,
  "https://gitlab.com": "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
  "https://auth.acme.example": "arn:aws:iam::123456789012:oidc-provider/auth.acme.example",
  "https://oidc.eks.us-east-1.amazonaws.com/id/ABC":
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
};
const MEMBERS: Record<string, string> = {
  "github-actions": "githubActions",
  "gitlab-ci": "gitlabCi",
  kubernetes: "kubernetes",
  oidc: "oidc",
  "aws-workload": "awsWorkload",
  "gcp-workload": "gcpWorkload",
  "azure-workload": "azureWorkload",
};

/** What a Python or YAML author writes for a TypeScript spec: runsOn's member, access as a list. */
function serialisable(spec: Record<string, unknown>): Record<string, unknown> {
  const { kind, ...preset } = spec.runsOn as { kind: string };
  const grants = (spec.grants as Record<string, unknown>[] | undefined)?.map((grant) =>
    "access" in grant && !Array.isArray(grant.access) ? { ...grant, access: [grant.access] } : grant,
  );
  return { ...spec, runsOn: { [MEMBERS[kind]!]: preset }, ...(grants ? { grants } : {}) };
}

/** Type, name, parent and inputs of every resource but the stack, in registration order. */
function registrations(resources: readonly RecordedResource[]): unknown[] {
  return resources
    .filter((resource) => resource.type !== "pulumi:pulumi:Stack")
    .map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs }));
}

const OPTIONS = { stack: "prod", config: { "aws:region": "us-east-1" } };

async function fromTypeScript(name: string, spec: Record<string, unknown>): Promise<unknown[]> {
  const stack = await recordStack(() => new library.AgentIdentity(name, spec), OPTIONS);
  return registrations(stack.resources);
}

async function fromConstruct(name: string, inputs: Record<string, unknown>): Promise<unknown[]> {
  const stack = await recordStack(
    () => provider.construct(name, `${FULL}AgentIdentity`, inputs as pulumi.Inputs, {}),
    OPTIONS,
  );
  return registrations(stack.resources);
}

/** An AWS agent whose provider ARN matches its issuer, as `AgentIdentity` checks. */
function withProvider(spec: Record<string, unknown>): Record<string, unknown> {
  const runsOn = spec.runsOn as { kind: string; issuerUrl?: string };
  const issuer =
    runsOn.issuerUrl ??
    (runsOn.kind === "gitlab-ci" ? "https://gitlab.com" : "https://token.actions.githubusercontent.com");
  return { ...spec, aws: { oidcProvider: ISSUER_ARNS[issuer] } };
}

describe("construct registers what the TypeScript constructor registers", () => {
  it("for an agent of every catalog role", async () => {
    for (const role of CATALOG_ROLE_NAMES) {
      const spec = withProvider({
        owner: "keisha@acme.example",
        purpose: "Reviews pull requests and posts findings",
        environment: "prod",
        expires: "2027-02-15",
        runsOn: { kind: "github-actions", repository: "acme/api" },
        grants: [
          {
            role,
            resources:
              role === "read-only-monitor"
                ? ["arn:aws:logs:us-east-1:123456789012:log-group:/prod/api"]
                : ["arn:aws:s3:::acme-prod-data"],
          },
        ],
        budget: { monthly: 50, notify: ["keisha@acme.example"] },
      });
      const expected = await fromTypeScript(role, spec);
      expect(expected.length, role).toBeGreaterThan(2);
      expect(await fromConstruct(role, serialisable(spec)), role).toEqual(expected);
    }
  });

  it("for generated specs (fast-check)", async () => {
    await fc.assert(
      // The generators' review dates count from their own fixed day; components judge against today's.
      fc.asyncProperty(validAwsSpec, fc.integer({ min: 1, max: 400 }), async (generated, days) => {
        const expires = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
        const spec = withProvider({ ...(generated as Record<string, unknown>), expires });
        const expected = await fromTypeScript("agent", spec);
        expect(await fromConstruct("agent", serialisable(spec))).toEqual(expected);
      }),
      runs(25),
    );
  }, 300_000);

  it("for a GCP agent a GcpBudgetStopper stops: the same budget, and the same grant to the stopper, under the agent", async () => {
    const spec = (budgetStopper: unknown) => ({
      owner: "keisha@acme.example",
      purpose: "Reads nightly reports for the finance team",
      environment: "prod",
      expires: "2027-02-15",
      runsOn: { kind: "github-actions", repository: "acme/reports" },
      grants: [{ role: "data-reader", resources: ["//storage.googleapis.com/projects/_/buckets/acme-prod-reports"] }],
      budget: { monthly: 40, notify: ["keisha@acme.example"], stopAt: 90 },
      gcp: {
        project: "acme-agents-prod",
        pool: {
          name: "projects/123456789012/locations/global/workloadIdentityPools/agent-iam",
          provider: "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/github-acme",
        },
        billingAccount: "01A2B3-C4D5E6-F7A8B9",
        budgetStopper,
      },
    });
    const stopperArgs = { project: "acme-agents-prod", region: "europe-west1" };
    const typescript = await recordStack(() => {
      const stopper = new library.GcpBudgetStopper("budget-stopper", stopperArgs);
      new library.AgentIdentity("report-reader", spec(stopper));
    }, OPTIONS);
    const constructed = await recordStack(async () => {
      const stopper = await provider.construct("budget-stopper", `${FULL}GcpBudgetStopper`, stopperArgs, {});
      const reference = stopper.state.reference;
      await provider.construct(
        "report-reader",
        `${FULL}AgentIdentity`,
        serialisable(spec(reference)) as pulumi.Inputs,
        {},
      );
    }, OPTIONS);
    // What the stopper's protect makes for the agent: the scheduled stop on the review date and the grant.
    const made = (resources: readonly RecordedResource[]) =>
      resources.filter((resource) =>
        ["budget-stopper-may-stop-report-reader", "budget-stopper-expire-report-reader"].includes(resource.name),
      );
    expect(made(typescript.resources).map((resource) => resource.parent)).toEqual([
      expect.stringMatching(/GcpBudgetStopper::budget-stopper$/),
      expect.stringMatching(/GcpBudgetStopper::budget-stopper$/),
    ]);
    expect(made(constructed.resources).map((resource) => resource.parent)).toEqual([
      expect.stringMatching(/AgentIdentity::report-reader$/),
      expect.stringMatching(/AgentIdentity::report-reader$/),
    ]);
    const inputsOf = (resources: readonly RecordedResource[]) =>
      made(resources).map(({ type, name, inputs }) => ({ type, name, inputs }));
    expect(inputsOf(constructed.resources)).toEqual(inputsOf(typescript.resources));
    // Everything else is the same, parents included.
    const others = (resources: readonly RecordedResource[]) =>
      registrations(resources.filter((resource) => !made(resources).includes(resource)));
    expect(others(constructed.resources)).toEqual(others(typescript.resources));
    expect(others(typescript.resources).map((resource) => (resource as { type: string }).type)).toContain(
      "gcp:billing/budget:Budget",
    );
  });

  it("the inventory record other languages read is the TypeScript component's, as JSON", async () => {
    const spec = withProvider({
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings",
      environment: "prod",
      expires: "2027-02-15",
      runsOn: { kind: "github-actions", repository: "acme/api" },
      grants: [{ resource: "arn:aws:s3:::acme-prod-source", access: "read" }],
    });
    const settle = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
    let typescript: unknown;
    let json: string | undefined;
    await recordStack(async () => {
      typescript = await settle(new library.AgentIdentity("pr-reviewer", spec).inventoryRecord);
    }, OPTIONS);
    await recordStack(async () => {
      const result = await provider.construct("pr-reviewer", `${FULL}AgentIdentity`, serialisable(spec), {});
      json = await settle(result.state.inventoryRecordJson as pulumi.Output<string>);
    }, OPTIONS);
    expect((typescript as { id: string }).id).toBe("pr-reviewer");
    expect(JSON.parse(json!)).toEqual(typescript);
  });

  it("the component's own type is the token construct was asked for", async () => {
    const spec = withProvider({
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings",
      environment: "prod",
      expires: "2027-02-15",
      runsOn: { kind: "github-actions", repository: "acme/api" },
    });
    const [component] = (await fromConstruct("pr-reviewer", serialisable(spec))) as { type: string }[];
    expect(component!.type).toBe(`${FULL}AgentIdentity`);
    for (const [name, inputs] of [
      ["AwsOidcProvider", { issuerUrl: "https://gitlab.com" }],
      [
        "GcpWorkloadIdentityPool",
        { project: "acme-prod-agents", issuers: [{ githubActions: { repository: "acme/api" } }] },
      ],
      ["GcpBudgetStopper", { project: "acme-prod-agents", region: "europe-west1" }],
    ] as const) {
      const stack = await recordStack(() => provider.construct("shared", `${FULL}${name}`, inputs, {}), OPTIONS);
      expect(stack.resources[1]!.type).toBe(`${FULL}${name}`);
    }
  });
});

describe("agents whose home is a cloud's own compute, through construct", () => {
  const POOL = {
    name: "projects/123456789012/locations/global/workloadIdentityPools/agent-iam",
    provider: "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/aws-789012-warehouse",
  };
  const ENTRA_PROVIDER =
    "arn:aws:iam::123456789012:oidc-provider/login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0";
  const AZURE_BLOCK = {
    subscriptionId: "11111111-2222-4333-8444-555555555555",
    resourceGroupName: "agents",
    location: "westeurope",
  };
  const base = {
    owner: "keisha@acme.example",
    purpose: "Answers support tickets from the warehouse data",
    environment: "prod",
    expires: "2027-02-15",
  };
  // One grant on each cloud the agent is on.
  const GRANTS: Record<string, { resource: string; access: string }> = {
    aws: { resource: "arn:aws:s3:::acme-prod-support-exports", access: "read" },
    gcp: { resource: "//bigquery.googleapis.com/projects/acme-agents-prod/datasets/warehouse", access: "read" },
    azure: {
      resource:
        "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.Storage/storageAccounts/acmeproddata/blobServices/default/containers/exports",
      access: "read",
    },
  };
  const grantsFor = (fields: Record<string, unknown>) =>
    ["aws", "gcp", "azure"].filter((cloud) => cloud in fields).map((cloud) => GRANTS[cloud]!);
  // Every home, alone and reaching the other clouds (the pairs src/model/workload-rules.ts allows).
  const cases: [string, Record<string, unknown>][] = [
    [
      "a Lambda function reaching GCP",
      {
        runsOn: { kind: "aws-workload", service: "lambda", accountId: "123456789012", functionName: "support-bot" },
        aws: {},
        gcp: { project: "acme-agents-prod", pool: POOL },
      },
    ],
    [
      "an EKS Pod Identity pod reaching Azure",
      {
        runsOn: {
          kind: "aws-workload",
          service: "eks-pod-identity",
          accountId: "123456789012",
          region: "us-east-1",
          cluster: "agents",
          namespace: "support",
          serviceAccount: "support-bot",
        },
        aws: {},
        azure: AZURE_BLOCK,
      },
    ],
    [
      "a GKE pod reaching AWS",
      {
        runsOn: {
          kind: "gcp-workload",
          service: "gke",
          project: "acme-agents-prod",
          namespace: "support",
          serviceAccount: "bot",
        },
        gcp: { project: "acme-agents-prod" },
        aws: {},
      },
    ],
    [
      "a Cloud Run service reaching Azure",
      {
        runsOn: { kind: "gcp-workload", service: "cloud-run", project: "acme-agents-prod" },
        gcp: { project: "acme-agents-prod" },
        azure: AZURE_BLOCK,
      },
    ],
    [
      "an AKS pod",
      {
        runsOn: {
          kind: "azure-workload",
          service: "aks",
          tenantId: "00000000-0000-4000-8000-000000000000",
          issuerUrl: "https://westeurope.oic.prod-aks.azure.com/00000000-0000-4000-8000-000000000000/abc/",
          namespace: "support",
          serviceAccount: "bot",
        },
        azure: AZURE_BLOCK,
      },
    ],
    [
      "a Container App reaching AWS and GCP",
      {
        runsOn: {
          kind: "azure-workload",
          service: "container-apps",
          tenantId: "00000000-0000-4000-8000-000000000000",
          audience: "api://acme-agents",
        },
        azure: AZURE_BLOCK,
        aws: { oidcProvider: ENTRA_PROVIDER },
        gcp: { project: "acme-agents-prod", pool: POOL },
      },
    ],
  ];
  for (const [what, fields] of cases)
    it(what, async () => {
      const spec = { ...base, grants: grantsFor(fields), ...fields };
      const expected = await fromTypeScript("support-bot", spec);
      expect(expected.length).toBeGreaterThan(2);
      expect(await fromConstruct("support-bot", serialisable(spec))).toEqual(expected);
    });

  it("a pool's awsRoles make the provider a TypeScript agent on AWS makes on demand", async () => {
    const spec = {
      ...base,
      grants: [GRANTS.aws!, GRANTS.gcp!],
      runsOn: { kind: "aws-workload", service: "lambda", accountId: "123456789012", functionName: "warehouse" },
      aws: {},
    };
    const providers = (resources: readonly RecordedResource[]) =>
      registrations(
        resources.filter(
          (resource) => resource.type === "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        ),
      );
    let typescriptEmail: unknown;
    const typescript = await recordStack(() => {
      const pool = new library.GcpWorkloadIdentityPool("agents", { project: "acme-agents-prod" });
      typescriptEmail = new library.AgentIdentity("warehouse-analyst", {
        ...spec,
        gcp: { project: "acme-agents-prod", pool },
      });
    }, OPTIONS);
    const constructed = await recordStack(async () => {
      const pool = await provider.construct(
        "agents",
        `${FULL}GcpWorkloadIdentityPool`,
        {
          project: "acme-agents-prod",
          awsRoles: [{ accountId: "123456789012", roleName: "agent-warehouse-analyst-prod" }],
        },
        {},
      );
      const providerNames = pool.state.providerNames as pulumi.Output<string[]>;
      await provider.construct(
        "warehouse-analyst",
        `${FULL}AgentIdentity`,
        serialisable({
          ...spec,
          gcp: {
            project: "acme-agents-prod",
            pool: { name: pool.state.name, provider: providerNames.apply((names) => names[0]!) },
          },
        }) as pulumi.Inputs,
        {},
      );
    }, OPTIONS);
    expect(typescriptEmail).toBeDefined();
    const made = providers(typescript.resources);
    expect(made).toHaveLength(1);
    expect((made[0] as { inputs: { aws?: unknown } }).inputs.aws).toEqual({ accountId: "123456789012" });
    expect(providers(constructed.resources)).toEqual(made);
    // The agent's service account admits the same role principal either way.
    const members = (resources: readonly RecordedResource[]) =>
      resources
        .filter((resource) => resource.type === "gcp:serviceaccount/iAMMember:IAMMember")
        .map((resource) => resource.inputs.member);
    expect(members(constructed.resources)).toEqual(members(typescript.resources));
    expect(members(typescript.resources).join()).toContain(
      "attribute.aws_role/arn:aws:sts::123456789012:assumed-role/agent-warehouse-analyst-prod",
    );
  });

  it("a pool refuses an AWS or GCP workload among its issuers, saying what to write instead", async () => {
    for (const [issuer, message] of [
      [
        { awsWorkload: { service: "lambda", accountId: "123456789012", functionName: "f" } },
        /name the role in awsRoles/,
      ],
      [{ gcpWorkload: { service: "cloud-run", project: "acme-agents-prod" } }, /needs no provider/],
    ] as const) {
      const failure = await provider
        .construct("agents", `${FULL}GcpWorkloadIdentityPool`, { project: "acme-agents-prod", issuers: [issuer] }, {})
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(failure?.message).toMatch(/issuers\[0\]/);
      expect(failure?.message).toMatch(message);
    }
  });
});

describe("invalid inputs fail construct with the spec's message and field path", () => {
  const base = {
    owner: "keisha@acme.example",
    purpose: "Reviews pull requests and posts findings",
    environment: "prod",
    expires: "2027-02-15",
    aws: { oidcProvider: GITHUB_ARN },
  };
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "a wildcard repository",
      { ...base, runsOn: { githubActions: { repository: "acme/*" } } },
      /runsOn\.repository: wildcards/,
    ],
    [
      "two runsOn members",
      {
        ...base,
        runsOn: { githubActions: { repository: "acme/api" }, oidc: { issuerUrl: "https://x.example", subject: "s" } },
      },
      /runsOn: set exactly one of githubActions, gitlabCi, kubernetes, oidc/,
    ],
    [
      "an unknown access level",
      {
        ...base,
        runsOn: { githubActions: { repository: "acme/api" } },
        grants: [{ resource: "arn:aws:s3:::b", access: ["everything"] }],
      },
      /grants\[0\]/,
    ],
    [
      "no owner",
      { ...base, owner: undefined, runsOn: { githubActions: { repository: "acme/api" } } },
      /owner: owner is required/,
    ],
  ];
  for (const [what, inputs, message] of cases)
    it(what, async () => {
      // The spec is checked before the component registers: construct fails before anything exists.
      const failure = await provider.construct("bad", `${FULL}AgentIdentity`, inputs as pulumi.Inputs, {}).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).toMatch(message);
      // The same message as the TypeScript constructor's for the same spec.
      expect(() => new library.AgentIdentity("bad", inputs)).toThrow(failure!.message);
    });
});

describe("a stopper reference that is not one", () => {
  it("fails construct naming each missing field", async () => {
    const inputs = {
      owner: "keisha@acme.example",
      purpose: "Reads nightly reports for the finance team",
      environment: "prod",
      expires: "2027-02-15",
      runsOn: { githubActions: { repository: "acme/reports" } },
      budget: { monthly: 40, notify: ["keisha@acme.example"] },
      gcp: {
        project: "acme-agents-prod",
        pool: {
          name: "projects/123456789012/locations/global/workloadIdentityPools/agent-iam",
          provider: "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/github-acme",
        },
        billingAccount: "01A2B3-C4D5E6-F7A8B9",
        budgetStopper: { name: "budget-stopper", topicId: "projects/acme-agents-prod/topics/agent-iam-budget-stop" },
      },
    };
    await expect(provider.construct("bad", `${FULL}AgentIdentity`, inputs, {})).rejects.toThrow(
      /gcp\.budgetStopper\.serviceAccountEmail: gcp\.budgetStopper is a GcpBudgetStopper's reference output[\s\S]*gcp\.budgetStopper\.roleName/,
    );
  });
});

/** `${resource.property}` references of the YAML program, resolved to what the TypeScript fleet passes. */
const FLEET_REFERENCES: Record<string, string> = {
  "${github.arn}": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  "${gitlab.arn}": "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
  "${eks-agents.arn}":
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/5C0FFEE0A1B2C3D4E5F60718293A4B5C",
  "${agents.name}": "projects/123456789012/locations/global/workloadIdentityPools/agent-iam",
  "${agents.providerNames[0]}":
    "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/github-acme",
  "${agents.providerNames[1]}":
    "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/gitlab-acme-sre",
  "${agents.providerNames[2]}":
    "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/eks-agents",
  "${agents.providerNames[3]}":
    "projects/123456789012/locations/global/workloadIdentityPools/agent-iam/providers/aws-789012-warehouse",
};
const STOPPER_REFERENCE = {
  name: "budget-stopper",
  project: "acme-agents-prod",
  region: "europe-west1",
  topicId: "projects/acme-agents-prod/topics/agent-iam-budget-stop",
  serviceAccountEmail: "agent-iam-budget-stopper@acme-agents-prod.iam.gserviceaccount.com",
  roleName: "projects/acme-agents-prod/roles/agentIamBudgetStopper",
};
const OBJECT_REFERENCES: Record<string, unknown> = { "${budget-stopper.reference}": STOPPER_REFERENCE };

function resolveReferences(value: unknown, outputs: Record<string, unknown> = {}): unknown {
  if (typeof value === "string") return outputs[value] ?? OBJECT_REFERENCES[value] ?? FLEET_REFERENCES[value] ?? value;
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, outputs));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, outputs)]));
  return value;
}

/** The resources under components of `type` (their children's URNs name the type), registered as the program does. */
function under(type: string, resources: readonly RecordedResource[]): unknown[] {
  return registrations(resources.filter((resource) => resource.urn.includes(type)));
}

/** Checks a value against a schema property: known fields only, every required one present. */
function conforms(where: string, value: unknown, property: SchemaProperty, problems: string[]): void {
  if (typeof value === "string" && value.startsWith("${")) return;
  if (property.$ref?.startsWith("#/types/")) {
    const type = typeOf(property.$ref);
    checkObject(where, value, type.properties ?? {}, type.required ?? [], problems);
  } else if (property.additionalProperties?.$ref) {
    // A map of a type (a tool's inputs, a permission's conditions): each value is checked against the type.
    if (typeof value !== "object" || value === null) problems.push(`${where}: expected a map`);
    else
      for (const [key, item] of Object.entries(value))
        conforms(`${where}.${key}`, item, property.additionalProperties, problems);
  } else if (property.type === "array") {
    if (!Array.isArray(value)) problems.push(`${where}: expected a list`);
    else value.forEach((item, index) => conforms(`${where}[${index}]`, item, property.items!, problems));
  } else if (
    property.type &&
    property.type !== "object" &&
    typeof value !== (property.type === "integer" ? "number" : property.type)
  )
    problems.push(`${where}: expected ${property.type}, got ${typeof value}`);
}

function checkObject(
  where: string,
  value: unknown,
  properties: Record<string, SchemaProperty>,
  required: readonly string[],
  problems: string[],
): void {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return void problems.push(`${where}: expected an object`);
  for (const key of required) if (!(key in value)) problems.push(`${where}.${key}: required`);
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (!property) problems.push(`${where}.${key}: not in the schema`);
    else conforms(`${where}.${key}`, item, property, problems);
  }
}

describe("examples/yaml and examples/python declare the fleet's prod agents in the schema's terms", () => {
  const yamlProgram = parseYaml(readFileSync(join(REPO, "examples", "yaml", "Pulumi.yaml"), "utf8")) as {
    runtime: string;
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
  };

  it("every YAML resource is a component of the schema and its properties validate against it", () => {
    expect(yamlProgram.runtime).toBe("yaml");
    const problems: string[] = [];
    for (const [name, resource] of Object.entries(yamlProgram.resources)) {
      const component = schema.resources[resource.type];
      if (!component) problems.push(`${name}: ${resource.type} is not in the schema`);
      else checkObject(name, resource.properties, component.inputProperties, component.requiredInputs ?? [], problems);
    }
    expect(problems).toEqual([]);
  });

  /** The YAML program's gateways and agents constructed in order, each agent given the gateway's `reference` as construct returned it. */
  async function constructYaml(): Promise<readonly RecordedResource[]> {
    const stack = await recordStack(async () => {
      const outputs: Record<string, unknown> = {};
      for (const [name, resource] of Object.entries(yamlProgram.resources)) {
        if (resource.type !== `${FULL}AgentGateway` && resource.type !== `${FULL}AgentIdentity`) continue;
        const inputs = resolveReferences(resource.properties, outputs) as pulumi.Inputs;
        const result = await provider.construct(name, resource.type, inputs, {});
        if (resource.type === `${FULL}AgentGateway`) outputs[`\${${name}.reference}`] = result.state.reference;
      }
    }, OPTIONS);
    return stack.resources;
  }

  it("a YAML agent constructed is the same agent the TypeScript fleet declares", async () => {
    const fleet = await recordStack(() => declareFleet(FLEET_DEFAULTS.prod), OPTIONS);
    const fleetAgents = new Map(
      fleet.resources
        .filter((resource) => resource.type === `${FULL}AgentIdentity`)
        .map((resource) => [resource.name, resource.inputs]),
    );
    const yamlAgents = Object.entries(yamlProgram.resources).filter(
      ([, resource]) => resource.type === `${FULL}AgentIdentity`,
    );
    expect(yamlAgents.map(([name]) => name).sort()).toEqual([...fleetAgents.keys()].sort());
    const constructed = await constructYaml();
    const agents = constructed.filter((resource) => resource.type === `${FULL}AgentIdentity`);
    expect(agents.map((agent) => agent.name).sort()).toEqual([...fleetAgents.keys()].sort());
    for (const resource of agents) expect(resource.inputs, resource.name).toEqual(fleetAgents.get(resource.name));
    // Two of the fleet's agents call tools: the same tools, conditions and Cedar policies.
    const withTools = [...fleetAgents].filter(([, inputs]) => (inputs.agent as { tools: unknown[] }).tools.length > 0);
    expect(withTools.map(([name]) => name).sort()).toEqual(["pr-reviewer", "support-refunds"]);
  });

  it("the YAML gateway and the agents' tool policies, constructed, are what the TypeScript fleet registers", async () => {
    const fleet = await recordStack(() => declareFleet(FLEET_DEFAULTS.prod), OPTIONS);
    const constructed = await constructYaml();
    const gateway = under(`${FULL}AgentGateway`, fleet.resources);
    expect(gateway.map((resource) => (resource as { type: string }).type)).toEqual(
      expect.arrayContaining([
        `${FULL}AgentGateway`,
        "aws:bedrock/agentcoreGateway:AgentcoreGateway",
        "aws:bedrock/agentcoreGatewayTarget:AgentcoreGatewayTarget",
        "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider",
      ]),
    );
    expect(under(`${FULL}AgentGateway`, constructed)).toEqual(gateway);
    const policies = under("agent-iam:aws:AgentToolPolicies", fleet.resources);
    expect(
      policies.filter(
        (resource) => (resource as { type: string }).type === "aws:bedrock/agentcorePolicy:AgentcorePolicy",
      ).length,
    ).toBeGreaterThanOrEqual(5);
    expect(under("agent-iam:aws:AgentToolPolicies", constructed)).toEqual(policies);
  });

  it("the Python program's argument names are the schema's, in Python's snake_case", () => {
    // Python's own parser reads the program (nothing runs): every agent_iam.X(...) call, its keyword
    // arguments, and the keys of the dict literals inside them, by path.
    const script = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
def literal(node):
    if isinstance(node, ast.Dict): return {k.value: literal(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.List): return [literal(v) for v in node.elts]
    if isinstance(node, ast.Constant): return node.value
    return "\${expression}"
calls = []
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", None) == "agent_iam":
        calls.append({"component": node.func.attr, "kwargs": {k.arg: literal(k.value) for k in node.keywords}})
functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
helpers = {name: literal(next(s for s in f.body if isinstance(s, ast.Return)).value) for name, f in functions.items()}
assigns = {t.id: literal(n.value) for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Dict)}
print(json.dumps({"calls": calls, "helpers": helpers, "assigns": assigns}))
`;
    const parsed = JSON.parse(
      execFileSync("python3", ["-c", script, join(REPO, "examples", "python", "__main__.py")], { encoding: "utf8" }),
    ) as {
      calls: { component: string; kwargs: Record<string, unknown> }[];
      helpers: Record<string, unknown>;
      assigns: Record<string, unknown>;
    };
    const camel = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(camel)
        : typeof value === "object" && value !== null
          ? Object.fromEntries(
              Object.entries(value).map(([key, item]) => [
                key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
                camel(item),
              ]),
            )
          : value;
    const problems: string[] = [];
    expect(parsed.calls.length).toBeGreaterThan(6);
    for (const call of parsed.calls) {
      const component = schema.resources[`${FULL}${call.component}`];
      if (!component) {
        problems.push(`${call.component} is not in the schema`);
        continue;
      }
      checkObject(
        call.component,
        camel(call.kwargs),
        component.inputProperties,
        component.requiredInputs ?? [],
        problems,
      );
    }
    // The values the program builds in helpers and constants are checked against the types they fill.
    const identity = schema.resources[`${FULL}AgentIdentity`]!;
    conforms("aws_via", camel(parsed.helpers.aws_via), identity.inputProperties.aws!, problems);
    conforms("gcp_via", camel(parsed.helpers.gcp_via), identity.inputProperties.gcp!, problems);
    conforms("AZURE", camel(parsed.assigns.AZURE), identity.inputProperties.azure!, problems);
    expect(problems).toEqual([]);
    // The fleet's tool gateway, and the same agents with tools as the YAML program.
    expect(parsed.calls.filter((call) => call.component === "AgentGateway").length).toBe(1);
    const withTools = (calls: typeof parsed.calls) =>
      calls.filter((call) => call.component === "AgentIdentity" && call.kwargs.tools).length;
    expect(withTools(parsed.calls)).toBe(
      Object.values(yamlProgram.resources).filter((r) => r.type === `${FULL}AgentIdentity` && r.properties.tools)
        .length,
    );
    // The same agents as the YAML program.
    const agents = parsed.calls.filter((call) => call.component === "AgentIdentity");
    expect(agents.length).toBe(
      Object.values(yamlProgram.resources).filter((r) => r.type === `${FULL}AgentIdentity`).length,
    );
  });
});

describe("the plugin folder", () => {
  it("is what pulumi package add runs: PulumiPlugin.yaml with runtime nodejs, a package named agent-iam at the package's version", () => {
    const plugin = parseYaml(readFileSync(join(installed, "provider", "PulumiPlugin.yaml"), "utf8")) as {
      runtime: string;
    };
    expect(plugin.runtime).toBe("nodejs");
    const manifest = JSON.parse(readFileSync(join(installed, "provider", "package.json"), "utf8"));
    expect(manifest.name).toBe("agent-iam");
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version);
  });
});

describe("AgentGateway and tools through construct", () => {
  const GATEWAY = {
    owner: "marco.rossi@acme.example",
    environment: "prod",
    issuer: { url: "https://token.actions.githubusercontent.com", audiences: ["https://tools.prod.acme.example"] },
    targets: [
      {
        name: "ops",
        lambda: { functionArn: "arn:aws:lambda:us-east-1:123456789012:function:ops-tools" },
        tools: [
          {
            name: "restart",
            description: "Restarts a service",
            inputs: {
              service: { type: "string", required: true },
              replicas: { type: "integer" },
              force: { type: "boolean" },
            },
          },
        ],
        credentials: { gatewayRole: {} },
      },
    ],
  };
  const AGENT = {
    owner: "keisha@acme.example",
    purpose: "Restarts services when their health checks fail",
    environment: "prod",
    expires: "2027-02-15",
    aws: { oidcProvider: GITHUB_ARN },
  };

  it("registers what the TypeScript constructors register, typed conditions included", async () => {
    const typescript = await recordStack(() => {
      const gateway = new library.AgentGateway("tools", GATEWAY);
      new library.AgentIdentity("restarter", {
        ...AGENT,
        runsOn: { kind: "github-actions", repository: "acme/ops" },
        tools: {
          gateway,
          allow: [
            {
              target: "ops",
              tool: "restart",
              when: { service: { oneOf: ["api", "web"] }, replicas: { equals: 3 }, force: { equals: false } },
            },
          ],
        },
      });
    }, OPTIONS);
    const constructed = await recordStack(async () => {
      const gateway = await provider.construct("tools", `${FULL}AgentGateway`, GATEWAY, {});
      await provider.construct(
        "restarter",
        `${FULL}AgentIdentity`,
        {
          ...AGENT,
          runsOn: { githubActions: { repository: "acme/ops" } },
          tools: {
            gateway: gateway.state.reference,
            allow: [
              {
                target: "ops",
                tool: "restart",
                when: {
                  service: { oneOf: ["api", "web"] },
                  replicas: { equalsNumber: 3 },
                  force: { equalsBoolean: false },
                },
              },
            ],
          },
        },
        {},
      );
    }, OPTIONS);
    // construct is awaited between the two components, so only the order of registration differs.
    const sorted = (resources: readonly RecordedResource[]) =>
      [...registrations(resources)].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const expected = sorted(typescript.resources);
    expect(expected.map((resource) => (resource as { type: string }).type)).toEqual(
      expect.arrayContaining([`${FULL}AgentGateway`, "aws:bedrock/agentcorePolicy:AgentcorePolicy"]),
    );
    expect(sorted(constructed.resources)).toEqual(expected);
  });

  const gatewayCases: [string, Record<string, unknown>, RegExp][] = [
    [
      "two credentials",
      {
        ...GATEWAY,
        targets: [
          {
            ...GATEWAY.targets[0],
            credentials: { gatewayRole: {}, apiKey: { providerArn: "arn:aws:bedrock-agentcore:x" } },
          },
        ],
      },
      /targets\[0\]\.credentials: credentials is one of \{ oauth2: \{…\} \}, \{ apiKey: \{…\} \} or \{ gatewayRole: \{\} \}/,
    ],
    ["an enforcement that is not one", { ...GATEWAY, enforcement: "AUDIT" }, /enforcement: /],
    [
      "an argument type that is not one",
      {
        ...GATEWAY,
        targets: [
          {
            ...GATEWAY.targets[0],
            tools: [{ name: "restart", description: "Restarts", inputs: { n: { type: "int" } } }],
          },
        ],
      },
      /targets\[0\]\.tools\[0\]\.inputs\.n\.type: an argument's type is one of string, integer, number, boolean/,
    ],
  ];
  for (const [what, inputs, message] of gatewayCases)
    it(`a gateway with ${what} fails construct with the TypeScript constructor's message and field path`, async () => {
      const failure = await provider.construct("tools", `${FULL}AgentGateway`, inputs as pulumi.Inputs, {}).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).toMatch(message);
      expect(() => new library.AgentGateway("tools", inputs)).toThrow(failure!.message);
    });

  const conditionCases: [string, Record<string, unknown>, RegExp][] = [
    [
      "two typed values",
      { replicas: { equals: "3", equalsNumber: 3 } },
      /tools\.allow\[0\]\.when\.replicas: set one of equals \(a string\), equalsNumber or equalsBoolean/,
    ],
    [
      "a number in equals",
      { replicas: { equals: 3 } },
      /tools\.allow\[0\]\.when\.replicas\.equals: equals takes a string/,
    ],
    [
      "a string for a number argument",
      { replicas: { equals: "3" } },
      /tools\.allow\[0\]\.when\.replicas\.equals: the argument is an integer: compare it with a whole number/,
    ],
  ];
  for (const [what, when, message] of conditionCases)
    it(`a condition with ${what} fails construct naming its field`, async () => {
      let failure: Error | undefined;
      await recordStack(async () => {
        const gateway = await provider.construct("tools", `${FULL}AgentGateway`, GATEWAY, {});
        failure = await provider
          .construct(
            "restarter",
            `${FULL}AgentIdentity`,
            {
              ...AGENT,
              runsOn: { githubActions: { repository: "acme/ops" } },
              tools: { gateway: gateway.state.reference, allow: [{ target: "ops", tool: "restart", when }] },
            },
            {},
          )
          .then(
            () => undefined,
            (error: Error) => error,
          );
      }, OPTIONS);
      expect(failure?.message).toMatch(message);
    });
});
