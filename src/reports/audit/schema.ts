import { z } from "zod";
import { CLOUDS } from "../../model/resources";

/**
 * The action record: one cloud audit-log event, attributed to the agent that made it and the person
 * accountable for it. The mission's fields are `action_id, agent_id, requested_by, owner,
 * tool/action, resource, policy_decision, approval, timestamp, result, cloud, environment`; the
 * `tool/action` field is named `action` here (a JSON key without a slash): the API operation the
 * agent's tool called. The last four fields say where the record came from and why it was
 * attributed, so an unattributed event still names who did it.
 */
export const actionRecordSchema = z
  .object({
    action_id: z
      .string()
      .describe("The event's own id: CloudTrail eventID, Cloud Audit Logs insertId, Activity Log eventDataId"),
    agent_id: z
      .string()
      .nullable()
      .describe("The agent that made the call; null when no agent of the inventory matches (unattributed)"),
    requested_by: z
      .string()
      .nullable()
      .describe(
        "On whose behalf: the source identity (AWS), the federated subject that impersonated the service account (GCP), else the exact subject the agent's identity trusts; null when unknown",
      ),
    owner: z.string().nullable().describe("The person accountable for the agent (from the inventory)"),
    action: z
      .string()
      .describe(
        "The tool/action: the API operation called (s3:GetObject, storage.objects.get, Microsoft.Storage/storageAccounts/read)",
      ),
    resource: z
      .string()
      .nullable()
      .describe(
        "What it was called on (s3://bucket/key, an ARN, gs://bucket/object, an Azure resource id); null when the log names none",
      ),
    policy_decision: z.enum(["allowed", "denied"]).describe("What the cloud's authorization decided"),
    approval: z.string().nullable().describe("The agent's approval ticket, when it has one (from the inventory)"),
    timestamp: z.string().describe("When the call was made, as the log says (ISO 8601)"),
    result: z
      .enum(["success", "failure", "started"])
      .describe("success, failure (denied or failed), or started (an Azure operation's start record)"),
    cloud: z.enum(CLOUDS),
    environment: z.string().nullable().describe("The agent's environment (from the inventory)"),
    principal: z.string().describe("The identity as the log names it (assumed-role ARN, principal email, caller)"),
    error_code: z.string().nullable().describe("The log's error code or status, when the call failed"),
    attributed_via: z
      .enum(["identity", "source-identity", "role-chain", "delegation", "subject", "federated-role"])
      .nullable()
      .describe(
        "How the agent was found: its own identity (role, service account, managed identity), AWS source identity, a role chain from its session, GCP delegation from its service account, its federated subject, or the agent's AWS role federated into another cloud",
      ),
    source: z
      .object({ file: z.string(), offset: z.number().int().nonnegative() })
      .strict()
      .describe("The log file and the byte offset of the event in it (decompressed)"),
    break_glass: z
      .object({ until: z.string(), approved_by: z.string(), reason: z.string() })
      .strict()
      .optional()
      .describe(
        "Present when the agent made the call under a break-glass elevation (the inventory's breakGlass): when it ended, who approved it and why",
      ),
  })
  .strict()
  .describe("One cloud audit-log event attributed to an agent");

/** One attributed (or unattributed) action. */
export type ActionRecord = z.infer<typeof actionRecordSchema>;
