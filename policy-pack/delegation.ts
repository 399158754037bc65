import { checkDelegation, delegationConfig } from "../src/rules/delegation";
import { stackPolicy } from "./support";

/** Delegation never reaches a riskier agent without an approval, and never loops. */
export const delegationWithinApproval = stackPolicy(
  {
    name: "delegation-within-approval",
    description:
      "Blocks delegation chains that let an agent act as an agent of a higher risk tier than its own when it has no approval (a low-risk agent delegating to a critical one), and delegation cycles; reads delegatesTo, AWS trusts between agent roles and GCP token-creator grants between agent accounts.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Record the security team's approval as the delegating agent's approval, or remove the delegation; break cycles by removing one delegation.",
    config: delegationConfig,
  },
  checkDelegation,
);
