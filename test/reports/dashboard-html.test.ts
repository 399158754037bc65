import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DASHBOARD_SCRIPT,
  RISK_BADGES,
  WCAG_AA_CONTRAST,
  contrastRatio,
  escapeHtml,
  jsonForScript,
  renderDashboard,
} from "../../src/reports/dashboard";
import { buildInventoryRecord } from "../../src/reports/inventory";
import { githubActions } from "../../src/model/runs-on";
import { RISK_TIERS } from "../../src/reports/risk";
import { planAgent } from "../../src/clouds/plan";

const TODAY = "2026-06-01";
const HOSTILE = `Says </script><script>alert(1)</script> & <!-- "quotes" 'too'`;

function record(id: string, extra: Record<string, unknown> = {}) {
  const agent = planAgent(
    id,
    {
      owner: "keisha@acme.example",
      purpose: HOSTILE,
      environment: "prod",
      expires: "2026-06-20",
      runsOn: githubActions({ repository: "acme/api" }),
      grants: [{ resource: "arn:aws:s3:::acme-prod-source", access: "read" }],
      aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      ...extra,
    },
    { today: TODAY },
  );
  return buildInventoryRecord(
    agent,
    { aws: { roleArn: `arn:aws:iam::123456789012:role/agents/agent-${id}-prod`, roleName: `agent-${id}-prod` } },
    { today: TODAY },
  );
}

describe("risk badge colours", () => {
  it.each(RISK_TIERS)("%s: text and background meet WCAG AA contrast (4.5:1)", (tier) => {
    const badge = RISK_BADGES[tier];
    expect(contrastRatio(badge.foreground, badge.background)).toBeGreaterThanOrEqual(WCAG_AA_CONTRAST);
    expect(badge.label.toLowerCase()).toBe(tier);
  });

  it("computes contrast as WCAG defines it", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrastRatio("#ffffff", "#ffffff")).toBe(1);
  });

  it("every tier has its own symbol, so colour is never the only difference", () => {
    expect(new Set(RISK_TIERS.map((tier) => RISK_BADGES[tier].symbol)).size).toBe(RISK_TIERS.length);
  });
});

describe("the dashboard page", () => {
  const page = renderDashboard({
    generated: TODAY,
    agents: [
      record("pr-reviewer"),
      record("deploy-bot", { grants: [{ resource: "arn:aws:s3:::acme-prod-artifacts", access: "write" }] }),
    ],
  });

  it("embeds the inventory as JSON that cannot close its script element", () => {
    const json = /<script type="application\/json" id="inventory-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(json).not.toContain("<");
    const embedded = JSON.parse(json) as { agents: { purpose: string }[] };
    expect(embedded.agents.map((agent) => agent.purpose)).toEqual([HOSTILE, HOSTILE]);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toContain("<script>alert(1)");
  });

  it("escapes every text it renders", () => {
    expect(page).toContain(escapeHtml(HOSTILE));
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(jsonForScript({ text: "</script>\u2028" })).toBe('{"text":"\\u003c/script>\\u2028"}');
  });

  it("is self-contained: no external script, style, image, font or link, and a CSP that allows only its own inline code", () => {
    expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(page).not.toMatch(/\bsrc=/i);
    expect(page).not.toMatch(/url\(/i);
    expect(page).not.toMatch(/https?:\/\/(?!token\.actions\.githubusercontent\.com)/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
    expect(csp).toMatch(/^default-src 'none';/);
    const scriptHash = createHash("sha256").update(DASHBOARD_SCRIPT).digest("base64");
    expect(csp).toContain(`script-src 'sha256-${scriptHash}'`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(csp).toContain(`style-src 'sha256-${createHash("sha256").update(style).digest("base64")}'`);
  });

  it("renders the rows without JavaScript: riskiest first, worded badges, labelled controls", () => {
    const rows = [...page.matchAll(/<tr class="agent-row" data-key="a\d+" data-agent="([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(rows).toEqual(["deploy-bot", "pr-reviewer"]);
    expect(page).toContain(
      '<span class="badge badge-high"><span aria-hidden="true">◆ </span>High<span class="visually-hidden"> risk</span></span>',
    );
    for (const id of ["f-search", "f-environment", "f-owner", "f-cloud", "f-risk"])
      expect(page).toContain(`<label for="${id}">`);
    expect(page).toContain('role="status" aria-live="polite"');
    expect(page).toContain(
      `<tr class="agent-row" data-key="a0" data-agent="deploy-bot" id="agent-a0"><th scope="row"><button type="button" class="agent-toggle" aria-expanded="false" aria-controls="detail-a0">deploy-bot</button>`,
    );
    expect(page).toContain("<details><summary>Technical details</summary>");
  });

  it("lists the agents whose review date is near", () => {
    const expiring = /<section aria-labelledby="expiring-title">([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(expiring).toContain(`<a href="#agent-a0" data-open="a0">deploy-bot</a>`);
    expect(expiring).toContain("in 19 days");
  });
});

describe("tools beside cloud grants", () => {
  const catalog = {
    gateway: "tools-prod",
    environment: "prod",
    issuerUrl: "https://token.actions.githubusercontent.com",
    targets: [
      {
        name: "jira",
        tools: [
          {
            name: "create_issue",
            description: "Opens an issue",
            inputs: { project: { type: "string" as const, required: true } },
          },
        ],
      },
      {
        name: "payments",
        tools: [
          {
            name: "refund",
            description: "Refunds an order",
            risk: "refund" as const,
            inputs: { amount: { type: "number" as const, required: true } },
          },
        ],
      },
    ],
  };
  const gateway = {
    catalog,
    policyEngineId: "engine-1",
    gatewayArn: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-prod-a1b2c3d4e5",
  };
  const refunds = record("support-refunds", {
    approval: "SEC-2041",
    tools: {
      gateway,
      allow: [
        { target: "jira", tool: "create_issue", when: { project: { equals: "OPS" } } },
        { target: "payments", tool: "refund", when: { amount: { atMost: 500 } } },
      ],
    },
  });

  it("the record says which tools, in plain words, and counts the high-risk one in its risk", () => {
    expect(refunds.tools).toEqual([
      {
        gateway: "tools-prod",
        target: "jira",
        tool: "create_issue",
        action: "jira___create_issue",
        conditions: ['project is "OPS"'],
        risk: null,
        summary: 'may call jira create_issue when project is "OPS"',
      },
      {
        gateway: "tools-prod",
        target: "payments",
        tool: "refund",
        action: "payments___refund",
        conditions: ["amount is at most 500"],
        risk: "refund",
        summary: "may call payments refund when amount is at most 500 (high-risk: moves money (refunds, payouts))",
      },
    ]);
    expect(refunds.risk.reasons.map((reason) => reason.rule)).toContain("calls-high-risk-tools");
    expect(record("pr-reviewer").risk.reasons.map((reason) => reason.rule)).not.toContain("calls-high-risk-tools");
  });

  it("the dashboard, the Markdown and the CSV show them beside the cloud grants", async () => {
    const { inventoryCsv, inventoryMarkdown } = await import("../../src/reports/inventory");
    const page = renderDashboard({ generated: TODAY, agents: [refunds] });
    expect(page).toContain("<h3>Tools it may call</h3>");
    expect(page).toContain(`<li>${escapeHtml('may call jira create_issue when project is "OPS"')}`);
    const markdown = inventoryMarkdown([refunds]);
    expect(markdown).toContain('Tools:\n\n- may call jira create_issue when project is "OPS"');
    const [header, row] = inventoryCsv([refunds]).split("\r\n");
    expect(header!.split(",")).toContain("tools");
    expect(row).toContain('may call jira create_issue when project is ""OPS""');
  });
});
