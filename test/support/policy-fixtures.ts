import type {
  PolicyResource as PulumiPolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { POLICIES } from "../../policy-pack/policies";
import type { AnalyzerDiagnostic, AnalyzerResource, EnforcementLevel } from "../../src/gate/analyzer";
import type { PolicyCase } from "../fixtures/policy";
import { withStack } from "./pack-direct";

/**
 * Two ways to run a fixture case, and one way to judge the result. `runDirectly` calls the pack's
 * own policy objects in this process (fast, no gRPC); the analyzer tests send the same resources
 * through `PolicyPackProcess`. Fixtures run every policy as mandatory, so a violation is a
 * mandatory diagnostic and an advisory is a decision that waits for apply.
 */

/** What a policy reported, in the analyzer's terms. */
export type Reported = Pick<AnalyzerDiagnostic, "policyName" | "message" | "enforcementLevel" | "urn">;

/** Why a case's diagnostics do not match its verdict (empty when they do). */
export function verdictProblems(testCase: PolicyCase, policy: string, diagnostics: readonly Reported[]): string[] {
  const mine = diagnostics.filter((diagnostic) => diagnostic.policyName === policy);
  const shown = JSON.stringify(
    mine.map((diagnostic) => `${diagnostic.enforcementLevel}: ${diagnostic.message}`),
    null,
    1,
  );
  const violations = mine.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory");
  const matches = (diagnostic: Reported) => !testCase.message || testCase.message.test(diagnostic.message);
  switch (testCase.verdict) {
    case "pass":
      return mine.length === 0 ? [] : [`expected no diagnostic, got ${shown}`];
    case "advisory":
      if (mine.length === 0) return ["expected an advisory, got none"];
      if (violations.length > 0) return [`expected only advisories, got ${shown}`];
      return mine.some(matches) ? [] : [`no advisory matches ${testCase.message}: ${shown}`];
    case "violation": {
      const found = violations.filter(matches).filter((diagnostic) => !testCase.on || diagnostic.urn === testCase.on);
      return found.length > 0
        ? []
        : [
            `expected a mandatory violation${testCase.message ? ` matching ${testCase.message}` : ""}${testCase.on ? ` on ${testCase.on}` : ""}, got ${shown}`,
          ];
    }
  }
}

/** Runs a case through the pack's policy object in this process, as `@pulumi/policy`'s server would call it. */
export function runDirectly(policyName: string, testCase: PolicyCase): Reported[] {
  const policy = POLICIES.find((candidate) => candidate.name === policyName);
  if (!policy) throw new Error(`no policy ${policyName} in the pack`);
  const reported: Reported[] = [];
  const report = ((
    violation: string | { message: string; urn?: string; enforcementLevel?: EnforcementLevel },
    urn?: string,
  ) => {
    if (typeof violation === "string")
      reported.push({ policyName, message: violation, urn, enforcementLevel: "mandatory" });
    else
      reported.push({
        policyName,
        message: violation.message,
        urn: violation.urn,
        enforcementLevel: violation.enforcementLevel ?? "mandatory",
      });
  }) as ReportViolation;
  const getConfig = <T>() => ({ ...testCase.config }) as T;
  withStack(testCase.stack, () => {
    if ("validateResource" in policy && policy.validateResource) {
      const validate = policy.validateResource;
      if (Array.isArray(validate)) throw new Error("one validation per policy");
      for (const resource of testCase.resources)
        void validate(
          {
            urn: resource.urn,
            type: resource.type,
            name: resource.name,
            props: resource.properties,
            opts: { parent: resource.parent },
            provider: resource.provider ? { ...resource.provider, props: resource.provider.properties } : undefined,
            getConfig,
          } as unknown as ResourceValidationArgs,
          report,
        );
    } else if ("validateStack" in policy) {
      const byUrn = new Map<string, PulumiPolicyResource>();
      const resources = testCase.resources.map((resource) => {
        const entry = {
          urn: resource.urn,
          type: resource.type,
          name: resource.name,
          props: resource.properties,
          opts: {},
          provider: resource.provider ? { ...resource.provider, props: resource.provider.properties } : undefined,
          dependencies: [],
          propertyDependencies: {},
        } as unknown as PulumiPolicyResource;
        byUrn.set(resource.urn, entry);
        return entry;
      });
      testCase.resources.forEach((resource: AnalyzerResource, index) => {
        const entry = resources[index]!;
        if (resource.parent && byUrn.has(resource.parent)) entry.parent = byUrn.get(resource.parent);
        entry.propertyDependencies = Object.fromEntries(
          Object.entries(resource.propertyDependencies ?? {}).map(([key, urns]) => [
            key,
            urns
              .map((urn) => byUrn.get(urn))
              .filter((dependency): dependency is PulumiPolicyResource => dependency !== undefined),
          ]),
        );
      });
      void policy.validateStack({ resources, getConfig } as unknown as StackValidationArgs, report);
    }
  });
  return reported;
}
