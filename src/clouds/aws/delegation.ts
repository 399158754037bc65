import type { AwsStatement } from "./actions";

/**
 * Agent-to-agent delegation on AWS without a shared secret: agent A's role assumes agent B's role.
 * The session must carry who asked (`requested-by` session tag) and a source identity, which STS
 * keeps for the whole chain ("sts:SourceIdentity cannot be changed within a session and survives
 * role chaining", IAM User Guide, "Monitor and control actions taken with assumed roles").
 * Role chaining caps the session at one hour.
 */

/** The session tag that names the person or ticket an agent acts for. */
export const REQUESTED_BY_TAG = "requested-by";

/** The statement in B's trust that lets the delegating agents' roles in, and only with attribution. */
export function delegationTrustStatement(delegatorRoleArns: readonly string[]): Record<string, unknown> {
  return {
    Sid: "AgentDelegation",
    Effect: "Allow",
    Principal: { AWS: [...delegatorRoleArns].sort() },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    Condition: {
      Null: { [`aws:RequestTag/${REQUESTED_BY_TAG}`]: "false", "sts:SourceIdentity": "false" },
    },
  };
}

/** The statement in A's identity policy that lets it assume exactly the roles it delegates to. */
export function delegationIdentityStatement(targetRoleArns: readonly string[]): AwsStatement {
  return {
    Sid: "DelegateToAgents",
    Effect: "Allow",
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    Resource: [...targetRoleArns].sort(),
  };
}
