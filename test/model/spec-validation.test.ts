import { describe, expect, it } from "vitest";
import { AgentSpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";
import { githubActions, gitlabCi, kubernetes, oidc } from "../../src/model/runs-on";

const TODAY = "2026-11-23";
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const VALID = {
  owner: "keisha@acme.example",
  purpose: "Reviews pull requests and posts findings",
  environment: "prod",
  expires: "2027-02-01",
  runsOn: githubActions({ repository: "acme/api" }),
  grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source"] }],
  aws: { oidcProvider: PROVIDER },
};

function problemsOf(input: unknown, name = "pr-reviewer"): { path: string; message: string }[] {
  try {
    planAgent(name, input, { today: TODAY });
  } catch (error) {
    expect(error).toBeInstanceOf(AgentSpecError);
    return [...(error as AgentSpecError).problems];
  }
  throw new Error("expected the spec to be rejected");
}

function without(key: keyof typeof VALID) {
  const copy: Record<string, unknown> = { ...VALID };
  delete copy[key];
  return copy;
}

describe("agent spec validation", () => {
  it("refuses a pull_request trust for a prod agent or one that can write, at runsOn.ref", () => {
    const pullRequest = githubActions({ repository: "acme/api", ref: "pull_request" });
    expect(problemsOf({ ...VALID, runsOn: pullRequest }).map((problem) => problem.path)).toEqual(["runsOn.ref"]);
    expect(
      problemsOf({
        ...VALID,
        environment: "dev",
        runsOn: pullRequest,
        grants: [{ resource: "arn:aws:s3:::acme-dev-previews", access: ["write"] }],
      }),
    ).toEqual([
      { path: "runsOn.ref", message: expect.stringMatching(/an agent that can write must trust a GitHub environment/) },
    ]);
    // Read-only, outside production: a preview agent may run on pull requests.
    expect(
      planAgent("pr-reviewer", { ...VALID, environment: "dev", runsOn: pullRequest }, { today: TODAY }).trust.subject,
    ).toBe("repo:acme/api:pull_request");
  });

  it("accepts the valid spec and derives the exact subject", () => {
    const agent = planAgent("pr-reviewer", VALID, { today: TODAY });
    expect(agent.trust.subject).toBe("repo:acme/api:environment:prod");
    expect(agent.clouds).toEqual(["aws"]);
    expect(agent.grants.map((grant) => grant.access)).toEqual([["read", "list"]]);
  });

  it.each(["owner", "purpose", "environment", "expires", "runsOn"] as const)("a missing %s is named", (field) => {
    const problems = problemsOf(without(field));
    expect(problems.map((problem) => problem.path)).toContain(field);
    expect(problems.find((problem) => problem.path === field)!.message.length).toBeGreaterThan(10);
  });

  it("lists every problem at once, each with its field path", () => {
    const problems = problemsOf({ ...VALID, owner: "keisha", expires: "2020-01-01", maxSessionDuration: 7200 });
    expect(problems.map((problem) => problem.path).sort()).toEqual(["expires", "maxSessionDuration", "owner"]);
  });

  it.each(["keisha", "keisha@", "@acme.example", "keisha@acme", "keisha acme@acme.example", "team-bots"])(
    "owner %j is not an email",
    (owner) => {
      expect(problemsOf({ ...VALID, owner })[0]).toMatchObject({
        path: "owner",
        message: expect.stringMatching(/email/),
      });
    },
  );

  it.each(["2026-11-22", "2001-01-01"])("expires %s in the past is refused", (expires) => {
    expect(problemsOf({ ...VALID, expires })[0]).toMatchObject({
      path: "expires",
      message: expect.stringMatching(/passed/),
    });
  });

  it.each(["2027-02-30", "01/02/2027", "2027-2-1", "tomorrow"])("expires %j is not a date", (expires) => {
    expect(problemsOf({ ...VALID, expires })[0]).toMatchObject({
      path: "expires",
      message: expect.stringMatching(/YYYY-MM-DD/),
    });
  });

  it.each([
    ["a wildcard repository", githubActions({ repository: "acme/*" }), "runsOn.repository"],
    ["an org-only repository", githubActions({ repository: "acme" }), "runsOn.repository"],
    ["a missing repository", { kind: "github-actions" }, "runsOn.repository"],
    ["a wildcard environment", githubActions({ repository: "acme/api", environment: "prod*" }), "runsOn.environment"],
    ["a wildcard ref", githubActions({ repository: "acme/api", ref: "refs/heads/*" }), "runsOn.ref"],
    [
      "environment and ref",
      githubActions({ repository: "acme/api", environment: "prod", ref: "refs/heads/main" }),
      "runsOn.ref",
    ],
    ["only one GitHub id", githubActions({ repository: "acme/api", ownerId: 1 }), "runsOn.repositoryId"],
    ["a wildcard GitLab project", gitlabCi({ project: "acme/*" }), "runsOn.project"],
    [
      "an http issuer",
      kubernetes({ issuerUrl: "http://oidc.example", namespace: "a", serviceAccount: "b" }),
      "runsOn.issuerUrl",
    ],
    ["an issuer with a query", oidc({ issuerUrl: "https://auth.example?x=1", subject: "s" }), "runsOn.issuerUrl"],
    ["an unknown scheme", oidc({ issuerUrl: "ftp://auth.example", subject: "s" }), "runsOn.issuerUrl"],
    ["a wildcard subject", oidc({ issuerUrl: "https://auth.example", subject: "agent:*" }), "runsOn.subject"],
    [
      "a wildcard namespace",
      kubernetes({ issuerUrl: "https://oidc.example", namespace: "*", serviceAccount: "b" }),
      "runsOn.namespace",
    ],
    ["an unknown preset", { kind: "jenkins" }, "runsOn.kind"],
  ])("runsOn with %s is refused at %s", (_label, runsOn, path) => {
    const problems = problemsOf({ ...VALID, runsOn });
    expect(problems.map((problem) => problem.path)).toContain(path);
  });

  it("an unknown role names the catalog", () => {
    const [problem] = problemsOf({ ...VALID, grants: [{ role: "superuser", resources: [] }] });
    expect(problem).toMatchObject({ path: "grants[0].role", message: expect.stringMatching(/code-reviewer/) });
  });

  it("a role applied to a kind it does not cover is refused", () => {
    const [problem] = problemsOf({
      ...VALID,
      grants: [{ role: "data-reader", resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }],
    });
    expect(problem).toMatchObject({
      path: "grants[0].resources[0]",
      message: expect.stringMatching(/does not cover a queue/),
    });
  });

  it.each([
    ["*", "grants[0].resource", /wildcard-only/],
    ["arn:aws:s3:::acme-*", "grants[0].resource", /wildcard/],
    ["s3://acme", "grants[0].resource", /neither an AWS ARN/],
    ["arn:aws:nosuchservice:us-east-1:123456789012:thing/x", "grants[0].resource", /matches no resource type/],
  ])("resource %j is refused", (resource, path, message) => {
    expect(problemsOf({ ...VALID, grants: [{ resource, access: "read" }] })[0]).toMatchObject({
      path,
      message: expect.stringMatching(message),
    });
  });

  it("actions on * are allowed only for wildcard-only actions", () => {
    expect(() =>
      planAgent(
        "pr-reviewer",
        { ...VALID, grants: [{ actions: ["cloudwatch:DescribeAlarmsForMetric"], resource: "*" }] },
        { today: TODAY },
      ),
    ).not.toThrow();
    expect(problemsOf({ ...VALID, grants: [{ actions: ["s3:GetObject"], resource: "*" }] })[0]).toMatchObject({
      path: "grants[0].actions[0]",
      message: expect.stringMatching(/can be scoped/),
    });
    expect(problemsOf({ ...VALID, grants: [{ actions: ["s3:NoSuchThing"], resource: "*" }] })[0]).toMatchObject({
      path: "grants[0].actions[0]",
    });
  });

  it("a grant on a cloud without its block is refused", () => {
    const [problem] = problemsOf({
      ...VALID,
      grants: [{ resource: "//storage.googleapis.com/projects/_/buckets/acme-data", access: "read" }],
    });
    expect(problem).toMatchObject({ path: "grants[0].resource", message: expect.stringMatching(/no "gcp" block/) });
  });

  it("permissions-level grants and deletes need an approval", () => {
    expect(
      problemsOf({ ...VALID, grants: [{ resource: "arn:aws:s3:::acme-prod-source", access: "permissions" }] })[0]!.path,
    ).toBe("approval");
    expect(
      problemsOf({
        ...VALID,
        grants: [{ resource: "arn:aws:s3:::acme-prod-source", access: "write", include: ["delete"] }],
      })[0]!.path,
    ).toBe("approval");
    expect(() =>
      planAgent(
        "pr-reviewer",
        {
          ...VALID,
          approval: "SEC-1234",
          grants: [{ resource: "arn:aws:s3:::acme-prod-source", access: "write", include: ["delete"] }],
        },
        { today: TODAY },
      ),
    ).not.toThrow();
  });

  it("sessions: 15 minutes allowed, above an hour only with allowLongSessions, never above 12 hours", () => {
    expect(planAgent("pr-reviewer", { ...VALID, maxSessionDuration: 900 }, { today: TODAY }).maxSessionDuration).toBe(
      900,
    );
    expect(problemsOf({ ...VALID, maxSessionDuration: 600 })[0]!.path).toBe("maxSessionDuration");
    expect(problemsOf({ ...VALID, maxSessionDuration: 7200 })[0]!.message).toMatch(/allowLongSessions/);
    expect(
      planAgent("pr-reviewer", { ...VALID, maxSessionDuration: 7200, allowLongSessions: true }, { today: TODAY })
        .maxSessionDuration,
    ).toBe(7200);
    expect(problemsOf({ ...VALID, maxSessionDuration: 50_000, allowLongSessions: true })[0]!.path).toBe(
      "maxSessionDuration",
    );
  });

  it("unknown fields are refused, not ignored", () => {
    expect(problemsOf({ ...VALID, ownr: "x" })[0]!.message).toMatch(/ownr/);
  });

  it("a bad agent name is reported with the rest", () => {
    expect(problemsOf(VALID, "PR Reviewer").map((problem) => problem.path)).toEqual(["name"]);
  });

  it("the message lists every problem with its path", () => {
    try {
      planAgent("pr-reviewer", { ...VALID, owner: "x", expires: "2020-01-01" }, { today: TODAY });
    } catch (error) {
      expect((error as Error).message).toMatch(/owner: .*email/);
      expect((error as Error).message).toMatch(/expires: .*passed/);
      return;
    }
    throw new Error("expected a rejection");
  });
});
