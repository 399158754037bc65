import { describe, expect, it } from "vitest";
import { AgentIdentity, AwsOidcProvider, githubActions, type AgentIdentityArgs } from "../../components";
import { recordResources } from "../../src/gate/program/record";
import { todayUtc } from "../../src/model/dates";
import { environmentConfig } from "../../src/rules/environment-isolation";
import { RULES } from "../../src/rules";
import {
  ORGANISATION_ONLY_POLICIES,
  ORGANISATION_RULES,
  readStackFacts,
  type StackFacts,
} from "../../src/rules/organisation";
import type { PolicyResource } from "../../src/rules/support/stack";
import { BLOCKED, type FixtureStack, NEAR_MISSES, type OrganisationCase } from "../fixtures/organisation/stacks";

/**
 * The organisation rules (`src/rules/organisation`), on fixture organisations a reviewer wrote:
 * each blocked case gets exactly the findings it names (stack, agent, level, words), each near miss
 * none, for the policy the case is about.
 */

function factsOf(stack: FixtureStack): StackFacts {
  const resources: PolicyResource[] = stack.resources.map((resource) => ({
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: resource.properties,
    ...(resource.parent ? { parent: resource.parent } : {}),
    dependencies: resource.dependencies ?? [],
    propertyDependencies: resource.propertyDependencies ?? {},
  }));
  return readStackFacts(
    { project: stack.project, stack: stack.stack },
    resources,
    { today: todayUtc(), stackName: stack.stack, stackConfig: stack.config ?? {} },
    environmentConfig.parse({}),
  );
}

/** Every finding of the rules reporting under `policy`, as `stack:agent[:advisory]`, with its message. */
function findings(stacks: readonly StackFacts[], policy: string) {
  return ORGANISATION_RULES.filter((rule) => rule.policy === policy).flatMap((rule) =>
    rule.check(stacks).map((finding) => {
      const agent = stacks[finding.stack]!.agents.find((candidate) => candidate.urn === finding.urn)!;
      return {
        key: `${finding.stack}:${agent.id}${finding.level ? `:${finding.level}` : ""}`,
        message: finding.message,
        related: finding.related,
      };
    }),
  );
}

const run = (fixture: OrganisationCase) => findings(fixture.stacks.map(factsOf), fixture.policy);

describe("the organisation rules", () => {
  it("report under the pack's own policies, or under a policy only the organisation check has", () => {
    const packPolicies = RULES.map((rule) => rule.name);
    for (const rule of ORGANISATION_RULES)
      expect(
        packPolicies.includes(rule.policy) || ORGANISATION_ONLY_POLICIES.includes(rule.policy),
        `${rule.id} reports under ${rule.policy}`,
      ).toBe(true);
    expect(ORGANISATION_ONLY_POLICIES.some((name) => packPolicies.includes(name))).toBe(false);
  });

  it("have blocked cases and near misses for every policy they report under", () => {
    for (const policy of new Set(ORGANISATION_RULES.map((rule) => rule.policy))) {
      expect(
        BLOCKED.some((fixture) => fixture.policy === policy),
        `a blocked case for ${policy}`,
      ).toBe(true);
      expect(
        NEAR_MISSES.some((fixture) => fixture.policy === policy),
        `a near miss for ${policy}`,
      ).toBe(true);
    }
  });

  it.each(BLOCKED.map((fixture) => [fixture.name, fixture] as const))("block %s", (_name, fixture) => {
    const found = run(fixture);
    expect(found.map((finding) => finding.key).sort()).toEqual(
      fixture.expected
        .map((expected) => `${expected.stack}:${expected.agent}${expected.level ? `:${expected.level}` : ""}`)
        .sort(),
    );
    for (const expected of fixture.expected) {
      if (!expected.says) continue;
      const key = `${expected.stack}:${expected.agent}${expected.level ? `:${expected.level}` : ""}`;
      expect(found.find((finding) => finding.key === key)!.message).toContain(expected.says);
    }
  });

  it.each(NEAR_MISSES.map((fixture) => [fixture.name, fixture] as const))("pass %s", (_name, fixture) => {
    expect(run(fixture)).toEqual([]);
  });

  it("name the other agents of a finding as related, in their own stacks", () => {
    const fixture = BLOCKED.find((item) => item.name === "two agents of two stacks trusting one exact subject")!;
    const stacks = fixture.stacks.map(factsOf);
    const [first] = findings(stacks, fixture.policy);
    expect(first!.related).toEqual([{ stack: 1, urn: stacks[1]!.agents[0]!.urn }]);
  });

  it("keep a finding readable when a thousand agents share a subject", () => {
    const many: FixtureStack[] = [0, 1].map((index) => ({
      project: `team-${index}`,
      stack: "prod",
      resources: [],
    }));
    const stacks: StackFacts[] = many.map((stack, index) => ({
      project: stack.project,
      stack: stack.stack,
      environment: "prod",
      agents: Array.from({ length: 600 }, (_, agent) => ({
        id: `agent-${index}-${agent}`,
        urn: `urn:pulumi:prod::team-${index}::agent-iam:index:AgentIdentity::agent-${index}-${agent}`,
        environment: "prod",
        disabled: false,
        subjects: [
          { issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/api:environment:prod" },
        ],
        tier: "low" as const,
        tierReasons: [],
        approval: "missing" as const,
        keys: [],
        delegatesTo: [],
        outside: [],
      })),
    }));
    const found = findings(stacks, "federated-trust-pinned");
    expect(found).toHaveLength(1200);
    expect(found[0]!.message).toContain("1199 other agents trust");
    expect(found[0]!.message).toMatch(/and 1194 more/);
    expect(found[0]!.related.length).toBeLessThanOrEqual(10);
    // Other stacks' agents are named first: they are what the rule is about.
    expect(found[0]!.related[0]!.stack).toBe(1);
  });
});

describe("the organisation rules on agents AgentIdentity declares", () => {
  const github = "https://token.actions.githubusercontent.com";
  const base = {
    owner: "keisha@acme.example",
    purpose: "Reads the team's tickets and routes them",
    environment: "prod",
    expires: todayPlus(30),
    grants: [{ role: "data-reader" as const, resources: ["arn:aws:s3:::acme-prod-tickets"] }],
  };

  function todayPlus(days: number): string {
    return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  }

  /**
   * One program's stack: the agents `declare` makes, recorded under mocks, read as the organisation check reads
   * them; its AWS OIDC provider is for `issuerUrl` (the component refuses a provider of another issuer).
   */
  async function stackOf(
    project: string,
    stack: string,
    declare: (provider: AwsOidcProvider) => void,
    issuerUrl = github,
  ) {
    const recorded = await recordResources(
      () => {
        const provider = new AwsOidcProvider("github", { issuerUrl });
        declare(provider);
      },
      { project, stack },
    );
    return readStackFacts(
      { project, stack },
      recorded.map((resource) => ({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        props: { ...resource.inputs, ...resource.state },
        ...(resource.parent ? { parent: resource.parent } : {}),
        dependencies: resource.dependencies,
        propertyDependencies: resource.propertyDependencies,
      })),
      { today: todayUtc(), stackName: stack, stackConfig: {} },
      environmentConfig.parse({}),
    );
  }

  const declare = (name: string, args: Partial<AgentIdentityArgs>) => (provider: AwsOidcProvider) =>
    void new AgentIdentity(name, {
      ...base,
      runsOn: githubActions({ repository: "acme/support" }),
      aws: { oidcProvider: provider },
      ...args,
    } as AgentIdentityArgs);

  it("read each agent's issuer and exact subject from its model, and block a subject shared across stacks", async () => {
    const a = await stackOf("payments", "prod", declare("invoice-reader", {}));
    const b = await stackOf("support", "prod", declare("ticket-triage", {}));
    expect(a.agents).toEqual([
      expect.objectContaining({
        id: "invoice-reader",
        environment: "prod",
        subjects: [{ issuer: github, subject: "repo:acme/support:environment:prod" }],
      }),
    ]);
    const found = findings([a, b], "federated-trust-pinned");
    expect(found.map((finding) => finding.key).sort()).toEqual(["0:invoice-reader", "1:ticket-triage"]);
    expect(found[0]!.message).toContain(`of ${github}`);
  }, 60_000);

  it("pass the same subject of another issuer, and a disabled agent's", async () => {
    const a = await stackOf("payments", "prod", declare("invoice-reader", {}));
    const enterpriseIssuer = "https://github.acme.example/_services/token";
    const enterprise = await stackOf(
      "support",
      "prod",
      declare("ticket-triage", { runsOn: githubActions({ repository: "acme/support", issuerUrl: enterpriseIssuer }) }),
      enterpriseIssuer,
    );
    const disabled = await stackOf("billing", "prod", declare("billing-bot", { disabled: true }));
    expect(findings([a, enterprise], "federated-trust-pinned")).toEqual([]);
    expect(findings([a, disabled], "federated-trust-pinned")).toEqual([]);
  }, 60_000);
});
