import { dirname } from "node:path";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { SIGNATURES } from "../../model/contract";
import {
  ENFORCEMENT_LEVELS_BY_NUMBER,
  type AnalyzerDiagnostic,
  type AnalyzerInfo,
  type AnalyzerPolicyInfo,
  type EnforcementLevel,
} from "./types";

/**
 * Plain values ↔ the analyzer protocol's protobuf messages, built with the very protobuf classes
 * the Pulumi SDK uses (resolved from its own dependency tree), so the pack reads them as the
 * engine's.
 */

const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
const struct = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkRoot] }),
) as typeof structPb;

/** A secret as the engine sends it to a pack (the pack sees the plain value). */
export function secretValue(value: unknown): Record<string, unknown> {
  return { [SIGNATURES.key]: SIGNATURES.secret, value };
}

/** Drops `undefined` (protobuf Structs have no such value), as the engine drops absent properties. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : plain(item)));
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    // Defined, not assigned: a property named `__proto__` is a property like any other, not the prototype.
    for (const [key, item] of Object.entries(value))
      if (item !== undefined)
        Object.defineProperty(result, key, {
          value: plain(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    return result;
  }
  return value;
}

/** A property map as a protobuf Struct. */
export function toStruct(value: Record<string, unknown>): structPb.Struct {
  return struct.Struct.fromJavaScript(plain(value) as Record<string, structPb.JavaScriptValue>);
}

/** The protocol's number for an enforcement level. */
export function levelNumber(level: EnforcementLevel): analyzerPb.EnforcementLevel {
  return ENFORCEMENT_LEVELS_BY_NUMBER.indexOf(level) as analyzerPb.EnforcementLevel;
}

function levelName(level: number): EnforcementLevel {
  return ENFORCEMENT_LEVELS_BY_NUMBER[level] ?? "advisory";
}

const SEVERITIES = [undefined, "low", "medium", "high", "critical"] as const;

/** Diagnostics from an `AnalyzeResponse`. */
export function diagnosticsOf(response: analyzerPb.AnalyzeResponse): AnalyzerDiagnostic[] {
  return response.getDiagnosticsList().map((diagnostic) => {
    const result: AnalyzerDiagnostic = {
      policyName: diagnostic.getPolicyname(),
      policyPackName: diagnostic.getPolicypackname(),
      policyPackVersion: diagnostic.getPolicypackversion(),
      description: diagnostic.getDescription(),
      message: diagnostic.getMessage(),
      enforcementLevel: levelName(diagnostic.getEnforcementlevel()),
    };
    if (diagnostic.getUrn()) result.urn = diagnostic.getUrn();
    const severity = SEVERITIES[diagnostic.getSeverity()];
    if (severity) result.severity = severity;
    return result;
  });
}

/** `AnalyzerInfo` as plain data. */
export function infoOf(message: analyzerPb.AnalyzerInfo): AnalyzerInfo {
  const policies: AnalyzerPolicyInfo[] = message.getPoliciesList().map((policy) => {
    const schema = policy.getConfigschema();
    const info: AnalyzerPolicyInfo = {
      name: policy.getName(),
      description: policy.getDescription(),
      enforcementLevel: levelName(policy.getEnforcementlevel()),
      type:
        policy.getPolicyType() === analyzerPb.PolicyType.POLICY_TYPE_RESOURCE
          ? "resource"
          : policy.getPolicyType() === analyzerPb.PolicyType.POLICY_TYPE_STACK
            ? "stack"
            : "unknown",
    };
    if (policy.getDisplayname()) info.displayName = policy.getDisplayname();
    if (schema)
      info.configSchema = {
        properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
        required: schema.getRequiredList(),
      };
    const severity = SEVERITIES[policy.getSeverity()];
    if (severity) info.severity = severity;
    if (policy.getRemediationSteps()) info.remediationSteps = policy.getRemediationSteps();
    return info;
  });
  const initialConfig: AnalyzerInfo["initialConfig"] = {};
  message.getInitialconfigMap().forEach((config, name) => {
    initialConfig[name] = {
      enforcementLevel: levelName(config.getEnforcementlevel()),
      properties: (config.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
    };
  });
  const info: AnalyzerInfo = {
    name: message.getName(),
    version: message.getVersion(),
    supportsConfig: message.getSupportsconfig(),
    policies,
    initialConfig,
  };
  if (message.getDisplayname()) info.displayName = message.getDisplayname();
  if (message.getDescription()) info.description = message.getDescription();
  return info;
}
