/**
 * AWS IAM quotas that shape generated policies (IAM User Guide, "IAM and AWS STS quotas").
 */
export const AWS_LIMITS = {
  /** A customer managed policy document, counted without white space. */
  managedPolicyCharacters: 6144,
  /** Managed policies attached to one role, by default. */
  managedPoliciesPerRole: 10,
  /** A role trust policy, counted without white space, by default. */
  trustPolicyCharacters: 2048,
  /** Role names. */
  roleNameCharacters: 64,
} as const;

/** The size AWS counts: the JSON without white space outside strings. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).length;
}
