import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planAgent } from "../../src/clouds/plan";
import { githubActions } from "../../src/model/runs-on";
import {
  RISK_RULES,
  riskFactsOf,
  riskTableMarkdown,
  scoreRisk,
  type RiskFacts,
  type RiskTier,
} from "../../src/reports/risk";

/** A harmless agent: every case below changes only the facts it is about. */
const BASE: RiskFacts = {
  highestAccess: "read",
  reachesProd: false,
  sensitiveAccess: "none",
  deletesOrExports: false,
  sessionSeconds: 3600,
  daysToExpiry: 90,
  highRiskTools: 0,
};

type Case = [label: string, facts: Partial<RiskFacts>, tier: RiskTier, rules: string[]];

const CASES: Case[] = [
  ["read-only in dev", {}, "low", []],
  ["no grants at all", { highestAccess: "none" }, "low", []],
  ["list only", { highestAccess: "list" }, "low", []],
  ["tagging is not writing", { highestAccess: "tag" }, "low", []],
  ["read-only in prod", { reachesProd: true }, "medium", ["prod"]],
  ["write in dev", { highestAccess: "write" }, "medium", ["writes"]],
  ["write in prod", { highestAccess: "write", reachesProd: true }, "high", ["prod", "writes", "writes-prod"]],
  ["permissions in dev", { highestAccess: "permissions" }, "high", ["writes", "changes-permissions"]],
  [
    "permissions in prod",
    { highestAccess: "permissions", reachesProd: true },
    "critical",
    ["prod", "writes", "changes-permissions", "writes-prod"],
  ],
  ["lists a PII bucket", { sensitiveAccess: "list" }, "medium", ["lists-sensitive"]],
  ["reads PII in dev", { sensitiveAccess: "read" }, "high", ["lists-sensitive", "reads-sensitive"]],
  [
    "reads PII in prod (read-only agents are not raised)",
    { sensitiveAccess: "read", reachesProd: true },
    "high",
    ["prod", "lists-sensitive", "reads-sensitive"],
  ],
  [
    "writes financial data",
    { highestAccess: "write", sensitiveAccess: "write" },
    "critical",
    ["writes", "lists-sensitive", "reads-sensitive", "writes-sensitive"],
  ],
  ["deletes in dev", { highestAccess: "write", deletesOrExports: true }, "high", ["writes", "deletes-or-exports"]],
  ["12-hour sessions", { sessionSeconds: 43_200 }, "medium", ["long-sessions"]],
  ["may call one high-risk tool (a refund)", { highRiskTools: 1 }, "medium", ["calls-high-risk-tools"]],
  [
    "writes in prod and may refund",
    { highestAccess: "write", reachesProd: true, highRiskTools: 2 },
    "critical",
    ["prod", "writes", "writes-prod", "calls-high-risk-tools"],
  ],
  ["exactly one hour is not long", { sessionSeconds: 3600 }, "low", []],
  ["review date in two years", { daysToExpiry: 730 }, "medium", ["far-expiry"]],
  ["review date exactly a year away", { daysToExpiry: 365 }, "low", []],
  ["review date passed", { daysToExpiry: -1 }, "high", ["expired"]],
  ["review date today", { daysToExpiry: 0 }, "low", []],
  [
    "raises stack, capped at critical",
    { highestAccess: "write", reachesProd: true, sessionSeconds: 43_200, daysToExpiry: 900, deletesOrExports: true },
    "critical",
    ["prod", "writes", "writes-prod", "deletes-or-exports", "long-sessions", "far-expiry"],
  ],
  [
    "write in dev with long sessions",
    { highestAccess: "write", sessionSeconds: 7200 },
    "high",
    ["writes", "long-sessions"],
  ],
];

describe("scoreRisk", () => {
  it.each(CASES)("%s → %s", (_label, facts, tier, rules) => {
    const score = scoreRisk({ ...BASE, ...facts });
    expect(score.tier).toBe(tier);
    expect(score.reasons.map((reason) => reason.rule)).toEqual(rules);
  });

  it("every rule of the table is exercised by a case above", () => {
    const exercised = new Set(CASES.flatMap(([, , , rules]) => rules));
    expect(RISK_RULES.map((rule) => rule.id).filter((id) => !exercised.has(id))).toEqual([]);
  });

  it("applies whatever table it is given (data, not code)", () => {
    const table = [
      {
        id: "all-prod-critical",
        when: [{ fact: "reachesProd", is: true }],
        effect: { floor: "critical" },
        reason: "test",
      },
    ] as const;
    expect(scoreRisk({ ...BASE, reachesProd: true }, table).tier).toBe("critical");
    expect(scoreRisk({ ...BASE }, table).tier).toBe("low");
  });

  it("rule ids are unique", () => {
    const ids = RISK_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("riskFactsOf", () => {
  const spec = {
    owner: "keisha@acme.example",
    purpose: "Reads customer records to answer support tickets",
    environment: "prod",
    expires: "2027-06-30",
    runsOn: githubActions({ repository: "acme/support" }),
    aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
  };

  it("derives each fact from the agent model", () => {
    const agent = planAgent(
      "support-bot",
      {
        ...spec,
        maxSessionDuration: 7200,
        allowLongSessions: true,
        approval: "SEC-1234",
        grants: [
          { resource: "arn:aws:dynamodb:us-east-1:123456789012:table/customers", access: "read", dataClass: "pii" },
          { resource: "arn:aws:sqs:us-east-1:123456789012:replies", access: "write", include: ["delete"] },
        ],
      },
      { today: "2026-06-30" },
    );
    expect(riskFactsOf(agent, "2026-06-30")).toEqual({
      highestAccess: "write",
      reachesProd: true,
      sensitiveAccess: "read",
      deletesOrExports: true,
      sessionSeconds: 7200,
      daysToExpiry: 365,
      highRiskTools: 0,
    });
  });

  it("counts the high-risk tools of the gateway's catalog the agent may call", () => {
    const catalog = {
      gateway: "tools-prod",
      environment: "prod",
      issuerUrl: "https://token.actions.githubusercontent.com",
      targets: [
        {
          name: "payments",
          tools: [
            { name: "refund", description: "Refunds an order", risk: "refund" as const },
            { name: "get_order", description: "Reads an order" },
          ],
        },
        { name: "jira", tools: [{ name: "delete_issue", description: "Deletes an issue", risk: "delete" as const }] },
      ],
    };
    const gateway = {
      catalog,
      policyEngineId: "engine-1",
      gatewayArn: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/g",
    };
    const allow = (...tools: [string, string][]) => tools.map(([target, tool]) => ({ target, tool }));
    const count = (tools: [string, string][]) =>
      riskFactsOf(
        planAgent(
          "refunder",
          { ...spec, approval: "SEC-9", tools: { gateway, allow: allow(...tools) } },
          { today: "2026-06-30" },
        ),
        "2026-06-30",
      ).highRiskTools;
    expect(count([["payments", "get_order"]])).toBe(0);
    expect(count([["payments", "refund"]])).toBe(1);
    expect(
      count([
        ["payments", "refund"],
        ["jira", "delete_issue"],
        ["payments", "get_order"],
      ]),
    ).toBe(2);
  });

  it("counts account-wide AWS actions by their catalog access level", () => {
    const agent = planAgent(
      "monitor",
      { ...spec, environment: "dev", grants: [{ role: "read-only-monitor" }] },
      { today: "2026-06-30" },
    );
    const facts = riskFactsOf(agent, "2026-06-30");
    expect(["list", "read"]).toContain(facts.highestAccess);
    expect(facts.reachesProd).toBe(false);
    expect(scoreRisk(facts).tier).toBe("low");
  });
});

describe("docs/risk.md", () => {
  it("shows the table the code applies", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "risk.md"), "utf8");
    const block = /<!-- risk-table:start -->\n([\s\S]*?)\n<!-- risk-table:end -->/.exec(doc);
    expect(block, "docs/risk.md lost its risk-table markers").not.toBeNull();
    expect(block![1]).toBe(riskTableMarkdown());
  });
});
