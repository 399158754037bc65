import { describe, expect, it } from "vitest";
import { disabledTrustPolicy, webIdentityTrustPolicy } from "../../src/clouds/aws/trust-policy";
import { githubActions, gitlabCi, kubernetes, oidc, type RunsOn } from "../../src/model/runs-on";
import { planAgent } from "../../src/clouds/plan";
import { trustAllows } from "../support/web-identity-evaluator";

const TODAY = "2026-11-23";
const ACCOUNT = "123456789012";
const providerFor = (host: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`;

function agentFor(runsOn: RunsOn, environment = "prod") {
  return planAgent(
    "pr-reviewer",
    {
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests",
      environment,
      expires: "2027-02-01",
      runsOn,
      aws: { oidcProvider: providerFor("x") },
    },
    { today: TODAY },
  );
}

interface Claims {
  host: string;
  sub: string;
  aud: string;
  session?: string;
}

/** One legitimate token per preset, and forgeries that each change one thing an attacker controls. */
const MATRIX: { preset: string; runsOn: RunsOn; legit: Claims; forged: [string, Partial<Claims>][] }[] = [
  {
    preset: "GitHub environment",
    runsOn: githubActions({ repository: "acme/api" }),
    legit: {
      host: "token.actions.githubusercontent.com",
      sub: "repo:acme/api:environment:prod",
      aud: "sts.amazonaws.com",
      session: "pr-reviewer",
    },
    forged: [
      ["other organisation", { sub: "repo:evil/api:environment:prod" }],
      ["repository-name prefix trick", { sub: "repo:acme/api-evil:environment:prod" }],
      ["other repository of the org", { sub: "repo:acme/web:environment:prod" }],
      ["other environment", { sub: "repo:acme/api:environment:dev" }],
      ["pull-request ref (forks run here too)", { sub: "repo:acme/api:pull_request" }],
      ["branch ref instead of environment", { sub: "repo:acme/api:ref:refs/heads/main" }],
      ["case change of the org", { sub: "repo:ACME/api:environment:prod" }],
      ["immutable form of another repo id", { sub: "repo:acme@1/api@2:environment:prod" }],
      ["other audience", { aud: "api://AzureADTokenExchange" }],
      ["other issuer", { host: "gitlab.com" }],
      ["other session name", { session: "someone-else" }],
      ["no session name", { session: undefined }],
    ],
  },
  {
    preset: "GitHub immutable subject",
    runsOn: githubActions({ repository: "acme/api", ownerId: 123456, repositoryId: 456789 }),
    legit: {
      host: "token.actions.githubusercontent.com",
      sub: "repo:acme@123456/api@456789:environment:prod",
      aud: "sts.amazonaws.com",
      session: "pr-reviewer",
    },
    forged: [
      ["the mutable form (a re-created repo with the same name)", { sub: "repo:acme/api:environment:prod" }],
      ["same names, other repository id", { sub: "repo:acme@123456/api@999999:environment:prod" }],
      ["same names, other owner id", { sub: "repo:acme@999999/api@456789:environment:prod" }],
      ["other environment", { sub: "repo:acme@123456/api@456789:environment:dev" }],
    ],
  },
  {
    preset: "GitHub branch ref",
    runsOn: githubActions({ repository: "acme/api", ref: "refs/heads/main" }),
    legit: {
      host: "token.actions.githubusercontent.com",
      sub: "repo:acme/api:ref:refs/heads/main",
      aud: "sts.amazonaws.com",
      session: "pr-reviewer",
    },
    forged: [
      ["other branch", { sub: "repo:acme/api:ref:refs/heads/main-evil" }],
      ["a tag", { sub: "repo:acme/api:ref:refs/tags/main" }],
      ["pull request", { sub: "repo:acme/api:pull_request" }],
    ],
  },
  {
    preset: "GitLab CI",
    runsOn: gitlabCi({ project: "acme/platform/api" }),
    legit: {
      host: "gitlab.com",
      sub: "project_path:acme/platform/api:ref_type:branch:ref:main",
      aud: "sts.amazonaws.com",
      session: "pr-reviewer",
    },
    forged: [
      ["other project", { sub: "project_path:acme/platform/api-evil:ref_type:branch:ref:main" }],
      ["other group", { sub: "project_path:evil/platform/api:ref_type:branch:ref:main" }],
      ["other branch", { sub: "project_path:acme/platform/api:ref_type:branch:ref:feature" }],
      ["tag of the same name", { sub: "project_path:acme/platform/api:ref_type:tag:ref:main" }],
      ["other issuer", { host: "gitlab.example.com" }],
    ],
  },
  {
    preset: "Kubernetes",
    runsOn: kubernetes({
      issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
      namespace: "agents",
      serviceAccount: "pr-reviewer",
    }),
    legit: {
      host: "oidc.eks.us-east-1.amazonaws.com/id/ABC",
      sub: "system:serviceaccount:agents:pr-reviewer",
      aud: "sts.amazonaws.com",
      session: "pr-reviewer",
    },
    forged: [
      ["other namespace", { sub: "system:serviceaccount:default:pr-reviewer" }],
      ["other service account", { sub: "system:serviceaccount:agents:deployer" }],
      ["other cluster", { host: "oidc.eks.us-east-1.amazonaws.com/id/XYZ" }],
    ],
  },
  {
    preset: "generic OIDC",
    runsOn: oidc({ issuerUrl: "https://auth.acme.example", subject: "agent:pr-reviewer", audience: "acme-agents" }),
    legit: { host: "auth.acme.example", sub: "agent:pr-reviewer", aud: "acme-agents", session: "pr-reviewer" },
    forged: [
      ["other subject", { sub: "agent:pr-reviewer-2" }],
      ["default audience", { aud: "sts.amazonaws.com" }],
    ],
  },
];

function request(claims: Claims, legitHost: string) {
  const context: Record<string, string> = { [`${claims.host}:sub`]: claims.sub, [`${claims.host}:aud`]: claims.aud };
  if (claims.session !== undefined) context["sts:RoleSessionName"] = claims.session;
  // A token from another issuer arrives through that issuer's provider.
  return { providerArn: providerFor(claims.host === legitHost ? legitHost : claims.host), context };
}

describe("AWS trust against forged OIDC claims", () => {
  for (const { preset, runsOn, legit, forged } of MATRIX) {
    const agent = agentFor(runsOn);
    const policy = webIdentityTrustPolicy(agent, providerFor(legit.host));

    it(`${preset}: the legitimate token is accepted`, () => {
      expect(trustAllows(policy, request(legit, legit.host))).toBe(true);
    });

    it.each(forged)(`${preset}: refuses %s`, (_label, change) => {
      const claims = { ...legit, ...change } as Claims;
      if ("session" in change && change.session === undefined) delete claims.session;
      expect(trustAllows(policy, request(claims, legit.host))).toBe(false);
    });

    it(`${preset}: a disabled agent refuses even the legitimate token`, () => {
      expect(trustAllows(disabledTrustPolicy(providerFor(legit.host)), request(legit, legit.host))).toBe(false);
    });
  }

  it("the evaluator itself is not vacuous: an org-wide StringLike trust accepts the prefix trick", () => {
    const loose = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerFor("token.actions.githubusercontent.com") },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } },
        },
      ],
    };
    expect(
      trustAllows(loose, {
        providerArn: providerFor("token.actions.githubusercontent.com"),
        context: { "token.actions.githubusercontent.com:sub": "repo:acme/api-evil:environment:prod" },
      }),
    ).toBe(true);
  });
});
