import type { Agent } from "../../model/agent";
import { gcpExpiryCondition, type GcpIamCondition } from "./conditions";

/**
 * Delegation on GCP: agent A acts as agent B by minting B's short-lived tokens, which
 * `roles/iam.serviceAccountTokenCreator` on B's service account allows (IAM docs, "Service account
 * impersonation"), granted to A's service account on B's account only, never on the project.
 * It ends on the earlier review date of the two. GCP has no session tags: Cloud Audit Logs record
 * A's account as the caller of `GenerateAccessToken` (`serviceAccountDelegationInfo`).
 */

/** The role that lets one service account mint another's tokens. */
export const GCP_DELEGATION_ROLE = "roles/iam.serviceAccountTokenCreator";

/** The condition of a delegation binding: it ends when either agent's review date comes. */
export function gcpDelegationCondition(
  from: Pick<Agent, "id" | "expires">,
  to: Pick<Agent, "id" | "expires">,
): GcpIamCondition {
  // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings; Math.min would make them NaN
  const expires = from.expires < to.expires ? from.expires : to.expires;
  const condition = gcpExpiryCondition({ id: from.id, expires });
  return {
    ...condition,
    description:
      `Agent ${from.id} may act as agent ${to.id} until ${expires}T00:00:00Z (the earlier review date).`.slice(0, 256),
  };
}
