/** Risk scoring of agents: a table of rules (data) and a pure function that applies it. */
export * from "../../model/risk/rules";
export * from "../../model/risk/score";
export * from "../../clouds/risk-facts";
export { riskTableMarkdown } from "./table";
