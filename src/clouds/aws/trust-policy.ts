import type { Agent } from "../../model/agent";
import type { Trust } from "../../model/runs-on";

/** The audience GitHub's and most tools' AWS credential actions request (aws-actions/configure-aws-credentials). */
export const DEFAULT_AWS_AUDIENCE = "sts.amazonaws.com";

/** A role trust policy document. */
export interface AwsTrustPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Record<string, unknown>[];
}

/** The audience an agent's AWS role requires. */
export function awsAudience(trust: Trust): string {
  return trust.audience ?? DEFAULT_AWS_AUDIENCE;
}

/**
 * The trust of an agent role: only `sts:AssumeRoleWithWebIdentity`, only from the issuer's IAM OIDC
 * provider, with `StringEquals` on `aud` and the exact `sub`, and the session name pinned to the
 * agent id so CloudTrail names the agent on every call (`assumed-role/ROLE/AGENT_ID`).
 *
 * Why the session name and not `sts:SourceIdentity`: for web identity, a source identity or session
 * tags can only come from claims of the token (`https://aws.amazon.com/source_identity`,
 * `https://aws.amazon.com/tags`), which GitHub, GitLab and Kubernetes do not emit
 * (AWS STS API reference, AssumeRoleWithWebIdentity). `sts:RoleSessionName` is a condition key of
 * that action (IAM catalog) and every SDK sets it from `AWS_ROLE_SESSION_NAME`.
 */
export function webIdentityTrustPolicy(agent: Pick<Agent, "id" | "trust">, providerArn: string): AwsTrustPolicy {
  // The condition keys are named after the provider as IAM names it, the part of its ARN after
  // "oidc-provider/" (IAM User Guide, "Available keys for AWS web identity federation").
  const host = oidcProviderName(providerArn) ?? agent.trust.issuerHost;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentWebIdentity",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${host}:aud`]: awsAudience(agent.trust),
            [`${host}:sub`]: agent.trust.subject,
            "sts:RoleSessionName": agent.id,
          },
        },
      },
    ],
  };
}

/** `arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC` → the provider's name, as IAM spells it. */
export function oidcProviderName(providerArn: string): string | undefined {
  return /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(providerArn)?.[1];
}

/**
 * Why an agent's IAM OIDC provider cannot accept its tokens, if it cannot: the provider's URL (or,
 * for a provider given by ARN, its name) must be the agent's issuer byte for byte, since STS
 * compares the token's `iss` with it. Undefined when they match or the provider is known only at apply.
 */
export function awsProviderIssuerProblem(
  provider: { readonly issuerUrl?: string; readonly arn?: string },
  trust: Pick<Trust, "issuerUrl">,
): { path: string; message: string } | undefined {
  if (provider.issuerUrl !== undefined && provider.issuerUrl !== trust.issuerUrl)
    return {
      path: "aws.oidcProvider",
      message: `the provider is for ${provider.issuerUrl}, but the agent's tokens come from ${trust.issuerUrl}; use the provider of that issuer, spelled exactly as it publishes it (AWS compares iss byte for byte)`,
    };
  const name = provider.arn === undefined ? undefined : oidcProviderName(provider.arn);
  const expected = trust.issuerUrl.replace(/^https:\/\//, "");
  if (name !== undefined && name !== expected && name !== expected.replace(/\/$/, ""))
    return {
      path: "aws.oidcProvider",
      message: `${provider.arn} is the provider of https://${name}, but the agent's tokens come from ${trust.issuerUrl}; name the provider of that issuer`,
    };
  return undefined;
}

/** The trust of a disabled agent: no one may assume the role (an explicit deny, no allow). */
export function disabledTrustPolicy(providerArn: string): AwsTrustPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentDisabled",
        Effect: "Deny",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
      },
    ],
  };
}
