import { describe, expect, it } from "vitest";
import catalog from "../../src/clouds/gcp/role-catalog.json";
import { gcpBindingsForGrants, type GcpBinding } from "../../src/clouds/gcp/bindings";
import type { GcpIamTarget } from "../../src/clouds/gcp/resource-names";
import { planAgent } from "../../src/clouds/plan";
import { GCP_RESOURCE_PATTERNS, resolveResource } from "../../src/clouds/resources";
import { GCP_PERMISSION_CLASS_RULES, gcpPermissionClasses } from "../../src/model/action-classes";
import { AgentSpecError } from "../../src/model/agent-spec";
import { CATALOG_ROLE_NAMES, ROLE_CATALOG } from "../../src/model/role-catalog";
import type { ResourceKind } from "../../src/model/resources";
import { githubActions } from "../../src/model/runs-on";
import {
  acceptsConditions,
  gcpAllows,
  permissionsOfRole,
  type GcpBindingUnderTest,
} from "../support/gcp-iam-evaluator";
import { loadScenarios, type Scenario } from "../support/scenarios";

/**
 * GCP task scenarios (test/fixtures/scenarios/gcp, one YAML per real tool's job, with its source):
 * the agent's bindings are planned by agent-iam, then every call is decided by an evaluator written
 * from Google's documentation over the roles' published permission lists (test/support/gcp-iam-evaluator.ts).
 */

const SCENARIOS = loadScenarios("gcp");
const TODAY = "2026-12-06";
const NOW = "2026-12-06T12:00:00Z";
const EXPIRES = "2027-02-01";
const PROJECT = "acme-prod";

/** The full resource name of a binding's target, written from Google's naming ("Full resource names"). */
function targetName(target: GcpIamTarget): string {
  switch (target.type) {
    case "bucket":
      return `//storage.googleapis.com/projects/_/buckets/${target.bucket}`;
    case "secret":
      return `//secretmanager.googleapis.com/projects/${target.project}/secrets/${target.secretId}`;
    case "topic":
      return `//pubsub.googleapis.com/projects/${target.project}/topics/${target.topic}`;
    case "subscription":
      return `//pubsub.googleapis.com/projects/${target.project}/subscriptions/${target.subscription}`;
    case "dataset":
      return `//bigquery.googleapis.com/projects/${target.project}/datasets/${target.datasetId}`;
    case "run-service":
      return `//run.googleapis.com/projects/${target.project}/locations/${target.location}/services/${target.name}`;
    case "artifact-repository":
      return `//artifactregistry.googleapis.com/projects/${target.project}/locations/${target.location}/repositories/${target.repository}`;
    case "crypto-key":
      return `//cloudkms.googleapis.com/${target.cryptoKeyId}`;
    case "project":
      return `//cloudresourcemanager.googleapis.com/projects/${target.project}`;
    case "service-account":
      return `//iam.googleapis.com/projects/${target.project}/serviceAccounts/${target.email}`;
  }
}

/** The agent a scenario describes, and its bindings as agent-iam plans them. */
function generated(scenario: Scenario) {
  const agent = planAgent(
    "scenario-agent",
    {
      owner: "keisha.okafor@acme.example",
      purpose: `Does one job: ${scenario.scenario}`,
      environment: "prod",
      expires: EXPIRES,
      runsOn: githubActions({ repository: "acme/agents" }),
      grants: scenario.grants,
      gcp: {
        project: PROJECT,
        pool: {
          name: "projects/123456789012/locations/global/workloadIdentityPools/agents",
          provider: "projects/123456789012/locations/global/workloadIdentityPools/agents/providers/github-acme",
        },
        budgetStopper: { protect: () => undefined },
      },
      ...scenario.spec,
    },
    { today: TODAY },
  );
  const { bindings, problems } = gcpBindingsForGrants(agent, agent.grants);
  expect(problems).toEqual([]);
  const held: GcpBindingUnderTest[] = bindings.map((binding: GcpBinding) => ({
    resource: targetName(binding.target),
    role: binding.role,
    condition: binding.condition?.expression,
  }));
  return { agent, bindings, held };
}

/** Every permission the catalog's roles and the class table name: what probes are drawn from. */
const KNOWN_PERMISSIONS = [
  ...new Set([
    ...Object.values(catalog.predefined).flatMap((role) => role.permissions),
    ...Object.values(catalog.custom).flatMap((role) => role.permissions),
    ...GCP_PERMISSION_CLASS_RULES.flatMap((rule) => rule.actions),
  ]),
].sort();

describe.each(SCENARIOS.map((scenario) => [scenario.file, scenario] as const))(
  "GCP task scenario %s, decided from Google's published roles",
  (_file, scenario) => {
    const { agent, held } = generated(scenario);

    it.each(scenario.allowed.map((call) => [call.action, call.resource] as const))(
      "the tool's call %s on %s is allowed",
      (permission, resource) => {
        expect(gcpAllows(held, permission, resource, NOW)).toBe(true);
      },
    );

    it.each(scenario.denied.map((call) => [call.action, call.resource, call.why] as const))(
      "%s on %s is denied",
      (permission, resource, why) => {
        expect(gcpAllows(held, permission, resource, NOW), why).toBe(false);
      },
    );

    it("every binding names a published role, and carries a condition only where Google accepts one", () => {
      for (const binding of held) {
        expect(permissionsOfRole(binding.role), binding.role).toBeDefined();
        if (binding.condition !== undefined) expect(acceptsConditions(binding.resource), binding.resource).toBe(true);
      }
    });

    it("no permission of a class the grants did not opt into is allowed on the named resources", () => {
      const optedIn = new Set(agent.grants.flatMap((grant) => grant.include));
      const probes: { permission: string; resource: string }[] = [];
      for (const grant of agent.grants) {
        const service = /^\/\/([a-z0-9]+)\./.exec(grant.resource.ref)![1]!;
        for (const permission of KNOWN_PERMISSIONS.filter((candidate) => candidate.startsWith(`${service}.`)))
          if (gcpPermissionClasses(permission).some((kind) => !optedIn.has(kind)))
            probes.push({ permission, resource: grant.resource.ref });
      }
      expect(probes.length).toBeGreaterThan(0);
      for (const probe of probes)
        expect(gcpAllows(held, probe.permission, probe.resource, NOW), `${probe.permission} on ${probe.resource}`).toBe(
          false,
        );
    });

    it("on the review date every call is denied, or its binding is one the stopper ends (no condition Google accepts)", () => {
      const end = `${EXPIRES}T00:00:00Z`;
      for (const call of scenario.allowed) {
        if (!gcpAllows(held, call.action, call.resource, end)) continue;
        // Still allowed at the review date only through an unconditional binding on a type that takes none.
        const through = held.filter(
          (binding) => binding.condition === undefined && (permissionsOfRole(binding.role) ?? []).includes(call.action),
        );
        expect(through.length, `${call.action} on ${call.resource}`).toBeGreaterThan(0);
        for (const binding of through) expect(acceptsConditions(binding.resource), binding.resource).toBe(false);
      }
    });
  },
);

describe("the GCP scenarios cover every catalog role on every GCP resource type it applies to", () => {
  const covered = new Set<string>();
  for (const scenario of SCENARIOS)
    for (const grant of scenario.grants)
      if ("role" in grant)
        for (const ref of grant.resources) {
          const resolved = resolveResource(ref);
          if (!("error" in resolved)) covered.add(`${grant.role} × ${resolved.nativeType}`);
        }

  const pairs = CATALOG_ROLE_NAMES.flatMap((role) =>
    GCP_RESOURCE_PATTERNS.filter(
      (row) => (ROLE_CATALOG[role].access as Partial<Record<ResourceKind, unknown>>)[row.kind],
    ).map((row) => [role, row.nativeType] as const),
  );

  it.each(pairs)("%s × %s has a scenario, or agent-iam refuses the pair at spec time", (role, nativeType) => {
    if (covered.has(`${role} × ${nativeType}`)) return;
    // The only refusal: code-reviewer writes to queues, and a Pub/Sub subscription takes no write (publish to its topic).
    const example = {
      "pubsub.googleapis.com/Subscription": `//pubsub.googleapis.com/projects/${PROJECT}/subscriptions/s`,
    }[nativeType];
    expect(example, `${role} × ${nativeType} has no scenario`).toBeDefined();
    expect(() =>
      planAgent(
        "refused",
        {
          owner: "keisha.okafor@acme.example",
          purpose: "Checks a refused pair of role and type",
          environment: "prod",
          expires: EXPIRES,
          runsOn: githubActions({ repository: "acme/agents" }),
          grants: [{ role, resources: [example!] }],
          gcp: {
            project: PROJECT,
            pool: {
              name: "projects/123456789012/locations/global/workloadIdentityPools/agents",
              provider: "projects/123456789012/locations/global/workloadIdentityPools/agents/providers/github-acme",
            },
            budgetStopper: { protect: () => undefined },
          },
        },
        { today: TODAY },
      ),
    ).toThrow(AgentSpecError);
  });

  it("every permission a scenario names is shaped as Google names permissions, of a service the catalog knows", () => {
    const services = new Set(KNOWN_PERMISSIONS.map((permission) => permission.split(".")[0]));
    for (const scenario of SCENARIOS)
      for (const call of [...scenario.allowed, ...scenario.denied]) {
        expect(call.action, scenario.file).toMatch(/^[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+$/);
        expect(services.has(call.action.split(".")[0]), `${scenario.file}: ${call.action}`).toBe(true);
      }
    // What the tools call is in the published roles agent-iam grants from: a scenario cannot invent its own.
    for (const scenario of SCENARIOS)
      for (const call of scenario.allowed) expect(KNOWN_PERMISSIONS, scenario.file).toContain(call.action);
  });
});
