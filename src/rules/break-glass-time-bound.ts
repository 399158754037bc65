import { z } from "zod";
import type { StackRule } from "./support/rule";
import {
  BREAK_GLASS_TAG_KEYS,
  breakGlassProblems,
  normalizeInstant,
  parseGcpBreakGlassCondition,
} from "../model/break-glass";
import { gcpGrantsOf } from "../clouds/gcp/iam-resources";
import { describeIdentity, readTags, tagValue, type AgentIdentityResource, type FieldValue } from "./support/agents";
import { enclosingComponent, stackAgents } from "./support/stack-agents";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { containsUnknown, isUnknown } from "../model/unknown";
import { forIdentity } from "./support/common";

/**
 * `break-glass-time-bound`: an elevation of an agent (AgentIdentity's `breakGlass`; on a resource
 * written by hand, the `agent-iam:break-glass-*` tags of an AWS role or Azure identity, or a GCP
 * binding whose condition is titled `agent-iam break-glass until …`) has a reason, an approver
 * other than the owner, and an end at most 24 hours ahead. Every elevation in force is reported as
 * an advisory, so that nobody deploys one without seeing it; one that has ended is an advisory to
 * remove it.
 */

export const breakGlassConfig = z.object({}).strict();
export type BreakGlassConfig = z.output<typeof breakGlassConfig>;

/** One elevation found in a stack, with where it lives. */
interface Elevation {
  readonly name: string;
  readonly urn: string;
  readonly identity?: AgentIdentityResource;
  readonly reason?: string;
  readonly approvedBy?: string;
  readonly until?: string;
  readonly owner?: string;
  readonly unknown: boolean;
  /** Where to fix it, for messages. */
  readonly where: string;
}

function text(field: FieldValue): string | undefined {
  return field.state === "value" ? field.value : undefined;
}

/** Elevations recorded as tags on an identity written by hand (AgentIdentity's are read from its model). */
function taggedElevation(identity: AgentIdentityResource): Elevation | undefined {
  const tags = readTags(identity.resource.props, identity.resource.provider);
  const name = describeIdentity(identity);
  if (tags === "unknown") return { name, urn: identity.resource.urn, identity, unknown: true, where: "its tags" };
  const fields = {
    until: tagValue(tags, BREAK_GLASS_TAG_KEYS.until),
    approvedBy: tagValue(tags, BREAK_GLASS_TAG_KEYS.approvedBy),
    reason: tagValue(tags, BREAK_GLASS_TAG_KEYS.reason),
  };
  if (Object.values(fields).every((field) => field.state === "missing")) return undefined;
  return {
    name,
    urn: identity.resource.urn,
    identity,
    until: text(fields.until),
    approvedBy: text(fields.approvedBy),
    reason: text(fields.reason),
    owner: text(identity.metadata.owner),
    unknown: Object.values(fields).some((field) => field.state === "unknown"),
    where: `the tags ${Object.values(BREAK_GLASS_TAG_KEYS).join(", ")}`,
  };
}

/** Elevations as GCP bindings written by hand: a condition titled `agent-iam break-glass until …`. */
function gcpBindingElevations(index: StackIndex): Elevation[] {
  const found: Elevation[] = [];
  for (const resource of index.resources) {
    if (
      !resource.type.startsWith("gcp:") ||
      !/IAM(Member|Binding)$/.test(resource.type) ||
      enclosingComponent(resource, index)
    )
      continue;
    const condition = resource.props.condition as { title?: unknown; description?: unknown } | undefined;
    if (typeof condition !== "object" || condition === null) continue;
    const parsed = parseGcpBreakGlassCondition(condition);
    if (!parsed) continue;
    const member = gcpGrantsOf(resource.type, resource.props)[0]?.member;
    found.push({
      name: `${resource.type.split(":").pop()} "${resource.name}"${member && !isUnknown(member) ? ` (${member})` : ""}`,
      urn: resource.urn,
      ...parsed,
      unknown: containsUnknown(condition),
      where: "the condition's description (approvedBy=EMAIL; reason=TEXT) and title",
    });
  }
  return found;
}

function elevationsOf(index: StackIndex): Elevation[] {
  const found: Elevation[] = [];
  for (const agent of stackAgents(index)) {
    const declared = agent.model
      ? { elevation: agent.model.breakGlass, owner: agent.model.owner }
      : agent.record
        ? { elevation: agent.record.breakGlass ?? undefined, owner: agent.record.owner }
        : undefined;
    if (agent.component && declared) {
      if (declared.elevation)
        found.push({
          name: `agent "${agent.id}"`,
          urn: agent.component.urn,
          ...declared.elevation,
          owner: declared.owner,
          unknown: false,
          where: "its AgentIdentity's breakGlass",
        });
      continue;
    }
    for (const identity of agent.identities) {
      const tagged = taggedElevation(identity);
      if (tagged) found.push(tagged);
    }
  }
  return [...found, ...gcpBindingElevations(index)];
}

export function checkBreakGlass(
  resources: readonly PolicyResource[],
  _config: BreakGlassConfig,
  _context: CheckContext,
  now: string = new Date().toISOString(),
): Finding[] {
  const index = StackIndex.of(resources);
  return elevationsOf(index).flatMap((elevation) => {
    const wrap = (findings: Finding[]) =>
      elevation.identity
        ? forIdentity(elevation.identity, findings)
        : findings.map((finding) => ({ urn: elevation.urn, ...finding }));
    if (elevation.unknown)
      return wrap([
        {
          level: "advisory",
          message: `${elevation.name}: its break-glass elevation is not known until apply; it must have a reason, an approver and end within 24 hours`,
        },
      ]);
    const problems = breakGlassProblems(elevation, { now, owner: elevation.owner, mentionNow: false });
    const end = elevation.until === undefined ? undefined : normalizeInstant(elevation.until);
    if (end && Date.parse(end) <= Date.parse(now))
      return wrap([
        {
          level: "advisory",
          message: `${elevation.name}: its break-glass elevation ended at ${end} and its grants no longer work; remove it from ${elevation.where}`,
        },
      ]);
    if (problems.length > 0)
      return wrap([
        {
          message: `${elevation.name} is elevated by break-glass without the safeguards: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join("; ")} (set in ${elevation.where})`,
        },
      ]);
    return wrap([
      {
        level: "advisory",
        message: `${elevation.name} is elevated by break-glass until ${normalizeInstant(elevation.until!)}, approved by ${elevation.approvedBy}: ${elevation.reason}`,
      },
    ]);
  });
}

/** An elevation has a reason, an approver who is not the owner, and ends within 24 hours; every active one is reported. */
export const breakGlassTimeBound: StackRule<typeof breakGlassConfig> = {
  name: "break-glass-time-bound",
  description:
    "Blocks a break-glass elevation of an agent without a reason, without an approver (or approved by its own owner), or ending more than 24 hours ahead; reports every elevation in force as an advisory so that none is deployed unseen.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set breakGlass: { grants, reason, approvedBy, until } with until at most 24 hours ahead and an approver other than the owner; remove the elevation once it has ended.",
  config: breakGlassConfig,
  scope: "stack",
  check: checkBreakGlass,
};
