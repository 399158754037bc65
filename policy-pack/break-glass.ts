import { breakGlassConfig, checkBreakGlass } from "../src/rules/break-glass";
import { stackPolicy } from "./support";

/** An elevation has a reason, an approver who is not the owner, and ends within 24 hours; every active one is reported. */
export const breakGlassTimeBound = stackPolicy(
  {
    name: "break-glass-time-bound",
    description:
      "Blocks a break-glass elevation of an agent without a reason, without an approver (or approved by its own owner), or ending more than 24 hours ahead; reports every elevation in force as an advisory so that none is deployed unseen.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set breakGlass: { grants, reason, approvedBy, until } with until at most 24 hours ahead and an approver other than the owner; remove the elevation once it has ended.",
    config: breakGlassConfig,
  },
  (resources, config, context) => checkBreakGlass(resources, config, context),
);
