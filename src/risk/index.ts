/** Risk scoring of agents: a table of rules (data) and a pure function that applies it. */
export * from "./rules";
export * from "./score";
export { riskTableMarkdown } from "./table";
