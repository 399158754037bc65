import type { BreakGlass } from "./agent";

/**
 * Break-glass: an agent elevated for at most {@link BREAK_GLASS_MAX_HOURS} hours, with a reason and
 * an approver who is not its owner. The elevated grants carry `endsAt` = `until` and every cloud
 * ends them at that instant by itself (AWS `DateLessThan aws:CurrentTime`, GCP an IAM condition on
 * `request.time`); Azure cannot (see `src/clouds/azure/time-bound.ts`), so a break-glass grant there is
 * refused. The same rules judge the spec (`planAgent`) and a stack (the pack's
 * `break-glass-time-bound`), so both say the same thing.
 */

/** The longest an elevation may last, from the moment it is declared. */
export const BREAK_GLASS_MAX_HOURS = 24;

/** Tags that record an elevation on the agent's AWS role and Azure identity (read by the pack and the inventory). */
export const BREAK_GLASS_TAG_KEYS = {
  until: "agent-iam:break-glass-until",
  approvedBy: "agent-iam:break-glass-approved-by",
  reason: "agent-iam:break-glass-reason",
} as const;

/** The title prefix of GCP IAM conditions on break-glass bindings. */
export const GCP_BREAK_GLASS_TITLE = "agent-iam break-glass until";

/** An ISO 8601 date-time with a zone: `2026-11-24T18:00:00Z`, `2026-11-24T19:00+01:00`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds), or undefined when the text is not an ISO date-time with a zone. */
export function normalizeInstant(text: string): string | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const time = Date.parse(text);
  if (Number.isNaN(time)) return undefined;
  // Reject dates that roll over (2026-02-30T…): the calendar part must survive the round trip.
  const local = text.slice(0, 10);
  const offset = /(Z|[+-]\d{2}:\d{2})$/.exec(text)![1]!;
  const minutes =
    offset === "Z"
      ? 0
      : (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  if (new Date(time + minutes * 60_000).toISOString().slice(0, 10) !== local) return undefined;
  return new Date(Math.floor(time / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** One problem of an elevation, with the field it is about (relative to `breakGlass`). */
export interface BreakGlassProblem {
  readonly field: "until" | "reason" | "approvedBy";
  readonly message: string;
}

/** What the rules need besides the elevation: the moment it is judged, and the agent it elevates. */
export interface BreakGlassContext {
  /** Now, as an instant (ISO 8601). */
  readonly now: string;
  /** The agent's owner, who may not approve their own agent's elevation. */
  readonly owner?: string;
  /** The agent's review date (`YYYY-MM-DD`): an elevation never outlives the identity. */
  readonly expires?: string;
  /**
   * Whether messages may name the current time (the spec's errors do; a policy's findings do not, so
   * that two runs a second apart say the same thing).
   */
  readonly mentionNow?: boolean;
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** The shortest reason accepted: a few words, not "fix". */
export const BREAK_GLASS_MIN_REASON = 10;

/**
 * Every way an elevation breaks the rules: no reason, no approver (or the owner approving
 * themselves), an end that is not a date-time, already passed, more than 24 hours ahead, or after
 * the agent's review date. Fields may be missing (a hand-written resource's tags).
 */
export function breakGlassProblems(
  elevation: { readonly reason?: string; readonly approvedBy?: string; readonly until?: string },
  context: BreakGlassContext,
): BreakGlassProblem[] {
  const problems: BreakGlassProblem[] = [];
  const reason = elevation.reason?.trim() ?? "";
  if (reason.length < BREAK_GLASS_MIN_REASON)
    problems.push({
      field: "reason",
      message: `a break-glass elevation needs a reason: say in plain words why (at least ${BREAK_GLASS_MIN_REASON} characters), such as the incident it answers`,
    });
  const approver = elevation.approvedBy?.trim() ?? "";
  if (!EMAIL.test(approver))
    problems.push({
      field: "approvedBy",
      message: "a break-glass elevation needs approvedBy: the email of the person who approved it",
    });
  else if (context.owner !== undefined && approver.toLowerCase() === context.owner.toLowerCase())
    problems.push({
      field: "approvedBy",
      message: `the owner (${context.owner}) cannot approve their own agent's elevation; name another person`,
    });
  problems.push(...untilProblems(elevation.until, context));
  return problems;
}

function untilProblems(until: string | undefined, context: BreakGlassContext): BreakGlassProblem[] {
  const times = context.mentionNow !== false;
  const example = times ? `, such as ${suggestion(context.now)}` : "";
  if (until === undefined || until.trim() === "")
    return [
      {
        field: "until",
        message: `a break-glass elevation needs until: when it ends, at most ${BREAK_GLASS_MAX_HOURS} hours ahead${example}`,
      },
    ];
  const end = normalizeInstant(until);
  if (!end)
    return [
      {
        field: "until",
        message: `write until as an ISO 8601 date-time with a zone${example || ", such as 2026-11-24T18:00:00Z"}`,
      },
    ];
  const now = Date.parse(context.now);
  const ahead = Date.parse(end) - now;
  const nowIs = times ? ` (now is ${isoSeconds(now)})` : "";
  if (ahead <= 0) return [{ field: "until", message: `the elevation ended at ${end}${nowIs}; remove breakGlass` }];
  if (ahead > BREAK_GLASS_MAX_HOURS * 3_600_000)
    return [
      {
        field: "until",
        message: `${end} is more than ${BREAK_GLASS_MAX_HOURS} hours ahead${nowIs}; end the elevation ${times ? `by ${isoSeconds(now + BREAK_GLASS_MAX_HOURS * 3_600_000)}` : `within ${BREAK_GLASS_MAX_HOURS} hours of now`}`,
      },
    ];
  if (context.expires !== undefined && Date.parse(end) > Date.parse(`${context.expires}T00:00:00Z`))
    return [
      {
        field: "until",
        message: `the elevation outlives the identity (review date ${context.expires}); end it before that date`,
      },
    ];
  return [];
}

function isoSeconds(time: number): string {
  return new Date(Math.floor(time / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function suggestion(now: string): string {
  const time = Date.parse(now);
  return isoSeconds((Number.isNaN(time) ? Date.now() : time) + 4 * 3_600_000);
}

/** The description of a GCP break-glass binding's condition: who approved it and why (at most 256 characters). */
export function gcpBreakGlassDescription(elevation: Pick<BreakGlass, "approvedBy" | "reason">): string {
  return `approvedBy=${elevation.approvedBy}; reason=${elevation.reason.replace(/\s+/g, " ")}`.slice(0, 256);
}

/** Reads a break-glass binding's condition back: the end from its title, approver and reason from its description. */
export function parseGcpBreakGlassCondition(condition: {
  title?: unknown;
  description?: unknown;
}): { until: string; approvedBy?: string; reason?: string } | undefined {
  const title = typeof condition.title === "string" ? condition.title : "";
  if (!title.startsWith(`${GCP_BREAK_GLASS_TITLE} `)) return undefined;
  const description = typeof condition.description === "string" ? condition.description : "";
  const approvedBy = /(?:^|;\s*)approvedBy=([^;]*)/.exec(description)?.[1]?.trim();
  const reason = /(?:^|;\s*)reason=(.*)$/.exec(description)?.[1]?.trim();
  return {
    until: title.slice(GCP_BREAK_GLASS_TITLE.length + 1).trim(),
    ...(approvedBy ? { approvedBy } : {}),
    ...(reason ? { reason } : {}),
  };
}

/**
 * Whether an action at `timestamp` was made while the elevation held: before its end, and no
 * earlier than {@link BREAK_GLASS_MAX_HOURS} before it (an elevation never lasts longer, so an
 * action older than that predates it).
 */
export function madeUnderBreakGlass(elevation: Pick<BreakGlass, "until">, timestamp: string): boolean {
  const at = Date.parse(timestamp);
  const end = Date.parse(elevation.until);
  return !Number.isNaN(at) && !Number.isNaN(end) && at < end && at >= end - BREAK_GLASS_MAX_HOURS * 3_600_000;
}

/** Whether an elevation is in force at `now`. */
export function breakGlassActive(elevation: Pick<BreakGlass, "until">, now: string): boolean {
  return Date.parse(elevation.until) > Date.parse(now);
}

/** The tags that record an elevation (values as AWS and Azure accept them). */
export function breakGlassTags(elevation: BreakGlass, tagValue: (value: string) => string): Record<string, string> {
  return {
    [BREAK_GLASS_TAG_KEYS.until]: elevation.until,
    [BREAK_GLASS_TAG_KEYS.approvedBy]: elevation.approvedBy,
    [BREAK_GLASS_TAG_KEYS.reason]: tagValue(elevation.reason),
  };
}
