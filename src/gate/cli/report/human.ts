import { PACKAGE_VERSION } from "../../program/package-root";
import { CLOUD_NAMES } from "../../../model/plain-words";
import { STACK_TYPE } from "../../program/record";
import { displayPath } from "../../program/source-location";
import type { AgentSummary } from "../check/agents";
import { locator, type ReportLocation } from "../check/locations";
import type { CheckResult } from "../check/run-check";
import { countByLevel, groupByPolicy, type Violation } from "../check/violations";
import type { Colors } from "../io";

/** How an issuer kind reads in a plan. */
const RUNS_ON_WORDS: Readonly<Record<string, string>> = {
  "github-actions": "GitHub Actions",
  "gitlab-ci": "GitLab CI",
  kubernetes: "Kubernetes",
  oidc: "OIDC",
};

export const plural = (count: number, word: string, many = `${word}s`) => `${count} ${count === 1 ? word : many}`;

/** `aws:iam/accessKey:AccessKey::shared-ci` → `aws:iam/accessKey:AccessKey "shared-ci"`; the stack as "the stack". */
export function resourceLabel(urn: string): string {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  const type = qualifiedType.split("$").pop() ?? qualifiedType;
  if (type === STACK_TYPE) return "the stack";
  return `${type} "${parts.slice(3).join("::")}"`;
}

export function agentLines(agent: AgentSummary, colors: Colors): string[] {
  const clouds = agent.clouds.map((cloud) => CLOUD_NAMES[cloud]).join(", ") || "no cloud";
  const head = [
    colors.bold(agent.id),
    agent.environment ?? "no environment",
    clouds,
    `owner ${agent.owner ?? colors.red("none")}`,
  ];
  if (agent.expires) head.push(`expires ${agent.expires}`);
  if (agent.disabled) head.push(colors.yellow("DISABLED (kill switch on)"));
  const lines = [`  ${head.join(colors.dim(" · "))}`];
  if (agent.purpose) lines.push(`    ${agent.purpose}`);
  if (agent.runsOn)
    lines.push(
      `    ${colors.dim("runs on")} ${RUNS_ON_WORDS[agent.runsOn.kind] ?? agent.runsOn.kind} ${colors.dim("as")} ${agent.runsOn.subject}`,
    );
  if (agent.canDo.length > 0) {
    lines.push(`    ${colors.dim("can")}`);
    for (const item of agent.canDo) lines.push(`      - ${item}`);
  } else if (agent.runsOn && agent.tools.length === 0)
    lines.push(`    ${colors.dim("can do nothing yet (no grants)")}`);
  if (agent.tools.length > 0) {
    lines.push(`    ${colors.dim("tools")}`);
    for (const item of agent.tools) lines.push(`      - ${item}`);
  }
  if (agent.approval) lines.push(`    ${colors.dim("approved by")} ${agent.approval}`);
  return lines;
}

/** The message split into lines and indented under its resource. */
export function indent(text: string, prefix: string): string[] {
  return text.split(/\r?\n/).map((line) => `${prefix}${line}`);
}

/**
 * The plan a person reads at a glance: what was checked, each agent (owner, environment, clouds,
 * what it can do in plain words), the violations grouped by policy with the resource, the line
 * that declared it and the pack's remediation hint, and a one-line summary.
 */
export function humanReport(result: CheckResult, colors: Colors, cwd: string): string {
  const { recorded, project, packs, violations, agents } = result;
  const out: string[] = [];
  const packNames = packs.map((pack) => `${pack.name}${pack.version ? ` ${pack.version}` : ""}`).join(", ");
  const resourceCount = recorded.resources.filter((resource) => resource.type !== STACK_TYPE).length;
  out.push(
    `${colors.bold(`agent-iam ${PACKAGE_VERSION} check`)} ${displayPath(project.dir, cwd) || "."} ${colors.dim("·")} stack ${project.stack}${recorded.preview ? " (preview)" : ""} ${colors.dim("·")} ${plural(resourceCount, "resource")} ${colors.dim("·")} ${packs.length === 1 ? "policy pack" : "policy packs"} ${packNames}`,
  );
  for (const note of project.notes) out.push(colors.dim(`note: ${note}`));
  out.push("");

  out.push(colors.bold(`Agents (${agents.length})`));
  if (agents.length === 0) out.push(colors.dim("  no AgentIdentity in this program"));
  for (const agent of agents) out.push(...agentLines(agent, colors));
  out.push("");

  const locate = locator(recorded.resources, project.dir, project.main, cwd);
  const groups = groupByPolicy(violations);
  if (groups.length > 0) {
    out.push(colors.bold(`Violations (${plural(groups.length, "policy", "policies")})`));
    out.push(...violationGroupLines(groups, packs.length > 1, colors, (violation) => locate(violation.urn)));
    out.push("");
  }

  out.push(summaryLine(result, colors));
  return `${out.join("\n")}\n`;
}

/**
 * Violations grouped by policy (`groupByPolicy`): per group its mark, level, count (and pack, when
 * there are several) and description, then each resource with the line that declared it and the
 * message. `where` gives a violation's line; `extra` adds lines under a violation.
 */
export function violationGroupLines<V extends Violation>(
  groups: readonly {
    policy: string;
    policyPack: string;
    description: string;
    enforcementLevel: string;
    violations: V[];
  }[],
  showPack: boolean,
  colors: Colors,
  where: (violation: V) => ReportLocation | undefined,
  extra: (violation: V) => string[] = () => [],
): string[] {
  const out: string[] = [];
  for (const group of groups) {
    const mark = group.enforcementLevel === "mandatory" ? colors.red("✖") : colors.yellow("⚠");
    const level =
      group.enforcementLevel === "mandatory"
        ? colors.red(group.enforcementLevel)
        : colors.yellow(group.enforcementLevel);
    out.push(
      `  ${mark} ${colors.bold(group.policy)} ${colors.dim("·")} ${level} ${colors.dim("·")} ${group.violations.length}${showPack ? colors.dim(` · ${group.policyPack}`) : ""}`,
    );
    if (group.description) out.push(...indent(group.description, "    ").map((line) => colors.dim(line)));
    for (const violation of group.violations) {
      const location = where(violation);
      out.push(
        `    ${colors.cyan(resourceLabel(violation.urn))}${location ? ` ${colors.dim(`${location.file}:${location.line}`)}` : ""}`,
      );
      out.push(...indent(violation.message, "      "));
      out.push(...extra(violation));
    }
  }
  return out;
}

/** One line: passed or failed, with the counts. */
export function summaryLine(result: CheckResult, colors: Colors): string {
  const counts = countByLevel(result.violations);
  const policies = result.packs.reduce((sum, pack) => sum + pack.policies.length, 0);
  const checked = `${plural(result.agents.length, "agent")}, ${plural(result.recorded.resources.filter((resource) => resource.type !== STACK_TYPE).length, "resource")}, ${plural(policies, "policy", "policies")}`;
  const others = [
    counts.advisory > 0 ? `${counts.advisory} advisory` : "",
    counts.remediate > 0 ? `${counts.remediate} remediate` : "",
  ]
    .filter(Boolean)
    .join(", ");
  if (result.stackTooLarge)
    return `${colors.red(colors.bold("✖ INCOMPLETE"))}: the stack policies did not run (the stack is past the analyzer's message limit, see the error above); ${counts.mandatory > 0 ? plural(counts.mandatory, "mandatory violation") : "no mandatory violation"} from the resource policies${others ? `, ${others}` : ""} (${checked})`;
  if (counts.mandatory > 0)
    return `${colors.red(colors.bold("✖ FAILED"))}: ${plural(counts.mandatory, "mandatory violation")}${others ? `, ${others}` : ""} (${checked})`;
  return `${colors.green(colors.bold("✔ PASSED"))}: no mandatory violation${others ? ` (${others})` : ""} (${checked})`;
}
