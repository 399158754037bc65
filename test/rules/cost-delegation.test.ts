import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentIdentity, AwsOidcProvider, githubActions, type AgentIdentityArgs } from "../../components";
import { PolicyPackProcess, type AnalyzerDiagnostic, type AnalyzerResource } from "../../src/gate/analyzer";
import { AnalyzerView } from "../../src/gate/cli/check/analyzer-resources";
import { recordResources } from "../../src/gate/program/record";
import { agentRole, agentTags, rolePolicy } from "../fixtures/policy/build";
import { awsBudget, awsStopAction } from "../fixtures/policy/agent-has-budget";

/**
 * The three policies of issue 7 at their default levels, through the real analyzer: on hand-written
 * resources (the budget rule's level follows the risk tier) and on what AgentIdentity registers, as
 * a stack analysis sees it (the component's exported inventory record, not its input).
 */

const POLICIES = ["agent-has-budget", "break-glass-time-bound", "delegation-within-approval"];
let pack: PolicyPackProcess;

beforeAll(async () => {
  pack = await PolicyPackProcess.start("policy-pack");
});

afterAll(async () => {
  await pack.close();
});

async function diagnose(
  resources: AnalyzerResource[],
  config: Record<string, unknown> = {},
): Promise<AnalyzerDiagnostic[]> {
  await pack.configure(config);
  return (await pack.analyzeStack(resources)).filter((diagnostic) => POLICIES.includes(diagnostic.policyName));
}

const lowRisk = () => [
  agentRole("reader", { tags: agentTags({ environment: "dev" }) }),
  rolePolicy("reader-read", "reader", {
    Action: "sqs:ReceiveMessage",
    Resource: "arn:aws:sqs:us-east-1:123456789012:tickets",
  }),
];
const critical = () => [
  agentRole("admin"),
  rolePolicy("admin-acl", "admin", { Action: "s3:PutBucketPolicy", Resource: "arn:aws:s3:::acme-prod-data" }),
];

describe("agent-has-budget: advisory below the configured tier, mandatory from it", () => {
  it("by default (from critical): a low-risk agent without budget is advised, a critical one blocked", async () => {
    const diagnostics = await diagnose([...lowRisk(), ...critical()]);
    const level = (name: string) =>
      diagnostics
        .filter((diagnostic) => diagnostic.message.includes(`"${name}"`))
        .map((diagnostic) => diagnostic.enforcementLevel);
    expect(level("reader")).toEqual(["advisory"]);
    expect(level("admin")).toEqual(["mandatory"]);
    expect(diagnostics.find((diagnostic) => diagnostic.message.includes('"admin"'))!.message).toMatch(/risk critical/);
  });

  it("mandatoryFromTier moves the line both ways", async () => {
    const all = await diagnose([...lowRisk(), ...critical()], { "agent-has-budget": { mandatoryFromTier: "low" } });
    expect(all.map((diagnostic) => diagnostic.enforcementLevel)).toEqual(["mandatory", "mandatory"]);
    const prodWriter = () => [
      ...lowRisk(),
      agentRole("prod-writer"),
      rolePolicy("prod-writer-put", "prod-writer", {
        Action: "sqs:SendMessage",
        Resource: "arn:aws:sqs:us-east-1:123456789012:out",
      }),
    ];
    // A production agent that can write is tier high: advised by default, blocked one config line away.
    const byDefault = await diagnose(prodWriter());
    expect(byDefault.map((diagnostic) => diagnostic.enforcementLevel)).toEqual(["advisory", "advisory"]);
    expect(byDefault.find((diagnostic) => diagnostic.message.includes('"prod-writer"'))!.message).toMatch(/risk high/);
    const fromHigh = await diagnose(prodWriter(), { "agent-has-budget": { mandatoryFromTier: "high" } });
    expect(
      fromHigh
        .filter((diagnostic) => diagnostic.message.includes('"prod-writer"'))
        .map((diagnostic) => diagnostic.enforcementLevel),
    ).toEqual(["mandatory"]);
  });

  it("a budget that stops the agent satisfies it at any tier", async () => {
    expect(
      await diagnose([
        ...critical(),
        awsBudget("admin-budget", "admin"),
        awsStopAction("admin-stop", "admin-budget", "admin"),
      ]),
    ).toEqual([]);
  });

  it("refuses a tier that does not exist, naming the property", async () => {
    await expect(pack.configure({ "agent-has-budget": { mandatoryFromTier: "extreme" } })).rejects.toThrow(
      /mandatoryFromTier/,
    );
  });
});

describe("what AgentIdentity registers, as a stack analysis sees it", () => {
  const until = new Date(Date.now() + 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  async function stack(
    triage: Partial<AgentIdentityArgs>,
    deployer: Partial<AgentIdentityArgs> = {},
  ): Promise<AnalyzerResource[]> {
    const resources = await recordResources(() => {
      const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
      const common = {
        owner: "keisha@acme.example",
        purpose: "Handles the team's support tickets end to end",
        expires: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10),
        aws: { oidcProvider: github },
        budget: { monthly: 100, notify: ["keisha@acme.example"] },
      };
      new AgentIdentity("deployer", {
        ...common,
        environment: "prod",
        runsOn: githubActions({ repository: "acme/platform" }),
        approval: "SEC-2041",
        grants: [
          {
            resource: "arn:aws:dynamodb:us-east-1:123456789012:table/customers",
            access: ["read", "write"],
            dataClass: "pii",
          },
        ],
        ...deployer,
      });
      new AgentIdentity("triage", {
        ...common,
        environment: "dev",
        runsOn: githubActions({ repository: "acme/api" }),
        grants: [{ resource: "arn:aws:sqs:us-east-1:123456789012:tickets", access: "read" }],
        ...triage,
      });
    });
    return new AnalyzerView({ project: "agents", stack: "prod" }).all(resources, "stack");
  }

  it("a low-risk agent delegating to a critical one without approval is blocked; with an approval it passes", async () => {
    const blocked = await diagnose(await stack({ delegatesTo: ["deployer"] }));
    expect(blocked.map((diagnostic) => [diagnostic.policyName, diagnostic.enforcementLevel])).toEqual([
      ["delegation-within-approval", "mandatory"],
    ]);
    expect(blocked[0]!.message).toMatch(
      /agent "triage" is low risk but may act as "deployer", which is critical risk \(.*can change sensitive data.*\), through triage → deployer/,
    );
    expect(blocked[0]!.urn).toMatch(/AgentIdentity::triage$/);
    expect(await diagnose(await stack({ delegatesTo: ["deployer"], approval: "SEC-2090" }))).toEqual([]);
  });

  it("an elevation in force is reported as an advisory naming its end, approver and reason", async () => {
    const diagnostics = await diagnose(
      await stack({
        breakGlass: {
          grants: [{ resource: "arn:aws:sqs:us-east-1:123456789012:tickets", access: "write" }],
          reason: "INC-77: drain the poisoned queue",
          approvedBy: "sam@acme.example",
          until,
        },
      }),
    );
    expect(
      diagnostics.map((diagnostic) => [diagnostic.policyName, diagnostic.enforcementLevel, diagnostic.message]),
    ).toEqual([
      [
        "break-glass-time-bound",
        "advisory",
        `agent "triage" is elevated by break-glass until ${until}, approved by sam@acme.example: INC-77: drain the poisoned queue`,
      ],
    ]);
  });

  it("a critical agent without a budget is blocked; its budget action, execution role and stop policy are no agents themselves", async () => {
    const diagnostics = await diagnose(await stack({}, { budget: undefined }));
    expect(
      diagnostics.map((diagnostic) => [
        diagnostic.policyName,
        diagnostic.enforcementLevel,
        diagnostic.message.slice(0, 60),
      ]),
    ).toEqual([["agent-has-budget", "mandatory", 'agent "deployer" (risk critical) has no budget on AWS: nothi']]);
  });
});
