import type { Cloud } from "../resources";

/**
 * The values of an inventory record that a cloud assigns when it creates the agent's identity (or
 * that name the account the identity lives in), so a run of the program cannot know them: the
 * offline inventory writes them `null`, with the reason, as a `pulumi preview` leaves them unknown.
 * Values agent-iam chooses itself (the role name, the service account email built from its account
 * id and project) are not here.
 */
export interface CloudAssignedValue {
  /** The cloud whose identity holds the value; `null` for values of the record itself. */
  readonly cloud: Cloud | null;
  /** The record field, as a path: `identities.azure.clientId`, `created`. */
  readonly field: string;
  /** Who assigns it and when, in one clause. */
  readonly assignedBy: string;
}

/**
 * Sources: AWS IAM User Guide, "IAM identifiers" (a role's ARN holds the account id); Google Cloud IAM,
 * "Service accounts" (the unique id is assigned on creation); Azure, "Managed identities for Azure
 * resources" (a user-assigned identity's client id and principal id are created with it, in the
 * subscription's Microsoft Entra tenant); ARM "Resource ID" (it starts with the subscription id).
 */
export const CLOUD_ASSIGNED_VALUES: readonly CloudAssignedValue[] = [
  {
    cloud: "aws",
    field: "identities.aws.roleArn",
    assignedBy: "AWS writes the account id into the role's ARN when it creates the role",
  },
  {
    cloud: "gcp",
    field: "identities.gcp.serviceAccountEmail",
    assignedBy: "Google derives it from the service account id and the project it is created in",
  },
  {
    cloud: "gcp",
    field: "identities.gcp.uniqueId",
    assignedBy: "Google assigns the service account's unique id when it creates it",
  },
  {
    cloud: "azure",
    field: "identities.azure.clientId",
    assignedBy: "Microsoft Entra ID assigns the managed identity's client id when it creates it",
  },
  {
    cloud: "azure",
    field: "identities.azure.principalId",
    assignedBy: "Microsoft Entra ID assigns the managed identity's principal (object) id when it creates it",
  },
  {
    cloud: "azure",
    field: "identities.azure.resourceId",
    assignedBy: "the resource id starts with the subscription the identity is created in",
  },
  {
    cloud: "azure",
    field: "identities.azure.tenantId",
    assignedBy: "the tenant is the one of the subscription the identity is created in",
  },
  { cloud: null, field: "created", assignedBy: "the cloud records when it created the agent's identity" },
];

/** Why values are unknown, per origin of the inventory. */
export const UNKNOWN_BECAUSE = {
  program: "this inventory was built from the program, offline, so it is known after deploy",
  state: "the stack's state does not hold it (the identity is not created yet, or its provider does not report it)",
} as const;

/** An unknown value of a record: its field and why it is not known. */
export interface UnknownValue {
  readonly field: string;
  readonly reason: string;
}

function valueAt(record: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The cloud-assigned values that are `null` in a record, each with its reason: for the clouds the
 * agent has an identity on, and the creation time.
 */
export function unknownValuesOf(
  record: { readonly identities: Readonly<Record<string, unknown>>; readonly created: string | null },
  because: string,
): UnknownValue[] {
  return CLOUD_ASSIGNED_VALUES.filter(
    (value) =>
      (value.cloud === null || record.identities[value.cloud] !== undefined) &&
      valueAt(record as Record<string, unknown>, value.field) === null,
  ).map((value) => ({ field: value.field, reason: `${value.assignedBy}; ${because}` }));
}
