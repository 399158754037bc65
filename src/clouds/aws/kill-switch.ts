import type { AwsPolicyDocument } from "./policy-packing";

/**
 * The kill switch's inline policy: deny every action, and deny any session issued before the
 * switch, the statement the IAM console's "Revoke active sessions" writes
 * (IAM User Guide, "Revoking IAM role temporary security credentials").
 */
export function killSwitchPolicy(revokeSessionsIssuedBefore: string): AwsPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AgentKillSwitchDenyAll", Effect: "Deny", Action: ["*"], Resource: ["*"] },
      {
        Sid: "AgentKillSwitchRevokeSessions",
        Effect: "Deny",
        Action: ["*"],
        Resource: ["*"],
        Condition: { DateLessThan: { "aws:TokenIssueTime": revokeSessionsIssuedBefore } },
      },
    ],
  };
}
