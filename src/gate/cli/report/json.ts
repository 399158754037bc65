import { PACKAGE_VERSION } from "../../program/package-root";
import { type RecordedResource, STACK_TYPE } from "../../program/record";
import { locator, type ReportLocation } from "../check/locations";
import type { CheckResult } from "../check/run-check";
import { countByLevel } from "../check/violations";

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The resources of the JSON document: sorted by URN, the root stack resource left out, each with where it was declared. */
export function jsonResources(resources: readonly RecordedResource[], locate: (urn: string) => ReportLocation) {
  return resources
    .map((resource, registration) => ({ resource, registration }))
    .filter(({ resource }) => resource.type !== STACK_TYPE || resource.parent !== undefined)
    .sort((a, b) => byString(a.resource.urn, b.resource.urn))
    .map(({ resource, registration }) => ({
      urn: resource.urn,
      /** The order the program registered it in (the order the engine hands resources to packs). */
      registration,
      type: resource.type,
      name: resource.name,
      custom: resource.custom,
      ...(resource.parent ? { parent: resource.parent } : {}),
      ...(resource.id !== undefined ? { id: resource.id } : {}),
      ...(resource.provider ? { provider: resource.provider } : {}),
      inputs: resource.inputs,
      outputs: resource.state,
      dependencies: resource.dependencies,
      options: resource.options,
      location: locate(resource.urn),
    }));
}

/**
 * The machine-readable result, one JSON document: `{ check, resources, violations, agents }`.
 * Deterministic: resources sorted by URN, violations by level, policy and URN, agents by id; paths
 * relative to the working folder; no timestamps. Two runs of the same program are byte-identical.
 */
export function jsonDocument(result: CheckResult, cwd: string) {
  const { recorded, project } = result;
  const locate = locator(recorded.resources, project.dir, project.main, cwd);
  const counts = countByLevel(result.violations);
  return {
    check: {
      agentIam: PACKAGE_VERSION,
      project: project.name,
      stack: project.stack,
      preview: recorded.preview,
      policyPacks: result.packs.map((pack) => ({ name: pack.name, version: pack.version })),
      passed: result.exitCode === 0,
      exitCode: result.exitCode,
      mandatory: counts.mandatory,
      advisory: counts.advisory,
      remediate: counts.remediate,
      ...(result.stackTooLarge ? { stackPoliciesSkipped: result.stackTooLarge } : {}),
    },
    resources: jsonResources(recorded.resources, locate),
    outputs: recorded.outputs,
    violations: result.violations.map((violation) => ({
      policy: violation.policy,
      policyPack: violation.policyPack,
      enforcementLevel: violation.enforcementLevel,
      urn: violation.urn,
      message: violation.message,
      location: locate(violation.urn),
    })),
    agents: result.agents,
  };
}

/** {@link jsonDocument} as text, two-space indented, ending with a newline. */
export function jsonReport(result: CheckResult, cwd: string): string {
  return `${JSON.stringify(jsonDocument(result, cwd), null, 2)}\n`;
}
