import { closeSync, openSync, readSync } from "node:fs";
import { PACKAGE_VERSION } from "../../program/package-root";
import { displayPath } from "../../program/source-location";
import { countByLevel } from "../check/violations";
import type { OrganisationResult, UnitOutcome } from "../org/run-org";

/**
 * The organisation check's `--json`: one document `{ check, programs, skipped, resources,
 * violations, agents }` with the project and stack on every resource, violation and agent. It is
 * written in pieces (an organisation's resources do not fit in one string): each program's
 * resources come from the file its process wrote, copied as they are. The text is what
 * `JSON.stringify(document, null, 2)` would write.
 */

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A value as `JSON.stringify(value, null, 2)` writes it nested `depth` levels deep (every line indented). */
export function indentedJson(value: unknown, depth: number): string {
  const pad = "  ".repeat(depth);
  return JSON.stringify(value, null, 2)
    .split("\n")
    .map((line) => `${pad}${line}`)
    .join("\n");
}

function programEntry(outcome: UnitOutcome, cwd: string) {
  const { report, failure, unit } = outcome;
  const counts = countByLevel(report?.violations ?? []);
  return {
    project: report?.project ?? unit.project ?? null,
    stack: report?.stack ?? unit.stack ?? null,
    path: unit.path,
    passed: report?.exitCode === 0,
    exitCode: report?.exitCode ?? 2,
    resources: report?.resourceCount ?? 0,
    agents: report?.agents.length ?? 0,
    mandatory: counts.mandatory,
    advisory: counts.advisory,
    remediate: counts.remediate,
    notes: outcome.notes,
    ...(report?.stackTooLarge ? { stackPoliciesSkipped: report.stackTooLarge } : {}),
    ...(failure
      ? {
          error: {
            kind:
              failure.name === "ProgramFailure"
                ? (failure.kind ?? "error")
                : failure.name === "UsageError"
                  ? "usage"
                  : "error",
            message: failure.message,
            ...(failure.location
              ? {
                  location: {
                    file: displayPath(failure.location.file, cwd),
                    line: failure.location.line,
                    column: failure.location.column,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(report?.outputs ? { outputs: report.outputs } : {}),
  };
}

/** The document's parts other than `resources`, as values. */
export function organisationJsonParts(result: OrganisationResult, cwd: string) {
  const reports = result.outcomes.flatMap((outcome) => (outcome.report ? [outcome.report] : []));
  const violations = [
    ...reports.flatMap((report) =>
      report.violations.map((violation) => ({
        project: report.project,
        stack: report.stack,
        policy: violation.policy,
        policyPack: violation.policyPack,
        enforcementLevel: violation.enforcementLevel,
        urn: violation.urn,
        message: violation.message,
        location: violation.location,
      })),
    ),
    ...result.crossStack.map((violation) => ({
      project: violation.project,
      stack: violation.stack,
      policy: violation.policy,
      policyPack: violation.policyPack,
      enforcementLevel: violation.enforcementLevel,
      urn: violation.urn,
      message: violation.message,
      ...(violation.location ? { location: violation.location } : {}),
      crossStack: true,
      related: violation.related,
    })),
  ];
  const counts = countByLevel(violations as never);
  return {
    check: {
      agentIam: PACKAGE_VERSION,
      organisation: result.dir,
      preview: result.preview,
      policyPacks: result.packs.map((pack) => ({ name: pack.name, version: pack.version })),
      programs: result.outcomes.length,
      failed: result.outcomes.filter((outcome) => outcome.failure || outcome.report?.stackTooLarge).length,
      parallelism: result.parallelism.programs,
      passed: result.exitCode === 0,
      exitCode: result.exitCode,
      mandatory: counts.mandatory,
      advisory: counts.advisory,
      remediate: counts.remediate,
      ...(result.crossStackSkipped ? { crossStackSkipped: result.crossStackSkipped } : {}),
    },
    programs: result.outcomes.map((outcome) => programEntry(outcome, cwd)),
    skipped: result.skipped,
    violations,
    agents: reports
      .flatMap((report) => report.agents.map((agent) => ({ project: report.project, stack: report.stack, ...agent })))
      .sort((a, b) => byString(a.id, b.id) || byString(a.project, b.project) || byString(a.stack, b.stack)),
  };
}

/** Copies a file to `write` in pieces. */
function copyFile(file: string, write: (text: string) => void): void {
  const fd = openSync(file, "r");
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    let carry = Buffer.alloc(0);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      const bytes = Buffer.concat([carry, buffer.subarray(0, read)]);
      // Cut at the last complete UTF-8 character: a piece must be whole text.
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1]! & 0xc0) === 0x80) end -= 1;
      if (end > 0 && bytes[end - 1]! >= 0xc0) end -= 1;
      write(bytes.subarray(0, end).toString("utf8"));
      carry = Buffer.from(bytes.subarray(end));
    }
    if (carry.length > 0) write(carry.toString("utf8"));
  } finally {
    closeSync(fd);
  }
}

/** Writes the document to `write`, ending with a newline. */
export function writeOrganisationJson(result: OrganisationResult, cwd: string, write: (text: string) => void): void {
  const { check, programs, skipped, violations, agents } = organisationJsonParts(result, cwd);
  const field = (name: string, value: unknown, last = false) =>
    write(`  ${JSON.stringify(name)}: ${indentedJson(value, 1).trimStart()}${last ? "\n" : ",\n"}`);
  write("{\n");
  field("check", check);
  field("programs", programs);
  field("skipped", skipped);
  const files = result.outcomes.flatMap((outcome) => (outcome.resourcesFile ? [outcome.resourcesFile] : []));
  if (files.length === 0) write('  "resources": [],\n');
  else {
    write('  "resources": [\n');
    files.forEach((file, index) => {
      if (index > 0) write(",\n");
      copyFile(file, write);
    });
    write("\n  ],\n");
  }
  field("violations", violations);
  field("agents", agents, true);
  write("}\n");
}
