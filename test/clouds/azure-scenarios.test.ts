import { describe, expect, it } from "vitest";
import catalog from "../../src/clouds/azure/role-catalog.json";
import { azureAssignmentsForGrants } from "../../src/clouds/azure/assignments";
import { planAgent } from "../../src/clouds/plan";
import { AZURE_RESOURCE_PATTERNS, resolveResource } from "../../src/clouds/resources";
import { AZURE_OPERATION_CLASS_RULES, azureOperationClasses } from "../../src/model/action-classes";
import { CATALOG_ROLE_NAMES, ROLE_CATALOG } from "../../src/model/role-catalog";
import type { ResourceKind } from "../../src/model/resources";
import { githubActions } from "../../src/model/runs-on";
import { azureAllows, definitionOfRole, type AzureAssignmentUnderTest } from "../support/azure-rbac-evaluator";
import { loadScenarios, type Scenario } from "../support/scenarios";

/**
 * Azure task scenarios (test/fixtures/scenarios/azure, one YAML per real tool's job, with its
 * source): the agent's role assignments are planned by agent-iam, then every call is decided by an
 * evaluator written from Microsoft's documentation over the roles' definitions
 * (test/support/azure-rbac-evaluator.ts: scope inheritance, actions/notActions,
 * dataActions/notDataActions, ARM wildcards).
 */

const SCENARIOS = loadScenarios("azure");
const TODAY = "2026-12-06";
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";

function generated(scenario: Scenario) {
  const agent = planAgent(
    "scenario-agent",
    {
      owner: "keisha.okafor@acme.example",
      purpose: `Does one job: ${scenario.scenario}`,
      environment: "prod",
      expires: "2027-02-01",
      runsOn: githubActions({ repository: "acme/agents" }),
      grants: scenario.grants,
      azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents-prod", location: "westeurope" },
      ...scenario.spec,
    },
    { today: TODAY },
  );
  const { assignments, problems } = azureAssignmentsForGrants(agent, agent.grants);
  expect(problems).toEqual([]);
  const held: AzureAssignmentUnderTest[] = assignments.map((assignment) => ({
    scope: assignment.scope,
    role: assignment.role,
  }));
  return { agent, held };
}

/** Every exact operation the catalog's roles and the class table name, and whether it is a data action. */
const KNOWN_OPERATIONS: readonly { operation: string; dataAction: boolean }[] = (() => {
  const roles = [
    ...Object.values(catalog.builtIn).map((role) => ({
      control: [...role.actions, ...role.notActions],
      data: [...role.dataActions, ...role.notDataActions],
    })),
    ...Object.values(catalog.custom).map((role) => ({ control: role.actions, data: role.dataActions })),
  ];
  const found = new Map<string, boolean>();
  for (const role of roles) {
    for (const operation of role.control) found.set(operation, false);
    for (const operation of role.data) found.set(operation, true);
  }
  for (const rule of AZURE_OPERATION_CLASS_RULES) for (const operation of rule.actions) found.set(operation, false);
  return [...found]
    .filter(([operation]) => !operation.includes("*"))
    .map(([operation, dataAction]) => ({ operation, dataAction }))
    .sort((a, b) => a.operation.localeCompare(b.operation));
})();

describe.each(SCENARIOS.map((scenario) => [scenario.file, scenario] as const))(
  "Azure task scenario %s, decided from Microsoft's role definitions",
  (_file, scenario) => {
    const { agent, held } = generated(scenario);

    it.each(scenario.allowed.map((call) => [call.action, call.resource, call] as const))(
      "the tool's call %s on %s is allowed",
      (_operation, _resource, call) => {
        expect(azureAllows(held, call.action, call.resource, call.dataAction)).toBe(true);
      },
    );

    it.each(scenario.denied.map((call) => [call.action, call.resource, call] as const))(
      "%s on %s is denied",
      (_operation, _resource, call) => {
        expect(azureAllows(held, call.action, call.resource, call.dataAction), call.why).toBe(false);
        // Not on the other plane either.
        expect(azureAllows(held, call.action, call.resource, !call.dataAction), call.why).toBe(false);
      },
    );

    it("every assignment names a role of the catalog, at the named resource's scope", () => {
      for (const assignment of held) {
        expect(definitionOfRole(assignment.role), assignment.role).toBeDefined();
        expect(
          agent.grants.some((grant) => grant.resource.ref === assignment.scope),
          assignment.scope,
        ).toBe(true);
      }
    });

    it("no operation of a class the grants did not opt into is allowed on the named resources, on either plane", () => {
      const optedIn = new Set(agent.grants.flatMap((grant) => grant.include));
      const probes: { operation: string; resource: string }[] = [];
      for (const grant of agent.grants) {
        const provider = /\/providers\/([^/]+)\//.exec(grant.resource.ref)![1]!.toLowerCase();
        for (const { operation } of KNOWN_OPERATIONS)
          if (
            operation.toLowerCase().startsWith(`${provider}/`) &&
            azureOperationClasses(operation).some((kind) => !optedIn.has(kind))
          )
            probes.push({ operation, resource: grant.resource.ref });
      }
      expect(probes.length).toBeGreaterThan(0);
      for (const probe of probes)
        for (const dataAction of [false, true])
          expect(
            azureAllows(held, probe.operation, probe.resource, dataAction),
            `${probe.operation} on ${probe.resource}`,
          ).toBe(false);
    });
  },
);

describe("the Azure scenarios cover every catalog role on every Azure resource type it applies to", () => {
  const covered = new Set<string>();
  for (const scenario of SCENARIOS)
    for (const grant of scenario.grants)
      if ("role" in grant)
        for (const ref of grant.resources) {
          const resolved = resolveResource(ref);
          if (!("error" in resolved)) covered.add(`${grant.role} × ${resolved.nativeType}`);
        }

  const pairs = CATALOG_ROLE_NAMES.flatMap((role) =>
    AZURE_RESOURCE_PATTERNS.filter(
      (row) => (ROLE_CATALOG[role].access as Partial<Record<ResourceKind, unknown>>)[row.kind],
    ).map((row) => `${role} × ${row.nativeType}`),
  );

  it.each(pairs)("%s has a scenario", (pair) => {
    expect([...covered]).toContain(pair);
  });

  it("every operation a scenario names is shaped as ARM names operations, of a provider the catalog knows", () => {
    // Microsoft.Authorization: every agent can be given role assignments, which the classes call tampering.
    const providers = new Set([
      "microsoft.authorization",
      ...KNOWN_OPERATIONS.map(({ operation }) => operation.split("/")[0]!.toLowerCase()),
    ]);
    for (const scenario of SCENARIOS)
      for (const call of [...scenario.allowed, ...scenario.denied]) {
        expect(call.action, scenario.file).toMatch(/^Microsoft\.[A-Za-z]+(\/[A-Za-z0-9_]+)+$/);
        expect(providers.has(call.action.split("/")[0]!.toLowerCase()), `${scenario.file}: ${call.action}`).toBe(true);
      }
  });
});
