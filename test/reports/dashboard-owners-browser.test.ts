import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDashboard } from "../../src/reports/dashboard";
import type { InventoryDocument } from "../../src/reports/inventory";
import { inventoryFromStacks, readStackExport } from "../../src/reports/inventory/stack-export";

/**
 * The dashboard of deployed stacks in real Chromium: where its data came from and when, budgets,
 * break-glass windows and delegations in an agent's details, and the per-owner view.
 */

let browser: Browser;
let page: Page;
let dir: string;
let document: InventoryDocument;

beforeAll(async () => {
  const state = inventoryFromStacks(
    [readStackExport(join(__dirname, "..", "fixtures", "state", "fleet-prod.json"))],
    "2026-12-06",
  );
  // A break-glass window as a record carries it (the fleet declares none).
  document = {
    ...state,
    agents: state.agents.map((record) =>
      record.id === "deploy-bot"
        ? {
            ...record,
            breakGlass: {
              reason: "INC-7 hotfix",
              approvedBy: "lena@acme.example",
              until: "2026-12-06T18:00:00Z",
              active: true,
              grants: ["write to the ECS service acme-prod/web"],
            },
          }
        : record,
    ),
  };
  dir = mkdtempSync(join(tmpdir(), "agent-iam-owners-"));
  const file = join(dir, "inventory.html");
  writeFileSync(file, renderDashboard(document));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  page = await browser.newPage();
  await page.goto(`file://${file}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dashboard of deployed state", () => {
  it("says where its data came from and when", async () => {
    const text = await page.locator("#data-source").innerText();
    expect(text).toContain("Built from the deployed state of 1 stack export (agent-fleet/prod");
    expect(text).toContain("2026-11-30T09:12:44.517Z");
  });

  it("shows an agent's budget, break-glass window and delegations in its details", async () => {
    await page.getByRole("button", { name: "deploy-bot" }).click();
    const deployBot = await page.getByRole("region", { name: "Details of deploy-bot in prod" }).innerText();
    expect(deployBot).toMatch(/500 USD a month; owner and FinOps told at 80 % and 100 %/);
    expect(deployBot).toContain("In force until 2026-12-06T18:00:00Z, approved by lena@acme.example: INC-7 hotfix");
    await page.getByRole("button", { name: "ticket-triage" }).click();
    const triage = await page.getByRole("region", { name: "Details of ticket-triage in prod" }).innerText();
    const record = document.agents.find((agent) => agent.id === "ticket-triage")!;
    expect(record.delegatesTo).toEqual(["ops-monitor"]);
    expect(triage).toMatch(/May act as\s+ops-monitor/);
  });

  it("the per-owner view: what each person owns, what it can touch, when each must be reviewed", async () => {
    const owners = page.locator("details.owner");
    expect(await owners.count()).toBe(new Set(document.agents.map((agent) => agent.owner)).size);
    const priya = page.locator('details.owner[data-owner="priya.raman@acme.example"]');
    await priya.locator("summary").click();
    const rows = await priya.locator("tbody tr th").allInnerTexts();
    const owned = document.agents.filter((agent) => agent.owner === "priya.raman@acme.example");
    expect(rows.sort()).toEqual(owned.map((agent) => agent.id).sort());
    const text = await priya.innerText();
    for (const agent of owned) {
      expect(text).toContain(agent.canDo[0]!);
      expect(text).toContain(agent.expires);
    }
  });
});
