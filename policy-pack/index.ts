import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";
import { shareDeserializedProperties } from "./shared-deserialization";
import { decodeRequestsDirectly } from "./wire-decoding";

// Each request's properties are deserialized once for all policies, not once per policy.
shareDeserializedProperties();
// Requests are decoded straight from the wire, not into google-protobuf's message objects.
try {
  decodeRequestsDirectly();
} catch (error) {
  // A setting the pack cannot honour: say which, and do not serve.
  console.error(`agent-iam policy pack: ${(error as Error).message}`);
  process.exit(1);
}

/**
 * agent-iam's CrossGuard pack. Constructing the pack starts `@pulumi/policy`'s analyzer server and
 * prints its port: the Pulumi CLI (`pulumi preview --policy-pack ./policy-pack`) and agent-iam's
 * harness (`src/gate/analyzer`) both run this file in a process of its own.
 */
new PolicyPack("agent-iam", {
  description: "Every AI agent is an identity: no static secrets, an accountable owner, least privilege, pinned federation, short sessions, review dates.",
  displayName: "agent-iam",
  policies: POLICIES,
});
