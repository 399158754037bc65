import type { Agent, ResolvedGrant } from "../../model/agent";
import { GCP_BREAK_GLASS_TITLE, gcpBreakGlassDescription } from "../../model/break-glass";

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
 * The instant access ends: 00:00Z on the agent's review date, 00:00Z after a grant's last day
 * (`until`), or a break-glass grant's exact end (`endsAt`), whichever is earliest.
 */
export function gcpAccessEnd(agent: Pick<Agent, "expires">, grant?: Pick<ResolvedGrant, "until" | "endsAt">): string {
  const ends = [`${agent.expires}T00:00:00Z`];
  if (grant?.until) ends.push(`${dayAfter(grant.until)}T00:00:00Z`);
  if (grant?.endsAt) ends.push(grant.endsAt);
  return ends.sort((a, b) => Date.parse(a) - Date.parse(b))[0]!;
}

/**
 * The condition on every binding agent-iam makes: `request.time < timestamp("…")`, so access ends
 * on the review date (or the grant's end) even if nobody runs Pulumi again. A break-glass binding's
 * title says so (`agent-iam break-glass until …`), which the pack and the inventory read.
 */
export function gcpExpiryCondition(
  agent: Pick<Agent, "id" | "expires" | "breakGlass">,
  grant?: Pick<ResolvedGrant, "until" | "endsAt" | "breakGlass">,
): GcpIamCondition {
  const end = gcpAccessEnd(agent, grant);
  if (grant?.breakGlass && agent.breakGlass)
    return {
      title: `${GCP_BREAK_GLASS_TITLE} ${end}`,
      description: gcpBreakGlassDescription(agent.breakGlass),
      expression: `request.time < timestamp("${end}")`,
    };
  const why =
    grant?.until && end.slice(0, 10) !== agent.expires
      ? `the grant ends after ${grant.until}`
      : `the agent's review date is ${agent.expires}`;
  return {
    title: `agent-iam expiry ${end.slice(0, 10)}`,
    description: `Access of agent ${agent.id} ends at ${end}: ${why}.`.slice(0, 256),
    expression: `request.time < timestamp("${end}")`,
  };
}

/**
 * The condition of a project-level binding that stands for a binding on one resource of a service
 * that recognises resource attributes (BigQuery): the resource or anything under it, until the
 * access ends. `resourceName` is the name as the service reports it to IAM (BigQuery:
 * `projects/P/datasets/D`, its tables `projects/P/datasets/D/tables/T`; IAM docs, "Resource
 * attributes for IAM Conditions").
 */
export function gcpResourceNameCondition(
  agent: Pick<Agent, "id" | "expires" | "breakGlass">,
  grant: Pick<ResolvedGrant, "until" | "endsAt" | "breakGlass">,
  resourceName: string,
): GcpIamCondition {
  const expiry = gcpExpiryCondition(agent, grant);
  const name = JSON.stringify(resourceName);
  const under = JSON.stringify(`${resourceName}/`);
  // A break-glass description is read back as it is (approvedBy=…; reason=…).
  const elevated = grant.breakGlass && agent.breakGlass;
  return {
    title: expiry.title,
    description: elevated ? expiry.description : `${resourceName}: ${expiry.description}`.slice(0, 256),
    expression: `(resource.name == ${name} || resource.name.startsWith(${under})) && ${expiry.expression}`,
  };
}
