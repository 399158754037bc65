import { z } from "zod";
import { ACTION_CLASSES } from "./action-classes";
import { ACCESS_LEVELS } from "./access";
import { DATA_CLASSES, type Agent } from "./agent";
import { CLOUDS } from "./resources";
import { TOOL_ARGUMENT_TYPES, TOOL_RISK_CLASSES } from "./tools";

/**
 * The {@link Agent} model as it travels as data: `AgentIdentity` registers it as its component
 * input (`{ agent, ownerDeparted }`), so a recorded program run, a state file or a policy pack sees
 * the validated agent and not only the resources made from it. This schema reads it back.
 */

const resolvedResourceSchema = z.object({
  cloud: z.enum(CLOUDS),
  ref: z.string(),
  nativeType: z.string(),
  kind: z.string().optional(),
});

export const agentModelSchema = z.object({
  id: z.string(),
  owner: z.string(),
  team: z.string().optional(),
  costCenter: z.string().optional(),
  purpose: z.string(),
  environment: z.string(),
  expires: z.string(),
  trust: z.object({
    kind: z.enum([
      "github-actions",
      "gitlab-ci",
      "kubernetes",
      "oidc",
      "aws-workload",
      "gcp-workload",
      "azure-workload",
    ]),
    issuerUrl: z.string(),
    issuerHost: z.string(),
    subject: z.string(),
    audience: z.string().optional(),
    ownerClaim: z.object({ claim: z.string(), value: z.string() }),
    claims: z.record(z.string(), z.string()),
    subjectEnvironment: z.string().optional(),
    // The workload's own fields differ per cloud and service (runs-on.ts, WorkloadHome): kept as written.
    workload: z.looseObject({ cloud: z.enum(CLOUDS), service: z.string() }).optional(),
  }),
  grants: z.array(
    z.object({
      resource: resolvedResourceSchema,
      access: z.array(z.enum(ACCESS_LEVELS)),
      include: z.array(z.enum(ACTION_CLASSES)),
      dataClass: z.enum(DATA_CLASSES).optional(),
      until: z.string().optional(),
      role: z.string().optional(),
      endsAt: z.string().optional(),
      breakGlass: z.literal(true).optional(),
    }),
  ),
  accountWide: z.array(
    z.object({
      cloud: z.enum(CLOUDS),
      actions: z.array(z.string()),
      role: z.string().optional(),
      until: z.string().optional(),
      endsAt: z.string().optional(),
      breakGlass: z.literal(true).optional(),
    }),
  ),
  maxSessionDuration: z.number(),
  disabled: z.boolean(),
  approval: z.string().optional(),
  clouds: z.array(z.enum(CLOUDS)),
  budget: z
    .object({ monthly: z.number(), currency: z.string(), notify: z.array(z.string()), stopAt: z.number() })
    .optional(),
  breakGlass: z.object({ reason: z.string(), approvedBy: z.string(), until: z.string() }).optional(),
  /** Absent in models recorded before delegation existed. */
  delegatesTo: z.array(z.object({ agent: z.string(), clouds: z.array(z.enum(CLOUDS)).optional() })).default([]),
  /** Absent in models recorded before tools existed. */
  tools: z
    .array(
      z.object({
        gateway: z.string(),
        target: z.string(),
        tool: z.string(),
        action: z.string(),
        tests: z.array(
          z.object({
            argument: z.string(),
            type: z.enum(TOOL_ARGUMENT_TYPES),
            required: z.boolean(),
            operator: z.enum(["==", "in", "<", "<=", ">", ">="]),
            value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]),
          }),
        ),
        risk: z.enum(TOOL_RISK_CLASSES).optional(),
      }),
    )
    .default([]),
});

/** Reads an agent model registered as data; undefined when the value is not one. */
export function readAgentModel(value: unknown): Agent | undefined {
  const parsed = agentModelSchema.safeParse(value);
  return parsed.success ? (parsed.data as Agent) : undefined;
}
