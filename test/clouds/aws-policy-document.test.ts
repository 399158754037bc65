import { describe, expect, it } from "vitest";
import {
  actionMatches,
  expandActionPattern,
  isServiceWildcard,
  readPolicyDocument,
  resourceBreadth,
  statementCoversAction,
  statementCoversAllResources,
  type PolicyStatement,
} from "../../src/clouds/aws/policy-document";
import { UNKNOWN } from "../../src/model/unknown";

function statements(input: unknown): readonly PolicyStatement[] {
  const reading = readPolicyDocument(input);
  if (reading.kind !== "document") throw new Error(`expected a document, got ${reading.kind}`);
  return reading.statements;
}

describe("reading IAM policy documents in every form", () => {
  const object = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::b/*"] }],
  };

  it("reads a JSON string and an object alike", () => {
    expect(statements(JSON.stringify(object))).toEqual(statements(object));
  });

  it("reads Statement, Action and Resource as a single value", () => {
    const [statement] = statements({
      Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
    });
    expect(statement!.actions).toEqual(["s3:GetObject"]);
    expect(statement!.resources).toEqual(["arn:aws:s3:::b/*"]);
  });

  it("reads element names case-insensitively and keeps NotAction and NotResource", () => {
    const [statement] = statements({
      statement: [{ effect: "Allow", notAction: "iam:*", notResource: "arn:aws:s3:::b" }],
    });
    expect(statement!.effect).toBe("Allow");
    expect(statement!.notActions).toEqual(["iam:*"]);
    expect(statementCoversAllResources(statement!)).toBe(true);
    expect(statementCoversAction(statement!, "s3:DeleteBucket")).toBe(true);
    expect(statementCoversAction(statement!, "IAM:PassRole")).toBe(false);
  });

  it("says unknown for a document, a Statement or an effect that preview does not know yet", () => {
    expect(readPolicyDocument(UNKNOWN).kind).toBe("unknown");
    expect(readPolicyDocument({ Statement: UNKNOWN }).kind).toBe("unknown");
    const [statement] = statements({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: UNKNOWN }] });
    expect(statement!.hasUnknown).toBe(true);
  });

  it("explains what is wrong with an unreadable document", () => {
    expect(readPolicyDocument("{not json")).toEqual({ kind: "invalid", error: "the policy is not valid JSON" });
    expect(readPolicyDocument({ Version: "2012-10-17" })).toEqual({
      kind: "invalid",
      error: "the policy has no Statement",
    });
    expect(readPolicyDocument({ Statement: [{ Effect: "Permit" }] })).toEqual({
      kind: "invalid",
      error: 'Statement[0].Effect must be "Allow" or "Deny"',
    });
    expect(readPolicyDocument(undefined).kind).toBe("absent");
  });
});

describe("IAM action names are case-insensitive", () => {
  it.each([
    ["S3:*", "s3:GetObject", true],
    ["s3:get*", "S3:GetObject", true],
    ["iam:?assRole", "iam:PassRole", true],
    ["s3:Get*", "s3:PutObject", false],
    ["*", "kms:Decrypt", true],
  ])("%s matches %s: %s", (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  it("recognises service wildcards in any case", () => {
    expect(isServiceWildcard("S3:*")).toBe(true);
    expect(isServiceWildcard("*")).toBe(true);
    expect(isServiceWildcard("*:Get*")).toBe(true);
    expect(isServiceWildcard("s3:Get*")).toBe(false);
  });

  it("expands patterns against the IAM catalog, whatever their case", () => {
    const upper = expandActionPattern("IAM:CREATEPOLICY*").actions.map((info) => info.action);
    expect(upper).toContain("iam:CreatePolicyVersion");
    expect(upper).toContain("iam:CreatePolicy");
    expect(expandActionPattern("*").everyService).toBe(true);
    expect(expandActionPattern("s3:nosuchaction").actions).toEqual([]);
  });
});

describe("resource breadth", () => {
  it.each([
    ["*", "all"],
    ["arn:aws:s3:::*", "all"],
    ["arn:aws:s3:::acme-prod-source/*", "pattern"],
    ["arn:aws:s3:::acme-prod-source", "named"],
    [UNKNOWN, "unknown"],
  ])("%s is %s", (resource, breadth) => {
    expect(resourceBreadth(resource)).toBe(breadth);
  });
});
