import type { OrganisationResult } from "../org/run-org";
import { logicalNameOf, type SarifEntry, sarifLogOf } from "./sarif";

/**
 * The organisation check's SARIF: one run holding every program's violations, each located in
 * its own program's files (paths relative to the working folder) with its project and stack among
 * the result's properties, and the cross-stack violations with the other agents they are about as
 * related locations.
 */
export function organisationSarifLog(result: OrganisationResult) {
  const entries: SarifEntry[] = [];
  for (const outcome of result.outcomes) {
    const report = outcome.report;
    if (!report) continue;
    for (const violation of report.violations)
      entries.push({
        violation,
        location: violation.location,
        logicalName: logicalNameOf(violation.urn, report.stack),
        properties: { project: report.project, stack: report.stack },
      });
  }
  for (const violation of result.crossStack) {
    const main = result.outcomes.find(
      (outcome) => outcome.report?.project === violation.project && outcome.report.stack === violation.stack,
    )?.report?.main;
    entries.push({
      violation,
      location: violation.location ?? { file: main ?? ".", line: 1, column: 1 },
      logicalName: logicalNameOf(violation.urn, violation.stack),
      properties: { project: violation.project, stack: violation.stack, crossStack: true },
      related: violation.related.flatMap((related) =>
        related.location
          ? [
              {
                location: related.location,
                message: `${related.urn.split("::").slice(3).join("::")} in ${related.project}/${related.stack}`,
              },
            ]
          : [],
      ),
    });
  }
  return sarifLogOf(result.packs, entries);
}

/** {@link organisationSarifLog} as text. */
export function organisationSarifReport(result: OrganisationResult): string {
  return `${JSON.stringify(organisationSarifLog(result), null, 2)}\n`;
}
