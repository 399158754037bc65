import type { BenchResults, OrgBenchResults, TargetResult } from "./results";

/** The one table `npm run bench` prints: every figure, its absolute times for context, and the targets. */

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const mib = (kb: number | undefined) =>
  kb === undefined
    ? "? MiB"
    : kb >= 1024 * 1024
      ? `${(kb / 1024 / 1024).toFixed(2)} GiB`
      : `${Math.round(kb / 1024)} MiB`;
const count = (value: number) => value.toLocaleString("en");
const micro = (us: number | undefined) =>
  us === undefined ? "?" : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`;

function status(target: TargetResult | undefined): string {
  if (!target) return "";
  return target.met === null ? "n/a" : target.met ? "met" : "MISSED";
}

/** Renders rows as an aligned table with a header rule. */
function render(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** The table for a results document. */
export function formatTable(results: BenchResults): string {
  const { figures, targets } = results;
  const target = (figure: number) => targets.find((entry) => entry.figure === figure);
  const rows: string[][] = [];

  for (const row of figures.check.rows)
    rows.push([
      "1",
      `agent-iam check, ${count(row.agents)} agents (${count(row.resources)} resources)`,
      `${seconds(row.check.wallMs)}, peak ${mib(row.check.peakRssKb)}${row.check.cpuMs !== undefined ? `, CPU ${seconds(row.check.cpuMs)}` : ""}, exit ${row.check.exitCode}`,
      "",
      "",
    ]);
  const growth = target(1)!;
  const span = figures.check.growth;
  const [fromRow, toRow] = span
    ? [
        figures.check.rows.find((row) => row.agents === span.from),
        figures.check.rows.find((row) => row.agents === span.to),
      ]
    : [];
  // For context: the floor's own growth over the same sizes (the program under plain mocks), and the check's growth over it.
  if (span && fromRow && toRow) {
    const floorGrowth = toRow.floor.wallMs / fromRow.floor.wallMs;
    rows.push([
      "1",
      "floor growth over the same sizes, and check growth / floor growth, for context",
      `${floorGrowth.toFixed(2)}; ${(span.value / floorGrowth).toFixed(2)}`,
      "",
      "",
    ]);
  }
  rows.push(["1", growth.name, growth.value === null ? "—" : growth.value.toFixed(2), growth.target, status(growth)]);

  for (const row of figures.check.rows)
    rows.push([
      "2",
      `floor (plain mocks, no policies), ${count(row.agents)} agents`,
      `${seconds(row.floor.wallMs)}, peak ${mib(row.floor.peakRssKb)}; check / floor ${row.checkOverFloor.toFixed(2)}`,
      "",
      "",
    ]);
  const ratio = target(2)!;
  rows.push(["2", ratio.name, ratio.value === null ? "—" : ratio.value.toFixed(2), ratio.target, status(ratio)]);

  const cost = target(3)!;
  if ("skipped" in figures.policyCost)
    rows.push(["3", cost.name, `not measured: ${figures.policyCost.skipped}`, cost.target, status(cost)]);
  else {
    const figure = figures.policyCost;
    const split = (cost: typeof figure.ours) =>
      cost.analyzeCpuUsPerResource !== undefined && cost.stackCpuUsPerResource !== undefined
        ? ` = Analyze ${micro(cost.analyzeCpuUsPerResource)} + AnalyzeStack ${micro(cost.stackCpuUsPerResource)}`
        : "";
    rows.push([
      "3",
      `policies called in process as @pulumi/policy's server calls them, on ${count(figure.resources)} AWS resources (a fleet of ${count(figure.agents)} agents and its workload); CPU per resource, resource policies + stack policies`,
      `ours ${micro(figure.basis === "cpu" ? figure.ours.cpuUsPerResource : figure.ours.wallUsPerResource)}${split(figure.ours)} (${figure.ours.policies} policies), awsguard ${micro(figure.basis === "cpu" ? figure.awsguard.cpuUsPerResource : figure.awsguard.wallUsPerResource)}${split(figure.awsguard)} (${figure.awsguard.policies} policies); wall ${micro(figure.ours.wallUsPerResource)} / ${micro(figure.awsguard.wallUsPerResource)}`,
      "",
      "",
    ]);
    if (figure.analyzeRatio !== undefined)
      rows.push(["3", "resource policies alone, ours / awsguard, for context", figure.analyzeRatio.toFixed(2), "", ""]);
    rows.push([
      "3",
      "all policies, ours / awsguard, for context (awsguard judges a few properties of the types it names)",
      figure.ratio.toFixed(2),
      "",
      "",
    ]);
    rows.push(["3", cost.name, cost.value === null ? "—" : cost.value.toFixed(2), cost.target, status(cost)]);
  }

  const cold = target(4)!;
  if ("skipped" in figures.coldStart)
    rows.push(["4", cold.name, `not measured: ${figures.coldStart.skipped}`, cold.target, status(cold)]);
  else
    rows.push([
      "4",
      cold.name,
      `${seconds(figures.coldStart.ours.ms)} / ${seconds(figures.coldStart.awsguard.ms)} = ${figures.coldStart.ratio.toFixed(2)}`,
      cold.target,
      status(cold),
    ]);

  const roles = [...new Set(figures.packing.map((row) => row.role))];
  for (const role of roles) {
    const mine = figures.packing.filter((row) => row.role === role);
    rows.push([
      "5",
      `${role}: policies / lower bound at ${mine.map((row) => count(row.resources)).join(", ")} resources`,
      `${mine.map((row) => (row.error ? "refused" : `${row.policies}/${row.lowerBound}`)).join(", ")}; largest ${count(Math.max(...mine.map((row) => row.largestDocument)))} chars`,
      "≤ bound + 1, ≤ 6,144 chars",
      mine.every((row) => row.withinOneOfBound && row.withinLimits) ? "met" : "MISSED",
    ]);
  }
  const packing = target(5)!;
  rows.push(["5", packing.name, packing.value === null ? "—" : String(packing.value), packing.target, status(packing)]);

  const machine = results.machine;
  const head = `agent-iam benchmark${results.settings.smoke ? " (smoke run: targets apply to the full run)" : ""} · seed ${results.settings.seed} · ${machine.cpus} CPUs, ${machine.memoryGiB} GiB · Node ${machine.node} · load ${machine.loadAverage.map((value) => value.toFixed(1)).join(" ")} · ${seconds(results.durationMs)}`;
  const met = targets.filter((entry) => entry.met === true).length;
  const measured = targets.filter((entry) => entry.met !== null).length;
  return `${head}\n${render(["Fig", "Measure", "Result", "Target", "Status"], rows)}\n${met}/${measured} measured targets met${measured < targets.length ? ` (${targets.length - measured} not measured)` : ""}\n`;
}

const cpuOf = (ms: number | undefined) => (ms === undefined ? "" : ` (CPU ${seconds(ms)})`);

/** The table `npm run bench -- --org N` prints: figure 6, each program's floor and check, the organisation check, the targets. */
export function formatOrgTable(results: OrgBenchResults): string {
  const figure = results.organisation;
  const rows: string[][] = [];
  for (const program of figure.programs)
    rows.push([
      "6",
      `${program.dir.split("/").pop()}: ${count(program.agents)} agents, ${count(program.resources)} resources`,
      `floor ${seconds(program.floor.wallMs)}${cpuOf(program.floor.cpuMs)}, peak ${mib(program.floor.peakTreeKb)}; check ${seconds(program.check.wallMs)}${cpuOf(program.check.cpuMs)}, peak ${mib(program.check.peakTreeKb)}, exit ${program.check.exitCode}; load ${program.floor.load[0].toFixed(1)}–${program.check.load[1].toFixed(1)}`,
      "",
      "",
    ]);
  rows.push([
    "6",
    `the ${count(figure.programs.length)} programs one after another`,
    `floors ${seconds(figure.floorsWallMs)}${cpuOf(figure.floorsCpuMs ?? undefined)}; checks ${seconds(figure.checksWallMs)}${cpuOf(figure.checksCpuMs ?? undefined)}, largest peak ${mib(Math.max(...figure.programs.map((program) => program.check.peakTreeKb ?? 0)))}`,
    "",
    "",
  ]);
  rows.push([
    "6",
    `agent-iam check of the folder (${figure.organisation.parallelism} at a time)`,
    `${seconds(figure.organisation.wallMs)}${cpuOf(figure.organisation.cpuMs)}, peak ${mib(figure.organisation.peakTreeKb)}, exit ${figure.organisation.exitCode}; load ${figure.organisation.load[0].toFixed(1)}–${figure.organisation.load[1].toFixed(1)}`,
    "",
    "",
  ]);
  rows.push([
    "6",
    "organisation check wall / the checks' total in sequence, for context",
    figure.wallOverSequential.toFixed(2),
    "",
    "",
  ]);
  if (figure.organisation.cpuMs !== undefined && figure.floorsCpuMs && figure.checksCpuMs)
    rows.push([
      "6",
      "CPU, organisation check / the floors' total and / the checks' total, for context (the machine's other work moves it least)",
      `${(figure.organisation.cpuMs / figure.floorsCpuMs).toFixed(2)}; ${(figure.organisation.cpuMs / figure.checksCpuMs).toFixed(2)}`,
      "",
      "",
    ]);
  for (const target of results.targets)
    rows.push([
      "6",
      target.name,
      target.value === null ? "—" : target.value.toFixed(2),
      target.target,
      target.met === null ? "n/a" : target.met ? "met" : "MISSED",
    ]);
  const machine = results.machine;
  const head = `agent-iam organisation benchmark${results.settings.smoke ? " (smoke run: targets apply to the full run)" : ""} · seed ${results.settings.seed} · ${count(results.settings.agents)} agents in programs of at most ${count(results.settings.programSize)} · ${machine.cpus} CPUs, ${machine.memoryGiB} GiB · Node ${machine.node} · load ${machine.loadAverage.map((value) => value.toFixed(1)).join(" ")} · ${seconds(results.durationMs)}`;
  const met = results.targets.filter((entry) => entry.met === true).length;
  const measured = results.targets.filter((entry) => entry.met !== null).length;
  return `${head}\n${render(["Fig", "Measure", "Result", "Target", "Status"], rows)}\n${figure.organisation.summary}\n${met}/${measured} measured targets met\n`;
}
