import { describe, expect, it } from "vitest";
import type { AccessLevel } from "../../src/model/access";
import { awsStatementsForGrants } from "../../src/clouds/aws/actions";
import { awsServiceActions } from "../../src/clouds/aws/iam-catalog";
import { packPolicies } from "../../src/clouds/aws/policy-packing";
import { killSwitchPolicy } from "../../src/clouds/aws/kill-switch";
import { githubActions } from "../../src/model/runs-on";
import { planAgent } from "../../src/clouds/plan";
import { decide } from "../support/iam-simulator";

const TODAY = "2026-11-23";
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

function policiesFor(grants: unknown[], extra: Record<string, unknown> = {}) {
  const agent = planAgent(
    "agent-under-test",
    {
      owner: "keisha@acme.example",
      purpose: "An agent whose generated policies we evaluate",
      environment: "prod",
      expires: "2027-02-01",
      runsOn: githubActions({ repository: "acme/api" }),
      grants,
      aws: { oidcProvider: PROVIDER },
      ...extra,
    },
    { today: TODAY },
  );
  const { statements } = awsStatementsForGrants(agent.grants, agent.accountWide);
  return packPolicies(statements);
}

const PROD_BUCKET = "arn:aws:s3:::acme-prod-data";
const DEV_BUCKET = "arn:aws:s3:::acme-dev-data";
const QUEUE = "arn:aws:sqs:us-east-1:123456789012:review-findings";
const OTHER_QUEUE = "arn:aws:sqs:us-east-1:123456789012:payments";

type Case = [action: string, resource: string, expected: "Allowed" | "ImplicitlyDenied"];

/** Expectations written from the roles' plain-words summaries, not from our generator. */
const ROLE_CASES: Record<string, { grants: unknown[]; cases: Case[] }> = {
  "data-reader": {
    grants: [{ role: "data-reader", resources: [PROD_BUCKET] }],
    cases: [
      ["s3:GetObject", `${PROD_BUCKET}/reports/q1.csv`, "Allowed"],
      ["s3:ListBucket", PROD_BUCKET, "Allowed"],
      ["s3:GetObject", `${DEV_BUCKET}/reports/q1.csv`, "ImplicitlyDenied"],
      ["s3:ListBucket", DEV_BUCKET, "ImplicitlyDenied"],
      ["s3:PutObject", `${PROD_BUCKET}/reports/q1.csv`, "ImplicitlyDenied"],
      ["s3:DeleteObject", `${PROD_BUCKET}/reports/q1.csv`, "ImplicitlyDenied"],
      ["s3:PutBucketPolicy", PROD_BUCKET, "ImplicitlyDenied"],
      ["s3:PutReplicationConfiguration", PROD_BUCKET, "ImplicitlyDenied"],
      ["iam:CreateUser", "arn:aws:iam::123456789012:user/x", "ImplicitlyDenied"],
      ["iam:PassRole", "arn:aws:iam::123456789012:role/admin", "ImplicitlyDenied"],
      ["sts:AssumeRole", "arn:aws:iam::123456789012:role/admin", "ImplicitlyDenied"],
    ],
  },
  "code-reviewer": {
    grants: [{ role: "code-reviewer", resources: [PROD_BUCKET, QUEUE] }],
    cases: [
      ["s3:GetObject", `${PROD_BUCKET}/src/main.ts`, "Allowed"],
      ["sqs:SendMessage", QUEUE, "Allowed"],
      ["sqs:SendMessage", OTHER_QUEUE, "ImplicitlyDenied"],
      ["sqs:ReceiveMessage", QUEUE, "ImplicitlyDenied"],
      ["sqs:DeleteQueue", QUEUE, "ImplicitlyDenied"],
      ["sqs:SetQueueAttributes", QUEUE, "ImplicitlyDenied"],
      ["s3:PutObject", `${PROD_BUCKET}/src/main.ts`, "ImplicitlyDenied"],
      ["iam:AttachRolePolicy", "arn:aws:iam::123456789012:role/agents/agent-under-test", "ImplicitlyDenied"],
    ],
  },
  "deployment-agent": {
    grants: [
      {
        role: "deployment-agent",
        resources: [
          "arn:aws:s3:::acme-prod-artifacts",
          "arn:aws:ecr:us-east-1:123456789012:repository/api",
          "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
          "arn:aws:ecs:us-east-1:123456789012:task-definition/api:*",
          "arn:aws:iam::123456789012:role/prod-api-task",
        ],
      },
    ],
    cases: [
      ["ecs:RegisterTaskDefinition", "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7", "Allowed"],
      [
        "ecs:RegisterTaskDefinition",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/payments:3",
        "ImplicitlyDenied",
      ],
      ["ecs:CreateService", "arn:aws:ecs:us-east-1:123456789012:service/prod/api", "ImplicitlyDenied"],
      ["ecr:BatchDeleteImage", "arn:aws:ecr:us-east-1:123456789012:repository/api", "ImplicitlyDenied"],
      ["ecr:PutLifecyclePolicy", "arn:aws:ecr:us-east-1:123456789012:repository/api", "ImplicitlyDenied"],
      ["s3:PutLifecycleConfiguration", "arn:aws:s3:::acme-prod-artifacts", "ImplicitlyDenied"],
      ["s3:PutObject", "arn:aws:s3:::acme-prod-artifacts/build/42.tgz", "Allowed"],
      ["ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/api", "Allowed"],
      ["ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/prod/api", "Allowed"],
      ["s3:DeleteObject", "arn:aws:s3:::acme-prod-artifacts/build/42.tgz", "ImplicitlyDenied"],
      ["ecr:DeleteRepository", "arn:aws:ecr:us-east-1:123456789012:repository/api", "ImplicitlyDenied"],
      ["ecs:DeleteService", "arn:aws:ecs:us-east-1:123456789012:service/prod/api", "ImplicitlyDenied"],
      ["ecr:SetRepositoryPolicy", "arn:aws:ecr:us-east-1:123456789012:repository/api", "ImplicitlyDenied"],
      ["ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/dev/api", "ImplicitlyDenied"],
      ["s3:PutObject", "arn:aws:s3:::acme-prod-source/src/main.ts", "ImplicitlyDenied"],
      ["iam:PassRole", "arn:aws:iam::123456789012:role/ecsTaskExecution", "ImplicitlyDenied"],
      // Without iam:PassedToService in the request (a pass to no named service), the scoped pass does not apply.
      ["iam:PassRole", "arn:aws:iam::123456789012:role/prod-api-task", "ImplicitlyDenied"],
    ],
  },
  "read-only-monitor": {
    grants: [{ role: "read-only-monitor", resources: ["arn:aws:logs:us-east-1:123456789012:log-group:/prod/api"] }],
    cases: [
      ["cloudwatch:GetMetricStatistics", "*", "Allowed"],
      ["logs:DescribeLogGroups", "*", "Allowed"],
      ["logs:GetLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/prod/api:log-stream:abc", "Allowed"],
      [
        "logs:GetLogEvents",
        "arn:aws:logs:us-east-1:123456789012:log-group:/prod/payments:log-stream:abc",
        "ImplicitlyDenied",
      ],
      ["logs:Unmask", "arn:aws:logs:us-east-1:123456789012:log-group:/prod/api", "ImplicitlyDenied"],
      ["logs:FilterLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/prod/api", "Allowed"],
      ["logs:FilterLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/prod/payments", "ImplicitlyDenied"],
      ["logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/prod/api", "ImplicitlyDenied"],
      ["cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x", "ImplicitlyDenied"],
      ["cloudwatch:DeleteAlarms", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x", "ImplicitlyDenied"],
    ],
  },
};

describe("least privilege, decided by an independent IAM evaluator", () => {
  for (const [role, { grants, cases }] of Object.entries(ROLE_CASES)) {
    it.each(cases)(`${role}: %s on %s is %s`, async (action, resource, expected) => {
      expect(await decide({ policies: policiesFor(grants), action, resource })).toBe(expected);
    });
  }

  const LEVELS_ABOVE: Record<AccessLevel, AccessLevel[]> = {
    list: ["read", "tag", "write", "permissions"],
    read: ["tag", "write", "permissions"],
    tag: ["write", "permissions"],
    write: ["permissions"],
    permissions: [],
  };

  it.each(["read", "write"] as const)(
    "a %s grant on a bucket allows no S3 action of a higher level on it or its objects, and no delete",
    async (level) => {
      const policies = policiesFor([{ resource: PROD_BUCKET, access: level }]);
      const higher = new Set(LEVELS_ABOVE[level]);
      const onBucket = (info: { resourceTypes: readonly string[] }) =>
        info.resourceTypes.includes("bucket") || info.resourceTypes.includes("object");
      const actions = [...awsServiceActions("s3").values()].filter(
        (info) => onBucket(info) && (higher.has(info.accessLevel) || /^Delete/.test(info.name)),
      );
      // The catalog has dozens of such actions for read, and the permissions-level ones plus deletes for write.
      expect(actions.length).toBeGreaterThan(level === "read" ? 40 : 10);
      for (const info of actions) {
        const resource = info.resourceTypes.includes("object") ? `${PROD_BUCKET}/any/key` : PROD_BUCKET;
        expect(await decide({ policies, action: info.action, resource }), info.action).not.toBe("Allowed");
      }
    },
  );

  it("a write grant never allows deletes unless the grant includes them (with an approval)", async () => {
    const plain = policiesFor([{ resource: PROD_BUCKET, access: ["read", "write"] }]);
    const withDeletes = policiesFor([{ resource: PROD_BUCKET, access: ["read", "write"], include: ["delete"] }], {
      approval: "SEC-42",
    });
    expect(await decide({ policies: plain, action: "s3:DeleteObject", resource: `${PROD_BUCKET}/k` })).toBe(
      "ImplicitlyDenied",
    );
    expect(await decide({ policies: withDeletes, action: "s3:DeleteObject", resource: `${PROD_BUCKET}/k` })).toBe(
      "Allowed",
    );
  });

  it("the kill switch denies everything the role could do, and every session issued before it", async () => {
    const granted = policiesFor([{ role: "deployment-agent", resources: ["arn:aws:s3:::acme-prod-artifacts"] }]);
    const killed = [...granted, killSwitchPolicy("2026-11-24T00:00:00Z")];
    for (const [action, resource] of [
      ["s3:PutObject", "arn:aws:s3:::acme-prod-artifacts/x"],
      ["s3:GetObject", "arn:aws:s3:::acme-prod-artifacts/x"],
      ["s3:ListBucket", "arn:aws:s3:::acme-prod-artifacts"],
    ])
      expect(
        await decide({
          policies: killed,
          action: action!,
          resource: resource!,
          context: { "aws:TokenIssueTime": "2026-11-23T10:00:00Z" },
        }),
      ).toBe("ExplicitlyDenied");
  });

  it("a permissions boundary caps what the grants allow", async () => {
    const policies = policiesFor([{ resource: PROD_BUCKET, access: ["read", "write"] }]);
    const boundary = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: "*" }],
    };
    expect(
      await decide({ policies, action: "s3:PutObject", resource: `${PROD_BUCKET}/k`, permissionBoundary: boundary }),
    ).toBe("ImplicitlyDenied");
    expect(
      await decide({ policies, action: "s3:GetObject", resource: `${PROD_BUCKET}/k`, permissionBoundary: boundary }),
    ).toBe("Allowed");
  });
});
