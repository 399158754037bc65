import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Parser } from "node-sql-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditFiles, type ActionRecord } from "../../src/reports/audit";
import { auditFilesWithDuckDB, DuckDBMissingError, loadDuckDB } from "../../src/reports/audit/duckdb-engine";
import { attributionQuery } from "../../src/reports/audit/sql/engines";
import { trinoAzureQuery, trinoGcpQuery } from "../../src/reports/audit/sql/trino";
import type { InventoryRecord } from "../../src/reports/inventory";
import { inventoryFromStacks, readStackExport } from "../../src/reports/inventory/stack-export";
import { logFile, type KnownAgent } from "../support/audit-logs";
import { runs } from "../support/property";

/**
 * The attribution where the logs live. Oracles: the file reader (the same action records, field for
 * field, from DuckDB running the Athena-dialect queries), node-sql-parser's Athena and BigQuery
 * grammars, and Microsoft's Kusto.Language analyzer (@kusto/language-service-next) with the
 * AzureActivity columns; each is shown to reject a broken query.
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
let written = 0;

beforeAll(() => {
  agents = inventoryFromStacks(
    [readStackExport(join(__dirname, "..", "fixtures", "state", "audit-prod.json"))],
    "2026-05-01",
  ).agents;
  dir = mkdtempSync(join(tmpdir(), "agent-iam-sql-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function both(files: readonly string[], inventory: readonly InventoryRecord[] = agents) {
  const stream: ActionRecord[] = [];
  const duck: ActionRecord[] = [];
  const streamSummary = await auditFiles(files, inventory, (record) => stream.push(record));
  const duckSummary = await auditFilesWithDuckDB(files, inventory, (record) => duck.push(record));
  return { stream, duck, streamSummary, duckSummary };
}

describe("DuckDB running the Athena-dialect queries gives the file reader's action records", () => {
  it("on every audit fixture, all clouds at once", async () => {
    const { stream, duck, streamSummary, duckSummary } = await both(LOGS);
    expect(stream.length).toBeGreaterThan(20);
    expect(duck).toEqual(stream);
    expect(duckSummary.attributed).toBe(streamSummary.attributed);
    expect(new Set(stream.map((record) => record.attributed_via))).toEqual(
      new Set(["identity", "source-identity", "role-chain", "delegation", "subject", null]),
    );
  });

  it("on generated logs of every cloud and shape, attributed and unattributed", async () => {
    const known: KnownAgent[] = agents.map((agent) => ({
      id: agent.id,
      ...(agent.identities.aws
        ? { aws: { roleArn: agent.identities.aws.roleArn!, roleName: agent.identities.aws.roleName! } }
        : {}),
      ...(agent.identities.gcp ? { gcp: { email: agent.identities.gcp.serviceAccountEmail! } } : {}),
      ...(agent.identities.azure
        ? { azure: { clientId: agent.identities.azure.clientId!, principalId: agent.identities.azure.principalId! } }
        : {}),
    }));
    await fc.assert(
      fc.asyncProperty(fc.array(logFile(known), { minLength: 1, maxLength: 3 }), async (logs) => {
        const files = logs.map((log) => {
          const file = join(dir, `${written++}.json`);
          writeFileSync(file, log.bytes);
          return file;
        });
        const { stream, duck } = await both(files);
        expect(duck).toEqual(stream);
      }),
      runs(40),
    );
  }, 240_000);

  it("on generated role chains and delegations, agents and strangers interleaved", async () => {
    const aws = agents.filter((agent) => agent.identities.aws?.roleArn);
    const gcp = agents.filter((agent) => agent.identities.gcp?.serviceAccountEmail);
    const step = fc.record({
      kind: fc.constantFrom("assume", "use", "stranger", "gcp-delegated", "gcp-stranger"),
      agent: fc.nat(),
      key: fc.nat({ max: 5 }),
      failed: fc.boolean(),
      depth: fc.nat({ max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const trail: Record<string, unknown>[] = [];
        const entries: string[] = [];
        steps.forEach((item, index) => {
          const time = new Date(Date.UTC(2026, 4, 1, 10, 0, index)).toISOString().replace(".000Z", "Z");
          const agent = aws[item.agent % aws.length]!;
          const roleArn = agent.identities.aws!.roleArn!;
          const session = {
            sessionIssuer: {
              type: "Role",
              arn: roleArn,
              accountId: roleArn.split(":")[4],
              userName: agent.identities.aws!.roleName,
            },
          };
          if (item.kind === "assume")
            trail.push({
              eventVersion: "1.08",
              eventID: `e${index}`,
              eventTime: time,
              eventSource: "sts.amazonaws.com",
              eventName: "AssumeRole",
              userIdentity:
                item.depth === 0
                  ? {
                      type: "AssumedRole",
                      arn: `arn:aws:sts::${roleArn.split(":")[4]}:assumed-role/${agent.identities.aws!.roleName}/${agent.id}`,
                      accessKeyId: `ASIAAGENT${index}`,
                      sessionContext: session,
                    }
                  : {
                      type: "AssumedRole",
                      arn: "arn:aws:sts::999999999999:assumed-role/ops/hop",
                      accessKeyId: `ASIACHAIN${item.key}`,
                      sessionContext: {
                        sessionIssuer: {
                          type: "Role",
                          arn: "arn:aws:iam::999999999999:role/ops",
                          accountId: "999999999999",
                          userName: "ops",
                        },
                      },
                    },
              requestParameters: { roleArn: "arn:aws:iam::999999999999:role/ops", roleSessionName: "hop" },
              responseElements: item.failed
                ? null
                : { credentials: { accessKeyId: `ASIACHAIN${(item.key + 1) % 6}`, expiration: time } },
              ...(item.failed ? { errorCode: "AccessDenied" } : {}),
            });
          else if (item.kind === "use" || item.kind === "stranger")
            trail.push({
              eventVersion: "1.08",
              eventID: `e${index}`,
              eventTime: time,
              eventSource: "s3.amazonaws.com",
              eventName: "GetObject",
              userIdentity: {
                type: "AssumedRole",
                arn: "arn:aws:sts::999999999999:assumed-role/ops/hop",
                accessKeyId: item.kind === "use" ? `ASIACHAIN${item.key}` : `AKIASTRANGER${index}`,
                sessionContext: {
                  sessionIssuer: {
                    type: "Role",
                    arn: "arn:aws:iam::999999999999:role/ops",
                    accountId: "999999999999",
                    userName: "ops",
                  },
                },
              },
              requestParameters: { bucketName: "acme-data", key: `k${index}` },
            });
          else {
            const target = gcp[item.agent % gcp.length]!;
            const chain = Array.from({ length: item.depth + 1 }, (_, hop) =>
              hop === item.depth && item.kind === "gcp-delegated"
                ? { firstPartyPrincipal: { principalEmail: target.identities.gcp!.serviceAccountEmail } }
                : {
                    principalSubject: `principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/stranger-${hop}`,
                  },
            );
            entries.push(
              JSON.stringify({
                insertId: `g${index}`,
                timestamp: time,
                logName: "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access",
                protoPayload: {
                  "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                  serviceName: "storage.googleapis.com",
                  methodName: "storage.objects.get",
                  resourceName: `projects/_/buckets/b/objects/o${index}`,
                  status: item.failed ? { code: 7 } : {},
                  authenticationInfo: {
                    principalEmail: `worker-${index}@other.iam.gserviceaccount.com`,
                    serviceAccountDelegationInfo: chain,
                  },
                },
              }),
            );
          }
        });
        const trailFile = join(dir, `${written++}-trail.json`);
        writeFileSync(trailFile, JSON.stringify({ Records: trail }));
        const gcpFile = join(dir, `${written++}-gcp.ndjson`);
        writeFileSync(gcpFile, entries.join("\n"));
        const files = [trailFile, ...(entries.length > 0 ? [gcpFile] : [])];
        const { stream, duck } = await both(files);
        expect(duck).toEqual(stream);
      }),
      runs(60),
    );
  }, 240_000);

  it("without @duckdb/node-api installed, says which package to install", () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module '@duckdb/node-api'"), { code: "MODULE_NOT_FOUND" });
    };
    expect(() => loadDuckDB(missing)).toThrow(DuckDBMissingError);
    expect(() => loadDuckDB(missing)).toThrow(/npm install @duckdb\/node-api/);
  });
});

describe("the queries parse as their engines' dialects", () => {
  const parser = new Parser();
  it("Athena (CloudTrail), and the Cloud Audit Logs and Activity Log forms DuckDB runs: node-sql-parser's Athena grammar", () => {
    for (const query of [
      attributionQuery("athena", agents),
      trinoGcpQuery({ agents: { inline: agents } }),
      trinoAzureQuery({ agents: { inline: agents } }),
    ]) {
      expect(() => parser.astify(query, { database: "athena" })).not.toThrow();
      expect(() =>
        parser.astify(query.replace(" WHERE ", " WHERE WHERE "), {
          database: "athena",
        }),
      ).toThrow();
    }
  });

  it("BigQuery (a Cloud Audit Logs sink): node-sql-parser's BigQuery grammar", () => {
    const query = attributionQuery("bigquery", agents);
    expect(query).toContain("protopayload_auditlog.authenticationInfo.principalEmail");
    expect(() => parser.astify(query, { database: "bigquery" })).not.toThrow();
    expect(() =>
      parser.astify(query.replace("FROM entries AS n", "FROM entries AS n n n"), { database: "bigquery" }),
    ).toThrow();
  });

  it("KQL (AzureActivity): Kusto.Language finds no syntax or semantic error against the table's columns", () => {
    require("@kusto/language-service-next/bridge.min");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min");
    // biome-ignore lint/suspicious/noExplicitAny: the Bridge.NET build has no module types
    const kusto = (globalThis as any).Kusto.Language;
    const table = new kusto.Symbols.TableSymbol.$ctor7(
      "AzureActivity",
      "(TimeGenerated:datetime, Caller:string, Claims_d:dynamic, Authorization_d:dynamic, OperationNameValue:string, ActivityStatusValue:string, ActivitySubstatusValue:string, Properties_d:dynamic, _ResourceId:string, EventDataId:string, CorrelationId:string)",
      null,
    );
    const database = new kusto.Symbols.DatabaseSymbol.$ctor2("logs", null, [table]);
    const globals = kusto.GlobalState.Default.WithCluster(
      new kusto.Symbols.ClusterSymbol.$ctor1("logs", [database]),
    ).WithDatabase(database);
    const diagnostics = (text: string) => {
      const list = kusto.KustoCode.ParseAndAnalyze(text, globals).GetDiagnostics();
      return Array.from({ length: list.Count }, (_, index) => list.getItem(index).Message as string);
    };
    const query = attributionQuery("kql", agents);
    expect(diagnostics(query)).toEqual([]);
    expect(
      diagnostics(query.replace("tolower(resource_id) == tolower(scope)", "tolower(resource_id == tolower(scope)")),
    ).not.toEqual([]);
  });
});

describe("agent-iam audit --sql and --engine", () => {
  it("--sql athena prints the query with the inventory inlined; --agents-table joins tables written by --agents-csv", () => {
    const inventory = join(dir, "inventory.json");
    writeFileSync(inventory, JSON.stringify({ agents }));
    const inline = spawnSync(process.execPath, [CLI, "audit", "--sql", "athena", "--inventory", inventory], {
      encoding: "utf8",
    });
    expect(inline.status).toBe(0);
    expect(inline.stdout).toContain("FROM cloudtrail_logs");
    expect(inline.stdout).toContain(agents[0]!.identities.aws!.roleArn!.toLowerCase());
    const prefix = join(dir, "agents");
    const joined = spawnSync(
      process.execPath,
      [
        CLI,
        "audit",
        "--sql",
        "kql",
        "--inventory",
        inventory,
        "--agents-table",
        "agent_iam_agents",
        "--agents-csv",
        prefix,
      ],
      { encoding: "utf8" },
    );
    expect(joined.status).toBe(0);
    expect(joined.stdout).toContain("let agents = agent_iam_agents;");
    expect(readFileSync(`${prefix}.csv`, "utf8").split("\r\n")[0]).toBe(
      "agent,agent_id,owner,environment,approval,subject,break_glass_until,break_glass_approved_by,break_glass_reason",
    );
    expect(readFileSync(`${prefix}_keys.csv`, "utf8")).toContain("azure-id,");
  });

  it("--engine duckdb prints the same records as the streaming reader", () => {
    const inventory = join(dir, "inventory-engine.json");
    writeFileSync(inventory, JSON.stringify({ agents }));
    const run = (engine: string) =>
      spawnSync(
        process.execPath,
        [CLI, "audit", ...LOGS, "--inventory", inventory, "--format", "ndjson", "--engine", engine],
        { encoding: "utf8" },
      );
    const stream = run("stream");
    const duck = run("duckdb");
    expect(duck.status).toBe(0);
    expect(duck.stdout).toBe(stream.stdout);
  });
});
