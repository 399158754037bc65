import type { EnforcementLevel } from "./policy-config";

/** A policy violation a pack reported, as `agent-iam check` reports it. */
export interface Violation {
  readonly policy: string;
  readonly policyPack: string;
  readonly policyPackVersion: string;
  /** The policy's description (what it blocks and why). */
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  /** The resource's URN; for a stack-wide finding, the stack's URN. */
  readonly urn: string;
  /** What is wrong and what to change. */
  readonly message: string;
}

/** A diagnostic as the analyzer returns it (`AnalyzeDiagnostic` of the analyzer protocol). */
export interface DiagnosticLike {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: string | number;
  readonly urn?: string;
}

/** `EnforcementLevel` of the analyzer protocol, by number (pulumi/proto/analyzer.proto). */
const PROTO_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/** An enforcement level from a diagnostic: a protocol number or a name in any case. */
export function enforcementLevelOf(value: string | number): EnforcementLevel {
  if (typeof value === "number") return PROTO_LEVELS[value] ?? "advisory";
  const level = value.toLowerCase();
  return (PROTO_LEVELS as readonly string[]).includes(level) ? (level as EnforcementLevel) : "advisory";
}

/** Levels from most to least severe, for ordering. */
const SEVERITY: Readonly<Record<EnforcementLevel, number>> = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };

/** Diagnostics as violations: disabled ones dropped, duplicates merged, a stack-wide one on the stack's URN. */
export function violationsFrom(diagnostics: readonly DiagnosticLike[], stackUrn: string): Violation[] {
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const diagnostic of diagnostics) {
    const enforcementLevel = enforcementLevelOf(diagnostic.enforcementLevel);
    if (enforcementLevel === "disabled") continue;
    const violation: Violation = {
      policy: diagnostic.policyName,
      policyPack: diagnostic.policyPackName,
      policyPackVersion: diagnostic.policyPackVersion,
      description: diagnostic.description,
      enforcementLevel,
      urn: diagnostic.urn || stackUrn,
      message: diagnostic.message,
    };
    const key = JSON.stringify([
      violation.policyPack,
      violation.policy,
      violation.urn,
      violation.message,
      violation.enforcementLevel,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  return sortViolations(violations);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A stable order: most severe level first, then policy, pack, URN and message. */
export function sortViolations(violations: readonly Violation[]): Violation[] {
  return [...violations].sort(
    (a, b) =>
      SEVERITY[a.enforcementLevel] - SEVERITY[b.enforcementLevel] ||
      compare(a.policy, b.policy) ||
      compare(a.policyPack, b.policyPack) ||
      compare(a.urn, b.urn) ||
      compare(a.message, b.message),
  );
}

/** Violations grouped by policy (keeping the order of {@link sortViolations}). */
export function groupByPolicy<V extends Violation>(
  violations: readonly V[],
): {
  policy: string;
  policyPack: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  violations: V[];
}[] {
  const groups = new Map<
    string,
    {
      policy: string;
      policyPack: string;
      description: string;
      enforcementLevel: EnforcementLevel;
      violations: V[];
    }
  >();
  for (const violation of violations) {
    const key = `${violation.policyPack}\u0000${violation.policy}\u0000${violation.enforcementLevel}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        policy: violation.policy,
        policyPack: violation.policyPack,
        description: violation.description,
        enforcementLevel: violation.enforcementLevel,
        violations: [],
      };
      groups.set(key, group);
    }
    group.violations.push(violation);
  }
  return [...groups.values()];
}

/** Counts per enforcement level. */
export function countByLevel(violations: readonly Violation[]): Record<EnforcementLevel, number> {
  const counts: Record<EnforcementLevel, number> = { mandatory: 0, remediate: 0, advisory: 0, disabled: 0 };
  for (const violation of violations) counts[violation.enforcementLevel] += 1;
  return counts;
}
