import type { AccessLevel } from "./access";
import type { HighRiskClass } from "./high-risk-actions";
import type { Trust } from "./issuers";
import type { Cloud, ResolvedResource } from "./resources";

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
}

/** Account-wide actions (AWS wildcard-only actions, or a catalog role's account-wide needs). */
export interface AccountWideGrant {
  readonly cloud: Cloud;
  readonly actions: readonly string[];
  readonly role?: string;
  readonly until?: string;
}

/**
 * The validated, cloud-agnostic agent: what every component, the policy pack and the CLI agree an
 * agent is. Built only by `parseAgentSpec`.
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
}
