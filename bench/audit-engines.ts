/**
 * The audit's two engines on the same generated CloudTrail log: events per second of the streaming
 * reader and of DuckDB (the Athena-dialect query, embedded), their ratio in one run, and the peak
 * memory (max RSS) of each, each engine in a process of its own.
 *
 *   npm run bench:audit -- --events 1000000 [--events 10000000] [--files N]
 *
 * The log is split into CloudTrail-sized files (one per 10,000 events, about 5 MB, unless `--files`
 * says how many): CloudTrail delivers one object per account and region about every five minutes.
 *
 * Not part of `npm run bench` or CI (test/bench/audit-engines.test.ts runs it on 2,000 events).
 */
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const AGENTS = 200;
const ACCOUNT = "123456789012";
/** Events per file when `--files` is not given. */
const EVENTS_PER_FILE = 10_000;

function inventory(): unknown[] {
  return Array.from({ length: AGENTS }, (_, index) => ({
    id: `agent-${index}`,
    owner: `owner-${index % 40}@acme.example`,
    environment: "prod",
    approval: null,
    issuer: {
      kind: "github-actions",
      url: "https://token.actions.githubusercontent.com",
      subject: `repo:acme/r${index}:environment:prod`,
      audience: "sts.amazonaws.com",
    },
    clouds: ["aws"],
    identities: {
      aws: { roleArn: `arn:aws:iam::${ACCOUNT}:role/agents/agent-${index}-prod`, roleName: `agent-${index}-prod` },
    },
    breakGlass: null,
  }));
}

/** Writes `events` CloudTrail records over `files` files: agents' calls, role chains, strangers. */
async function writeLogs(dir: string, events: number, files: number): Promise<string[]> {
  const paths: string[] = [];
  const perFile = Math.ceil(events / files);
  let written = 0;
  for (let file = 0; file < files && written < events; file++) {
    const path = join(dir, `trail-${file}.json`);
    paths.push(path);
    const out = createWriteStream(path);
    out.write('{"Records":[\n');
    const count = Math.min(perFile, events - written);
    for (let index = 0; index < count; index++, written++) {
      const agent = written % AGENTS;
      const time = new Date(Date.UTC(2026, 0, 1) + written * 10).toISOString().replace(/\.\d{3}Z$/, "Z");
      const stranger = written % 7 === 0;
      const record = {
        eventVersion: "1.08",
        eventID: `ev-${written}`,
        eventTime: time,
        eventSource: "s3.amazonaws.com",
        eventName: written % 3 === 0 ? "PutObject" : "GetObject",
        awsRegion: "us-east-1",
        userIdentity: stranger
          ? { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/someone`, accessKeyId: "AKIASTRANGER" }
          : {
              type: "AssumedRole",
              arn: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-${agent}-prod/agent-${agent}`,
              accessKeyId: `ASIA${written}`,
              sessionContext: {
                sessionIssuer: {
                  type: "Role",
                  arn: `arn:aws:iam::${ACCOUNT}:role/agents/agent-${agent}-prod`,
                  accountId: ACCOUNT,
                  userName: `agent-${agent}-prod`,
                },
              },
            },
        requestParameters: { bucketName: `bucket-${agent % 50}`, key: `k/${written}` },
        responseElements: null,
        ...(written % 50 === 0 ? { errorCode: "AccessDenied" } : {}),
      };
      const line = `${index === 0 ? "" : ",\n"}${JSON.stringify(record)}`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    out.write("\n]}\n");
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  return paths;
}

interface Measure {
  readonly engine: string;
  readonly seconds: number;
  readonly records: number;
  readonly maxRssMb: number;
}

function measure(engine: "stream" | "duckdb", files: string[], inventoryFile: string): Measure {
  const script = `
    const { auditFiles } = require("./src/reports/audit/run-audit");
    const { auditFilesWithDuckDB } = require("./src/reports/audit/duckdb-engine");
    const agents = JSON.parse(require("node:fs").readFileSync(${JSON.stringify(inventoryFile)}, "utf8"));
    const files = ${JSON.stringify(files)};
    const start = process.hrtime.bigint();
    let records = 0;
    const run = ${JSON.stringify(engine)} === "duckdb" ? auditFilesWithDuckDB : auditFiles;
    run(files, agents, () => { records++; }).then(() => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      console.log(JSON.stringify({ seconds, records, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    });`;
  const output = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: join(__dirname, ".."),
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return { engine, ...(JSON.parse(output.trim().split("\n").pop()!) as Omit<Measure, "engine">) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizes = args.flatMap((arg, index) => (arg === "--events" ? [Number(args[index + 1])] : []));
  const filesArg = args.indexOf("--files");
  const fileCount = (events: number) =>
    filesArg >= 0 ? Number(args[filesArg + 1]) : Math.ceil(events / EVENTS_PER_FILE);
  const json = args.includes("--json");
  const results: unknown[] = [];
  for (const events of sizes.length > 0 ? sizes : [1_000_000]) {
    const dir = mkdtempSync(join(tmpdir(), "agent-iam-bench-audit-"));
    try {
      const files = await writeLogs(dir, events, Math.min(fileCount(events), events));
      const inventoryFile = join(dir, "inventory.json");
      require("node:fs").writeFileSync(inventoryFile, JSON.stringify(inventory()));
      const bytes = files.reduce((total, file) => total + statSync(file).size, 0);
      const stream = measure("stream", files, inventoryFile);
      const duck = measure("duckdb", files, inventoryFile);
      if (stream.records !== events || duck.records !== events)
        throw new Error(`expected ${events} records, read ${stream.records} and ${duck.records}`);
      const row = {
        events,
        megabytes: Math.round(bytes / 1e6),
        stream: {
          eventsPerSecond: Math.round(events / stream.seconds),
          seconds: stream.seconds,
          maxRssMb: Math.round(stream.maxRssMb),
        },
        duckdb: {
          eventsPerSecond: Math.round(events / duck.seconds),
          seconds: duck.seconds,
          maxRssMb: Math.round(duck.maxRssMb),
        },
        ratio: Number((stream.seconds / duck.seconds).toFixed(2)),
      };
      results.push(row);
      if (!json)
        console.log(
          `${events.toLocaleString("en")} CloudTrail events (${row.megabytes} MB in ${files.length} files): stream ${row.stream.eventsPerSecond.toLocaleString("en")} events/s, peak ${row.stream.maxRssMb} MB; DuckDB ${row.duckdb.eventsPerSecond.toLocaleString("en")} events/s, peak ${row.duckdb.maxRssMb} MB; DuckDB/stream speed ${row.ratio}x`,
        );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (json) console.log(JSON.stringify(results));
}

void main();
