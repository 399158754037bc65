import { createHash } from "node:crypto";
import { PACKAGE_VERSION } from "../../program/package-root";
import { STACK_TYPE } from "../../program/record";
import { locator, type ReportLocation } from "../check/locations";
import type { PackInfo } from "../check/packs";
import type { EnforcementLevel } from "../check/policy-config";
import type { CheckResult } from "../check/run-check";
import type { Violation } from "../check/violations";

/**
 * SARIF 2.1.0 (OASIS, "Static Analysis Results Interchange Format") so that GitHub code scanning
 * shows each violation on the pull request: one run, the pack's policies as the tool's rules, one
 * result per violation at the line of the program that declared the resource, with the resource's
 * URN as its logical location. No timestamps and no absolute paths: the same program gives the
 * same file.
 */

/** SARIF result levels per enforcement level: mandatory blocks (error), advisory warns, remediate is fixed on apply (note). */
export const SARIF_LEVELS: Readonly<Record<EnforcementLevel, "error" | "warning" | "note" | "none">> = {
  mandatory: "error",
  advisory: "warning",
  remediate: "note",
  disabled: "none",
};

/** GitHub's `security-severity` (0–10) per level, which code scanning shows as High / Medium / Low. */
const SECURITY_SEVERITY: Readonly<Record<EnforcementLevel, string>> = {
  mandatory: "8.0",
  advisory: "5.0",
  remediate: "3.0",
  disabled: "0.0",
};

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function levelOf(value: string): EnforcementLevel {
  return value === "mandatory" || value === "advisory" || value === "remediate" || value === "disabled"
    ? value
    : "advisory";
}

/** One result of a SARIF log: a violation, where it was declared, and what else to show. */
export interface SarifEntry {
  readonly violation: Violation;
  readonly location: ReportLocation;
  /** The resource's name (the stack's name for a stack-wide finding). */
  readonly logicalName: string;
  /** More properties of the result (an organisation's project and stack). */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Other places the result is about (the other agents of a cross-stack violation). */
  readonly related?: readonly { readonly location: ReportLocation; readonly message: string }[];
}

/**
 * A SARIF log of one run: every policy of every pack (and any other policy a violation names) as
 * the tool's rules, one result per entry.
 */
export function sarifLogOf(packs: readonly PackInfo[], entries: readonly SarifEntry[]) {
  // Rules: every policy of every pack; a policy name two packs share is qualified with its pack.
  const shared = new Set<string>();
  const seenNames = new Set<string>();
  for (const pack of packs)
    for (const policy of pack.policies) (seenNames.has(policy.name) ? shared : seenNames).add(policy.name);
  const ruleId = (pack: string, policy: string) => (shared.has(policy) ? `${pack}/${policy}` : policy);
  const rules: { id: string; pack: string; description: string; level: EnforcementLevel }[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (pack: string, policy: string, description: string, level: EnforcementLevel) => {
    const id = ruleId(pack, policy);
    if (ruleIndex.has(id)) return;
    ruleIndex.set(id, rules.length);
    rules.push({ id, pack, description, level });
  };
  for (const pack of packs)
    for (const policy of pack.policies)
      addRule(pack.name, policy.name, policy.description, levelOf(policy.enforcementLevel));
  for (const { violation } of entries)
    addRule(violation.policyPack, violation.policy, violation.description, violation.enforcementLevel);

  const results = entries.map(({ violation, location: where, logicalName, properties, related }) => {
    const id = ruleId(violation.policyPack, violation.policy);
    const parts = violation.urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return {
      ruleId: id,
      ruleIndex: ruleIndex.get(id)!,
      level: SARIF_LEVELS[violation.enforcementLevel],
      message: { text: violation.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: where.file, uriBaseId: "%SRCROOT%" },
            region: { startLine: where.line, startColumn: where.column },
          },
          logicalLocations: [{ name: logicalName, fullyQualifiedName: violation.urn, kind: "resource" }],
        },
      ],
      ...(related && related.length > 0
        ? {
            relatedLocations: related.map((item, index) => ({
              id: index + 1,
              physicalLocation: {
                artifactLocation: { uri: item.location.file, uriBaseId: "%SRCROOT%" },
                region: { startLine: item.location.line, startColumn: item.location.column },
              },
              message: { text: item.message },
            })),
          }
        : {}),
      partialFingerprints: {
        "agentIamViolation/v1": createHash("sha256")
          .update(`${violation.policyPack}\n${violation.policy}\n${violation.urn}\n${violation.message}`)
          .digest("hex"),
      },
      properties: {
        policyPack: violation.policyPack,
        enforcementLevel: violation.enforcementLevel,
        resourceType: type,
        ...properties,
      },
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0" as const,
    runs: [
      {
        tool: {
          driver: {
            name: "agent-iam",
            version: PACKAGE_VERSION,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.description.split(/(?<=\.)\s/)[0] || rule.id },
              fullDescription: { text: rule.description || rule.id },
              defaultConfiguration: { level: SARIF_LEVELS[rule.level] },
              help: { text: `${rule.description}\nPolicy ${rule.id} of the CrossGuard pack ${rule.pack}.` },
              properties: {
                tags: ["security", "iam"],
                "security-severity": SECURITY_SEVERITY[rule.level],
                policyPack: rule.pack,
                enforcementLevel: rule.level,
              },
            })),
          },
        },
        columnKind: "utf16CodeUnits" as const,
        results,
      },
    ],
  };
}

/** The resource's name in a URN (the stack's name for the stack resource). */
export function logicalNameOf(urn: string, stack: string): string {
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return type === STACK_TYPE ? stack : parts.slice(3).join("::");
}

/** The SARIF log of a check. */
export function sarifLog(result: CheckResult, cwd: string) {
  const { recorded, project } = result;
  const locate = locator(recorded.resources, project.dir, project.main, cwd);
  return sarifLogOf(
    result.packs,
    result.violations.map((violation) => ({
      violation,
      location: locate(violation.urn),
      logicalName: logicalNameOf(violation.urn, recorded.stack),
    })),
  );
}

/** {@link sarifLog} as text. */
export function sarifReport(result: CheckResult, cwd: string): string {
  return `${JSON.stringify(sarifLog(result, cwd), null, 2)}\n`;
}
