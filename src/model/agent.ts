import type { AccessLevel } from "./access";
import type { HighRiskClass } from "./action-classes";
import type { Trust } from "./runs-on";
import type { Cloud, ResolvedResource } from "./resources";
import type { ToolArgumentType, ToolRiskClass } from "./tool-spec";

/** A data class that makes a resource sensitive: grants on it raise the agent's risk. */
export const DATA_CLASSES = ["pii", "financial", "credentials"] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** One grant after validation: a named resource on one cloud and what the agent may do to it. */
export interface ResolvedGrant {
  readonly resource: ResolvedResource;
  readonly access: readonly AccessLevel[];
  /** High-risk action classes the user opted into (they require an approval). */
  readonly include: readonly HighRiskClass[];
  readonly dataClass?: DataClass;
  /** Last day (`YYYY-MM-DD`, UTC) the grant works; access ends at 00:00Z on the next day. */
  readonly until?: string;
  /** The catalog role this grant came from, if any. */
  readonly role?: string;
  /** The exact instant (ISO 8601, UTC) access ends: set on break-glass grants, which end at `breakGlass.until`. */
  readonly endsAt?: string;
  /** Granted under the agent's break-glass elevation (see {@link BreakGlass}). */
  readonly breakGlass?: true;
}

/** One test on a call's argument, as every policy language needs it. */
export interface ToolArgumentTest {
  readonly argument: string;
  readonly type: ToolArgumentType;
  /** Whether the tool's schema requires the argument (else the test first checks it is present). */
  readonly required: boolean;
  readonly operator: "==" | "in" | "<" | "<=" | ">" | ">=";
  readonly value: string | number | boolean | readonly (string | number)[];
}

/** One tool an agent may call, checked against its gateway's catalog. */
export interface ResolvedToolGrant {
  /** The gateway's name. */
  readonly gateway: string;
  readonly target: string;
  readonly tool: string;
  /** The tool's name on the gateway, as policies name it: `TARGET___tool` (three underscores). */
  readonly action: string;
  /** All must hold. */
  readonly tests: readonly ToolArgumentTest[];
  /** The tool's high-risk class in the catalog, if it has one. */
  readonly risk?: ToolRiskClass;
}

/** Account-wide actions (AWS wildcard-only actions, or a catalog role's account-wide needs). */
export interface AccountWideGrant {
  readonly cloud: Cloud;
  readonly actions: readonly string[];
  readonly role?: string;
  readonly until?: string;
  /** The exact instant (ISO 8601, UTC) access ends, for break-glass grants. */
  readonly endsAt?: string;
  readonly breakGlass?: true;
}

/** The agent's monthly cost cap (`budget` in the spec). */
export interface AgentBudget {
  /** The monthly amount, in `currency`. */
  readonly monthly: number;
  /** ISO 4217 code (default `USD`). */
  readonly currency: string;
  /** Who is told at 80 % and 100 % of the amount. */
  readonly notify: readonly string[];
  /** The percentage of the amount at which the cloud stops the agent (default 100). */
  readonly stopAt: number;
}

/**
 * A time-boxed elevation (`breakGlass` in the spec): its grants are in `Agent.grants` and
 * `Agent.accountWide` marked `breakGlass: true`, each ending at `until` on every cloud.
 */
export interface BreakGlass {
  /** Why the elevation was needed, in plain words. */
  readonly reason: string;
  /** The email of the person who approved it (not the owner). */
  readonly approvedBy: string;
  /** The instant the elevation ends (ISO 8601, UTC, at most 24 hours after it was declared). */
  readonly until: string;
}

/**
 * Another agent this agent may act as (`delegatesTo` in the spec), by id: the other
 * `AgentIdentity`'s name in the same program.
 */
export interface DelegationTarget {
  /** The other agent's id. */
  readonly agent: string;
  /** The clouds the delegation is limited to (`{ agent, clouds }`); absent: every cloud both agents share. */
  readonly clouds?: readonly Cloud[];
}

/**
 * The validated, cloud-agnostic agent: what every component, the policy pack and the CLI agree an
 * agent is. Built only by `planAgent`.
 */
export interface Agent {
  /** Stable id: the component name. Unique in a stack; appears in every tag and audit record. */
  readonly id: string;
  readonly owner: string;
  readonly team?: string;
  readonly costCenter?: string;
  readonly purpose: string;
  readonly environment: string;
  /** Review date (`YYYY-MM-DD`). */
  readonly expires: string;
  readonly trust: Trust;
  readonly grants: readonly ResolvedGrant[];
  readonly accountWide: readonly AccountWideGrant[];
  readonly maxSessionDuration: number;
  readonly disabled: boolean;
  readonly approval?: string;
  /** The clouds the agent has an identity on, in a fixed order. */
  readonly clouds: readonly Cloud[];
  /** The monthly cost cap, when the spec sets one. */
  readonly budget?: AgentBudget;
  /** The active break-glass elevation, when the spec declares one. */
  readonly breakGlass?: BreakGlass;
  /** The agents this agent may act as. */
  readonly delegatesTo: readonly DelegationTarget[];
  /** The tools it may call on its environment's gateway (`tools` in the spec), each checked against the gateway's catalog. */
  readonly tools: readonly ResolvedToolGrant[];
}
