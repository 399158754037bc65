import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import { describe, expect, it } from "vitest";
import { AgentIdentity, AwsOidcProvider } from "../../components";
import { recordResources } from "../../src/gate/program/record";
import { awsStatementsForGrants } from "../../src/clouds/aws/actions";
import { budgetDenyAllPolicy, budgetExecutionPolicy } from "../../src/clouds/aws/budget-stop";
import { delegationIdentityStatement, delegationTrustStatement } from "../../src/clouds/aws/delegation";
import { packPolicies } from "../../src/clouds/aws/policy-packing";
import { githubActions } from "../../src/model/runs-on";
import { planAgent } from "../../src/clouds/plan";
import { decide } from "../support/iam-simulator";

const TODAY = "2026-11-23";
const ACCOUNT = "123456789012";
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/agents/${name}`;

function policiesFor(grants: unknown[]) {
  const agent = planAgent(
    "agent-under-test",
    {
      owner: "keisha@acme.example",
      purpose: "An agent whose generated policies we evaluate",
      environment: "prod",
      expires: "2027-02-01",
      runsOn: githubActions({ repository: "acme/api" }),
      grants,
      aws: { oidcProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
    },
    { today: TODAY },
  );
  return packPolicies(awsStatementsForGrants(agent.grants, agent.accountWide).statements);
}

describe("time-bound grants on AWS (aws:CurrentTime)", () => {
  const policies = policiesFor([{ resource: "arn:aws:s3:::acme-prod-data", access: "read", until: "2027-01-15" }]);
  it.each([
    ["2026-12-01T09:00:00Z", "Allowed"],
    ["2027-01-15T23:59:59Z", "Allowed"],
    ["2027-01-16T00:00:00Z", "ImplicitlyDenied"],
    ["2027-06-01T00:00:00Z", "ImplicitlyDenied"],
  ])("s3:GetObject at %s is %s", async (now, expected) => {
    expect(
      await decide({
        policies,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-prod-data/k",
        context: { "aws:CurrentTime": now },
      }),
    ).toBe(expected);
  });
});

describe("the budget stop", () => {
  const grants = policiesFor([
    {
      role: "deployment-agent",
      resources: ["arn:aws:s3:::acme-prod-artifacts", "arn:aws:ecr:us-east-1:123456789012:repository/api"],
    },
  ]);
  const everythingGranted = grants.flatMap((document) =>
    document.Statement.flatMap((statement) =>
      statement.Action.map((action) => [action, statement.Resource[0]!] as const),
    ),
  );

  it("the deny-all policy denies every action the role's grants allow", async () => {
    expect(everythingGranted.length).toBeGreaterThan(12);
    for (const [action, resource] of everythingGranted) {
      const concrete = resource.endsWith("/*") ? resource.replace(/\*$/, "build/1.tgz") : resource;
      expect(await decide({ policies: grants, action, resource: concrete }), action).toBe("Allowed");
      expect(await decide({ policies: [...grants, budgetDenyAllPolicy()], action, resource: concrete }), action).toBe(
        "ExplicitlyDenied",
      );
    }
  });

  it("the execution role can attach only the stop policy, only to the agent's role", async () => {
    const agentRole = role("agent-deployer-prod");
    const denyPolicy = `arn:aws:iam::${ACCOUNT}:policy/agents/agent-deployer-prod-budget-stop`;
    const policies = [budgetExecutionPolicy(agentRole, denyPolicy)];
    const attach = (resource: string, policyArn: string) =>
      decide({ policies, action: "iam:AttachRolePolicy", resource, context: { "iam:PolicyARN": policyArn } });
    expect(await attach(agentRole, denyPolicy)).toBe("Allowed");
    expect(await attach(agentRole, "arn:aws:iam::aws:policy/AdministratorAccess")).toBe("ImplicitlyDenied");
    expect(await attach(role("agent-other-prod"), denyPolicy)).toBe("ImplicitlyDenied");
    expect(await decide({ policies, action: "iam:PutRolePolicy", resource: agentRole })).toBe("ImplicitlyDenied");
    expect(await decide({ policies, action: "iam:CreatePolicyVersion", resource: denyPolicy })).toBe(
      "ImplicitlyDenied",
    );
  });
});

describe("delegation between agent roles (A may act as B)", () => {
  const A = role("agent-triage-prod");
  const B = role("agent-deployer-prod");
  const C = role("agent-intruder-prod");
  const trustOfB = { Version: "2012-10-17", Statement: [delegationTrustStatement([A])] };
  const identityOfA = [{ Version: "2012-10-17", Statement: [delegationIdentityStatement([B])] }];
  const identityOfC = [{ Version: "2012-10-17", Statement: [delegationIdentityStatement([B])] }];
  const attributed = {
    "aws:RequestTag/requested-by": "keisha@acme.example",
    "aws:TagKeys": ["requested-by"],
    "sts:SourceIdentity": "agent-triage",
  };

  it("A can assume B when the session says who asked", async () => {
    expect(
      await decide({
        principal: A,
        policies: identityOfA,
        resourcePolicy: trustOfB,
        action: "sts:AssumeRole",
        resource: B,
        context: attributed,
      }),
    ).toBe("Allowed");
  });

  it("A cannot assume B without the requested-by tag or a source identity", async () => {
    expect(
      await decide({
        principal: A,
        policies: identityOfA,
        resourcePolicy: trustOfB,
        action: "sts:AssumeRole",
        resource: B,
        context: { "sts:SourceIdentity": "agent-triage" },
      }),
    ).not.toBe("Allowed");
    expect(
      await decide({
        principal: A,
        policies: identityOfA,
        resourcePolicy: trustOfB,
        action: "sts:AssumeRole",
        resource: B,
        context: { "aws:RequestTag/requested-by": "keisha@acme.example", "aws:TagKeys": ["requested-by"] },
      }),
    ).not.toBe("Allowed");
  });

  it("C, which B does not trust, cannot assume B even with an identity policy that allows it", async () => {
    expect(
      await decide({
        principal: C,
        policies: identityOfC,
        resourcePolicy: trustOfB,
        action: "sts:AssumeRole",
        resource: B,
        context: attributed,
      }),
    ).not.toBe("Allowed");
  });

  it("B cannot assume A: delegation is one way", async () => {
    const trustOfA = { Version: "2012-10-17", Statement: [delegationTrustStatement([role("agent-someone-else")])] };
    expect(
      await decide({
        principal: B,
        policies: [{ Version: "2012-10-17", Statement: [delegationIdentityStatement([A])] }],
        resourcePolicy: trustOfA,
        action: "sts:AssumeRole",
        resource: A,
        context: attributed,
      }),
    ).not.toBe("Allowed");
  });

  it("A can assume nothing but B", async () => {
    expect(
      await decide({ principal: A, policies: identityOfA, action: "sts:AssumeRole", resource: C, context: attributed }),
    ).not.toBe("Allowed");
  });
});

/**
 * The same proofs on what the components generate: a program with three agents (triage delegates
 * to deployer; intruder does not), a time-bound grant, a break-glass elevation and a budget, run
 * under mocks; the documents are read back from the registered resources.
 */
describe("the components' own output, through the evaluator", () => {
  const elevationEnds = new Date(Date.now() + 6 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const program = async () =>
    recordResources(() => {
      const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
      const common = {
        owner: "keisha@acme.example",
        purpose: "Handles the team's support tickets end to end",
        environment: "prod",
        expires: "2099-01-01",
        aws: { oidcProvider: github },
      };
      const deployer = new AgentIdentity("deployer", {
        ...common,
        runsOn: githubActions({ repository: "acme/platform" }),
        grants: [
          {
            role: "deployment-agent",
            resources: ["arn:aws:s3:::acme-prod-artifacts", "arn:aws:ecr:us-east-1:123456789012:repository/api"],
          },
        ],
        budget: { monthly: 500, notify: ["keisha@acme.example"] },
      });
      new AgentIdentity("triage", {
        ...common,
        runsOn: githubActions({ repository: "acme/api" }),
        grants: [{ resource: "arn:aws:s3:::acme-prod-data", access: "read", until: "2027-01-15" }],
        breakGlass: {
          grants: [{ resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", access: "write" }],
          reason: "INC-4521: repair the orders table",
          approvedBy: "sam@acme.example",
          until: elevationEnds,
        },
        delegatesTo: [deployer],
      });
      new AgentIdentity("intruder", {
        ...common,
        runsOn: githubActions({ repository: "acme/tools" }),
        grants: [{ resource: "arn:aws:s3:::acme-prod-scratch", access: "read" }],
      });
    });

  type Resources = Awaited<ReturnType<typeof program>>;
  /** Every identity policy the role holds: its attached managed policies and its inline policies. */
  function identityPolicies(resources: Resources, agent: string): unknown[] {
    const managed = resources.filter(
      (resource) => resource.type === "aws:iam/policy:Policy" && resource.name.startsWith(`${agent}-grants-`),
    );
    const inline = resources.filter(
      (resource) =>
        resource.type === "aws:iam/rolePolicy:RolePolicy" &&
        resource.name.startsWith(`${agent}-`) &&
        !resource.name.includes("budget"),
    );
    return [...managed, ...inline].map((resource) => JSON.parse(resource.inputs.policy as string));
  }
  function trust(resources: Resources, agent: string): unknown {
    return JSON.parse(
      resources.find((resource) => resource.type === "aws:iam/role:Role" && resource.name === agent)!.inputs
        .assumeRolePolicy as string,
    );
  }

  it("the grant with until: allowed before the day after, denied from then on", async () => {
    const policies = identityPolicies(await program(), "triage");
    const at = (now: string) =>
      decide({
        policies,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-prod-data/report.csv",
        context: { "aws:CurrentTime": now },
      });
    expect(await at("2027-01-15T23:59:59Z")).toBe("Allowed");
    expect(await at("2027-01-16T00:00:00Z")).toBe("ImplicitlyDenied");
  });

  it("the break-glass grant: allowed until the instant it ends, denied a second later", async () => {
    const policies = identityPolicies(await program(), "triage");
    const at = (now: number) =>
      decide({
        policies,
        action: "dynamodb:UpdateItem",
        resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        context: { "aws:CurrentTime": new Date(now).toISOString() },
      });
    const end = Date.parse(elevationEnds);
    expect(await at(Date.now())).toBe("Allowed");
    expect(await at(end - 1000)).toBe("Allowed");
    expect(await at(end)).toBe("ImplicitlyDenied");
    expect(await at(end + 86_400_000)).toBe("ImplicitlyDenied");
  });

  it("the stop policy the budget action attaches denies everything the role's policies allow", async () => {
    const resources = await program();
    const policies = identityPolicies(resources, "deployer");
    const stop = JSON.parse(
      resources.find((resource) => resource.name === "deployer-budget-stop")!.inputs.policy as string,
    );
    const allowed = (policies as { Statement: { Action: string[]; Resource: string[] }[] }[]).flatMap((document) =>
      document.Statement.flatMap((statement) =>
        statement.Action.map((action) => [action, statement.Resource[0]!] as const),
      ),
    );
    expect(allowed.length).toBeGreaterThan(12);
    for (const [action, resource] of allowed) {
      const concrete = resource.endsWith("/*")
        ? resource.replace(/\*$/, "build/1.tgz")
        : resource === "*" && !awsActionInfo(action)?.isWildcardOnly
          ? "arn:aws:s3:::any"
          : resource;
      expect(await decide({ policies, action, resource: concrete }), action).toBe("Allowed");
      expect(await decide({ policies: [...policies, stop], action, resource: concrete }), action).toBe(
        "ExplicitlyDenied",
      );
    }
  });

  it("delegation as generated: triage → deployer allowed with attribution; deployer → triage and intruder → deployer denied", async () => {
    const resources = await program();
    const [triage, deployer, intruder] = ["triage", "deployer", "intruder"].map(
      (name) => `arn:aws:iam::${ACCOUNT}:role/agents/agent-${name}-prod`,
    );
    const attributed = {
      "aws:RequestTag/requested-by": "keisha@acme.example",
      "aws:TagKeys": ["requested-by"],
      "sts:SourceIdentity": "triage",
    };
    const assume = (
      principal: string,
      from: string,
      target: string,
      resource: string,
      context: Record<string, string | string[]> = attributed,
    ) =>
      decide({
        principal,
        policies: identityPolicies(resources, from),
        resourcePolicy: trust(resources, target),
        action: "sts:AssumeRole",
        resource,
        context,
      });
    expect(await assume(triage!, "triage", "deployer", deployer!)).toBe("Allowed");
    expect(await assume(triage!, "triage", "deployer", deployer!, { "sts:SourceIdentity": "triage" })).not.toBe(
      "Allowed",
    );
    expect(await assume(deployer!, "deployer", "triage", triage!)).not.toBe("Allowed");
    expect(await assume(intruder!, "intruder", "deployer", deployer!)).not.toBe("Allowed");
  });
});
