import { z } from "zod";
import type { ResourceRule } from "./support/rule";
import { AWS_ROLE_TYPE, awsRoleAgentStatus } from "./support/agents";
import { knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity } from "./support/common";

/**
 * `permissions-boundary-required`: an agent role carries a permissions boundary, the ceiling no
 * later grant can exceed. Advisory by default; when the team names a boundary (this config's
 * `permissionsBoundaryArn`, else the stack config `agent-iam:permissionsBoundary` that
 * `AgentIdentity` applies), a missing or different boundary is mandatory.
 */

export const boundariesConfig = z
  .object({
    permissionsBoundaryArn: z
      .string()
      .regex(/^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}|aws):policy\/.+$/, {
        message: "an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)",
      })
      .optional()
      .describe("The boundary every agent role must carry; naming one makes this policy mandatory"),
  })
  .strict();
export type BoundariesConfig = z.output<typeof boundariesConfig>;

/** The boundary the team requires: this config's, else the stack's `agent-iam:permissionsBoundary`. */
export function requiredBoundary(
  config: BoundariesConfig,
  context: Pick<CheckContext, "stackConfig">,
): string | undefined {
  return config.permissionsBoundaryArn ?? knownString(context.stackConfig["agent-iam:permissionsBoundary"]);
}

export function checkBoundaries(resource: PolicyResource, config: BoundariesConfig, context: CheckContext): Finding[] {
  if (resource.type !== AWS_ROLE_TYPE) return [];
  const status = awsRoleAgentStatus(resource);
  if (status.agent === false) return [];
  const identity = { resource, certain: status.agent === true, why: status.why };
  const required = requiredBoundary(config, context);
  const level = required ? ({ level: "mandatory" } as const) : {};
  const boundary = resource.props.permissionsBoundary;
  if (isUnknown(boundary))
    return forIdentity(identity, [
      {
        level: "advisory",
        message: `agent role "${resource.name}": its permissions boundary is not known until apply`,
      },
    ]);
  const actual = knownString(boundary);
  if (!actual)
    return forIdentity(identity, [
      {
        ...level,
        message: `agent role "${resource.name}" has no permissions boundary; set permissionsBoundary to ${required ?? "your organisation's agent boundary policy ARN"} (AgentIdentity: aws.permissionsBoundary, or stack config agent-iam:permissionsBoundary)`,
      },
    ]);
  if (required && actual !== required)
    return forIdentity(identity, [
      {
        ...level,
        message: `agent role "${resource.name}" has the permissions boundary ${actual}, not the required ${required}; set permissionsBoundary to ${required}`,
      },
    ]);
  return [];
}

/** Agent roles carry a permissions boundary. */
export const permissionsBoundaryRequired: ResourceRule<typeof boundariesConfig> = {
  name: "permissions-boundary-required",
  description:
    "Reports AWS agent roles without a permissions boundary, the ceiling no later grant can exceed. Advisory; mandatory when a boundary is configured (permissionsBoundaryArn, or the stack config agent-iam:permissionsBoundary), which every agent role must then carry.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set the stack config agent-iam:permissionsBoundary (AgentIdentity applies it) or aws.permissionsBoundary on the agent.",
  config: boundariesConfig,
  scope: "resource",
  check: checkBoundaries,
};
