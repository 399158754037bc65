import { aws } from "../providers";
import type * as pulumi from "@pulumi/pulumi";
import { sharedResource } from "../shared-resources";

/**
 * The account's outbound identity federation (AWS IAM, "Getting started with outbound identity
 * federation"): enabling it gives the account a unique issuer URL that AWS assigns, the `iss` of every
 * token `sts:GetWebIdentityToken` mints there. One per account and deployment.
 */
export function awsOutboundIssuer(accountId: string): pulumi.Output<string> {
  return sharedResource(
    `aws-outbound-federation|${accountId}`,
    () => new aws.iam.OutboundWebIdentityFederation(`agent-iam-outbound-${accountId}`, {}),
  ).issuerIdentifier;
}
