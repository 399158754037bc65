import { boundariesConfig, checkBoundaries } from "../src/rules/boundaries";
import { resourcePolicy } from "./support";

/** Agent roles carry a permissions boundary. */
export const permissionsBoundaryRequired = resourcePolicy(
  {
    name: "permissions-boundary-required",
    description:
      "Reports AWS agent roles without a permissions boundary, the ceiling no later grant can exceed. Advisory; mandatory when a boundary is configured (permissionsBoundaryArn, or the stack config agent-iam:permissionsBoundary), which every agent role must then carry.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Set the stack config agent-iam:permissionsBoundary (AgentIdentity applies it) or aws.permissionsBoundary on the agent.",
    config: boundariesConfig,
  },
  checkBoundaries,
);
