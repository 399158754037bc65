import { describe, expect, it } from "vitest";
import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import { analyzePermissions, type SourcedStatement } from "../../src/clouds/aws/permission-analysis";
import { readPolicyDocument } from "../../src/clouds/aws/policy-document";
import {
  CREDENTIALS_EXPOSURE_ACTIONS,
  PRIVILEGE_ESCALATION_METHODS,
  READ_ONLY_DATA_EXFILTRATION_ACTIONS,
} from "../../src/clouds/aws/privilege-escalation";

const ROLE = "arn:aws:iam::123456789012:role/app-runtime";
const BUCKET = "arn:aws:s3:::acme-prod-source";

/** Statements of one or more documents, as a role holding them all would have. */
function holding(
  ...documents: { Action: string | string[]; Resource: string | string[]; Effect?: string; Condition?: unknown }[][]
): SourcedStatement[] {
  return documents.flatMap((statements, index) => {
    const reading = readPolicyDocument({
      Version: "2012-10-17",
      Statement: statements.map((statement) => ({ Effect: "Allow", ...statement })),
    });
    if (reading.kind !== "document") throw new Error(reading.kind);
    return reading.statements.map((statement) => ({ statement, source: `policy ${index + 1}` }));
  });
}

const methods = (entries: SourcedStatement[]) => analyzePermissions(entries).escalations.map((method) => method.name);

describe("cloudsplaining's published methods, as data", () => {
  it("names real IAM actions (two published names are not IAM actions: a typo and an SSO portal API)", () => {
    const actions = new Set([
      ...PRIVILEGE_ESCALATION_METHODS.flatMap((method) => method.actions),
      ...CREDENTIALS_EXPOSURE_ACTIONS,
      ...READ_ONLY_DATA_EXFILTRATION_ACTIONS,
    ]);
    const missing = [...actions].filter((action) => !awsActionInfo(action));
    expect(missing.sort()).toEqual(["connect:getfederationtokens", "sso:getrolecredentials"]);
  });

  it("holds the methods the issue names", () => {
    const names = PRIVILEGE_ESCALATION_METHODS.map((method) => method.name);
    for (const name of [
      "CreateNewPolicyVersion",
      "UpdateRolePolicyToAssumeIt",
      "EditExistingLambdaFunctionWithRole",
      "CreateEC2WithExistingIP",
      "PassExistingRoleToNewLambdaThenInvoke",
      "PassExistingRoleToCloudFormation",
      "PassExistingRoleToNewGlueDevEndpoint",
    ])
      expect(names).toContain(name);
  });
});

describe("privilege escalation is more than single actions", () => {
  it.each([
    [
      "iam:CreatePolicyVersion on one policy",
      [{ Action: "iam:CreatePolicyVersion", Resource: "arn:aws:iam::123456789012:policy/agent" }],
      "CreateNewPolicyVersion",
    ],
    [
      "iam:UpdateAssumeRolePolicy on one role",
      [{ Action: "iam:UpdateAssumeRolePolicy", Resource: ROLE }],
      "UpdateRolePolicyToAssumeIt",
    ],
    [
      "lambda:UpdateFunctionCode on one function",
      [{ Action: "lambda:UpdateFunctionCode", Resource: "arn:aws:lambda:us-east-1:123456789012:function:f" }],
      "EditExistingLambdaFunctionWithRole",
    ],
    ["IAM:ATTACHROLEPOLICY in upper case", [{ Action: "IAM:ATTACHROLEPOLICY", Resource: ROLE }], "AttachRolePolicy"],
  ])("%s", (_label, statements, method) => {
    expect(methods(holding(statements))).toContain(method);
  });

  it.each([
    [
      "iam:PassRole + ec2:RunInstances",
      [
        { Action: "iam:PassRole", Resource: ROLE },
        { Action: "ec2:RunInstances", Resource: "*" },
      ],
      "CreateEC2WithExistingIP",
    ],
    [
      "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction",
      [
        { Action: "iam:PassRole", Resource: ROLE },
        {
          Action: ["lambda:CreateFunction", "lambda:InvokeFunction"],
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:*",
        },
      ],
      "PassExistingRoleToNewLambdaThenInvoke",
    ],
    [
      "iam:PassRole + cloudformation:CreateStack",
      [
        { Action: "iam:PassRole", Resource: ROLE },
        {
          Action: "cloudformation:CreateStack",
          Resource: "arn:aws:cloudformation:us-east-1:123456789012:stack/agent/*",
        },
      ],
      "PassExistingRoleToCloudFormation",
    ],
    [
      "iam:PassRole + glue:CreateDevEndpoint",
      [
        { Action: "iam:PassRole", Resource: ROLE },
        { Action: "glue:CreateDevEndpoint", Resource: "*" },
      ],
      "PassExistingRoleToNewGlueDevEndpoint",
    ],
  ])("%s, even with PassRole scoped to one role", (_label, statements, method) => {
    expect(methods(holding(statements))).toContain(method);
  });

  it("finds a combination spread over two policies of the same role", () => {
    expect(
      methods(holding([{ Action: "iam:PassRole", Resource: ROLE }], [{ Action: "ec2:RunInstances", Resource: "*" }])),
    ).toContain("CreateEC2WithExistingIP");
  });

  it("does not report a combination missing one of its actions", () => {
    expect(
      methods(
        holding([
          { Action: "iam:PassRole", Resource: ROLE },
          { Action: "lambda:CreateFunction", Resource: "*" },
        ]),
      ),
    ).not.toContain("PassExistingRoleToNewLambdaThenInvoke");
    expect(methods(holding([{ Action: "ec2:RunInstances", Resource: "*" }]))).toEqual([]);
  });

  it("sees through wildcards: iam:* holds every IAM method", () => {
    const found = methods(holding([{ Action: "iam:*", Resource: "*" }]));
    expect(found).toEqual(
      expect.arrayContaining([
        "CreateAccessKey",
        "CreateNewPolicyVersion",
        "AttachRolePolicy",
        "PutRolePolicy",
        "UpdateRolePolicyToAssumeIt",
      ]),
    );
  });

  it("an unconditional Deny on everything (the kill switch) leaves nothing", () => {
    const entries = holding([{ Action: "iam:*", Resource: "*" }], [{ Effect: "Deny", Action: "*", Resource: "*" }]);
    const analysis = analyzePermissions(entries);
    expect(analysis.escalations).toEqual([]);
    expect(analysis.serviceWildcards).toEqual([]);
  });

  it("a conditional Deny does not count as removing the action", () => {
    const entries = holding(
      [{ Action: "iam:CreatePolicyVersion", Resource: "*" }],
      [
        {
          Effect: "Deny",
          Action: "iam:CreatePolicyVersion",
          Resource: "*",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
        },
      ],
    );
    expect(methods(entries)).toContain("CreateNewPolicyVersion");
  });

  it("a team can accept a named method", () => {
    const entries = holding([
      { Action: "lambda:UpdateFunctionCode", Resource: "arn:aws:lambda:us-east-1:123456789012:function:f" },
    ]);
    expect(
      analyzePermissions(entries, { allowedEscalationMethods: ["EditExistingLambdaFunctionWithRole"] }).escalations,
    ).toEqual([]);
  });
});

describe("scopes", () => {
  it("iam:PassRole and sts:AssumeRole on every role are role hopping; on one named role they are not", () => {
    expect(
      analyzePermissions(holding([{ Action: ["iam:PassRole", "sts:AssumeRole"], Resource: "*" }])).roleHopping,
    ).toHaveLength(2);
    expect(
      analyzePermissions(holding([{ Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/*" }]))
        .roleHopping,
    ).toHaveLength(1);
    expect(
      analyzePermissions(holding([{ Action: ["iam:PassRole", "sts:AssumeRole"], Resource: ROLE }])).roleHopping,
    ).toEqual([]);
  });

  it("near miss: a tightly scoped role with * only for a wildcard-only action passes", () => {
    const analysis = analyzePermissions(
      holding([
        { Action: "xray:PutTraceSegments", Resource: "*" },
        { Action: ["s3:PutObject", "s3:GetObject"], Resource: `${BUCKET}/*` },
      ]),
    );
    expect(analysis.unscopedWrites).toEqual([]);
    expect(analysis.serviceWildcards).toEqual([]);
    expect(analysis.escalations).toEqual([]);
    expect(analysis.highRisk.export).toEqual([]);
  });

  it("a scopable write on every resource is reported, naming the action", () => {
    const [problem] = analyzePermissions(holding([{ Action: "s3:PutObject", Resource: "*" }])).unscopedWrites;
    expect(problem!.message).toMatch(/s3:PutObject on every resource/);
  });

  it("service wildcards and NotAction allows are reported", () => {
    const analysis = analyzePermissions(holding([{ Action: "S3:*", Resource: BUCKET }]));
    expect(analysis.serviceWildcards).toHaveLength(1);
    const reading = readPolicyDocument({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] });
    if (reading.kind !== "document") throw new Error("document");
    expect(
      analyzePermissions(reading.statements.map((statement) => ({ statement, source: "p" }))).notActionAllows,
    ).toHaveLength(1);
  });

  it("credential-returning actions on every resource are reported, registry logins accepted by default", () => {
    const options = { allowedCredentialActions: ["ecr:getauthorizationtoken"] };
    expect(
      analyzePermissions(holding([{ Action: "ecr:GetAuthorizationToken", Resource: "*" }]), options)
        .credentialsExposure,
    ).toEqual([]);
    expect(
      analyzePermissions(holding([{ Action: "redshift:GetClusterCredentials", Resource: "*" }]), options)
        .credentialsExposure,
    ).toHaveLength(1);
    expect(
      analyzePermissions(
        holding([
          {
            Action: "redshift:GetClusterCredentials",
            Resource: "arn:aws:redshift:us-east-1:123456789012:dbuser:c/agent",
          },
        ]),
        options,
      ).credentialsExposure,
    ).toEqual([]);
  });

  it("a read of a named object is not an export; the same read on every resource is", () => {
    expect(analyzePermissions(holding([{ Action: "s3:GetObject", Resource: `${BUCKET}/*` }])).highRisk.export).toEqual(
      [],
    );
    expect(analyzePermissions(holding([{ Action: "s3:GetObject", Resource: "*" }])).highRisk.export).toEqual([
      "s3:GetObject on every resource",
    ]);
    expect(
      analyzePermissions(
        holding([{ Action: "rds:CopyDBSnapshot", Resource: "arn:aws:rds:us-east-1:123456789012:snapshot:s" }]),
      ).highRisk.export,
    ).toEqual(["rds:CopyDBSnapshot"]);
  });
});
