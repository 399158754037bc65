import { RISK_RULES, type RiskCondition, type RiskRule } from "../../model/risk/rules";

function describeCondition(condition: RiskCondition): string {
  if ("atLeast" in condition) return `${condition.fact} ≥ ${condition.atLeast}`;
  if ("is" in condition) return `${condition.fact} is ${condition.is}`;
  if ("above" in condition) return `${condition.fact} > ${condition.above}`;
  return `${condition.fact} < ${condition.below}`;
}

/** The risk table as a Markdown table: the one `docs/risk.md` shows (a test keeps them equal). */
export function riskTableMarkdown(rules: readonly RiskRule[] = RISK_RULES): string {
  const rows = rules.map((rule) => {
    const effect = "floor" in rule.effect ? `at least **${rule.effect.floor}**` : "one step up";
    return `| \`${rule.id}\` | ${rule.when
      .map(describeCondition)
      .map((text) => `\`${text}\``)
      .join(" and ")} | ${effect} | ${rule.reason} |`;
  });
  return ["| Rule | When | Effect | Why |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
