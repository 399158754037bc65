import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { AWSGUARD_PACK_DIR, ensureAwsguard } from "./awsguard";
import { measureCheckRow, type CheckRow } from "./check-figures";
import { FLEET_SEED, writeFleetProgram } from "./fleet";
import { measureColdStart, type ColdStartFigure, type PolicyCostFigure } from "./pack-figures";
import { awsguardPack, measurePolicyCost, ourPack } from "./policy-cost";
import { measurePacking } from "./packing-figure";
import { recordForPacks } from "./recorded";
import { evaluateTargets, type BenchResults, type Skipped } from "./results";
import { formatOrgTable, formatTable } from "./table";
import { evaluateOrgTargets, type OrgBenchResults } from "./results";
import { measureOrganisation } from "./org-figures";

/**
 * `npm run bench`: the five figures of agent-iam at fleet scale, printed as one table and written to
 * `bench/results.json`. See bench/README.md for how to read and reproduce it.
 *
 *   npm run bench                              # 100, 1,000 and 5,000 agents (minutes)
 *   npm run bench -- --agents 100,1000         # other fleet sizes
 *   npm run bench -- --repeats 3 --no-install  # more runs per size; skip awsguard unless installed
 *   npm run bench -- --write-fleet DIR --agents 1000  # only write that fleet's program (to profile it)
 *   npm run bench -- --org 15000               # figure 6 only: the organisation check (bench/org-figures.ts)
 */

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Fleet sizes of figures 1 and 2 (default 100, 1,000, 5,000). */
  readonly agents?: readonly number[];
  /** Runs of the check and the floor per size; the fastest counts (default: 3 up to 1,000 agents, else 2). */
  readonly repeats?: number;
  /** The size the check/floor target is read at (default 1,000, else the largest size below it). */
  readonly ratioAt?: number;
  /** The fleet whose AWS resources figure 3 replays (default 300 agents). */
  readonly policyCostAgents?: number;
  /** Passes over those resources per pack, alternating between the packs (default 5; the cheapest counts). */
  readonly policyCostPasses?: number;
  /** Starts of each pack for figure 4 (default 5; the median counts). */
  readonly coldStartRepeats?: number;
  /** Install awsguard's wrapper pack when it is missing (default true); without it figures 3 and 4 are skipped. */
  readonly installAwsguard?: boolean;
  /** Node heap limit (MiB) of the check and the floor: a 5,000-agent program needs more than Node's default. */
  readonly heapMiB?: number;
  /** Where results.json goes (default bench/results.json; null: not written). */
  readonly resultsFile?: string | null;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Marks a smoke run in the results (the targets apply to the full run). */
  readonly smoke?: boolean;
}

/** The default heap limit: 60 % of this machine's memory, at most 16 GiB. */
export function defaultHeapMiB(): number {
  return Math.min(16_384, Math.floor((totalmem() / 1024 / 1024) * 0.6));
}

const OUR_PACK = resolve(__dirname, "..", "policy-pack");

/** Runs the benchmark and returns its results (also written to `resultsFile`). */
export async function runBench(options: BenchOptions = {}): Promise<BenchResults> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const agents = [...(options.agents ?? [100, 1000, 5000])].sort((a, b) => a - b);
  const heapMiB = options.heapMiB ?? defaultHeapMiB();
  const nodeOptions = `--max-old-space-size=${heapMiB}`;
  const workDir = mkdtempSync(join(tmpdir(), "agent-iam-bench-"));
  try {
    // Figure 5 first: it is pure and quick.
    log("figure 5: packing managed policies");
    const packing = measurePacking();

    log("figures 3 and 4: policy packs");
    const awsguard = await ensureAwsguard(options.installAwsguard ?? true, log);
    let policyCost: PolicyCostFigure | Skipped;
    let coldStart: ColdStartFigure | Skipped;
    const policyCostAgents = options.policyCostAgents ?? 300;
    if (awsguard.ready) {
      if (awsguard.installMs !== undefined) log(`  installed in ${(awsguard.installMs / 1000).toFixed(1)} s`);
      const packs = { ours: OUR_PACK, awsguard: AWSGUARD_PACK_DIR };
      coldStart = await measureColdStart(packs, options.coldStartRepeats ?? 5);
      log(`  cold start: ours ${coldStart.ours.ms} ms, awsguard ${coldStart.awsguard.ms} ms`);
      const dir = join(workDir, `recorded-${policyCostAgents}`);
      writeFleetProgram(dir, policyCostAgents);
      const recording = await recordForPacks(dir);
      policyCost = measurePolicyCost(
        recording,
        policyCostAgents,
        { ours: ourPack(join(__dirname, "..")), awsguard: awsguardPack(AWSGUARD_PACK_DIR) },
        options.policyCostPasses ?? 5,
      );
      log(`  per resource: ratio ${policyCost.ratio.toFixed(2)} over ${policyCost.resources} AWS resources`);
    } else {
      policyCost = { skipped: awsguard.reason };
      coldStart = { skipped: awsguard.reason };
      log(`  skipped: ${awsguard.reason}`);
    }

    log(`figures 1 and 2: check and floor at ${agents.join(", ")} agents (Node ${nodeOptions})`);
    const rows: CheckRow[] = [];
    for (const size of agents)
      rows.push(
        await measureCheckRow(size, { workDir, repeats: options.repeats ?? (size <= 1000 ? 3 : 2), nodeOptions, log }),
      );
    const from = agents.includes(1000) ? 1000 : agents[agents.length - 2];
    const to = agents.includes(5000) ? 5000 : agents[agents.length - 1];
    const fromRow = rows.find((row) => row.agents === from);
    const toRow = rows.find((row) => row.agents === to);
    const growth =
      fromRow && toRow && from !== to
        ? { from: from!, to: to!, value: toRow.check.wallMs / fromRow.check.wallMs }
        : null;
    const wantedRatioAt = options.ratioAt ?? 1000;
    const ratioAt = agents.includes(wantedRatioAt)
      ? wantedRatioAt
      : ([...agents].reverse().find((size) => size < wantedRatioAt) ?? agents[0] ?? null);

    const figures: BenchResults["figures"] = { check: { rows, growth, ratioAt }, policyCost, coldStart, packing };
    const results: BenchResults = {
      version: 1,
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        memoryGiB: Math.round(totalmem() / 1024 ** 3),
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        loadAverage: loadavg(),
      },
      settings: {
        seed: FLEET_SEED,
        agents,
        repeats: options.repeats ?? 0,
        nodeOptions,
        policyCostAgents,
        smoke: options.smoke ?? false,
      },
      figures,
      targets: evaluateTargets(figures),
      durationMs: Date.now() - started,
    };
    const resultsFile = options.resultsFile === undefined ? join(__dirname, "results.json") : options.resultsFile;
    if (resultsFile) {
      mkdirSync(resolve(resultsFile, ".."), { recursive: true });
      writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function sizes(text: string): number[] {
  const values = text.split(",").map((part) => Number(part.trim().replace(/_/g, "")));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1))
    throw new Error(`--agents ${text}: give positive whole numbers separated by commas, such as 100,1000,5000`);
  return values;
}

function positive(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} ${text}: give a positive whole number`);
  return value;
}

/** Options of {@link runOrgBench}. */
export interface OrgBenchOptions {
  readonly agents: number;
  /** The most agents a program holds (default 2,000). */
  readonly programSize?: number;
  readonly heapMiB?: number;
  /** Where the results go (default bench/results-org.json; null: not written). */
  readonly resultsFile?: string | null;
  readonly log?: (line: string) => void;
  readonly smoke?: boolean;
}

/** `npm run bench -- --org N`: figure 6 alone, written to `bench/results-org.json`. */
export async function runOrgBench(options: OrgBenchOptions): Promise<OrgBenchResults> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const heapMiB = options.heapMiB ?? defaultHeapMiB();
  const nodeOptions = `--max-old-space-size=${heapMiB}`;
  const programSize = options.programSize ?? 2000;
  const workDir = mkdtempSync(join(tmpdir(), "agent-iam-bench-org-"));
  try {
    log(`figure 6: the organisation check, ${options.agents.toLocaleString("en")} agents (Node ${nodeOptions})`);
    const organisation = await measureOrganisation({ agents: options.agents, programSize, workDir, nodeOptions, log });
    const results: OrgBenchResults = {
      version: 1,
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        memoryGiB: Math.round(totalmem() / 1024 ** 3),
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        loadAverage: loadavg(),
      },
      settings: { seed: FLEET_SEED, agents: options.agents, programSize, nodeOptions, smoke: options.smoke ?? false },
      organisation,
      targets: evaluateOrgTargets(organisation),
      durationMs: Date.now() - started,
    };
    const resultsFile = options.resultsFile === undefined ? join(__dirname, "results-org.json") : options.resultsFile;
    if (resultsFile) {
      mkdirSync(resolve(resultsFile, ".."), { recursive: true });
      writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** `npm run bench [-- --agents 100,1000,5000 --repeats N --no-install --heap-mib N --results FILE]`. */
async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      agents: { type: "string" },
      repeats: { type: "string" },
      "policy-cost-agents": { type: "string" },
      "no-install": { type: "boolean" },
      "heap-mib": { type: "string" },
      results: { type: "string" },
      "write-fleet": { type: "string" },
      org: { type: "string" },
      "program-size": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      "npm run bench -- [--agents 100,1000,5000] [--repeats N] [--policy-cost-agents N] [--no-install] [--heap-mib N] [--results FILE]\n       npm run bench -- --org N [--program-size 2000] [--heap-mib N] [--results FILE]\n       npm run bench -- --write-fleet DIR [--agents N]\n",
    );
    return 0;
  }
  if (values["write-fleet"] !== undefined) {
    const [count = 1000] = values.agents ? sizes(values.agents) : [];
    const dir = resolve(values["write-fleet"]);
    writeFleetProgram(dir, count);
    process.stdout.write(
      `wrote the ${count.toLocaleString("en")}-agent fleet's program to ${dir}: node bin/agent-iam.js check ${dir}\n`,
    );
    return 0;
  }
  if (values.org !== undefined) {
    const results = await runOrgBench({
      agents: positive("--org", values.org)!,
      programSize: positive("--program-size", values["program-size"]),
      heapMiB: positive("--heap-mib", values["heap-mib"]),
      resultsFile: values.results ? resolve(values.results) : undefined,
    });
    process.stdout.write(formatOrgTable(results));
    return 0;
  }
  const results = await runBench({
    agents: values.agents ? sizes(values.agents) : undefined,
    repeats: positive("--repeats", values.repeats),
    policyCostAgents: positive("--policy-cost-agents", values["policy-cost-agents"]),
    installAwsguard: !values["no-install"],
    heapMiB: positive("--heap-mib", values["heap-mib"]),
    resultsFile: values.results ? resolve(values.results) : undefined,
  });
  process.stdout.write(formatTable(results));
  return 0;
}

if (require.main === module)
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
