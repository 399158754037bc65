import { z } from "zod";
import { ACCESS_LEVELS } from "../access";
import { ACTION_CLASSES } from "../action-classes";
import { DATA_CLASSES } from "../agent";
import { CLOUDS } from "../resources";
import { RISK_TIERS } from "../risk/rules";
import { TOOL_RISK_CLASSES } from "../tools";

/**
 * The inventory record: what security and compliance people read about one agent. One zod schema
 * is the source of truth; `inventory.schema.json` next to this file is generated from it
 * (`z.toJSONSchema`) and a test keeps the two equal.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe("A calendar date, YYYY-MM-DD (UTC)");

/** One grant, in plain words and in detail. */
export const inventoryGrantSchema = z
  .object({
    cloud: z.enum(CLOUDS),
    /** The resource as the spec names it: an ARN, a Google full resource name or an Azure resource id; `*` for account-wide actions. */
    resource: z.string(),
    /** The cloud's type of the resource (`s3:bucket`, `storage.googleapis.com/Bucket`); `account` for account-wide actions. */
    resourceType: z.string(),
    access: z.array(z.enum(ACCESS_LEVELS)),
    /** High-risk action classes the grant opted into. */
    include: z.array(z.enum(ACTION_CLASSES)),
    /** The exact actions of an account-wide grant; empty for a grant on a named resource (its actions follow from the access levels). */
    actions: z.array(z.string()),
    dataClass: z.enum(DATA_CLASSES).nullable(),
    until: isoDate.nullable(),
    role: z.string().nullable(),
    /** The grant in one plain sentence: "read and list the S3 bucket acme-prod-source (holds PII)". */
    summary: z.string(),
  })
  .strict()
  .describe("One grant of the agent");

/** One tool the agent may call through its gateway, in plain words and in detail. */
export const inventoryToolSchema = z
  .object({
    gateway: z.string(),
    target: z.string(),
    tool: z.string(),
    /** The tool's name on the gateway, as its policies and decision traces name it: `TARGET___tool`. */
    action: z.string(),
    /** The conditions on its arguments, each in words; empty when it may call the tool with any. */
    conditions: z.array(z.string()),
    risk: z.enum(TOOL_RISK_CLASSES).nullable(),
    /** The tool in one plain sentence: "may call jira create_issue when project is "OPS"". */
    summary: z.string(),
  })
  .strict()
  .describe("One tool the agent may call through its gateway");

/** The agent's identity on AWS: its IAM role. */
export const awsIdentitySchema = z
  .object({ roleArn: z.string().nullable(), roleName: z.string().nullable() })
  .strict()
  .describe("AWS: the IAM role the agent assumes with its OIDC token");

/** The agent's identity on Google Cloud: its service account. */
export const gcpIdentitySchema = z
  .object({
    serviceAccountEmail: z.string().nullable(),
    project: z.string().nullable(),
    uniqueId: z.string().nullable(),
  })
  .strict()
  .describe("Google Cloud: the service account the agent's federated identity acts as");

/** The agent's identity on Azure: its user-assigned managed identity. */
export const azureIdentitySchema = z
  .object({
    clientId: z.string().nullable(),
    principalId: z.string().nullable(),
    /** The managed identity's Azure resource id. */
    resourceId: z.string().nullable(),
    tenantId: z.string().nullable(),
  })
  .strict()
  .describe("Azure: the user-assigned managed identity with the agent's federated credential");

export const inventoryRecordSchema = z
  .object({
    project: z
      .string()
      .optional()
      .describe("The Pulumi project that declares the agent: set in an organisation's inventory (agent-iam check DIR)"),
    id: z.string().describe("The agent id (its component name): in every tag, role session name and audit record"),
    owner: z.string().describe("The person accountable for the agent"),
    team: z.string().nullable(),
    costCenter: z.string().nullable(),
    purpose: z.string(),
    environment: z.string(),
    /**
     * When the agent was first deployed: the earliest creation time a cloud reports for its
     * identities (AWS IAM role `createDate`, Azure `systemData.createdAt`). `null` when it is not
     * deployed, or when the inventory was built offline (`agent-iam inventory`, `check`): no cloud was asked.
     */
    created: z
      .string()
      .nullable()
      .describe("First deploy (ISO 8601) as the cloud reports it; null when not deployed or built offline"),
    expires: isoDate.describe("Review date: the identity must be reviewed or removed by then"),
    daysToExpiry: z.number().int().describe("Days from the inventory date to the review date; negative once passed"),
    status: z
      .enum(["active", "disabled"])
      .describe("disabled: the kill switch is on (disabled: true, or the owner is in departedOwners)"),
    /** Why the agent is disabled: `disabled` (the spec says so) or `owner-departed` (its owner is listed in `agent-iam:departedOwners`). */
    disabledReason: z.enum(["disabled", "owner-departed"]).nullable(),
    approval: z.string().nullable(),
    issuer: z
      .object({
        kind: z.enum([
          "github-actions",
          "gitlab-ci",
          "kubernetes",
          "oidc",
          "aws-workload",
          "gcp-workload",
          "azure-workload",
        ]),
        url: z.string(),
        /** The exact subject the identity trusts, and only it. */
        subject: z.string(),
        audience: z.string().nullable(),
      })
      .strict(),
    home: z
      .object({
        cloud: z.enum(CLOUDS),
        service: z.string(),
        attachedTo: z.string(),
        federatedTo: z.array(z.enum(CLOUDS)),
      })
      .strict()
      .nullable()
      .default(null)
      .describe(
        "When a cloud's own compute runs the agent: the home cloud and service, what its identity is attached to, and the clouds that trust that identity (federated, nothing stored); null for an agent trusted from an OIDC issuer",
      ),
    maxSessionSeconds: z.number().int(),
    clouds: z.array(z.enum(CLOUDS)),
    identities: z
      .object({
        aws: awsIdentitySchema.optional(),
        gcp: gcpIdentitySchema.optional(),
        azure: azureIdentitySchema.optional(),
      })
      .strict()
      .describe("Per cloud, the identity the agent uses; absent for a cloud it is not on"),
    grants: z.array(inventoryGrantSchema),
    /** Everything the agent can do, one plain sentence per grant. */
    canDo: z.array(z.string()),
    tools: z
      .array(inventoryToolSchema)
      .describe("The tools it may call through its environment's gateway (beside its cloud grants)"),
    /** Whether the agent can write (or change permissions) in a production environment. */
    writesProd: z.boolean(),
    /** Whether a grant touches a resource marked as holding sensitive data. */
    touchesSensitiveData: z.boolean(),
    budget: z
      .object({
        monthly: z.number(),
        currency: z.string(),
        /** Who is told at 80 % and 100 %. */
        notify: z.array(z.string()),
        /** The percentage of the monthly amount at which the cloud stops the agent. */
        stopAt: z.number(),
      })
      .strict()
      .nullable()
      .describe("The monthly cost cap (budget); null when the agent has none"),
    breakGlass: z
      .object({
        reason: z.string(),
        approvedBy: z.string(),
        /** When the elevation ends (ISO 8601, UTC); every cloud ends its grants then. */
        until: z.string(),
        /** Whether it is still in force at the inventory's date and time. */
        active: z.boolean(),
        /** The elevated grants, one plain sentence each. */
        grants: z.array(z.string()),
      })
      .strict()
      .nullable()
      .describe("A time-boxed elevation (break-glass); null when there is none"),
    delegatesTo: z.array(z.string()).describe("Ids of the agents this agent may act as (delegatesTo)"),
    risk: z
      .object({
        tier: z.enum(RISK_TIERS),
        reasons: z.array(z.object({ rule: z.string(), text: z.string() }).strict()),
      })
      .strict()
      .describe("See docs/risk.md"),
    stack: z
      .string()
      .optional()
      .describe(
        "The Pulumi stack the record was read from or declared in (ORG/PROJECT/STACK or PROJECT/STACK; PROJECT/STACK in an organisation's inventory); absent when not known",
      ),
    unknownValues: z
      .array(z.object({ field: z.string(), reason: z.string() }).strict())
      .describe(
        "Every cloud-assigned value that is null in this record (identities.azure.clientId, created, ...), with why it is not known",
      ),
  })
  .strict()
  .describe("One agent identity in the agent-iam inventory");

/** Where an inventory's records came from, and when. */
export const inventorySourceSchema = z
  .object({
    kind: z
      .enum(["program", "state"])
      .describe("program: a run of the program under mocks; state: pulumi stack export documents"),
    from: z.array(z.string()).describe("The program folder and stacks, or the stack exports, that were read"),
    at: z
      .string()
      .optional()
      .describe("state: the newest deployment time of the exports (ISO 8601); absent for a program run"),
  })
  .strict();

/** A difference between what the program declares and what a stack's state holds. */
export const driftItemSchema = z
  .object({
    kind: z.enum(["not-deployed", "not-in-code", "grants-differ", "trust-differs"]),
    agent: z.string(),
    stack: z.string(),
    detail: z.string(),
  })
  .strict();

/** The inventory document: `{ "generated": DATE, "agents": [record, ...] }`. */
export const inventoryDocumentSchema = z
  .object({
    /** The day the inventory was computed for (risk and days to expiry depend on it). */
    generated: isoDate.optional(),
    source: inventorySourceSchema.optional(),
    agents: z.array(inventoryRecordSchema),
    drift: z.array(driftItemSchema).optional(),
  })
  .describe("The agent-iam inventory");
