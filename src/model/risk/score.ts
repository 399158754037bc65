import { accessRank, type AccessLevel } from "../access";
import {
  PRODUCTION_ENVIRONMENTS,
  RISK_RULES,
  RISK_TIERS,
  type AccessOrNone,
  type RiskCondition,
  type RiskFacts,
  type RiskRule,
  type RiskTier,
} from "./rules";

/** A scored agent: its tier and the rules that produced it. */
export interface RiskScore {
  readonly tier: RiskTier;
  /** The rules that matched, in table order. */
  readonly reasons: readonly { readonly rule: string; readonly text: string }[];
}

function atLeast(value: AccessOrNone, level: AccessLevel): boolean {
  return value !== "none" && accessRank(value) >= accessRank(level);
}

/** Whether one condition holds for the facts. */
export function conditionHolds(condition: RiskCondition, facts: RiskFacts): boolean {
  if ("atLeast" in condition) return atLeast(facts[condition.fact], condition.atLeast);
  if ("is" in condition) return facts[condition.fact] === condition.is;
  if ("above" in condition) return facts[condition.fact] > condition.above;
  return facts[condition.fact] < condition.below;
}

function rank(tier: RiskTier): number {
  return RISK_TIERS.indexOf(tier);
}

/**
 * The risk tier of an agent from its facts, by the table {@link RISK_RULES} (or another table, for
 * tests): start at `low`, lift to the highest matching floor, then one step per matching raise.
 */
export function scoreRisk(facts: RiskFacts, rules: readonly RiskRule[] = RISK_RULES): RiskScore {
  const matched = rules.filter((rule) => rule.when.every((condition) => conditionHolds(condition, facts)));
  let level = 0;
  for (const rule of matched) if ("floor" in rule.effect) level = Math.max(level, rank(rule.effect.floor));
  for (const rule of matched) if ("raise" in rule.effect) level += rule.effect.raise;
  const tier = RISK_TIERS[Math.min(level, RISK_TIERS.length - 1)]!;
  return { tier, reasons: matched.map((rule) => ({ rule: rule.id, text: rule.reason })) };
}

/** Whether an environment name is a production one. */
export function isProductionEnvironment(environment: string): boolean {
  return PRODUCTION_ENVIRONMENTS.includes(environment.toLowerCase());
}
