/**
 * The analyzer protocol's data, as plain TypeScript (pulumi/proto/analyzer.proto): what the engine
 * sends a policy pack and what the pack answers.
 */

/** How a policy's violations count (`EnforcementLevel`). */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** The protocol's enforcement levels, by number. */
export const ENFORCEMENT_LEVELS_BY_NUMBER: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "disabled",
  "remediate",
];

/** `AnalyzerResourceOptions`. */
export interface AnalyzerResourceOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  deleteBeforeReplaceDefined?: boolean;
  additionalSecretOutputs?: string[];
  aliases?: string[];
  /** Seconds. */
  customTimeouts?: { create?: number; update?: number; delete?: number };
  parent?: string;
}

/** `AnalyzerProviderResource`: the provider of a resource. */
export interface AnalyzerProvider {
  type: string;
  name: string;
  urn: string;
  properties: Record<string, unknown>;
}

/**
 * A resource as the engine hands it to a pack: `Analyze` sends one with its inputs, `AnalyzeStack`
 * every resource with its outputs. Unknown values are the sentinel {@link UNKNOWN} (`src/model/unknown.ts`).
 */
export interface AnalyzerResource {
  urn: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
  options?: AnalyzerResourceOptions;
  /** The parent's URN (`AnalyzeStack`). */
  parent?: string;
  dependencies?: string[];
  /** Per property, the URNs its value came from (`AnalyzeStack`). */
  propertyDependencies?: Record<string, string[]>;
  provider?: AnalyzerProvider;
}

/** `AnalyzeDiagnostic`: one violation a pack reported. */
export interface AnalyzerDiagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  /** The resource it is about (absent for a stack-wide finding). */
  urn?: string;
  severity?: "low" | "medium" | "high" | "critical";
}

/** `PolicyInfo`: one policy as the pack describes it. */
export interface AnalyzerPolicyInfo {
  name: string;
  displayName?: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** `resource` (per-resource `Analyze`) or `stack` (`AnalyzeStack`). */
  type: "resource" | "stack" | "unknown";
  /** JSON Schemas of the policy's config properties. */
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
  severity?: "low" | "medium" | "high" | "critical";
  remediationSteps?: string;
}

/** `AnalyzerInfo`: what a pack says about itself (`GetAnalyzerInfo`). */
export interface AnalyzerInfo {
  name: string;
  version: string;
  displayName?: string;
  description?: string;
  supportsConfig: boolean;
  policies: AnalyzerPolicyInfo[];
  /** Config the pack set for itself (`new PolicyPack(name, args, initialConfig)`). */
  initialConfig: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }>;
}

/** One policy's reconciled config, as `Configure` sends it. */
export interface PolicyConfigEntry {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}
