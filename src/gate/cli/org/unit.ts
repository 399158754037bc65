import type { StackTooLarge } from "../../analyzer/message-limit";
import type { InventoryRecord } from "../../../model/inventory/record";
import type { StackFacts } from "../../../rules/organisation";
import type { SourceFrame } from "../../program/errors";
import type { AgentSummary } from "../check/agents";
import type { ReportLocation } from "../check/locations";
import type { PackInfo } from "../check/packs";
import type { PolicyConfig } from "../check/policy-config";
import type { Violation } from "../check/violations";

/**
 * What the organisation check (`run-org.ts`) and the process that checks one of its programs
 * (`unit-worker.ts`) tell each other: the job, written to a file the process is started with, and
 * its result, written to a file the check reads when the process has ended.
 */

/** One project × stack to check, in a process of its own. */
export interface UnitJob {
  readonly dir: string;
  readonly stack?: string;
  readonly packDirs: readonly string[];
  /** The policy config, without the entries of policies only the organisation check reports. */
  readonly policyConfig?: PolicyConfig;
  readonly configLabel: string;
  readonly preview: boolean;
  readonly cwd: string;
  /** The day risk and review dates are judged on (one for the whole organisation). */
  readonly today: string;
  readonly want: {
    /** The resources for `--json`, written to `resourcesFile`. */
    readonly resources: boolean;
    /** Inventory records, for `--inventory`. */
    readonly inventory: boolean;
  };
  readonly resultFile: string;
  readonly resourcesFile: string;
  readonly stackMessageLimit?: number;
}

/** What the process tells the check while it runs (over its IPC channel). */
export type UnitMessage = { readonly kind: "ran" };

/** A check that could not run, as the error that stopped it. */
export interface UnitFailure {
  readonly name: string;
  readonly message: string;
  readonly location?: SourceFrame;
  readonly kind?: string;
}

/** A violation of one program, with where it was declared. */
export interface UnitViolation extends Violation {
  readonly location: ReportLocation;
}

/** What one program's check found. */
export interface UnitReport {
  readonly project: string;
  readonly stack: string;
  readonly main: string;
  readonly preview: boolean;
  readonly packs: readonly PackInfo[];
  /** Resources the program registered (the stack resource left out). */
  readonly resourceCount: number;
  readonly violations: readonly UnitViolation[];
  readonly agents: readonly AgentSummary[];
  readonly stackTooLarge?: StackTooLarge;
  readonly exitCode: 0 | 1 | 2;
  /** What the organisation rules read of the stack. */
  readonly facts: StackFacts;
  /** Where each agent of `facts` was declared, by URN. */
  readonly agentLocations: Readonly<Record<string, ReportLocation>>;
  readonly inventory?: readonly InventoryRecord[];
  /** The stack's outputs (for `--json`). */
  readonly outputs?: Record<string, unknown>;
  /** Resources written to the job's `resourcesFile`. */
  readonly resourcesWritten: number;
}

/** The result file: the report, or the failure (with what was known of the program before it). */
export type UnitResult =
  | { readonly notes: readonly string[]; readonly report: UnitReport }
  | { readonly notes: readonly string[]; readonly failure: UnitFailure; readonly project?: string };
