import { ProgramFailure, UsageError } from "../../program/errors";
import { PACKAGE_VERSION } from "../../program/package-root";
import type { PackInfo } from "../check/packs";
import { stackTooLargeLines } from "../check/stack-limit";
import { countByLevel, groupByPolicy, type Violation } from "../check/violations";
import type { Colors } from "../io";
import type { OrganisationResult, RelatedAgent, UnitOutcome } from "../org/run-org";
import type { UnitFailure } from "../org/unit";
import { formatFailure } from "./failure";
import { agentLines, indent, plural, resourceLabel, violationGroupLines } from "./human";

/**
 * The organisation check's plan: a header (programs, how many ran at once, resources, packs), one
 * section per program (project/stack: its agents, its violations grouped by policy, its verdict;
 * or why it could not be checked), the cross-stack violations, and one summary line.
 */

const count = (value: number) => value.toLocaleString("en");

/** A unit's failure as the error `formatFailure` prints. */
export function failureError(failure: UnitFailure): UsageError | ProgramFailure {
  return failure.name === "ProgramFailure"
    ? new ProgramFailure(failure.message, failure.location, failure.kind)
    : new UsageError(failure.message);
}

/** The stack policies of the packs (what did not run when a stack is past the analyzer's limit). */
export function stackPolicies(packs: readonly PackInfo[]): string[] {
  return packs.flatMap((pack) =>
    pack.policies.filter((policy) => policy.type === "stack").map((policy) => policy.name),
  );
}

function verdict(violations: readonly Violation[], colors: Colors): string {
  const counts = countByLevel(violations);
  const others = [
    counts.advisory > 0 ? `${counts.advisory} advisory` : "",
    counts.remediate > 0 ? `${counts.remediate} remediate` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return counts.mandatory > 0
    ? `${colors.red(colors.bold("✖ FAILED"))}: ${plural(counts.mandatory, "mandatory violation")}${others ? `, ${others}` : ""}`
    : `${colors.green(colors.bold("✔ PASSED"))}: no mandatory violation${others ? ` (${others})` : ""}`;
}

function programSection(outcome: UnitOutcome, showPack: boolean, colors: Colors, cwd: string): string[] {
  const { report, failure, unit } = outcome;
  const out = [
    `${colors.bold(`━━ ${outcome.label}`)} ${colors.dim(`· ${unit.path}${report?.preview ? " (preview)" : ""}`)}`,
  ];
  for (const note of outcome.notes) out.push(colors.dim(`  note: ${note}`));
  if (failure) {
    out.push(...indent(formatFailure(failureError(failure), colors, cwd).trimEnd(), "  "));
    out.push(`  ${colors.red(colors.bold("✖ NOT CHECKED"))}: the program could not be checked`, "");
    return out;
  }
  if (!report) return out;
  out.push(colors.bold(`  Agents (${report.agents.length})`));
  if (report.agents.length === 0) out.push(colors.dim("    no AgentIdentity in this program"));
  for (const agent of report.agents) out.push(...agentLines(agent, colors).map((line) => `  ${line}`));
  const groups = groupByPolicy(report.violations);
  if (groups.length > 0) {
    out.push(colors.bold(`  Violations (${plural(groups.length, "policy", "policies")})`));
    out.push(
      ...violationGroupLines(groups, showPack, colors, (violation) => violation.location).map((line) => `  ${line}`),
    );
  }
  if (report.stackTooLarge) {
    const [first, ...rest] = stackTooLargeLines(
      report.stackTooLarge,
      { project: report.project, stack: report.stack },
      stackPolicies(report.packs),
    );
    out.push(`  ${colors.red("error:")} ${first}`, ...rest.map((line) => `    ${line}`));
    out.push(
      `  ${colors.red(colors.bold("✖ INCOMPLETE"))}: the stack policies did not run; ${verdict(report.violations, colors).replace(/^.*?: /, "")} from the resource policies (${plural(report.agents.length, "agent")}, ${plural(report.resourceCount, "resource")})`,
      "",
    );
    return out;
  }
  out.push(
    `  ${verdict(report.violations, colors)} (${plural(report.agents.length, "agent")}, ${plural(report.resourceCount, "resource")})`,
    "",
  );
  return out;
}

/** Where the other agents of a cross-stack violation were declared (the first three, then how many more). */
function relatedLines(related: readonly RelatedAgent[], colors: Colors): string[] {
  const shown = related.slice(0, 3).map((agent) => {
    const where = agent.location ? ` ${agent.location.file}:${agent.location.line}` : "";
    return `      ${colors.dim(`see also ${agent.project}/${agent.stack} ${resourceLabel(agent.urn)}${where}`)}`;
  });
  if (related.length > 3) shown.push(`      ${colors.dim(`and ${related.length - 3} more`)}`);
  return shown;
}

/** The human report of an organisation check. */
export function organisationHumanReport(result: OrganisationResult, colors: Colors, cwd: string): string {
  const reports = result.outcomes.flatMap((outcome) => (outcome.report ? [outcome.report] : []));
  const projects = new Set(result.outcomes.map((outcome) => outcome.unit.dir));
  const resources = reports.reduce((sum, report) => sum + report.resourceCount, 0);
  const packs = result.packs;
  const packNames = packs.map((pack) => `${pack.name}${pack.version ? ` ${pack.version}` : ""}`).join(", ");
  const out: string[] = [];
  const dot = colors.dim("·");
  out.push(
    `${colors.bold(`agent-iam ${PACKAGE_VERSION} check`)} ${result.dir} ${dot} ${plural(result.outcomes.length, "program")} in ${plural(projects.size, "project")}${result.preview ? " (preview)" : ""} ${dot} ${result.parallelism.programs} at a time (${result.parallelism.reason}) ${dot} ${plural(resources, "resource")}${packs.length > 0 ? ` ${dot} ${packs.length === 1 ? "policy pack" : "policy packs"} ${packNames}` : ""}`,
  );
  for (const skipped of result.skipped) out.push(colors.dim(`note: skipped ${skipped}`));
  out.push("");

  for (const outcome of result.outcomes) out.push(...programSection(outcome, packs.length > 1, colors, cwd));

  const checked = reports.length;
  if (result.crossStackSkipped) out.push(colors.dim(`note: ${result.crossStackSkipped}`), "");
  else {
    const groups = groupByPolicy(result.crossStack);
    out.push(
      colors.bold(
        `Across stacks (${groups.length === 0 ? "no violation" : plural(groups.length, "policy", "policies")}; ${plural(checked, "program")} judged together${checked < result.outcomes.length ? `, ${result.outcomes.length - checked} could not be checked` : ""})`,
      ),
    );
    out.push(
      ...violationGroupLines(
        groups,
        false,
        colors,
        (violation) => violation.location,
        (violation) => relatedLines(violation.related, colors),
      ),
    );
    out.push("");
  }

  out.push(organisationSummaryLine(result, colors));
  return `${out.join("\n")}\n`;
}

/** One line: passed, failed or not checked, with the counts. */
export function organisationSummaryLine(result: OrganisationResult, colors: Colors): string {
  const reports = result.outcomes.flatMap((outcome) => (outcome.report ? [outcome.report] : []));
  const all = [...reports.flatMap((report) => report.violations), ...result.crossStack];
  const counts = countByLevel(all);
  const across = countByLevel(result.crossStack).mandatory;
  const failingPrograms = reports.filter((report) =>
    report.violations.some((violation) => violation.enforcementLevel === "mandatory"),
  ).length;
  const policies = result.packs.reduce((sum, pack) => sum + pack.policies.length, 0);
  const checked = `${plural(
    reports.reduce((sum, report) => sum + report.agents.length, 0),
    "agent",
  )}, ${plural(
    reports.reduce((sum, report) => sum + report.resourceCount, 0),
    "resource",
  )}, ${plural(policies, "policy", "policies")}`;
  const notChecked = result.outcomes.filter((outcome) => outcome.failure || outcome.report?.stackTooLarge);
  const others = [
    counts.advisory > 0 ? `${count(counts.advisory)} advisory` : "",
    counts.remediate > 0 ? `${count(counts.remediate)} remediate` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const found =
    counts.mandatory > 0
      ? `${plural(counts.mandatory, "mandatory violation")} (${failingPrograms} of ${plural(result.outcomes.length, "program")} fail on their own${across > 0 ? `; ${count(across)} across stacks` : ""})${others ? `, ${others}` : ""}`
      : `no mandatory violation${others ? ` (${others})` : ""}`;
  if (notChecked.length > 0)
    return `${colors.red(colors.bold("✖ NOT ALL CHECKED"))}: ${plural(notChecked.length, "program")} could not be checked (${notChecked.map((outcome) => outcome.label).join(", ")}); ${found} (${checked})`;
  if (counts.mandatory > 0) return `${colors.red(colors.bold("✖ FAILED"))}: ${found} (${checked})`;
  return `${colors.green(colors.bold("✔ PASSED"))}: ${found} (${checked})`;
}
