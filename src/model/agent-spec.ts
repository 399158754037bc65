import type { Input, Output } from "@pulumi/pulumi";
import type { AccessLevel } from "./access";
import type { ActionClass } from "./action-classes";
import type { DataClass } from "./agent";
import type { CatalogRoleName } from "./role-catalog";
import type { RunsOn, Trust } from "./runs-on";
import type { ToolAccessSpec } from "./tool-spec";

/**
 * What a user writes to declare an agent: the arguments of `new AgentIdentity(name, args)`. These
 * are the package's public types; every rule on them lives in the spec's schema (`./spec.ts`), whose
 * messages name the field and what to change. The declarations stay free of the schema library's
 * own types, so a program compiles against them under any strict `tsconfig.json`.
 */

/** A named resource and what the agent may do to it. */
export interface ResourceGrant {
  /** An AWS ARN, a Google full resource name (`//storage.googleapis.com/…`) or an Azure resource id. */
  readonly resource: string;
  /** What the agent may do: one level or several. */
  readonly access: AccessLevel | readonly AccessLevel[];
  /**
   * Action classes this grant opts into, each needing the spec's `approval`: `delete` (destructive),
   * `export` (data export), `tamper` (configuration tampering), `credentials` (credential exposure).
   */
  readonly include?: readonly ActionClass[];
  /** Marks the resource as holding sensitive data: it raises the agent's risk tier. */
  readonly dataClass?: DataClass;
  /** The last day (`YYYY-MM-DD`) the grant works, on or before `expires`. */
  readonly until?: string;
}

/** A role from agent-iam's catalog, on the resources it applies to (any cloud). */
export interface RoleGrant {
  readonly role: CatalogRoleName;
  /** The resources the role applies to; some roles also hold account-wide actions. */
  readonly resources?: readonly string[];
  readonly dataClass?: DataClass;
  readonly until?: string;
}

/** AWS actions that the IAM catalog marks wildcard-only (they name no resource). */
export interface ActionsGrant {
  readonly actions: readonly string[];
  readonly resource: "*";
  readonly dataClass?: DataClass;
  readonly until?: string;
}

/** One grant of an agent: a named resource, a catalog role, or wildcard-only AWS actions. */
export type GrantSpec = ResourceGrant | RoleGrant | ActionsGrant;

/** `AwsOidcProvider`, or anything else that holds the ARN of an IAM OIDC provider. */
export interface OidcProviderLike {
  readonly arn: Input<string>;
}

/** The AWS side of an agent. */
export interface AwsBlock {
  /**
   * The shared OIDC provider of the agent's issuer: an `AwsOidcProvider`, its ARN output, or an
   * existing provider's ARN. Required unless the agent runs on AWS (`awsWorkload`) or on GCP
   * (`gcpWorkload`: IAM trusts `accounts.google.com` without a provider).
   */
  readonly oidcProvider?: Input<string> | OidcProviderLike;
  /** A permissions boundary for the role (default: the stack config `agent-iam:permissionsBoundary`). */
  readonly permissionsBoundary?: Input<string>;
  /** IAM path of the role (default `/agents/`). */
  readonly path?: string;
}

/** A `GcpWorkloadIdentityPool`: it creates the provider each issuer needs. */
export interface WorkloadIdentityPoolLike {
  readonly name: Output<string>;
  providerFor(trust: Trust, awsRoleName?: string): { readonly name: Output<string> };
}

/** An existing workload identity pool and provider, by full resource name. */
export interface ExistingWorkloadIdentityPool {
  /** `projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID` */
  readonly name: string;
  /** `…/workloadIdentityPools/POOL_ID/providers/PROVIDER_ID` */
  readonly provider: string;
}

/** A `GcpBudgetStopper`: it disables the agent's service account when the budget reaches `stopAt` and on its review date. */
export interface BudgetStopperLike {
  protect(...args: never[]): unknown;
}

/** The GCP side of an agent. */
export interface GcpBlock {
  /** The project that holds the agent's service account. */
  readonly project: string;
  /**
   * The shared `GcpWorkloadIdentityPool`, or an existing pool and provider. Required unless the agent
   * runs on GCP (`gcpWorkload`): then its service account is attached to the workload.
   */
  readonly pool?: WorkloadIdentityPoolLike | ExistingWorkloadIdentityPool;
  /** The billing account that pays for the project (`XXXXXX-XXXXXX-XXXXXX`); required with `budget`. */
  readonly billingAccount?: string;
  /**
   * Disables the agent's service account when the budget reaches `stopAt` and on the review date;
   * required when a grant is on a resource type that takes no IAM condition (Pub/Sub, Artifact
   * Registry, a runtime service account) or the agent delegates on GCP.
   */
  readonly budgetStopper?: BudgetStopperLike;
}

/** The Azure side of an agent. */
export interface AzureBlock {
  /** The subscription of the managed identity (a GUID). */
  readonly subscriptionId: string;
  /** The resource group of the managed identity. */
  readonly resourceGroupName: string;
  /** Where the managed identity lives, as Azure names it (`westeurope`). */
  readonly location: string;
  /** Allows role assignments at subscription or management-group scope; needs `approval`. */
  readonly allowBroadScopes?: boolean;
  /** Further places the same agent runs, trusted on Azure only (Azure holds 20 federated credentials per identity). */
  readonly additionalSubjects?: readonly RunsOn[];
}

/** The agent's monthly cost cap. */
export interface BudgetSpec {
  /** The most the agent may cost in a month, in `currency`. */
  readonly monthly: number;
  /** ISO 4217 code of the billing account's currency (default `USD`). */
  readonly currency?: string;
  /** Who is told at 80 % and 100 % of the amount (at most 5 emails). */
  readonly notify: readonly string[];
  /** The percentage of `monthly` at which the cloud stops the agent (default 100). */
  readonly stopAt?: number;
}

/** A time-boxed elevation: at most 24 hours, approved by someone other than the owner. */
export interface BreakGlassSpec {
  /** The grants the elevation adds; they end at `until` (no `until` of their own). */
  readonly grants: readonly GrantSpec[];
  /** Why the agent needs the elevation. */
  readonly reason: string;
  /** The email of the person who approved it. */
  readonly approvedBy: string;
  /** When the elevation ends: an ISO 8601 date-time at most 24 hours ahead. */
  readonly until: string;
}

/** An `AgentIdentity`, as another agent's `delegatesTo` names it. */
export interface AgentReference {
  readonly agentId: string;
}

/** Another agent this agent may act as: its id, the `AgentIdentity` itself, or either limited to some clouds. */
export type DelegationSpec =
  | string
  | AgentReference
  | { readonly agent: string | AgentReference; readonly clouds?: readonly ("aws" | "gcp")[] };

/** Everything `new AgentIdentity(name, args)` accepts. */
export interface AgentSpec {
  /** The email of the person accountable for the agent. */
  readonly owner: string;
  readonly team?: string;
  /** Cost center, for cost attribution (up to 64 letters, digits or `_.:/=+@-`). */
  readonly costCenter?: string;
  /** What the agent does, in plain words (10 to 200 characters). */
  readonly purpose: string;
  /** The stack's environment, such as `dev`, `staging` or `prod`: one identity per environment. */
  readonly environment: string;
  /** The review date (`YYYY-MM-DD`, not in the past): access ends then, even if nobody runs Pulumi. */
  readonly expires: string;
  /**
   * Where the agent runs: `githubActions(…)`, `gitlabCi(…)`, `kubernetes(…)`, `oidc(…)`, or a cloud's
   * own compute: `awsWorkload(…)`, `gcpWorkload(…)`, `azureWorkload(…)` (its other clouds federate from it).
   */
  readonly runsOn: RunsOn;
  readonly grants?: readonly GrantSpec[];
  /** Seconds (default 3600); 900 at the least; above 3600 only with `allowLongSessions`. */
  readonly maxSessionDuration?: number;
  readonly allowLongSessions?: boolean;
  /** The kill switch: the agent keeps its identities but can do nothing. */
  readonly disabled?: boolean;
  /** The security team's approval ticket (`SEC-1234` or an https link), for high-risk grants. */
  readonly approval?: string;
  readonly aws?: AwsBlock;
  readonly gcp?: GcpBlock;
  readonly azure?: AzureBlock;
  readonly budget?: BudgetSpec;
  readonly breakGlass?: BreakGlassSpec;
  readonly delegatesTo?: readonly DelegationSpec[];
  /** The tools it may call on its environment's `AgentGateway`, each optionally with conditions on its arguments. */
  readonly tools?: ToolAccessSpec;
}

/** Options of `planAgent` (src/clouds/plan.ts). */
export interface ParseOptions {
  /** The day to judge expiry against (default: today, UTC; or the day of `now`). */
  readonly today?: string;
  /** The instant to judge a break-glass elevation against (ISO 8601, default: now). */
  readonly now?: string;
}

/** One problem in a spec: where it is and what to change. */
export interface SpecProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown for an invalid spec: one message that lists every problem with its field path. */
export class AgentSpecError extends Error {
  constructor(
    readonly agent: string,
    readonly problems: readonly SpecProblem[],
  ) {
    super(
      `agent "${agent}" is not valid:\n${problems.map((problem) => `  - ${problem.path || "(spec)"}: ${problem.message}`).join("\n")}`,
    );
    this.name = "AgentSpecError";
  }
}

/** `["grants", 0, "resource"]` → `grants[0].resource`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    "",
  );
}
