import { describe, expect, it } from "vitest";
import { AWS_CHILD_RESOURCES, awsStatementsForGrants } from "../../src/clouds/aws/actions";
import { awsActionInfo, awsServiceActions } from "../../src/clouds/aws/iam-catalog";
import { packPolicies } from "../../src/clouds/aws/policy-packing";
import { planAgent } from "../../src/clouds/plan";
import { AWS_RESOURCE_KINDS, resolveResource } from "../../src/clouds/resources";
import { awsActionClasses } from "../../src/model/action-classes";
import { CATALOG_ROLE_NAMES, ROLE_CATALOG } from "../../src/model/role-catalog";
import type { ResourceKind } from "../../src/model/resources";
import { githubActions } from "../../src/model/runs-on";
import { decide } from "../support/iam-simulator";
import { loadScenarios, type Scenario } from "../support/scenarios";

const SCENARIOS = loadScenarios("aws");
const TODAY = "2026-12-06";

/** The policies agent-iam generates for the agent a scenario describes. */
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
      aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      ...scenario.spec,
    },
    { today: TODAY },
  );
  const { statements, problems } = awsStatementsForGrants(agent.grants, agent.accountWide);
  expect(problems).toEqual([]);
  return { agent, statements, policies: packPolicies(statements) };
}

describe.each(SCENARIOS.map((scenario) => [scenario.file, scenario] as const))(
  "AWS task scenario %s, decided by @cloud-copilot/iam-simulate",
  (_file, scenario) => {
    const { agent, policies } = generated(scenario);

    it.each(scenario.allowed.map((call) => [call.action, call.resource, call] as const))(
      "the tool's call %s on %s is allowed",
      async (_action, _resource, call) => {
        expect(
          await decide({
            policies,
            action: call.action,
            resource: call.resource,
            context: call.context,
            resourcePolicy: scenario.resourcePolicy,
          }),
        ).toBe("Allowed");
      },
    );

    it.each(scenario.denied.map((call) => [call.action, call.resource, call] as const))(
      "%s on %s is denied",
      async (_action, _resource, call) => {
        expect(
          await decide({
            policies,
            action: call.action,
            resource: call.resource,
            context: call.context,
            resourcePolicy: scenario.resourcePolicy,
          }),
          call.why,
        ).not.toBe("Allowed");
      },
    );

    it("no action of a class the grants did not opt into is allowed on the named resources, nor on '*'", async () => {
      const optedIn = new Set(agent.grants.flatMap((grant) => grant.include));
      const probes: { action: string; resource: string }[] = [];
      for (const grant of agent.grants) {
        const service = grant.resource.nativeType.split(":")[0]!;
        for (const info of awsServiceActions(service).values()) {
          const classes = awsActionClasses(info.action).filter((kind) => !optedIn.has(kind));
          if (classes.length === 0) continue;
          if (info.isWildcardOnly) probes.push({ action: info.action, resource: "*" });
          else if (info.resourceTypes.includes(grant.resource.nativeType.split(":")[1]!))
            probes.push({ action: info.action, resource: grant.resource.ref.replace(/\*$/, "1") });
        }
      }
      expect(probes.length).toBeGreaterThan(0);
      for (const probe of probes)
        expect(
          await decide({ policies, ...probe, resourcePolicy: scenario.resourcePolicy }),
          `${probe.action} on ${probe.resource}`,
        ).not.toBe("Allowed");
    });
  },
);

describe("the AWS scenarios cover every catalog role on every AWS resource type it applies to", () => {
  const covered = new Set<string>();
  for (const scenario of SCENARIOS)
    for (const grant of scenario.grants)
      if ("role" in grant)
        for (const ref of grant.resources) {
          const resolved = resolveResource(ref);
          if ("error" in resolved) continue;
          covered.add(`${grant.role} × ${resolved.nativeType}`);
          const child = AWS_CHILD_RESOURCES[resolved.nativeType];
          if (child) covered.add(`${grant.role} × ${resolved.nativeType.split(":")[0]}:${child.type}`);
        }

  const expected = CATALOG_ROLE_NAMES.flatMap((role) =>
    Object.entries(AWS_RESOURCE_KINDS)
      .filter(([, kind]) => (ROLE_CATALOG[role].access as Partial<Record<ResourceKind, unknown>>)[kind])
      .map(([nativeType]) => `${role} × ${nativeType}`),
  );

  it.each(expected)("%s has a scenario", (pair) => {
    expect([...covered]).toContain(pair);
  });

  it("every action a scenario names is an AWS action in the IAM catalog", () => {
    for (const scenario of SCENARIOS)
      for (const call of [...scenario.allowed, ...scenario.denied])
        expect(awsActionInfo(call.action), `${scenario.file}: ${call.action}`).toBeDefined();
  });
});
