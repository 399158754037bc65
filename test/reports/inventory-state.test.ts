import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/gate/program/project";
import { runProject } from "../../src/gate/program/run";
import { formatInventory, inventoryDocument, inventoryDocumentSchema } from "../../src/reports/inventory";
import { KNOWN_AFTER_DEPLOY as KNOWN_AFTER_DEPLOY_TEXT } from "../../src/model/plain-words";
import {
  inventoryDrift,
  inventoryFromStacks,
  parseStackExport,
  readStackExport,
  StackExportError,
} from "../../src/reports/inventory/stack-export";

/**
 * The inventory from deployed state (`pulumi stack export` documents, written by
 * test/fixtures/state/generate.ts in Pulumi's DeploymentV3 format from this project's own programs)
 * against the inventory of the same program built offline: offline, every value a cloud assigns is
 * null with a reason ("known after deploy" in text, CSV and HTML); from state, it is the deployed value.
 */

const ROOT = join(__dirname, "..", "..");
const STATE = join(__dirname, "..", "fixtures", "state");
const CLI = join(ROOT, "bin", "agent-iam.js");
const AS_OF = "2026-12-06";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "agent-iam-state-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The deployed outputs of a type, read from the export with no agent-iam code. */
function deployed(file: string, type: string): Record<string, unknown>[] {
  const json = JSON.parse(readFileSync(join(STATE, file), "utf8")) as {
    deployment: { resources: { type: string; outputs: Record<string, unknown>; urn: string }[] };
  };
  return json.deployment.resources
    .filter((resource) => resource.type === type)
    .map((resource) => ({ ...resource.outputs, urn: resource.urn }));
}

describe("inventory from deployed state", () => {
  it("reads the real role ARNs, unique ids, managed-identity ids and tenant from the export", () => {
    const document = inventoryFromStacks([readStackExport(join(STATE, "fleet-prod.json"))], AS_OF);
    expect(inventoryDocumentSchema.parse(document)).toEqual(document);
    expect(document.source).toMatchObject({ kind: "state", at: "2026-11-30T09:12:44.517Z" });
    const identities = deployed("fleet-prod.json", "azure-native:managedidentity:UserAssignedIdentity");
    const accounts = deployed("fleet-prod.json", "gcp:serviceaccount/account:Account");
    for (const record of document.agents) {
      expect(record.stack).toBe("agent-fleet/prod");
      expect(record.unknownValues).toEqual([]);
      expect(record.created).toMatch(/^2026-11-30T/);
      // warehouse-analyst runs on AWS and reaches GCP only.
      const azure = identities.find((identity) => String(identity.urn).endsWith(`::${record.id}`));
      if (!azure) expect(record.clouds).not.toContain("azure");
      else
        expect(record.identities.azure).toEqual({
          clientId: azure.clientId,
          principalId: azure.principalId,
          resourceId: expect.stringMatching(/^\/subscriptions\/11111111-2222-4333-8444-555555555555\//),
          tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        });
      expect(record.identities.aws!.roleArn).toMatch(/^arn:aws:iam::123456789012:role\/agents\/agent-/);
      if (record.identities.gcp) {
        const account = accounts.find((entry) => entry.email === record.identities.gcp!.serviceAccountEmail)!;
        expect(record.identities.gcp.uniqueId).toBe(account.uniqueId);
        expect(record.identities.gcp.uniqueId).toMatch(/^\d{21}$/);
      }
    }
  });

  it("merges the stacks of several exports into one inventory, the stack on each record", () => {
    const document = inventoryFromStacks(
      ["fleet-prod.json", "fleet-dev.json", "audit-prod.json"].map((file) => readStackExport(join(STATE, file))),
      AS_OF,
    );
    const stacks = new Set(document.agents.map((record) => record.stack));
    expect(stacks).toEqual(new Set(["agent-fleet/prod", "agent-fleet/dev", "audit-fixture-fleet/prod"]));
    const deployBots = document.agents.filter((record) => record.id === "deploy-bot");
    expect(deployBots.map((record) => record.identities.aws!.roleArn)).toEqual(
      expect.arrayContaining([
        "arn:aws:iam::210987654321:role/agents/agent-deploy-bot-dev",
        "arn:aws:iam::123456789012:role/agents/agent-deploy-bot-prod",
      ]),
    );
    expect(() =>
      inventoryFromStacks(
        [readStackExport(join(STATE, "fleet-prod.json")), readStackExport(join(STATE, "fleet-prod.json"))],
        AS_OF,
      ),
    ).toThrow(/both exports of agent-fleet\/prod/);
  });

  it("refuses what is not a v3+ stack export, naming the field and what to do", () => {
    const good = JSON.parse(readFileSync(join(STATE, "audit-prod.json"), "utf8")) as Record<string, unknown>;
    expect(() => parseStackExport("old.json", { ...good, version: 2 })).toThrow(
      /old\.json is not a pulumi stack export: version: agent-iam reads deployment format version 3 and later/,
    );
    expect(() => parseStackExport("x.json", { version: 3, deployment: { resources: [] } })).toThrow(
      /deployment\.manifest: /,
    );
    expect(() =>
      parseStackExport("x.json", {
        version: 3,
        deployment: { manifest: { time: "t", magic: "m", version: "v" }, resources: [{ urn: "nope", type: "t" }] },
      }),
    ).toThrow(/deployment\.resources\[0\]\.urn: is not a Pulumi URN/);
    expect(() => parseStackExport("x.json", { ...good, version: 4 })).not.toThrow();
    const notJson = join(dir, "broken.json");
    writeFileSync(notJson, "{");
    expect(() => readStackExport(notJson)).toThrow(StackExportError);
    const run = spawnSync(process.execPath, [CLI, "inventory", "--state", notJson], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--state: .*broken\.json is not JSON/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports drift: in code not deployed, deployed not in code, grants and trust that differ", async () => {
    const recorded = await runProject(loadProject(join(ROOT, "examples", "fleet"), { stack: "prod" }));
    const program = inventoryDocument(recorded.resources, AS_OF, undefined, "agent-fleet/prod").agents;
    const same = inventoryFromStacks([readStackExport(join(STATE, "fleet-prod.json"))], AS_OF).agents;
    expect(inventoryDrift(program, same, ["agent-fleet/prod"])).toEqual([]);
    const drifted = inventoryFromStacks([readStackExport(join(STATE, "fleet-prod-drifted.json"))], AS_OF).agents;
    const drift = inventoryDrift(program, drifted, ["agent-fleet/prod"]);
    expect(drift.map((item) => [item.agent, item.kind])).toEqual([
      ["legacy-summarizer", "not-in-code"],
      ["ops-monitor", "not-deployed"],
      ["pr-reviewer", "grants-differ"],
      ["report-reader", "trust-differs"],
    ]);
    expect(drift.find((item) => item.kind === "grants-differ")!.detail).toMatch(
      /in code, not deployed: read and list the S3 bucket acme-prod-source/,
    );
    expect(drift.find((item) => item.kind === "trust-differs")!.detail).toMatch(/environment:prod-old/);
  }, 60_000);

  it("agent-iam inventory PROGRAM --state: the drift on stderr and in the JSON, exit 1 with --fail-on-drift", () => {
    const run = (extra: string[]) =>
      spawnSync(
        process.execPath,
        [
          CLI,
          "inventory",
          join(ROOT, "examples", "fleet"),
          "--state",
          join(STATE, "fleet-prod-drifted.json"),
          "--as-of",
          AS_OF,
          ...extra,
        ],
        { encoding: "utf8" },
      );
    const plain = run([]);
    expect(plain.status).toBe(0);
    const document = JSON.parse(plain.stdout) as { drift: { kind: string }[]; source: { kind: string } };
    expect(document.source.kind).toBe("state");
    expect(document.drift.map((item) => item.kind).sort()).toEqual([
      "grants-differ",
      "not-deployed",
      "not-in-code",
      "trust-differs",
    ]);
    expect(plain.stderr).toMatch(/drift: agent-fleet\/prod ops-monitor: in code, not deployed/);
    expect(run(["--fail-on-drift"]).status).toBe(1);
  }, 120_000);
});

describe("inventory built offline: what a cloud assigns is unknown, in every format", () => {
  it("JSON null with a reason; known after deploy in Markdown, CSV and HTML; the page says where its data came from", async () => {
    const recorded = await runProject(loadProject(join(ROOT, "examples", "fleet"), { stack: "prod" }));
    const document = inventoryDocument(recorded.resources, AS_OF, {
      kind: "program",
      from: ["examples/fleet (stack prod)"],
    });
    for (const record of document.agents) {
      expect(record.identities.aws!.roleArn).toBeNull();
      const onAzure = record.clouds.includes("azure");
      if (onAzure)
        expect(record.identities.azure).toEqual({
          clientId: null,
          principalId: null,
          resourceId: null,
          tenantId: null,
        });
      expect(record.created).toBeNull();
      const fields = record.unknownValues.map((value) => value.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          "identities.aws.roleArn",
          ...(onAzure
            ? ["identities.azure.clientId", "identities.azure.principalId", "identities.azure.tenantId"]
            : []),
          "created",
        ]),
      );
      for (const value of record.unknownValues) expect(value.reason).toMatch(/built from the program, offline/);
      if (record.identities.gcp) {
        expect(record.identities.gcp.uniqueId).toBeNull();
        expect(record.identities.gcp.serviceAccountEmail).toMatch(/@acme-agents-prod\.iam\.gserviceaccount\.com$/);
      }
    }
    const csv = formatInventory(document, "csv").split("\r\n");
    const header = csv[0]!.split(",");
    const row = csv[1]!;
    expect(header).toEqual(
      expect.arrayContaining(["aws_role_arn", "azure_client_id", "azure_tenant_id", "gcp_unique_id"]),
    );
    expect(row.split(KNOWN_AFTER_DEPLOY_TEXT).length - 1).toBeGreaterThanOrEqual(6);
    const markdown = formatInventory(document, "md");
    expect(markdown).toContain(`role ${KNOWN_AFTER_DEPLOY_TEXT}`);
    expect(markdown).toContain(`client id ${KNOWN_AFTER_DEPLOY_TEXT}`);
    expect(markdown).toContain("Built from the program examples/fleet (stack prod), offline");
    const html = formatInventory(document, "html");
    expect(html).toContain("Built from the program examples/fleet (stack prod), offline");
    // The agents' own role ARNs (path /agents/) and the mock tenant are the cloud's to assign; a role an
    // agent is granted to pass (deploy-bot's task role) is a name the program wrote, and is shown.
    expect(html).not.toMatch(/00000000-0000-4000-8000-000000000000|arn:aws:iam::123456789012:role\/agents\//);
  }, 60_000);
});
