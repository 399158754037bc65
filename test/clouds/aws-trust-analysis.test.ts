import { describe, expect, it } from "vitest";
import {
  judgeTrustPolicy,
  subjectEnvironment,
  subjectScope,
  trustAllowsWebIdentity,
} from "../../src/clouds/aws/trust-analysis";
import { UNKNOWN } from "../../src/model/unknown";

const GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const HOST = "token.actions.githubusercontent.com";

function trust(condition: Record<string, Record<string, unknown>> | undefined, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: GITHUB },
        Action: "sts:AssumeRoleWithWebIdentity",
        ...(condition ? { Condition: condition } : {}),
        ...extra,
      },
    ],
  });
}

function violations(document: unknown): string[] {
  return judgeTrustPolicy(document)
    .problems.filter((problem) => problem.kind === "violation")
    .map((problem) => problem.message);
}

describe("web-identity trust pinning: better than Checkov CKV_AWS_358/393", () => {
  it("passes StringEquals on aud and the exact sub", () => {
    expect(
      violations(
        trust({
          StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com", [`${HOST}:sub`]: "repo:acme/api:environment:prod" },
        }),
      ),
    ).toEqual([]);
  });

  it("accepts GitHub's immutable subject form (Checkov rejects it)", () => {
    const document = trust({
      StringEquals: {
        [`${HOST}:aud`]: "sts.amazonaws.com",
        [`${HOST}:sub`]: "repo:acme@123456/api@456789:environment:prod",
      },
    });
    expect(violations(document)).toEqual([]);
    expect(judgeTrustPolicy(document).subjects).toEqual(["repo:acme@123456/api@456789:environment:prod"]);
  });

  it("blocks a trust that never checks aud (Checkov never looks at aud)", () => {
    const [message] = violations(trust({ StringEquals: { [`${HOST}:sub`]: "repo:acme/api:environment:prod" } }));
    expect(message).toMatch(/does not check the token's audience/);
    expect(message).toContain(`"${HOST}:aud": "sts.amazonaws.com"`);
  });

  it("blocks an organisation-wide sub pattern repo:acme/* (Checkov lets it pass)", () => {
    const messages = violations(
      trust({ StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${HOST}:sub`]: "repo:acme/*" } }),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/every repository of the organisation/);
  });

  it("blocks the immutable form with a wildcard repository, and any-branch patterns of one repository", () => {
    expect(
      violations(
        trust({
          StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${HOST}:sub`]: "repo:acme@123456/*" },
        }),
      )[0],
    ).toMatch(/every repository/);
    expect(
      violations(
        trust({
          StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${HOST}:sub`]: "repo:acme/api:*" },
        }),
      )[0],
    ).toMatch(/of one repository.*use StringEquals with the exact subject/);
  });

  it("blocks a trust with no condition at all, with the fix in the message", () => {
    const messages = violations(trust(undefined));
    expect(messages.some((message) => /audience/.test(message))).toBe(true);
    expect(messages.some((message) => /does not check the token's subject/.test(message))).toBe(true);
  });

  it("blocks ForAllValues on sub, which passes when the claim is missing", () => {
    expect(
      violations(
        trust({
          StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com" },
          "ForAllValues:StringEquals": { [`${HOST}:sub`]: "repo:acme/api:environment:prod" },
        }),
      )[0],
    ).toMatch(/passes when the claim is missing/);
  });

  it("blocks a web-identity trust that any identity provider can use", () => {
    const document = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Principal: "*",
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { "x:aud": "a", "x:sub": "b" } },
        },
      ],
    });
    expect(violations(document).some((message) => /any identity provider/.test(message))).toBe(true);
  });

  it("reads action names case-insensitively, so STS:AssumeRoleWithWebIdentity is still web identity", () => {
    const document = JSON.stringify({
      Statement: { Effect: "Allow", Principal: { Federated: GITHUB }, Action: ["STS:ASSUMEROLEWITHWEBIDENTITY"] },
    });
    expect(trustAllowsWebIdentity(document)).toBe(true);
    expect(violations(document)).toHaveLength(2);
  });

  it("judges GitLab and Kubernetes subjects by group and namespace", () => {
    expect(subjectScope("project_path:acme/*").scope).toBe("spans");
    expect(subjectScope("project_path:acme/platform/api:ref_type:branch:ref:*").scope).toBe("one-owner");
    expect(subjectScope("system:serviceaccount:*:reviewer").scope).toBe("spans");
    expect(subjectScope("system:serviceaccount:agents:*").scope).toBe("one-owner");
    expect(subjectScope("agent:*").scope).toBe("spans");
  });
});

describe("what is not an agent trust", () => {
  it("a Lambda execution role trusting a service principal", () => {
    const document = {
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
    expect(trustAllowsWebIdentity(document)).toBe(false);
    expect(judgeTrustPolicy(document).problems).toEqual([]);
  });

  it("a Cognito identity pool role (end users, not workloads)", () => {
    const document = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "cognito-identity.amazonaws.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
        },
      ],
    };
    expect(trustAllowsWebIdentity(document)).toBe(false);
  });

  it("a disabled agent's trust (only a Deny)", () => {
    const document = {
      Statement: [{ Effect: "Deny", Principal: { Federated: GITHUB }, Action: "sts:AssumeRoleWithWebIdentity" }],
    };
    expect(trustAllowsWebIdentity(document)).toBe(false);
  });
});

describe("preview: unknown trust never passes silently", () => {
  it("an unknown trust policy is unknown, with an advisory problem", () => {
    const judgement = judgeTrustPolicy(UNKNOWN);
    expect(judgement.webIdentity).toBe("unknown");
    expect(judgement.problems).toEqual([{ kind: "unknown", message: expect.stringMatching(/not known until apply/) }]);
  });

  it("an unknown sub value is an advisory, not a pass and not a violation", () => {
    const judgement = judgeTrustPolicy(
      trust({ StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com", [`${HOST}:sub`]: UNKNOWN } }),
    );
    expect(judgement.problems.map((problem) => problem.kind)).toEqual(["unknown"]);
  });
});

describe("the environment a subject names", () => {
  it.each([
    ["repo:acme/api:environment:prod", "prod"],
    ["repo:acme@1/api@2:environment:staging", "staging"],
    ["repo:acme/api:ref:refs/heads/main", undefined],
    ["system:serviceaccount:prod:reviewer", undefined],
  ])("%s → %s", (subject, environment) => {
    expect(subjectEnvironment(subject)).toBe(environment);
  });
});
