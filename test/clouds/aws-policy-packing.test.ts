import { describe, expect, it } from "vitest";
import { awsStatementsForGrants, type AwsStatement } from "../../src/clouds/aws/actions";
import { AWS_LIMITS, policySize } from "../../src/model/cloud-limits";
import { packingLowerBound, packPolicies } from "../../src/clouds/aws/policy-packing";
import { githubActions } from "../../src/model/runs-on";
import { planAgent } from "../../src/clouds/plan";

function statement(index: number, actions: number): AwsStatement {
  return {
    Sid: `S${index}`,
    Effect: "Allow",
    Action: Array.from({ length: actions }, (_, i) => `s3:Action${index}x${i}`),
    Resource: [`arn:aws:s3:::bucket-${index}/*`],
  };
}

describe("packing statements into managed policies", () => {
  it("keeps every document under 6,144 characters and loses no action", () => {
    const statements = Array.from({ length: 40 }, (_, i) => statement(i, 5 + (i % 7) * 9));
    const documents = packPolicies(statements);
    for (const document of documents)
      expect(policySize(document)).toBeLessThanOrEqual(AWS_LIMITS.managedPolicyCharacters);
    const packed = documents.flatMap((document) => document.Statement.flatMap((s) => s.Action)).sort();
    expect(packed).toEqual(statements.flatMap((s) => s.Action).sort());
    expect(documents.length).toBeLessThanOrEqual(packingLowerBound(statements) + 1);
  });

  it("splits one statement too large for a policy", () => {
    const huge = statement(1, 400);
    const documents = packPolicies([huge]);
    expect(documents.length).toBeGreaterThan(1);
    for (const document of documents)
      expect(policySize(document)).toBeLessThanOrEqual(AWS_LIMITS.managedPolicyCharacters);
    expect(documents.flatMap((d) => d.Statement.flatMap((s) => s.Action)).sort()).toEqual([...huge.Action].sort());
  });

  it("refuses grants that need more than 10 managed policies, with advice", () => {
    expect(() => packPolicies(Array.from({ length: 200 }, (_, i) => statement(i, 30)))).toThrow(/at most 10/);
  });

  it("packs a real agent with many buckets within one policy of the lower bound", () => {
    const resources = Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::acme-prod-data-${i}`);
    const agent = planAgent(
      "bulk-reader",
      {
        owner: "keisha@acme.example",
        purpose: "Reads many buckets for reporting",
        environment: "prod",
        expires: "2027-02-01",
        runsOn: githubActions({ repository: "acme/reports" }),
        grants: [{ role: "data-reader", resources }],
        aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      },
      { today: "2026-11-23" },
    );
    const { statements } = awsStatementsForGrants(agent.grants, agent.accountWide);
    const documents = packPolicies(statements);
    expect(documents.length).toBeLessThanOrEqual(packingLowerBound(statements) + 1);
    for (const document of documents)
      expect(policySize(document)).toBeLessThanOrEqual(AWS_LIMITS.managedPolicyCharacters);
  });
});
