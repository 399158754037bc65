import type { z } from "zod";
import type { CheckContext, Finding, PolicyResource } from "./stack";

/**
 * A rule of the pack, whole in one place: its interface to security teams (name, description,
 * default level, severity, remediation), its config schema and its pure check. The policy pack
 * turns each into a CrossGuard policy (`policy-pack/to-policy.ts`); nothing here needs Pulumi.
 */

/** CrossGuard's enforcement levels, as `@pulumi/policy` spells them. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
/** CrossGuard's severities, as `@pulumi/policy` spells them. */
export type Severity = "low" | "medium" | "high" | "critical";

interface RuleInterface<C extends z.ZodType> {
  /** The stable name (part of the pack's interface). */
  readonly name: string;
  /** What the policy blocks and why, for a security reviewer. */
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  /** How to fix a violation, in general (each message says what to change for its resource). */
  readonly remediationSteps: string;
  /** The policy's config; defaults filled in by the schema. */
  readonly config: C;
}

/** A rule that judges each resource on its own (`Analyze`). */
export interface ResourceRule<C extends z.ZodType = z.ZodType> extends RuleInterface<C> {
  readonly scope: "resource";
  readonly check: (resource: PolicyResource, config: z.output<C>, context: CheckContext) => Finding[];
}

/** A rule that judges the whole stack at once (`AnalyzeStack`): for checks that link resources. */
export interface StackRule<C extends z.ZodType = z.ZodType> extends RuleInterface<C> {
  readonly scope: "stack";
  readonly check: (resources: readonly PolicyResource[], config: z.output<C>, context: CheckContext) => Finding[];
}

export type Rule = ResourceRule | StackRule;
