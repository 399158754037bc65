import type { AccessLevel } from "../access";
import type { ActionClass } from "../action-classes";
import type { DataClass } from "../agent";
import type { IssuerKind } from "../runs-on";
import type { Cloud } from "../resources";
import type { RiskTier } from "../risk/rules";
import type { ToolRiskClass } from "../tool-spec";

/**
 * The inventory record: what security and compliance people read about one agent. These are the
 * public types; the schema every record is checked against, and the JSON Schema generated from it,
 * are in `./schema.ts` (a test keeps the two the same). A value a cloud assigns when it creates the
 * identity is `null` until it is known.
 */

/** One grant, in plain words and in detail. */
export interface InventoryGrant {
  readonly cloud: Cloud;
  /** The resource as the spec names it: an ARN, a Google full resource name or an Azure resource id; `*` for account-wide actions. */
  readonly resource: string;
  /** The cloud's type of the resource (`s3:bucket`, `storage.googleapis.com/Bucket`); `account` for account-wide actions. */
  readonly resourceType: string;
  readonly access: AccessLevel[];
  /** High-risk action classes the grant opted into. */
  readonly include: ActionClass[];
  /** The exact actions of an account-wide grant; empty for a grant on a named resource. */
  readonly actions: string[];
  readonly dataClass: DataClass | null;
  readonly until: string | null;
  readonly role: string | null;
  /** The grant in one plain sentence: "read and list the S3 bucket acme-prod-source (holds PII)". */
  readonly summary: string;
}

/** One tool the agent may call through its gateway, in plain words and in detail. */
export interface InventoryTool {
  /** The gateway's name. */
  readonly gateway: string;
  readonly target: string;
  readonly tool: string;
  /** The tool's name on the gateway, as its policies and decision traces name it: `TARGET___tool`. */
  readonly action: string;
  /** The conditions on its arguments, each in words (`project is "OPS"`); empty when it may call the tool with any. */
  readonly conditions: string[];
  /** Its high-risk class in the gateway's catalog; `null` when it has none. */
  readonly risk: ToolRiskClass | null;
  /** The tool in one plain sentence: "may call jira create_issue when project is "OPS"". */
  readonly summary: string;
}

/** AWS: the IAM role the agent assumes with its OIDC token. */
export interface AwsIdentity {
  /** Assigned by AWS: `null` until the role exists. */
  readonly roleArn: string | null;
  readonly roleName: string | null;
}

/** Google Cloud: the service account the agent's federated identity acts as. */
export interface GcpIdentity {
  readonly serviceAccountEmail: string | null;
  readonly project: string | null;
  /** Assigned by Google: `null` until the service account exists. */
  readonly uniqueId: string | null;
}

/** Azure: the user-assigned managed identity with the agent's federated credential. */
export interface AzureIdentity {
  /** Assigned by Microsoft Entra ID: `null` until the identity exists. */
  readonly clientId: string | null;
  /** Assigned by Microsoft Entra ID: `null` until the identity exists. */
  readonly principalId: string | null;
  /** The managed identity's Azure resource id. */
  readonly resourceId: string | null;
  readonly tenantId: string | null;
}

/** Per cloud, the identity the agent uses; absent for a cloud it is not on. */
export interface AgentCloudIdentities {
  readonly aws?: AwsIdentity;
  readonly gcp?: GcpIdentity;
  readonly azure?: AzureIdentity;
}

/** One agent identity in the inventory. */
export interface InventoryRecord {
  /**
   * The Pulumi project that declares the agent: set in an organisation's inventory
   * (`agent-iam check DIR --inventory`, several programs), absent for one program's.
   */
  readonly project?: string;
  /** The agent id (its component name): in every tag, role session name and audit record. */
  readonly id: string;
  /** The person accountable for the agent. */
  readonly owner: string;
  readonly team: string | null;
  readonly costCenter: string | null;
  readonly purpose: string;
  readonly environment: string;
  /** First deploy (ISO 8601) as the cloud reports it; `null` when not deployed or built offline. */
  readonly created: string | null;
  /** Review date: the identity must be reviewed or removed by then. */
  readonly expires: string;
  /** Days from the inventory date to the review date; negative once passed. */
  readonly daysToExpiry: number;
  /** `disabled`: the kill switch is on (`disabled: true`, or the owner is in `departedOwners`). */
  readonly status: "active" | "disabled";
  readonly disabledReason: "disabled" | "owner-departed" | null;
  readonly approval: string | null;
  readonly issuer: {
    readonly kind: IssuerKind;
    readonly url: string;
    /** The exact subject the identity trusts, and only it. */
    readonly subject: string;
    readonly audience: string | null;
  };
  /**
   * When a cloud's own compute runs the agent (`awsWorkload`, `gcpWorkload`, `azureWorkload`): the home
   * cloud and service, what its identity is attached to, and the clouds that trust that identity.
   * `null` for an agent trusted from an OIDC issuer.
   */
  readonly home: {
    readonly cloud: Cloud;
    readonly service: string;
    readonly attachedTo: string;
    readonly federatedTo: Cloud[];
  } | null;
  readonly maxSessionSeconds: number;
  readonly clouds: Cloud[];
  readonly identities: AgentCloudIdentities;
  readonly grants: InventoryGrant[];
  /** Everything the agent can do, one plain sentence per grant. */
  readonly canDo: string[];
  /** The tools it may call through its environment's gateway (beside its cloud grants). */
  readonly tools: InventoryTool[];
  /** Whether the agent can write (or change permissions) in a production environment. */
  readonly writesProd: boolean;
  /** Whether a grant touches a resource marked as holding sensitive data. */
  readonly touchesSensitiveData: boolean;
  /** The monthly cost cap; `null` when the agent has none. */
  readonly budget: {
    readonly monthly: number;
    readonly currency: string;
    /** Who is told at 80 % and 100 %. */
    readonly notify: string[];
    /** The percentage of the monthly amount at which the cloud stops the agent. */
    readonly stopAt: number;
  } | null;
  /** A time-boxed elevation; `null` when there is none. */
  readonly breakGlass: {
    readonly reason: string;
    readonly approvedBy: string;
    /** When the elevation ends (ISO 8601, UTC); every cloud ends its grants then. */
    readonly until: string;
    /** Whether it is still in force at the inventory's date and time. */
    readonly active: boolean;
    /** The elevated grants, one plain sentence each. */
    readonly grants: string[];
  } | null;
  /** Ids of the agents this agent may act as (`delegatesTo`). */
  readonly delegatesTo: string[];
  /** See docs/risk.md. */
  readonly risk: {
    readonly tier: RiskTier;
    readonly reasons: { readonly rule: string; readonly text: string }[];
  };
  /**
   * The Pulumi stack the record was read from or declared in (`ORG/PROJECT/STACK` or `PROJECT/STACK`;
   * `PROJECT/STACK` in an organisation's inventory); absent when not known.
   */
  readonly stack?: string;
  /** Every cloud-assigned value that is `null` in this record, with why it is not known (see `cloud-assigned.ts`). */
  readonly unknownValues: { readonly field: string; readonly reason: string }[];
}

/** Where an inventory's records came from, and when. */
export interface InventorySource {
  /** `program`: a run of the program under mocks (nothing a cloud assigns is known); `state`: `pulumi stack export` documents. */
  readonly kind: "program" | "state";
  /** The program folder and stacks, or the stack exports (file and stack), that were read. */
  readonly from: string[];
  /**
   * `state`: the newest deployment time of the exports (ISO 8601). Absent for a program run: the
   * document's `generated` day says when, so the same program gives the same bytes.
   */
  readonly at?: string;
}

/** A difference between what the program declares and what a stack's state holds. */
export interface DriftItem {
  /** `not-deployed`: in code, not in the state; `not-in-code`: deployed, no longer in code; `grants-differ`, `trust-differs`. */
  readonly kind: "not-deployed" | "not-in-code" | "grants-differ" | "trust-differs";
  readonly agent: string;
  readonly stack: string;
  /** What differs, in one sentence. */
  readonly detail: string;
}

/** The inventory document: `{ "generated": DATE, "agents": [record, ...] }`. */
export interface InventoryDocument {
  /** The day the inventory was computed for (risk and days to expiry depend on it). */
  readonly generated?: string;
  /** Where the records came from and when. */
  readonly source?: InventorySource;
  readonly agents: InventoryRecord[];
  /** Differences between the program and the deployed state, when both were read. */
  readonly drift?: DriftItem[];
}
