import * as aws from "@pulumi/aws";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyPackProcess, type AnalyzerDiagnostic } from "../../src/gate/analyzer";
import { AnalyzerView } from "../../src/gate/cli/check/analyzer-resources";
import { recordStack } from "../../src/gate/program/record";
import { inDays } from "../fixtures/policy/build";

/**
 * Where the best scanners fall short, one test per gap, each a program written with the raw
 * providers (`@pulumi/aws` 7, `@pulumi/azure-native` 3: the type tokens teams deploy today, where
 * awsguard targets `@pulumi/aws` 4 with three IAM rules) and judged through the real analyzer.
 */

const GITHUB = "token.actions.githubusercontent.com";
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${GITHUB}`;
const TAGS = {
  owner: "keisha@acme.example",
  purpose: "Reviews pull requests and posts findings",
  environment: "prod",
  expires: inDays(60),
};

let pack: PolicyPackProcess;

beforeAll(async () => {
  pack = await PolicyPackProcess.start("policy-pack", {
    config: { all: "mandatory" },
    stack: { name: "prod", project: "do-better" },
  });
});

afterAll(async () => {
  await pack.close();
});

/** Runs a program under mocks and judges every resource (Analyze) and the stack (AnalyzeStack). */
async function judge(program: () => void, packConfig?: Record<string, unknown>): Promise<AnalyzerDiagnostic[]> {
  const recorded = await recordStack(program, { project: "do-better", stack: "prod" });
  const view = new AnalyzerView({ project: recorded.project, stack: recorded.stack });
  await pack.configure({ all: "mandatory", ...packConfig });
  const diagnostics: AnalyzerDiagnostic[] = [];
  for (const resource of view.all(recorded.resources, "analyze")) diagnostics.push(...(await pack.analyze(resource)));
  diagnostics.push(...(await pack.analyzeStack(view.all(recorded.resources, "stack"))));
  return diagnostics;
}

const blocking = (diagnostics: AnalyzerDiagnostic[], policy: string) =>
  diagnostics.filter((d) => d.policyName === policy && d.enforcementLevel === "mandatory").map((d) => d.message);

function trust(condition: Record<string, Record<string, unknown>>) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: PROVIDER_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
      },
    ],
  });
}

function agentRole(name: string, args: Partial<aws.iam.RoleArgs> = {}): aws.iam.Role {
  return new aws.iam.Role(name, {
    name,
    assumeRolePolicy: trust({
      StringEquals: { [`${GITHUB}:aud`]: "sts.amazonaws.com", [`${GITHUB}:sub`]: "repo:acme/api:environment:prod" },
    }),
    maxSessionDuration: 3600,
    permissionsBoundary: "arn:aws:iam::123456789012:policy/agent-iam-boundary",
    tags: TAGS,
    ...args,
  });
}

describe("Checkov's GitHub OIDC checks (CKV_AWS_358/393)", () => {
  it("never look at aud: the pack blocks a trust without an audience check", async () => {
    const diagnostics = await judge(() =>
      agentRole("no-aud", {
        assumeRolePolicy: trust({ StringEquals: { [`${GITHUB}:sub`]: "repo:acme/api:environment:prod" } }),
      }),
    );
    expect(blocking(diagnostics, "federated-trust-pinned")).toEqual([
      expect.stringMatching(/does not check the token's audience/),
    ]);
  });

  it("let an organisation-wide repo:acme/* pass: the pack blocks it", async () => {
    const diagnostics = await judge(() =>
      agentRole("org-wide", {
        assumeRolePolicy: trust({
          StringEquals: { [`${GITHUB}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${GITHUB}:sub`]: "repo:acme/*" },
        }),
      }),
    );
    expect(blocking(diagnostics, "federated-trust-pinned")).toEqual([
      expect.stringMatching(/every repository of the organisation/),
    ]);
  });

  it("reject GitHub's immutable subject form: the pack accepts it, on every policy that reads the trust", async () => {
    const diagnostics = await judge(() =>
      agentRole("immutable", {
        assumeRolePolicy: trust({
          StringEquals: {
            [`${GITHUB}:aud`]: "sts.amazonaws.com",
            [`${GITHUB}:sub`]: "repo:acme@123456/api@456789:environment:prod",
          },
        }),
      }),
    );
    expect(
      diagnostics.some((d) => d.policyName === "agent-identity-registered"),
      "the role is recognised as an agent by its trust",
    ).toBe(true);
    for (const policy of [
      "federated-trust-pinned",
      "environment-isolation",
      "agent-must-have-owner",
      "no-overbroad-aws-scopes",
      "short-lived-credentials",
      "permissions-boundary-required",
    ])
      expect(blocking(diagnostics, policy), policy).toEqual([]);
  });
});

describe("no scanner checks session length", () => {
  it("12-hour agent sessions are blocked; one hour passes", async () => {
    expect(
      blocking(await judge(() => agentRole("long", { maxSessionDuration: 43200 })), "short-lived-credentials"),
    ).toEqual([expect.stringMatching(/43200 s, more than the 3600 s maximum/)]);
    expect(blocking(await judge(() => agentRole("short")), "short-lived-credentials")).toEqual([]);
  });
});

describe("no scanner checks permissions boundaries", () => {
  it("a missing boundary is reported, and blocks once the team names one", async () => {
    const program = () => agentRole("unbounded", { permissionsBoundary: undefined });
    const advisory = (await judge(program, { "permissions-boundary-required": "advisory" })).filter(
      (d) => d.policyName === "permissions-boundary-required",
    );
    expect(advisory.map((d) => d.enforcementLevel)).toEqual(["advisory"]);
    const named = await judge(program, {
      "permissions-boundary-required": {
        enforcementLevel: "advisory",
        permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/agent-iam-boundary",
      },
    });
    expect(blocking(named, "permissions-boundary-required")).toEqual([
      expect.stringMatching(
        /has no permissions boundary; set permissionsBoundary to arn:aws:iam::123456789012:policy\/agent-iam-boundary/,
      ),
    ]);
  });
});

describe("no scanner checks owner tags", () => {
  it("an agent role without owner, purpose, environment and expires is blocked", async () => {
    expect(
      blocking(await judge(() => agentRole("orphan", { tags: { team: "platform" } })), "agent-must-have-owner"),
    ).toEqual([expect.stringMatching(/without owner, purpose, environment, expires/)]);
  });

  it("an agent whose owner has left is blocked", async () => {
    expect(
      blocking(
        await judge(() => agentRole("departed"), {
          "agent-must-have-owner": { departedOwners: ["keisha@acme.example"] },
        }),
        "agent-must-have-owner",
      ),
    ).toEqual([expect.stringMatching(/has left/)]);
  });
});

describe("no scanner checks managed-identity federated credentials on Azure", () => {
  const identity = (credential: Partial<managedidentity.FederatedIdentityCredentialArgs>) => () => {
    const agent = new managedidentity.UserAssignedIdentity("ops", {
      resourceName: "ops",
      resourceGroupName: "agents",
      location: "westeurope",
      tags: TAGS,
    });
    new managedidentity.FederatedIdentityCredential("ops-github", {
      resourceName: agent.name,
      resourceGroupName: "agents",
      federatedIdentityCredentialResourceName: "github",
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:acme/ops:environment:prod",
      audiences: ["api://AzureADTokenExchange"],
      ...credential,
    });
  };

  it("a wildcard subject is blocked", async () => {
    expect(blocking(await judge(identity({ subject: "repo:acme/*" })), "federated-trust-pinned")).toEqual([
      expect.stringMatching(/Azure compares subjects exactly/),
    ]);
  });

  it("another audience is blocked", async () => {
    expect(
      blocking(
        await judge(identity({ audiences: ["api://AzureADTokenExchange", "https://management.azure.com/"] })),
        "federated-trust-pinned",
      ),
    ).toEqual([expect.stringMatching(/accepts the audience "https:\/\/management\.azure\.com\/"/)]);
  });

  it("an exact subject with the token-exchange audience passes", async () => {
    expect(blocking(await judge(identity({})), "federated-trust-pinned")).toEqual([]);
  });
});

describe("privilege escalation is more than single actions (cloudsplaining's methods)", () => {
  const PASS_ROLE = { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/app-runtime" };
  const scoped = {
    "ec2:RunInstances": [
      "arn:aws:ec2:us-east-1:123456789012:instance/*",
      "arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890",
      "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0abc",
    ],
    "lambda:CreateFunction+InvokeFunction": ["arn:aws:lambda:us-east-1:123456789012:function:agent-*"],
    "cloudformation:CreateStack": ["arn:aws:cloudformation:us-east-1:123456789012:stack/agent-*/*"],
    "glue:CreateDevEndpoint": ["*"],
  } as const;
  const combos: [string, string[], readonly string[], string][] = [
    ["iam:PassRole + ec2:RunInstances", ["ec2:RunInstances"], scoped["ec2:RunInstances"], "CreateEC2WithExistingIP"],
    [
      "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction",
      ["lambda:CreateFunction", "lambda:InvokeFunction"],
      scoped["lambda:CreateFunction+InvokeFunction"],
      "PassExistingRoleToNewLambdaThenInvoke",
    ],
    [
      "iam:PassRole + cloudformation:CreateStack",
      ["cloudformation:CreateStack"],
      scoped["cloudformation:CreateStack"],
      "PassExistingRoleToCloudFormation",
    ],
    [
      "iam:PassRole + glue:CreateDevEndpoint",
      ["glue:CreateDevEndpoint"],
      scoped["glue:CreateDevEndpoint"],
      "PassExistingRoleToNewGlueDevEndpoint",
    ],
  ];

  it.each(combos)("%s, each scoped, is blocked as a combination", async (_label, actions, resources, method) => {
    const program = (withPassRole: boolean) => () => {
      const role = agentRole("builder");
      const statements = [
        { Effect: "Allow", Action: actions, Resource: [...resources] },
        ...(withPassRole ? [PASS_ROLE] : []),
      ];
      new aws.iam.RolePolicy("builder-grants", {
        role: role.name,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      });
    };
    expect(blocking(await judge(program(true)), "no-overbroad-aws-scopes")).toEqual([expect.stringContaining(method)]);
    // The same actions without iam:PassRole are no escalation.
    expect(blocking(await judge(program(false)), "no-overbroad-aws-scopes")).toEqual([]);
  });

  it("the single actions the issue names are blocked on a named resource too", async () => {
    for (const [action, resource, method] of [
      ["iam:CreatePolicyVersion", "arn:aws:iam::123456789012:policy/agents", "CreateNewPolicyVersion"],
      ["iam:UpdateAssumeRolePolicy", "arn:aws:iam::123456789012:role/app-runtime", "UpdateRolePolicyToAssumeIt"],
      [
        "lambda:UpdateFunctionCode",
        "arn:aws:lambda:us-east-1:123456789012:function:web",
        "EditExistingLambdaFunctionWithRole",
      ],
    ]) {
      const diagnostics = await judge(() => {
        const role = agentRole("editor");
        new aws.iam.RolePolicy("editor-grants", {
          role: role.name,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
          }),
        });
      });
      expect(blocking(diagnostics, "no-overbroad-aws-scopes"), action).toEqual([expect.stringContaining(method!)]);
    }
  });
});
