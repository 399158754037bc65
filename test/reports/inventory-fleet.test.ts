import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { todayUtc } from "../../src/model/dates";
import {
  inventoryDocument,
  inventoryDocumentSchema,
  inventoryRecordSchema,
  type InventoryDocument,
  type InventoryRecord,
} from "../../src/reports/inventory";
import { loadProject } from "../../src/gate/program/project";
import { runProject } from "../../src/gate/program/run";

/** The fleet example's inventory: what the stack exports, what `inventory` and `check --inventory` write. */

const ROOT = join(__dirname, "..", "..");
const FLEET = join(ROOT, "examples", "fleet");
const CLI = join(ROOT, "bin", "agent-iam.js");
const dir = mkdtempSync(join(tmpdir(), "agent-iam-fleet-inventory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(["prod", "dev"])("examples/fleet, stack %s", (stack) => {
  it("one record per agent, an identity on each of its clouds, and the stack's exported inventory is the same", async () => {
    const recorded = await runProject(loadProject(FLEET, { stack }));
    const document = inventoryDocument(recorded.resources, todayUtc());
    expect(document.agents.length).toBeGreaterThanOrEqual(6);
    for (const record of document.agents) {
      expect(inventoryRecordSchema.safeParse(record).success).toBe(true);
      expect(record.environment).toBe(stack);
      expect(Object.keys(record.identities).sort()).toEqual([...record.clouds].sort());
      // Offline, what a cloud assigns is unknown and says so; what the program decides is there.
      const unknown = record.unknownValues.map((value) => value.field);
      if (record.identities.aws) {
        expect(record.identities.aws.roleArn).toBeNull();
        expect(unknown).toContain("identities.aws.roleArn");
      }
      if (record.identities.gcp)
        expect(record.identities.gcp.serviceAccountEmail).toMatch(/@[a-z0-9-]+\.iam\.gserviceaccount\.com$/);
      if (record.identities.azure) {
        expect(record.identities.azure.clientId).toBeNull();
        expect(unknown).toContain("identities.azure.clientId");
      }
      expect(record.canDo.length).toBeGreaterThan(0);
    }
    expect(new Set(document.agents.flatMap((record) => record.clouds))).toEqual(new Set(["aws", "gcp", "azure"]));
    // The stack exports each component's own record; under mocks its cloud-assigned values are the
    // mocks', so everything the program decides must agree and those values are left aside.
    const decided = ({ identities, created, unknownValues, ...rest }: InventoryRecord) => ({
      ...rest,
      clouds: Object.keys(identities).sort(),
    });
    const exported = recorded.outputs.inventory as InventoryRecord[];
    expect([...exported].sort((a, b) => a.id.localeCompare(b.id)).map(decided)).toEqual(document.agents.map(decided));
  });
});

describe("the inventory commands on the fleet", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT });

  it("check --inventory writes the document agent-iam inventory writes", () => {
    const file = join(dir, "from-check.json");
    const check = run("check", FLEET, "--stack", "prod", "--inventory", file);
    // Whether the fleet passes the pack is the gate's test; here the check must run (0 or 1) and write the file.
    expect([0, 1], check.stderr).toContain(check.status);
    const inventory = run("inventory", FLEET, "--stack", "prod", "--format", "json");
    expect(inventory.status, inventory.stderr).toBe(0);
    const fromCheck = JSON.parse(readFileSync(file, "utf8")) as InventoryDocument;
    expect(inventoryDocumentSchema.safeParse(fromCheck).success).toBe(true);
    // The same document: a program's inventory records the day it was generated, not the instant.
    expect(fromCheck.source).not.toHaveProperty("at");
    expect(fromCheck).toEqual(JSON.parse(inventory.stdout));
  });

  it("--format md and csv list every agent; --out writes the file and says so", () => {
    const json = JSON.parse(
      run("inventory", FLEET, "--stack", "prod", "--as-of", "2026-12-01").stdout,
    ) as InventoryDocument;
    expect(json.generated).toBe("2026-12-01");
    const md = run("inventory", FLEET, "--stack", "prod", "--format", "md").stdout;
    for (const record of json.agents) expect(md).toContain(`| ${record.id} | ${record.owner} | prod |`);
    const out = join(dir, "fleet.csv");
    const csv = run("inventory", FLEET, "--stack", "prod", "--format", "csv", "--out", out);
    expect(csv.stdout).toBe("");
    expect(csv.stderr).toContain(`wrote the inventory of ${json.agents.length} agents to ${out}`);
    expect(readFileSync(out, "utf8").trimEnd().split("\r\n")).toHaveLength(json.agents.length + 1);
  });

  it("a bad format or date is a usage error", () => {
    const format = run("inventory", FLEET, "--format", "pdf");
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/--format.*pdf.*json, csv, md, html/s);
    const date = run("inventory", FLEET, "--as-of", "2026-02-30");
    expect(date.status).toBe(2);
    expect(date.stderr).toContain("--as-of 2026-02-30: write the date as YYYY-MM-DD");
  });
});
