import { describe, expect, it } from "vitest";
import { planAgent } from "../../src/clouds/plan";
import { AgentSpecError, type AgentSpec } from "../../src/model/agent-spec";
import { githubActions, gitlabCi } from "../../src/model/runs-on";
import { NOT_YET_IN_PROVIDER } from "../../src/model/tools";
import type { ToolCatalog, ToolPermissionSpec } from "../../src/model/tool-spec";
import { TARGETS } from "../support/gateways";

/**
 * `tools` in an agent spec: checked against the gateway's catalog at spec time, every problem with
 * its field path and what to change; the fields `@pulumi/aws` 7.48 cannot declare are refused with
 * the missing provider field.
 */

const catalog: ToolCatalog = {
  gateway: "tools-prod",
  environment: "prod",
  issuerUrl: "https://token.actions.githubusercontent.com",
  targets: TARGETS.map((target) => ({ name: target.name, tools: target.tools })),
};
const gateway = {
  catalog,
  policyEngineId: "tools_prod_policies-a1b2c3d4e5",
  gatewayArn: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-prod-a1b2c3d4e5",
};

function spec(allow: readonly ToolPermissionSpec[], extra: Partial<AgentSpec> = {}): AgentSpec {
  return {
    owner: "sam.chen@acme.example",
    purpose: "Files tickets and refunds for the support desk",
    environment: "prod",
    expires: "2099-01-01",
    runsOn: githubActions({ repository: "acme/support-bots" }),
    tools: { gateway, allow },
    ...extra,
  };
}

function problems(input: AgentSpec | Record<string, unknown>): { path: string; message: string }[] {
  try {
    planAgent("support", input, { today: "2026-12-06" });
    return [];
  } catch (error) {
    if (!(error instanceof AgentSpecError)) throw error;
    return error.problems.map((problem) => ({ path: problem.path, message: problem.message }));
  }
}

describe("an agent's tools, at spec time", () => {
  it("resolves each tool against the catalog: its gateway name, action and typed tests", () => {
    const agent = planAgent(
      "support",
      spec(
        [
          {
            target: "jira",
            tool: "create_issue",
            when: { project: { equals: "OPS" }, priority: { atLeast: 1, atMost: 3 } },
          },
          { target: "payments", tool: "refund", when: { amount: { lessThan: 500.5 }, currency: { oneOf: ["EUR"] } } },
        ],
        { approval: "SEC-2041" },
      ),
      { today: "2026-12-06" },
    );
    expect(agent.tools).toEqual([
      {
        gateway: "tools-prod",
        target: "jira",
        tool: "create_issue",
        action: "jira___create_issue",
        tests: [
          { argument: "project", type: "string", required: true, operator: "==", value: "OPS" },
          { argument: "priority", type: "integer", required: false, operator: "<=", value: 3 },
          { argument: "priority", type: "integer", required: false, operator: ">=", value: 1 },
        ],
      },
      {
        gateway: "tools-prod",
        target: "payments",
        tool: "refund",
        action: "payments___refund",
        tests: [
          { argument: "amount", type: "number", required: true, operator: "<", value: 500.5 },
          { argument: "currency", type: "string", required: true, operator: "in", value: ["EUR"] },
        ],
        risk: "refund",
      },
    ]);
  });

  it("an agent without tools has none", () => {
    const { tools: _none, ...rest } = spec([]);
    expect(planAgent("support", rest, { today: "2026-12-06" }).tools).toEqual([]);
  });

  it.each<[string, readonly ToolPermissionSpec[], Partial<AgentSpec>, { path: string; message: RegExp }[]]>([
    [
      "an unknown target",
      [{ target: "github", tool: "create_issue" }],
      {},
      [
        {
          path: "tools.allow[0].target",
          message: /gateway "tools-prod" has no target "github"; its targets: payments, jira, slack, access/,
        },
      ],
    ],
    [
      "an unknown tool",
      [{ target: "jira", tool: "close_issue" }],
      {},
      [
        {
          path: "tools.allow[0].tool",
          message: /target "jira" has no tool "close_issue"; its tools: create_issue, delete_issue/,
        },
      ],
    ],
    [
      "an argument the tool does not take",
      [{ target: "jira", tool: "create_issue", when: { assignee: { equals: "me" } } }],
      {},
      [
        {
          path: "tools.allow[0].when.assignee",
          message: /has no argument "assignee"; its arguments: project, summary, priority, urgent/,
        },
      ],
    ],
    [
      "a comparison on a string argument",
      [{ target: "jira", tool: "create_issue", when: { project: { lessThan: 3 } } }],
      {},
      [
        {
          path: "tools.allow[0].when.project.lessThan",
          message: /lessThan compares numbers; the argument is a string/,
        },
      ],
    ],
    [
      "a string compared with a number",
      [{ target: "jira", tool: "create_issue", when: { project: { equals: 7 } } }],
      {},
      [{ path: "tools.allow[0].when.project.equals", message: /the argument is a string: compare it with a string/ }],
    ],
    [
      "an integer compared with a fraction",
      [{ target: "jira", tool: "create_issue", when: { priority: { atMost: 2.5 } } }],
      {},
      [
        {
          path: "tools.allow[0].when.priority.atMost",
          message: /the argument is an integer: compare it with a whole number/,
        },
      ],
    ],
    [
      "a number with more digits than a Cedar decimal holds",
      [{ target: "payments", tool: "refund", when: { amount: { atMost: 0.12345 } } }],
      { approval: "SEC-1" },
      [{ path: "tools.allow[0].when.amount.atMost", message: /Cedar decimals: at most 4 digits after the point/ }],
    ],
    [
      "oneOf on a boolean",
      [{ target: "jira", tool: "create_issue", when: { urgent: { oneOf: [1] } } }],
      {},
      [{ path: "tools.allow[0].when.urgent.oneOf", message: /the argument is a boolean: use equals/ }],
    ],
    [
      "a condition that says nothing",
      [{ target: "jira", tool: "create_issue", when: { project: {} } }],
      {},
      [{ path: "tools.allow[0].when.project", message: /a condition says something/ }],
    ],
    [
      "equals and oneOf together",
      [{ target: "jira", tool: "create_issue", when: { project: { equals: "OPS", oneOf: ["OPS"] } } }],
      {},
      [{ path: "tools.allow[0].when.project", message: /use equals or oneOf, not both/ }],
    ],
    [
      "a high-risk tool without approval",
      [{ target: "jira", tool: "delete_issue" }],
      {},
      [
        {
          path: "tools.allow[0]",
          message:
            /jira___delete_issue is a high-risk tool in the gateway's catalog \(it deletes data\): it needs an approval ticket reference/,
        },
      ],
    ],
    [
      "a gateway of another environment",
      [{ target: "jira", tool: "create_issue" }],
      { environment: "dev", runsOn: githubActions({ repository: "acme/support-bots" }) },
      [
        {
          path: "tools.gateway",
          message: /serves the prod environment and this is a dev agent: use the gateway of its own environment/,
        },
      ],
    ],
    [
      "a gateway of another issuer",
      [{ target: "jira", tool: "create_issue" }],
      { runsOn: gitlabCi({ project: "acme/support-bots" }) },
      [
        {
          path: "tools.gateway",
          message:
            /accepts tokens issued by https:\/\/token\.actions\.githubusercontent\.com, but this agent runs on https:\/\/gitlab\.com/,
        },
      ],
    ],
    ["no tool listed", [], {}, [{ path: "tools.allow", message: /list at least one tool the agent may call/ }]],
  ])("refuses %s, naming the field", (_what, allow, extra, expected) => {
    const found = problems(spec(allow, extra));
    expect(found).toHaveLength(expected.length);
    expected.forEach((problem, index) => {
      expect(found[index]!.path).toBe(problem.path);
      expect(found[index]!.message).toMatch(problem.message);
    });
  });

  it("a tools block without a gateway, or with something else as the gateway", () => {
    expect(problems({ ...spec([]), tools: { allow: [{ target: "jira", tool: "create_issue" }] } })).toEqual([
      { path: "tools.gateway", message: "tools.gateway is required: the AgentGateway of the agent's environment" },
    ]);
    expect(
      problems({ ...spec([]), tools: { gateway: { catalog }, allow: [{ target: "jira", tool: "create_issue" }] } }).map(
        (problem) => problem.path,
      ),
    ).toEqual(["tools.gateway.policyEngineId", "tools.gateway.gatewayArn"]);
  });

  it("refuses rateLimit and perCallApproval with the provider field that is missing (and checks their shape first)", () => {
    expect(
      problems(
        spec([
          {
            target: "jira",
            tool: "create_issue",
            rateLimit: { calls: 10, per: "minute" },
            perCallApproval: { approvedBy: "approvals/approve", withinMinutes: 15 },
          },
        ]),
      ),
    ).toEqual([
      { path: "tools.allow[0].rateLimit", message: NOT_YET_IN_PROVIDER.rateLimit },
      { path: "tools.allow[0].perCallApproval", message: NOT_YET_IN_PROVIDER.perCallApproval },
    ]);
    expect(NOT_YET_IN_PROVIDER.rateLimit).toMatch(/no aws\.bedrock\.AgentcoreGatewayRateLimit/);
    expect(NOT_YET_IN_PROVIDER.perCallApproval).toMatch(/has only definition\.cedar \(no definition\.policy\)/);
    expect(
      problems(spec([{ target: "jira", tool: "create_issue", rateLimit: { calls: 0, per: "week" as never } }])).map(
        (problem) => problem.path,
      ),
    ).toEqual(["tools.allow[0].rateLimit.calls", "tools.allow[0].rateLimit.per"]);
  });

  it("refuses a tool whose Cedar policy would exceed AgentCore's 10,000 characters", () => {
    const many = Array.from({ length: 400 }, (_, index) => `PROJECT-${index}-WITH-A-LONG-NAME`);
    expect(problems(spec([{ target: "jira", tool: "create_issue", when: { project: { oneOf: many } } }]))).toEqual([
      {
        path: "tools.allow[0]",
        message: expect.stringMatching(
          /its Cedar policy would be \d+ characters; AgentCore takes at most 10000 per policy/,
        ),
      },
    ]);
  });
});
