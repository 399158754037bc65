import { delegationTrustStatement } from "./delegation";
import { AWS_LIMITS, policySize } from "../../model/cloud-limits";
import type { AwsTrustPolicy } from "./trust-policy";

/**
 * An agent role's trust with the agents that delegate to it: its own trust (web identity, or the
 * kill switch's deny) and, when other agents may act as it and it is not disabled, the delegation
 * statement of `src/clouds/aws/delegation.ts` naming exactly their roles.
 */
export function trustWithDelegators(
  trust: AwsTrustPolicy,
  delegatorRoleArns: readonly string[],
  disabled: boolean,
): AwsTrustPolicy {
  const arns = [...new Set(delegatorRoleArns)];
  if (disabled || arns.length === 0) return trust;
  const policy: AwsTrustPolicy = {
    Version: "2012-10-17",
    Statement: [...trust.Statement, delegationTrustStatement(arns)],
  };
  const size = policySize(policy);
  if (size > AWS_LIMITS.trustPolicyCharacters)
    throw new Error(
      `the trust policy with ${arns.length} delegating agents has ${size} characters; AWS allows ${AWS_LIMITS.trustPolicyCharacters} by default: let fewer agents delegate to this one`,
    );
  return policy;
}
