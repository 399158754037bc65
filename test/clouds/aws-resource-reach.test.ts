import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AWS_DATA_READS } from "../../src/clouds/aws/data-reads";
import { awsActionInfo, awsResourceTypes } from "../../src/clouds/aws/iam-catalog";
import { AWS_LATERAL_MOVES } from "../../src/clouds/aws/lateral-movement";
import { analyzePermissions } from "../../src/clouds/aws/permission-analysis";
import { readPolicyDocument } from "../../src/clouds/aws/policy-document";
import { reachWords, resourceReach } from "../../src/clouds/aws/resource-reach";
import { wildcardMatches } from "../../src/model/wildcard";
import { decide } from "../support/iam-simulator";
import { runs } from "../support/property";

/**
 * What an IAM Resource pattern reaches, against the independent evaluator (@cloud-copilot/iam-simulate):
 * a pattern read as "every resource of the type" must let the evaluator allow the action on resources
 * of that type with any name, and a pattern read as scoped must leave some name of that type denied.
 */

const ACCOUNT = "123456789012";

/** One catalog resource type with an action that takes it, and the ARN format AWS publishes for it. */
const TYPES = [
  { action: "s3:GetObject", type: "object" },
  { action: "s3:PutObject", type: "object" },
  { action: "s3:ListBucket", type: "bucket" },
  { action: "dynamodb:PutItem", type: "table" },
  { action: "secretsmanager:GetSecretValue", type: "Secret" },
  { action: "lambda:UpdateFunctionCode", type: "function" },
  { action: "iam:PassRole", type: "role" },
  { action: "sqs:ReceiveMessage", type: "queue" },
  { action: "logs:FilterLogEvents", type: "log-group" },
  { action: "ssm:GetParameter", type: "parameter" },
] as const;

function formatOf(action: string, type: string): string {
  const service = action.split(":")[0]!;
  return awsResourceTypes(service).find((entry) => entry.key === type)!.arnPattern;
}

/** An ARN of the format with each variable filled by `fill(name)`. */
function arnFrom(format: string, fill: (variable: string) => string): string {
  return format.replace(/\$\{([^}]+)\}/g, (_, variable: string) =>
    variable === "Partition"
      ? "aws"
      : variable === "Region"
        ? "us-east-1"
        : variable === "Account"
          ? ACCOUNT
          : fill(variable),
  );
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{2,9}$/);

/** A resource pattern for the format: each name variable becomes `*`, a prefix with `*`, or a literal. */
const patternFor = (format: string) =>
  fc
    .array(
      fc.oneof(
        fc.constant("*"),
        word.map((text) => `${text}*`),
        word,
      ),
      { minLength: 4, maxLength: 4 },
    )
    .map((choices) => {
      let position = 0;
      return arnFrom(format, () => choices[position++ % choices.length]!);
    });

describe("resource reach, against the IAM evaluator", () => {
  it.each(TYPES)(
    "$action on $type: 'every' patterns allow any name, scoped ones leave a name denied",
    async ({ action, type }) => {
      const format = formatOf(action, type);
      const info = awsActionInfo(action)!;
      await fc.assert(
        fc.asyncProperty(patternFor(format), word, word, async (pattern, a, b) => {
          const reach = resourceReach(pattern, info, [type]);
          const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: pattern }] };
          const fresh = (name: string) => arnFrom(format, () => `zz${name}`);
          const decisions = await Promise.all(
            [a, b].map((name) => decide({ policies: [policy], action, resource: fresh(name) })),
          );
          if (reach.kind === "every") expect(decisions).toEqual(["Allowed", "Allowed"]);
          else expect(decisions).toContain("ImplicitlyDenied");
        }),
        runs(25),
      );
    },
  );

  it("a wildcard in the account is every account's resource, named or not", () => {
    const info = awsActionInfo("sts:AssumeRole")!;
    const reach = resourceReach("arn:aws:iam::*:role/OrganizationAccountAccessRole", info);
    expect(reach).toMatchObject({ kind: "every", names: "one", accounts: "every" });
    for (const account of ["111111111111", "222222222222"])
      expect(
        wildcardMatches(
          "arn:aws:iam::*:role/OrganizationAccountAccessRole",
          `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
        ),
      ).toBe(true);
    expect(reachWords(reach as Extract<typeof reach, { kind: "every" }>)).toMatch(/in every account/);
  });

  it.each([
    ["arn:aws:s3:::*/*", "s3:GetObject", /every object/],
    ["arn:aws:secretsmanager:us-east-1:123456789012:secret:*", "secretsmanager:GetSecretValue", /every secret/],
    ["arn:aws:dynamodb:us-east-1:123456789012:table/*", "dynamodb:Query", /every (table|index)/],
    ["arn:aws:lambda:us-east-1:123456789012:function:*", "lambda:UpdateFunctionCode", /every function/],
    ["*", "s3:GetObject", /every resource \("\*"\)/],
  ])("%s reaches every resource of %s's type", (pattern, action, words) => {
    const reach = resourceReach(pattern, awsActionInfo(action)!);
    expect(reach.kind).toBe("every");
    expect(reachWords(reach as Extract<typeof reach, { kind: "every" }>)).toMatch(words);
  });

  it.each([
    ["arn:aws:s3:::acme-prod-source/*", "s3:GetObject"],
    ["arn:aws:s3:::acme-prod-source/reports/*", "s3:PutObject"],
    ["arn:aws:iam::123456789012:role/agents/*", "iam:PassRole"],
    ["arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*", "dynamodb:Query"],
    ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/reviewer-*", "secretsmanager:GetSecretValue"],
  ])("%s stays scoped for %s", (pattern, action) => {
    expect(resourceReach(pattern, awsActionInfo(action)!).kind).toBe("scoped");
  });
});

describe("the data-read and lateral-movement tables", () => {
  it("name real actions that read at the Read level and can be scoped", () => {
    for (const action of AWS_DATA_READS.flatMap((group) => group.actions)) {
      const info = awsActionInfo(action);
      expect(info, action).toBeDefined();
      expect([action, info!.accessLevel]).toEqual([action, "read"]);
      expect(info!.isWildcardOnly, action).toBe(false);
    }
  });

  it("name real actions that can be scoped to the compute they reach", () => {
    for (const move of AWS_LATERAL_MOVES) {
      const info = awsActionInfo(move.action);
      expect(info, move.action).toBeDefined();
      for (const type of move.types) expect(info!.resourceTypes, move.action).toContain(type);
    }
  });

  const analysed = (statements: Record<string, unknown>[]) => {
    const reading = readPolicyDocument({
      Statement: statements.map((statement) => ({ Effect: "Allow", ...statement })),
    });
    if (reading.kind !== "document") throw new Error(reading.kind);
    return analyzePermissions(reading.statements.map((statement) => ({ statement, source: "policy" })));
  };

  it("every data read on every resource is a blanket read; on a named resource it is not", () => {
    for (const action of AWS_DATA_READS.flatMap((group) => group.actions)) {
      expect(analysed([{ Action: action, Resource: "*" }]).blanketReads.length, action).toBe(1);
      const info = awsActionInfo(action)!;
      const format = awsResourceTypes(info.service).find((type) => type.key === info.resourceTypes[0])!.arnPattern;
      const named = arnFrom(format, (variable) => `named-${variable.toLowerCase()}`);
      expect(analysed([{ Action: action, Resource: named }]).blanketReads, `${action} on ${named}`).toEqual([]);
    }
  });

  it("ssm:SendCommand with a named document but every instance is lateral movement", () => {
    const analysis = analysed([
      {
        Action: "ssm:SendCommand",
        Resource: [
          `arn:aws:ssm:us-east-1:${ACCOUNT}:document/AWS-RunShellScript`,
          `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
        ],
      },
    ]);
    expect(analysis.lateralMovement.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/run commands as root on every instance/),
    ]);
    expect(
      analysed([
        {
          Action: "ssm:SendCommand",
          Resource: [
            `arn:aws:ssm:us-east-1:${ACCOUNT}:document/AWS-RunShellScript`,
            `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`,
          ],
        },
      ]).lateralMovement,
    ).toEqual([]);
  });
});
