import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { programFolder } from "../support/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InventoryDocument, InventoryRecord } from "../../src/model/inventory/record";

/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * the page is written by the real CLI (`agent-iam inventory --format html`) from a program this
 * test writes, so the filters are checked against the inventory the page embeds.
 */

const ROOT = join(__dirname, "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const OUTPUT = join(ROOT, "test-output");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const PROGRAM = `
import { AgentIdentity, AwsOidcProvider, githubActions, gitlabCi, kubernetes } from "@agent-iam/pulumi";
const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
const day = (n: number) => new Date(Date.parse(new Date().toISOString().slice(0, 10)) + n * 86400000).toISOString().slice(0, 10);
const eks = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123";
export const inventory = [
  new AgentIdentity("pr-reviewer", { owner: "keisha@acme.example", team: "platform", purpose: "Reviews pull requests and posts findings", environment: "prod", expires: day(200),
    runsOn: githubActions({ repository: "acme/api" }), grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source", "arn:aws:sqs:us-east-1:123456789012:reviews"] }], aws: { oidcProvider: github } }),
  new AgentIdentity("deploy-bot", { owner: "omar@acme.example", purpose: "Ships releases of the API to production", environment: "prod", expires: day(20),
    runsOn: githubActions({ repository: "acme/api" }), grants: [{ role: "deployment-agent", resources: ["arn:aws:s3:::acme-prod-artifacts", "arn:aws:ecr:us-east-1:123456789012:repository/api"] }], aws: { oidcProvider: github } }),
  new AgentIdentity("dev-monitor", { owner: "lena@acme.example", purpose: "Watches dashboards and alarms for the on-call", environment: "dev", expires: day(90),
    runsOn: kubernetes({ issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123", namespace: "ops", serviceAccount: "monitor" }), grants: [{ role: "read-only-monitor" }], aws: { oidcProvider: eks } }),
  new AgentIdentity("customer-reader", { owner: "lena@acme.example", purpose: "Reads customer records to answer support tickets", environment: "dev", expires: day(300),
    runsOn: kubernetes({ issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123", namespace: "support", serviceAccount: "reader" }),
    grants: [{ resource: "arn:aws:dynamodb:us-east-1:123456789012:table/customers", access: "read", dataClass: "pii" }], aws: { oidcProvider: eks } }),
  new AgentIdentity("support-refunds", { owner: "keisha@acme.example", purpose: "Refunds orders after a support lead approves </script><b>x</b>", environment: "prod", expires: day(5), approval: "SEC-1234",
    runsOn: gitlabCi({ project: "acme/support/refunds" }), grants: [{ resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", access: ["read", "write"], dataClass: "financial" }],
    aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" } }),
].map((agent) => agent.inventoryRecord);
`;

let browser: BrowserContext;
let page: Page;
let inventory: InventoryDocument;
const problems: string[] = [];
const requests: string[] = [];
let workDir: string;

function visibleAgentIds(): Promise<string[]> {
  return page
    .locator("tr.agent-row:visible")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-agent") ?? ""));
}

/** A property of the focused element. */
function focused(property: "id" | "textContent"): Promise<string | null> {
  return page.evaluate(`document.activeElement ? document.activeElement.${property} : null`);
}

function expectedIds(keep: (record: InventoryRecord) => boolean): string[] {
  return inventory.agents.filter(keep).map((record) => record.id);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (npm test runs it as pretest)`);
  workDir = programFolder("agent-iam-dashboard-");
  writeFileSync(join(workDir, "Pulumi.yaml"), "name: dashboard-test\nruntime: nodejs\n");
  writeFileSync(join(workDir, "Pulumi.dev.yaml"), "config:\n  agent-iam:departedOwners:\n    - omar@acme.example\n");
  writeFileSync(join(workDir, "index.ts"), PROGRAM);
  mkdirSync(OUTPUT, { recursive: true });
  const html = join(OUTPUT, "dashboard-filters.html");
  execFileSync(
    process.execPath,
    [join(ROOT, "bin", "agent-iam.js"), "inventory", workDir, "--format", "html", "--out", html],
    { stdio: "pipe" },
  );
  const json = execFileSync(
    process.execPath,
    [join(ROOT, "bin", "agent-iam.js"), "inventory", workDir, "--format", "json"],
    { encoding: "utf8" },
  );
  inventory = JSON.parse(json) as InventoryDocument;

  // A fresh profile in a new folder: nothing cached, no extension, no sign-in.
  browser = await chromium.launchPersistentContext(join(workDir, "profile"), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(`file://${html}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the risk dashboard in Chromium, on a program written for its filters", () => {
  it("shows every agent of the inventory, riskiest first, with a worded badge", async () => {
    expect(inventory.agents).toHaveLength(5);
    expect(await page.locator("#result-count").textContent()).toBe("5 of 5 agents shown");
    const ids = await visibleAgentIds();
    expect(new Set(ids)).toEqual(new Set(inventory.agents.map((record) => record.id)));
    expect(ids[0]).toBe("support-refunds");
    const badge = page.locator('tr.agent-row[data-agent="support-refunds"] .badge-critical');
    // Symbol and word, not colour alone; the symbol is hidden from screen readers, which read "Critical risk".
    expect(await badge.textContent()).toBe("■ Critical risk");
    expect(await badge.locator('[aria-hidden="true"]').textContent()).toBe("■ ");
    expect(await page.locator('tr.agent-row[data-agent="deploy-bot"]').innerText()).toContain("Disabled (owner left)");
  });

  it("the embedded data cannot break out of its script element", async () => {
    const raw = readFileSync(join(OUTPUT, "dashboard-filters.html"), "utf8");
    expect(raw.match(/<\/script>/g)).toHaveLength(2);
    const purpose = await page.locator('tr.detail-row[data-agent="support-refunds"] .purpose').textContent();
    expect(purpose).toBe("Refunds orders after a support lead approves </script><b>x</b>");
  });

  it.each<[string, (page: Page) => Promise<unknown>, (record: InventoryRecord) => boolean]>([
    [
      "environment dev",
      (p) => p.getByLabel("Environment", { exact: true }).selectOption("dev"),
      (r) => r.environment === "dev",
    ],
    [
      "owner lena",
      (p) => p.getByLabel("Owner", { exact: true }).selectOption("lena@acme.example"),
      (r) => r.owner === "lena@acme.example",
    ],
    ["risk high", (p) => p.getByLabel("Risk", { exact: true }).selectOption("high"), (r) => r.risk.tier === "high"],
    ["can write to prod", (p) => p.getByLabel("Can write to prod").check(), (r) => r.writesProd],
    ["touches sensitive data", (p) => p.getByLabel("Touches sensitive data").check(), (r) => r.touchesSensitiveData],
    [
      "search by resource",
      (p) => p.getByLabel("Search", { exact: true }).fill("acme-prod-source"),
      (r) => r.id === "pr-reviewer",
    ],
    [
      "search by two words",
      (p) => p.getByLabel("Search", { exact: true }).fill("lena pii"),
      (r) => r.id === "customer-reader",
    ],
  ])("filter %s changes the rows to the matching agents", async (_label, act, keep) => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(visibleAgentIds).toHaveLength(5);
    await act(page);
    const expected = expectedIds(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(5);
    await expect.poll(async () => new Set(await visibleAgentIds())).toEqual(new Set(expected));
    expect(await page.locator("#result-count").textContent()).toBe(`${expected.length} of 5 agents shown`);
  });

  it("filters combine, and a filter that matches nothing says so", async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Environment", { exact: true }).selectOption("dev");
    await page.getByLabel("Can write to prod").check();
    await expect.poll(visibleAgentIds).toEqual([]);
    expect(await page.locator("#no-results").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(visibleAgentIds).toHaveLength(5);
    expect(await page.locator("#no-results").isVisible()).toBe(false);
  });

  it("opens an agent's detail panel in plain words, with the technical details folded", async () => {
    const toggle = page.getByRole("button", { name: "pr-reviewer" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    const panel = page.getByRole("region", { name: "Details of pr-reviewer" });
    expect(await panel.isVisible()).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => panel.isVisible()).toBe(true);
    const text = await panel.innerText();
    expect(text).toContain("Reviews pull requests and posts findings");
    expect(text).toContain("read and list the S3 bucket acme-prod-source");
    const technical = panel.locator("details");
    expect(await technical.getAttribute("open")).toBeNull();
    // Built offline, the role's ARN is known after deploy; its name, which agent-iam chooses, is shown.
    const roleArn = inventory.agents.find((record) => record.id === "pr-reviewer")!.identities.aws!.roleName!;
    expect(await panel.getByText(roleArn).isVisible()).toBe(false);
    await technical.locator("summary").click();
    expect(await panel.getByText(roleArn).isVisible()).toBe(true);
    await toggle.click();
    await expect.poll(() => panel.isVisible()).toBe(false);
  });

  it("is keyboard-usable: Tab reaches the filters, arrows move between agents, Enter opens, Escape closes", async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Search", { exact: true }).focus();
    await page.keyboard.press("Tab");
    expect(await focused("id")).toBe("f-environment");
    const order = await visibleAgentIds();
    await page.getByRole("button", { name: order[0]! }).focus();
    await page.keyboard.press("ArrowDown");
    expect(await focused("textContent")).toBe(order[1]);
    await page.keyboard.press("End");
    expect(await focused("textContent")).toBe(order[order.length - 1]);
    await page.keyboard.press("Home");
    expect(await focused("textContent")).toBe(order[0]);
    await page.keyboard.press("Enter");
    const panel = page.getByRole("region", { name: `Details of ${order[0]}` });
    await expect.poll(() => panel.isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(await focused("textContent")).toBe(order[0]);
  });

  it("lists agents expiring soon, and opening one shows its details even when filtered out", async () => {
    const soon = inventory.agents
      .filter((record) => record.daysToExpiry <= 30)
      .map((record) => record.id)
      .sort();
    expect(soon).toEqual(["deploy-bot", "support-refunds"]);
    const list = page.getByRole("region", { name: /Review date within 30 days/ });
    expect((await list.getByRole("link").allInnerTexts()).sort()).toEqual(soon);
    await page.getByLabel("Environment", { exact: true }).selectOption("dev");
    await list.getByRole("link", { name: "support-refunds" }).click();
    await expect.poll(() => page.getByRole("region", { name: "Details of support-refunds" }).isVisible()).toBe(true);
    expect(await focused("textContent")).toBe("support-refunds");
    expect(await page.locator("#result-count").textContent()).toBe("5 of 5 agents shown");
  });

  it("labels every control for screen readers", async () => {
    for (const label of [
      "Search",
      "Environment",
      "Owner",
      "Cloud",
      "Risk",
      "Can write to prod",
      "Touches sensitive data",
    ])
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
    expect(await page.getByRole("status").textContent()).toMatch(/agents shown$/);
    expect(await page.getByRole("table").count()).toBeGreaterThan(0);
  });

  it("loads nothing from the network and logs no console error", async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    const refunds = page.getByRole("button", { name: "support-refunds" });
    if ((await refunds.getAttribute("aria-expanded")) !== "true") await refunds.click();
    await page.getByRole("region", { name: "Details of support-refunds" }).locator("summary").click();
    await page.screenshot({ path: join(OUTPUT, "dashboard-filters.png"), fullPage: true });
    expect(requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe("the fleet example's dashboard in Chromium (prod and dev in one page)", () => {
  let fleetBrowser: BrowserContext;
  let fleet: Page;
  let fleetInventory: InventoryDocument;
  const fleetProblems: string[] = [];
  const fleetRequests: string[] = [];

  const visibleKeys = () =>
    fleet.locator("tr.agent-row:visible").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-key") ?? ""));
  /** The page's keys of the agents a predicate keeps (rows are keyed by their position, as embedded). */
  const keysWhere = (keep: (record: InventoryRecord) => boolean) =>
    fleetInventory.agents.flatMap((record, index) => (keep(record) ? [`a${index}`] : []));

  beforeAll(async () => {
    const html = join(OUTPUT, "dashboard.html");
    const fleetDir = join(ROOT, "examples", "fleet");
    execFileSync(
      process.execPath,
      [
        join(ROOT, "bin", "agent-iam.js"),
        "inventory",
        fleetDir,
        "--stack",
        "prod",
        "--stack",
        "dev",
        "--format",
        "html",
        "--out",
        html,
      ],
      { stdio: "pipe" },
    );
    fleetBrowser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "agent-iam-fleet-profile-")), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    fleet = fleetBrowser.pages()[0] ?? (await fleetBrowser.newPage());
    fleet.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning")
        fleetProblems.push(`${message.type()}: ${message.text()}`);
    });
    fleet.on("pageerror", (error) => fleetProblems.push(`page error: ${error.message}`));
    fleet.on("request", (request) => fleetRequests.push(request.url()));
    await fleet.goto(`file://${html}`);
    fleetInventory = JSON.parse(
      await fleet.locator("#inventory-data").evaluate((element) => element.textContent ?? ""),
    ) as InventoryDocument;
  }, 120_000);

  afterAll(async () => {
    await fleetBrowser?.close();
  });

  it("shows both environments' agents", async () => {
    expect(new Set(fleetInventory.agents.map((record) => record.environment))).toEqual(new Set(["prod", "dev"]));
    expect(await visibleKeys()).toEqual(keysWhere(() => true));
    expect(await fleet.locator("#result-count").textContent()).toBe(
      `${fleetInventory.agents.length} of ${fleetInventory.agents.length} agents shown`,
    );
  });

  it("every option of every filter shows exactly the agents it names, and most of them narrow the table", async () => {
    const filters: [string, (record: InventoryRecord, value: string) => boolean][] = [
      ["Environment", (record, value) => record.environment === value],
      ["Owner", (record, value) => record.owner === value],
      ["Cloud", (record, value) => record.clouds.includes(value as InventoryRecord["clouds"][number])],
      ["Risk", (record, value) => record.risk.tier === value],
    ];
    let narrowed = 0;
    let tried = 0;
    for (const [label, keep] of filters) {
      const select = fleet.getByLabel(label, { exact: true });
      const values = (
        await select
          .locator("option")
          .evaluateAll((options) => options.map((option) => option.getAttribute("value") ?? ""))
      ).filter(Boolean);
      expect(values.length, label).toBeGreaterThan(0);
      for (const value of values) {
        await fleet.getByRole("button", { name: "Clear filters" }).click();
        await select.selectOption(value);
        const expected = keysWhere((record) => keep(record, value));
        await expect.poll(visibleKeys, { message: `${label} = ${value}` }).toEqual(expected);
        tried++;
        if (expected.length < fleetInventory.agents.length) narrowed++;
      }
    }
    expect(narrowed).toBeGreaterThan(tried / 2);
    for (const [label, keep] of [
      ["Can write to prod", (record: InventoryRecord) => record.writesProd],
      ["Touches sensitive data", (record: InventoryRecord) => record.touchesSensitiveData],
    ] as const) {
      await fleet.getByRole("button", { name: "Clear filters" }).click();
      await fleet.getByLabel(label).check();
      const expected = keysWhere(keep);
      expect(expected.length, label).toBeGreaterThan(0);
      expect(expected.length, label).toBeLessThan(fleetInventory.agents.length);
      await expect.poll(visibleKeys, { message: label }).toEqual(expected);
    }
    await fleet.getByRole("button", { name: "Clear filters" }).click();
    await fleet.getByLabel("Search", { exact: true }).fill("refund");
    await expect
      .poll(visibleKeys)
      .toEqual(keysWhere((record) => JSON.stringify(record).toLowerCase().includes("refund")));
    await fleet.getByRole("button", { name: "Clear filters" }).click();
  });

  it("opens the riskiest agent's details, and saves a screenshot for a person to look at", async () => {
    const first = fleetInventory.agents[0]!;
    const toggle = fleet.locator('tr.agent-row[data-key="a0"] button.agent-toggle');
    await toggle.click();
    const panel = fleet.getByRole("region", { name: `Details of ${first.id} in ${first.environment}` });
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.innerText()).toContain(first.purpose);
    for (const line of first.canDo) expect(await panel.innerText()).toContain(line);
    await panel.locator("summary").click();
    if (first.identities.aws?.roleArn)
      expect(await panel.getByText(first.identities.aws.roleArn).isVisible()).toBe(true);
    await fleet.screenshot({ path: join(OUTPUT, "dashboard.png"), fullPage: true });
    expect(fleetRequests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    expect(fleetProblems).toEqual([]);
  });
});
