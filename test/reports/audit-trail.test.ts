import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTION_RECORD_SCHEMA_FILE,
  actionRecordJsonSchema,
  actionRecordSchema,
  auditFiles,
  cloudEventOf,
  feedLine,
  loadInventoryFile,
  readLogRecords,
  type ActionRecord,
  type AuditSummary,
} from "../../src/reports/audit";
import { inventoryDocument, schemaFileText, type InventoryRecord } from "../../src/reports/inventory";
import { loadProject } from "../../src/gate/program/project";
import { inventoryFromStacks, readStackExport } from "../../src/reports/inventory/stack-export";
import { runProject } from "../../src/gate/program/run";

/**
 * The audit trail over fixture logs of all three clouds, written from each cloud's documented
 * format (CloudTrail record contents and userIdentity element; Cloud Audit Logs AuditLog; Azure
 * Activity Log event schema, REST and storage-export shapes) for the agents of
 * `test/fixtures/audit/program`, whose identities the offline gate derives.
 */

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join(__dirname, "..", "fixtures", "audit");
const CLI = join(ROOT, "bin", "agent-iam.js");
const LOGS = [
  "aws-cloudtrail.json",
  "gcp-audit-log.ndjson",
  "azure-activity-log.json",
  "azure-activity-export.json",
].map((file) => join(FIXTURES, file));

let agents: InventoryRecord[];
let dir: string;
let inventoryFile: string;

/** How many records a fixture file holds, counted without the audit code. */
function recordsIn(file: string): number {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".ndjson") || !text.trimStart().startsWith("{\n"))
    return text.split("\n").filter((line) => line.trim() !== "").length;
  const json = JSON.parse(text) as Record<string, unknown[]>;
  return (json.Records ?? json.value ?? []).length;
}

async function audit(files: readonly string[]): Promise<{ records: ActionRecord[]; summary: AuditSummary }> {
  const records: ActionRecord[] = [];
  const summary = await auditFiles(files, agents, (record) => records.push(record));
  return { records, summary };
}

function byId(records: readonly ActionRecord[], id: string): ActionRecord {
  const found = records.find((record) => record.action_id === id);
  if (!found) throw new Error(`no action ${id}`);
  return found;
}

/** The inventory of the deployed audit program: its stack export (test/fixtures/state/audit-prod.json). */
const STATE = join(__dirname, "..", "fixtures", "state", "audit-prod.json");

beforeAll(async () => {
  agents = inventoryFromStacks([readStackExport(STATE)], "2026-05-01").agents;
  dir = mkdtempSync(join(tmpdir(), "agent-iam-audit-"));
  inventoryFile = join(dir, "inventory.json");
  writeFileSync(inventoryFile, JSON.stringify({ agents }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("audit over fixture logs of all three clouds", () => {
  it("every event read comes out: attributed + unattributed = events in, nothing dropped", async () => {
    const { records, summary } = await audit(LOGS);
    const expected = LOGS.reduce((total, file) => total + recordsIn(file), 0);
    expect(expected).toBe(24);
    expect(summary.records).toBe(expected);
    expect(records).toHaveLength(expected);
    expect(summary.attributed + summary.unattributed).toBe(expected);
    expect(summary.unrecognized).toEqual([]);
    expect(summary.errors).toEqual([]);
    expect(records.filter((record) => record.agent_id === null)).toHaveLength(summary.unattributed);
    for (const record of records) expect(actionRecordSchema.safeParse(record).success).toBe(true);
    expect(new Set(records.map((record) => record.cloud))).toEqual(new Set(["aws", "gcp", "azure"]));
  });

  it("CloudTrail: the agent's role session, its exact feed line, and a denied call", async () => {
    const { records } = await audit([LOGS[0]!]);
    const read = byId(records, "3f0a1b2c-0002-4a5b-9c8d-000000000002");
    expect(read).toMatchObject({
      agent_id: "pr-reviewer",
      owner: "keisha.okafor@acme.example",
      environment: "prod",
      action: "s3:GetObject",
      resource: "s3://acme-prod-source/README.md",
      policy_decision: "allowed",
      result: "success",
      cloud: "aws",
      requested_by: "repo:acme/api:environment:prod",
      attributed_via: "identity",
    });
    expect(feedLine(read)).toBe(
      "2026-05-04T10:12:03Z pr-reviewer (owner keisha.okafor@acme.example, prod) read s3://acme-prod-source/README.md — allowed",
    );
    const denied = byId(records, "3f0a1b2c-0004-4a5b-9c8d-000000000004");
    expect(denied).toMatchObject({
      agent_id: "pr-reviewer",
      action: "iam:CreateUser",
      policy_decision: "denied",
      result: "failure",
      error_code: "AccessDenied",
    });
    expect(feedLine(denied)).toBe(
      "2026-05-04T10:13:07Z pr-reviewer (owner keisha.okafor@acme.example, prod) tried iam:CreateUser — denied",
    );
  });

  it("CloudTrail: getting credentials names the token's subject as the requester", async () => {
    const { records } = await audit([LOGS[0]!]);
    expect(byId(records, "3f0a1b2c-0001-4a5b-9c8d-000000000001")).toMatchObject({
      agent_id: "pr-reviewer",
      action: "sts:AssumeRoleWithWebIdentity",
      requested_by: "repo:acme/api:environment:prod",
      principal: expect.stringContaining("oidc-provider/token.actions.githubusercontent.com"),
    });
  });

  it("CloudTrail: an assumed-role chain stays the agent's, by the access key its AssumeRole handed out", async () => {
    const { records } = await audit([LOGS[0]!]);
    const chained = byId(records, "3f0a1b2c-0006-4a5b-9c8d-000000000006");
    expect(chained).toMatchObject({
      agent_id: "pr-reviewer",
      attributed_via: "role-chain",
      principal: "arn:aws:sts::123456789012:assumed-role/shared-reports-reader/pr-reviewer-reports",
    });
    expect(feedLine(chained)).toContain(
      "[via a role it assumed, as arn:aws:sts::123456789012:assumed-role/shared-reports-reader/pr-reviewer-reports]",
    );
    const sourced = byId(records, "3f0a1b2c-0007-4a5b-9c8d-000000000007");
    expect(sourced).toMatchObject({ agent_id: "pr-reviewer", attributed_via: "source-identity" });
  });

  it("CloudTrail: the chain is only followed from a call the agent made: the same key alone is unattributed", async () => {
    const events = JSON.parse(readFileSync(LOGS[0]!, "utf8")).Records as unknown[];
    const file = join(dir, "chain-only.json");
    writeFileSync(file, JSON.stringify({ Records: [events[5]] }));
    const { records } = await audit([file]);
    expect(records[0]).toMatchObject({ agent_id: null, attributed_via: null });
  });

  it("CloudTrail: the offboarded agent is refused credentials", async () => {
    const { records } = await audit([LOGS[0]!]);
    const refused = byId(records, "3f0a1b2c-0008-4a5b-9c8d-000000000008");
    expect(refused).toMatchObject({
      agent_id: "deploy-bot",
      owner: "marco.rossi@acme.example",
      policy_decision: "denied",
      action: "sts:AssumeRoleWithWebIdentity",
    });
    expect(agents.find((agent) => agent.id === "deploy-bot")).toMatchObject({
      status: "disabled",
      disabledReason: "owner-departed",
    });
  });

  it("CloudTrail: identities without an agent are listed as unattributed, with who they are", async () => {
    const { records, summary } = await audit([LOGS[0]!]);
    const legacy = byId(records, "3f0a1b2c-0009-4a5b-9c8d-000000000009");
    expect(legacy).toMatchObject({
      agent_id: null,
      owner: null,
      environment: null,
      principal: "arn:aws:iam::123456789012:user/legacy-ci",
      action: "s3:PutObject",
    });
    expect(feedLine(legacy)).toBe(
      "2026-05-05T09:30:00Z unattributed arn:aws:iam::123456789012:user/legacy-ci called s3:PutObject on s3://acme-prod-artifacts/api/v1.4.2.tgz — allowed",
    );
    expect(byId(records, "3f0a1b2c-0010-4a5b-9c8d-000000000010")).toMatchObject({
      agent_id: null,
      principal: "cloudtrail.amazonaws.com",
    });
    expect([...summary.unattributedPrincipals.keys()].sort()).toEqual([
      "arn:aws:iam::123456789012:user/legacy-ci",
      "cloudtrail.amazonaws.com",
    ]);
  });

  it("Cloud Audit Logs: the agent's service account, its federated requester, denials and delegation", async () => {
    const { records } = await audit([LOGS[1]!]);
    const read = byId(records, "1x9fk2e1abcd");
    expect(read).toMatchObject({
      agent_id: "report-reader",
      owner: "dana.levi@acme.example",
      cloud: "gcp",
      action: "storage.objects.get",
      resource: "gs://acme-finance-reports/2026/q1.pdf",
      requested_by:
        "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/agent-iam/subject/repo:acme/analytics:environment:prod",
      attributed_via: "identity",
    });
    expect(byId(records, "1x9fk2e1abcf")).toMatchObject({
      agent_id: "report-reader",
      policy_decision: "denied",
      error_code: "PERMISSION_DENIED",
    });
    expect(feedLine(byId(records, "1x9fk2e1abcf"))).toBe(
      "2026-05-04T02:01:44.500000Z report-reader (owner dana.levi@acme.example, prod) tried storage.objects.delete on gs://acme-finance-reports/2026/q1.pdf — denied",
    );
    expect(byId(records, "1x9fk2e1abd1")).toMatchObject({
      agent_id: "report-reader",
      attributed_via: "delegation",
      principal: "etl-runner@acme-agents-prod.iam.gserviceaccount.com",
    });
    expect(byId(records, "1x9fk2e1abd2")).toMatchObject({ agent_id: "report-reader", attributed_via: "subject" });
    expect(records.filter((record) => record.agent_id === null).map((record) => record.principal)).toEqual([
      "jordan@acme.example",
      "legacy-exporter@acme-agents-prod.iam.gserviceaccount.com",
    ]);
  });

  it("Activity Log (REST and storage-export shapes): the managed identity by its claims, denied role assignment, unattributed person", async () => {
    const { records } = await audit([LOGS[2]!, LOGS[3]!]);
    const read = byId(records, "a1f2c3d4-0001-4b5c-8d9e-0f1a2b3c4d01");
    expect(read).toMatchObject({
      agent_id: "report-reader",
      cloud: "azure",
      action: "Microsoft.Storage/storageAccounts/blobServices/containers/read",
      policy_decision: "allowed",
    });
    expect(feedLine(read)).toMatch(
      /^2026-05-04T02:10:00\.1234567Z report-reader \(owner dana\.levi@acme\.example, prod\) read \/subscriptions\/.*\/containers\/finance — allowed$/,
    );
    expect(byId(records, "a1f2c3d4-0002-4b5c-8d9e-0f1a2b3c4d02")).toMatchObject({
      agent_id: "report-reader",
      policy_decision: "denied",
      action: "Microsoft.Authorization/roleAssignments/write",
    });
    const person = records.filter((record) => record.principal === "jordan@acme.example");
    expect(person.map((record) => [record.agent_id, record.result])).toEqual([
      [null, "started"],
      [null, "success"],
    ]);
    const exported = records.filter((record) => record.source.file.endsWith("azure-activity-export.json"));
    expect(exported.map((record) => [record.agent_id, record.policy_decision])).toEqual([
      ["report-reader", "denied"],
      ["report-reader", "allowed"],
    ]);
    expect(exported[0]!.resource).toBe(
      "/subscriptions/5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/reports/providers/Microsoft.Storage/storageAccounts/acmereports",
    );
  });

  it("every event's source points at its bytes in the file", async () => {
    const { records } = await audit(LOGS);
    for (const record of records.slice(0, 12)) {
      const bytes = readFileSync(record.source.file);
      expect(bytes.subarray(record.source.offset, record.source.offset + 1).toString()).toBe("{");
    }
    const offsets = [];
    for await (const item of readLogRecords(LOGS[1]!)) offsets.push(item.offset);
    expect(records.filter((record) => record.cloud === "gcp").map((record) => record.source.offset)).toEqual(offsets);
  });

  it("reads the same trail gzip-compressed and as a Cloud Logging JSON array", async () => {
    const trail = join(dir, "trail.json.gz");
    writeFileSync(trail, gzipSync(readFileSync(LOGS[0]!)));
    const array = join(dir, "gcp.json");
    writeFileSync(
      array,
      JSON.stringify(
        readFileSync(LOGS[1]!, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line)),
        null,
        2,
      ),
    );
    const plain = await audit([LOGS[0]!, LOGS[1]!]);
    const other = await audit([trail, array]);
    const strip = (records: ActionRecord[]) => records.map(({ source: _source, ...rest }) => rest);
    expect(strip(other.records)).toEqual(strip(plain.records));
  });

  it("a record of no known log format is reported, not turned into an action", async () => {
    expect(cloudEventOf({ hello: "world" })).toBeUndefined();
    const file = join(dir, "mixed.ndjson");
    writeFileSync(file, `${readFileSync(LOGS[1]!, "utf8").split("\n")[0]}\n{"hello":"world"}\n`);
    const { records, summary } = await audit([file]);
    expect(records).toHaveLength(1);
    expect(summary.records).toBe(2);
    expect(summary.unrecognized).toEqual([
      { file, offset: Buffer.byteLength(readFileSync(LOGS[1]!, "utf8").split("\n")[0]!) + 1 },
    ]);
  });
});

describe("agent-iam audit (the command)", () => {
  function run(args: string[]) {
    return spawnSync(process.execPath, [CLI, "audit", ...args], { encoding: "utf8", cwd: ROOT });
  }

  it("prints the feed and a summary", () => {
    const result = run([...LOGS, "--inventory", inventoryFile]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toContain(
      "2026-05-04T10:13:07Z pr-reviewer (owner keisha.okafor@acme.example, prod) tried iam:CreateUser — denied",
    );
    expect(result.stdout).toContain(
      "24 events read from 4 files: 18 attributed to 3 agents, 6 unattributed, 6 denied.",
    );
    expect(result.stdout).toContain("  jordan@acme.example (3 events)");
  });

  it("--format json: an array of action records, one per event; --format ndjson: one a line", () => {
    const json = run([...LOGS, "--inventory", inventoryFile, "--format", "json"]);
    expect(json.status).toBe(0);
    const records = JSON.parse(json.stdout) as unknown[];
    expect(records).toHaveLength(24);
    for (const record of records) expect(actionRecordSchema.parse(record)).toBeTruthy();
    const ndjson = run([...LOGS, "--inventory", inventoryFile, "--format", "ndjson"]);
    expect(
      ndjson.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual(records);
  });

  it("a truncated file: the events before it are printed, then the byte offset, exit 2", () => {
    const text = readFileSync(LOGS[0]!, "utf8");
    const cut = text.indexOf('"3f0a1b2c-0005');
    const file = join(dir, "truncated.json");
    writeFileSync(file, text.slice(0, cut));
    const result = run([file, LOGS[1]!, "--inventory", inventoryFile, "--format", "ndjson"]);
    expect(result.status).toBe(2);
    const printed = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as ActionRecord);
    expect(printed.filter((record) => record.source.file === file).map((record) => record.action_id)).toEqual([
      "3f0a1b2c-0001-4a5b-9c8d-000000000001",
      "3f0a1b2c-0002-4a5b-9c8d-000000000002",
      "3f0a1b2c-0003-4a5b-9c8d-000000000003",
      "3f0a1b2c-0004-4a5b-9c8d-000000000004",
    ]);
    expect(printed.filter((record) => record.cloud === "gcp")).toHaveLength(8);
    expect(result.stderr).toMatch(
      new RegExp(
        `error: .*truncated\\.json: the data ends at byte ${Buffer.byteLength(text.slice(0, cut))} inside the record that starts at byte \\d+ \\(truncated\\?\\) \\(the 4 records before it are reported above\\)`,
      ),
    );
  });

  it("a corrupt file: the byte offset of the broken record", () => {
    const file = join(dir, "corrupt.json");
    const text =
      '{"Records":[{"eventVersion":"1.09","eventTime":"2026-05-04T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"},{"eventID": nope}]}';
    writeFileSync(file, text);
    const result = run([file, "--inventory", inventoryFile]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("unattributed unknown read (s3:GetObject) — allowed");
    expect(result.stderr).toContain(
      `corrupt.json: invalid JSON in the record that starts at byte ${text.indexOf('{"eventID"')}:`,
    );
    expect(result.stderr).toContain("(the 1 record before it is reported above)");
  });

  it("a bad inventory names the field and how to make a good one", () => {
    const bad = join(dir, "bad-inventory.json");
    writeFileSync(bad, JSON.stringify({ agents: [{ id: "x", owner: "a@b.example" }] }));
    const result = run([LOGS[0]!, "--inventory", bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /--inventory: the inventory .*bad-inventory\.json is not an agent-iam inventory: agents\[0\]\.\w+: .*agent-iam inventory PROGRAM_DIR --format json/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads an inventory written by another version: only the fields attribution needs are required", () => {
    const older = join(dir, "older.json");
    writeFileSync(
      older,
      JSON.stringify({
        agents: agents.map(({ id, owner, environment, approval, issuer, clouds, identities }) => ({
          id,
          owner,
          environment,
          approval,
          issuer,
          clouds,
          identities,
          somethingNew: 1,
        })),
      }),
    );
    expect(loadInventoryFile(older).map((agent) => agent.id)).toEqual(agents.map((agent) => agent.id));
    const result = run([LOGS[0]!, "--inventory", older, "--format", "ndjson"]);
    expect(result.status).toBe(0);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .filter((line) => (JSON.parse(line) as ActionRecord).agent_id === "pr-reviewer").length,
    ).toBeGreaterThan(0);
  });

  it("reads the inventory agent-iam inventory writes", () => {
    const out = execFileSync(process.execPath, [CLI, "inventory", join(FIXTURES, "program"), "--format", "json"], {
      encoding: "utf8",
    });
    const file = join(dir, "from-cli.json");
    writeFileSync(file, out);
    expect(loadInventoryFile(file).map((agent) => agent.id)).toEqual(["deploy-bot", "pr-reviewer", "report-reader"]);
  });
});

describe("action record JSON Schema", () => {
  it("the checked-in file is generated from the zod schema (run `npx tsx src/reports/audit/json-schema.ts` to refresh it)", () => {
    expect(readFileSync(ACTION_RECORD_SCHEMA_FILE, "utf8")).toBe(schemaFileText(actionRecordJsonSchema()));
  });

  it("has the mission's fields, with tool/action named action", () => {
    const schema = actionRecordJsonSchema() as { required: string[] };
    expect(schema.required).toEqual(
      expect.arrayContaining([
        "action_id",
        "agent_id",
        "requested_by",
        "owner",
        "action",
        "resource",
        "policy_decision",
        "approval",
        "timestamp",
        "result",
        "cloud",
        "environment",
      ]),
    );
  });
});

describe("an inventory built offline invents no identity", () => {
  it("the program's offline inventory attributes no event by a role, managed identity or unique id: those are known after deploy", async () => {
    const recorded = await runProject(loadProject(join(FIXTURES, "program")));
    const offline = inventoryDocument(recorded.resources, "2026-05-01").agents;
    for (const agent of offline) {
      expect(agent.identities.aws?.roleArn ?? null).toBeNull();
      expect(agent.identities.azure?.clientId ?? null).toBeNull();
    }
    const viaOffline: ActionRecord[] = [];
    await auditFiles(LOGS, offline, (record) => viaOffline.push(record));
    const { records } = await audit(LOGS);
    // The deployed state attributes Azure events by the managed identity's ids; offline, nothing can.
    expect(records.some((record) => record.cloud === "azure" && record.agent_id !== null)).toBe(true);
    expect(viaOffline.filter((record) => record.cloud === "azure" && record.agent_id !== null)).toEqual([]);
    expect(viaOffline.filter((record) => record.attributed_via === "identity" && record.cloud !== "gcp")).toEqual([]);
  });
});
