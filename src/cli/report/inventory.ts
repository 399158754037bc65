import type { CheckResult } from "../check/run-check";

/**
 * The agent inventory `--inventory FILE` writes: `{ "agents": [...] }`, one entry per
 * `AgentIdentity`, sorted by id.
 */
export function inventoryReport(result: CheckResult): string {
  return `${JSON.stringify({ agents: result.agents }, null, 2)}\n`;
}
