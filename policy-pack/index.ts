import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

/**
 * agent-iam's CrossGuard pack. Constructing the pack starts `@pulumi/policy`'s analyzer server and
 * prints its port: the Pulumi CLI (`pulumi preview --policy-pack ./policy-pack`) and agent-iam's
 * harness (`src/gate/analyzer`) both run this file in a process of its own.
 */
new PolicyPack("agent-iam", {
  description:
    "Every AI agent is an identity: no static secrets, an accountable owner, least privilege, pinned federation, short sessions, review dates.",
  displayName: "agent-iam",
  policies: POLICIES,
});
