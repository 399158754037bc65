import { approvalConfig, checkApproval } from "../src/rules/approval";
import { stackPolicy } from "./support";

/** Permission changes, deletes and exports need a recorded approval. */
export const highRiskRequiresApproval = stackPolicy(
  {
    name: "high-risk-requires-approval",
    description:
      "Blocks agents granted permissions-management, delete or data-export actions (exports, snapshots or backups shared out, Export*-style actions, unscoped reads of objects and secrets) without an approval reference: AgentIdentity's approval, or an approval tag on hand-written resources. A scoped read of a named resource is not an export.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Record the security team's approval ticket (approval: \"SEC-1234\" on AgentIdentity, or an approval tag), or remove the high-risk access.",
    config: approvalConfig,
  },
  checkApproval,
);
