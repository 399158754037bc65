import { z } from "zod";
import { formatPath } from "../../model/agent-spec";
import type { AgentIdentityResource } from "./agents";
import { describeIdentity } from "./agents";
import type { Finding } from "./stack";

/** A policy's configuration, invalid: names the policy, the field and what to change. */
export class PolicyConfigError extends Error {
  constructor(policy: string, problems: readonly string[]) {
    super(
      `the configuration of policy "${policy}" is not valid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
    this.name = "PolicyConfigError";
  }
}

/** Parses a policy's configuration with its schema (defaults filled in); throws {@link PolicyConfigError}. */
export function parsePolicyConfig<T extends z.ZodType>(policy: string, schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  throw new PolicyConfigError(
    policy,
    parsed.error.issues.map((issue) => `${formatPath(issue.path) || "(config)"}: ${issue.message}`),
  );
}

/**
 * The findings of an identity that may be an agent (known at apply): advisories that say what
 * would be wrong if it is one.
 */
export function forIdentity(
  agent: Pick<AgentIdentityResource, "certain" | "resource" | "why">,
  findings: readonly Finding[],
): Finding[] {
  const urn = agent.resource.urn;
  if (agent.certain) return findings.map((finding) => ({ urn, ...finding }));
  return findings.map((finding) => ({
    ...finding,
    urn: finding.urn ?? urn,
    level: "advisory",
    message: `${describeIdentity(agent)} may be an agent (${agent.why}); if apply shows it is: ${finding.message}`,
  }));
}

/** `a, b and 3 more`. */
export function listed(items: readonly string[], max = 5): string {
  const head = items.slice(0, max).join(", ");
  return items.length > max ? `${head} and ${items.length - max} more` : head;
}

/** A list of strings in a config, with a plain-words error. */
export const stringList = (what: string) => z.array(z.string({ error: `${what}: each entry is a string` })).default([]);
