import type { Agent, ResolvedGrant } from "../agent";

/** An IAM condition (cloud.google.com/iam/docs/conditions-overview): title ≤ 100 characters, CEL expression. */
export interface GcpIamCondition {
  readonly title: string;
  readonly description: string;
  readonly expression: string;
}

function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The instant access ends: 00:00Z on the agent's review date, or 00:00Z after a grant's last day
 * (`until`), whichever is earlier.
 */
export function gcpAccessEnd(agent: Pick<Agent, "expires">, grant?: Pick<ResolvedGrant, "until">): string {
  const ends = [agent.expires];
  if (grant?.until) ends.push(dayAfter(grant.until));
  return `${ends.sort()[0]}T00:00:00Z`;
}

/**
 * The condition on every binding agent-iam makes: `request.time < timestamp("…")`, so access ends
 * on the review date (or the grant's end) even if nobody runs Pulumi again.
 */
export function gcpExpiryCondition(agent: Pick<Agent, "id" | "expires">, grant?: Pick<ResolvedGrant, "until">): GcpIamCondition {
  const end = gcpAccessEnd(agent, grant);
  const why = grant?.until && end.slice(0, 10) !== agent.expires ? `the grant ends after ${grant.until}` : `the agent's review date is ${agent.expires}`;
  return {
    title: `agent-iam expiry ${end.slice(0, 10)}`,
    description: `Access of agent ${agent.id} ends at ${end}: ${why}.`.slice(0, 256),
    expression: `request.time < timestamp("${end}")`,
  };
}
