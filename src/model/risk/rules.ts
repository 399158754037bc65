import type { AccessLevel } from "../access";

/**
 * The risk rules of agent-iam, as data. `docs/risk.md` shows this table to reviewers (a test keeps
 * the document in step with it) and {@link scoreRisk} applies it.
 *
 * A tier starts at `low`. Every matching `floor` rule lifts it to at least the rule's tier; then every
 * matching `raise` rule lifts it one step, never above `critical`.
 */

/** Risk tiers, from least to most. */
export const RISK_TIERS = ["low", "medium", "high", "critical"] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** An access level, or `none` for an agent without grants. */
export type AccessOrNone = AccessLevel | "none";

/** What the rules look at: facts about one agent, derived by `riskFactsOf`. */
export interface RiskFacts {
  /** The highest access level of all its grants, account-wide ones included. */
  readonly highestAccess: AccessOrNone;
  /** Whether its environment is a production one (see {@link PRODUCTION_ENVIRONMENTS}). */
  readonly reachesProd: boolean;
  /** The highest access level on resources that hold sensitive data (a grant with a `dataClass`). */
  readonly sensitiveAccess: AccessOrNone;
  /** Whether it opted into delete or export actions (`include: ["delete" | "export"]`). */
  readonly deletesOrExports: boolean;
  /** The longest session it can hold, in seconds. */
  readonly sessionSeconds: number;
  /** Days from today to its review date; negative once the date has passed. */
  readonly daysToExpiry: number;
  /** How many tools it may call through a gateway that the gateway's catalog marks high-risk (deletes, refunds, exports, permission changes). */
  readonly highRiskTools: number;
}

/** A test on one fact. All conditions of a rule must hold. */
export type RiskCondition =
  | { readonly fact: "highestAccess" | "sensitiveAccess"; readonly atLeast: AccessLevel }
  | { readonly fact: "reachesProd" | "deletesOrExports"; readonly is: boolean }
  | { readonly fact: "sessionSeconds" | "daysToExpiry" | "highRiskTools"; readonly above: number }
  | { readonly fact: "sessionSeconds" | "daysToExpiry"; readonly below: number };

/** What a matching rule does to the tier. */
export type RiskEffect = { readonly floor: RiskTier } | { readonly raise: 1 };

/** One row of the risk table. */
export interface RiskRule {
  /** Stable id, shown in inventories and reports. */
  readonly id: string;
  readonly when: readonly RiskCondition[];
  readonly effect: RiskEffect;
  /** Why the rule matters, in plain words (shown next to the tier). */
  readonly reason: string;
}

/** Environment names that count as production. */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ["prod", "production", "prd", "live"];

/** Sessions longer than this raise the risk: AWS's default role session is one hour. */
export const LONG_SESSION_SECONDS = 3600;

/** A review date further away than this raises the risk: an identity should be reviewed at least yearly. */
export const FAR_EXPIRY_DAYS = 365;

/** The risk table. Order does not change the result; it is the order reports list reasons in. */
export const RISK_RULES: readonly RiskRule[] = [
  { id: "prod", when: [{ fact: "reachesProd", is: true }], effect: { floor: "medium" }, reason: "runs in production" },
  {
    id: "writes",
    when: [{ fact: "highestAccess", atLeast: "write" }],
    effect: { floor: "medium" },
    reason: "can change resources (write access)",
  },
  {
    id: "changes-permissions",
    when: [{ fact: "highestAccess", atLeast: "permissions" }],
    effect: { floor: "high" },
    reason: "can change who has access (permissions management)",
  },
  {
    id: "lists-sensitive",
    when: [{ fact: "sensitiveAccess", atLeast: "list" }],
    effect: { floor: "medium" },
    reason: "can see what a resource holding sensitive data (PII, financial, credentials) contains",
  },
  {
    id: "reads-sensitive",
    when: [{ fact: "sensitiveAccess", atLeast: "read" }],
    effect: { floor: "high" },
    reason: "can read sensitive data (PII, financial, credentials)",
  },
  {
    id: "writes-sensitive",
    when: [{ fact: "sensitiveAccess", atLeast: "write" }],
    effect: { floor: "critical" },
    reason: "can change sensitive data (PII, financial, credentials)",
  },
  {
    id: "expired",
    when: [{ fact: "daysToExpiry", below: 0 }],
    effect: { floor: "high" },
    reason: "its review date has passed",
  },
  {
    id: "writes-prod",
    when: [
      { fact: "reachesProd", is: true },
      { fact: "highestAccess", atLeast: "write" },
    ],
    effect: { raise: 1 },
    reason: "can write to production",
  },
  {
    id: "deletes-or-exports",
    when: [{ fact: "deletesOrExports", is: true }],
    effect: { raise: 1 },
    reason: "may delete or export data",
  },
  {
    id: "calls-high-risk-tools",
    when: [{ fact: "highRiskTools", above: 0 }],
    effect: { raise: 1 },
    reason: "may call high-risk tools through a gateway (deletes, refunds, exports, permission changes)",
  },
  {
    id: "long-sessions",
    when: [{ fact: "sessionSeconds", above: LONG_SESSION_SECONDS }],
    effect: { raise: 1 },
    reason: `sessions may last longer than ${LONG_SESSION_SECONDS / 3600} hour`,
  },
  {
    id: "far-expiry",
    when: [{ fact: "daysToExpiry", above: FAR_EXPIRY_DAYS }],
    effect: { raise: 1 },
    reason: `its review date is more than ${FAR_EXPIRY_DAYS} days away`,
  },
];
