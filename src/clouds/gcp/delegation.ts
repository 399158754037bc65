/**
 * Delegation on GCP: agent A acts as agent B by minting B's short-lived tokens, which
 * `roles/iam.serviceAccountTokenCreator` on B's service account allows (IAM docs, "Service account
 * impersonation"), granted to A's service account on B's account only, never on the project.
 * Service accounts take no conditional binding (`GCP_EXPIRY_SUPPORT`), so the binding has no end of
 * its own: it ends with A's review date because A's `gcp.budgetStopper` disables A's account then
 * (a disabled account mints nothing), and with B's because B's grants end then (their conditions,
 * or B's stopper). GCP has no session tags: Cloud Audit Logs record A's account as the caller of
 * `GenerateAccessToken` (`serviceAccountDelegationInfo`).
 */

/** The role that lets one service account mint another's tokens. */
export const GCP_DELEGATION_ROLE = "roles/iam.serviceAccountTokenCreator";
