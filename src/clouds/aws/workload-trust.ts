import type { Agent } from "../../model/agent";
import { AWS_WORKLOAD_PRINCIPALS } from "../../model/issuers";
import type { AwsWorkloadArgs, Trust } from "../../model/runs-on";
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../../model/cloud-limits";
import type { AwsTrustPolicy } from "./trust-policy";

/**
 * The trusts of an agent role whose agent runs on a cloud's own compute, and what the role may mint
 * for the clouds it reaches:
 * - AWS home: the role trusts exactly its service principal, with the confused-deputy conditions
 *   the service documents ({@link AWS_SERVICE_TRUSTS}).
 * - GCP home → AWS: `AssumeRoleWithWebIdentity` from `accounts.google.com`, pinned to the service
 *   account's unique id ({@link googleTrustPolicy}).
 * - Azure home → AWS: `AssumeRoleWithWebIdentity` from the tenant's Entra issuer, pinned to the
 *   managed identity's object id ({@link entraTrustPolicy}).
 * - AWS home → Azure (or any OIDC relying party): outbound identity federation, the role allowed to
 *   mint tokens for one audience and five minutes ({@link outboundTokenPolicy}).
 */

/** How one service assumes roles, and which conditions pin it to the agent's own workload. */
interface ServiceTrust {
  readonly actions: readonly string[];
  /** The conditions the service sets on its AssumeRole request, pinned to the workload. */
  readonly conditions: (workload: AwsWorkloadArgs) => Record<string, Record<string, string>>;
  /** The page that documents the trust. */
  readonly source: string;
}

const sourceAccount = (workload: AwsWorkloadArgs) => ({ "aws:SourceAccount": workload.accountId });

/** One row per service: its actions and the conditions its documentation gives for confused-deputy protection. */
export const AWS_SERVICE_TRUSTS: Readonly<Record<AwsWorkloadArgs["service"], ServiceTrust>> = {
  // Lambda sets aws:SourceAccount on the execution role's AssumeRole; aws:SourceArn "applies only to
  // policies where your Lambda function is the target resource" (Lambda Developer Guide, "Defining
  // Lambda function permissions with an execution role", "Using source function ARN…").
  lambda: {
    actions: ["sts:AssumeRole"],
    conditions: (workload) => ({ StringEquals: sourceAccount(workload) }),
    source: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
  },
  // ECS task roles: StringEquals aws:SourceAccount and ArnLike aws:SourceArn arn:aws:ecs:REGION:ACCOUNT:*
  // (Amazon ECS Developer Guide, "Amazon ECS task IAM role"). The task family is pinned by who may
  // pass the role (iam:PassRole), not by the trust: ECS's source ARN names the task, not its family.
  "ecs-tasks": {
    actions: ["sts:AssumeRole"],
    conditions: (workload) => ({
      StringEquals: sourceAccount(workload),
      ArnLike: { "aws:SourceArn": `arn:aws:ecs:${workload.region}:${workload.accountId}:*` },
    }),
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
  },
  // EKS Pod Identity assumes the role with sts:AssumeRole and sts:TagSession, tagging the session with
  // eks-cluster-arn, kubernetes-namespace and kubernetes-service-account; the trust pins them with
  // aws:RequestTag/… (Amazon EKS User Guide, "Create IAM role with trust policy required by EKS Pod
  // Identity", "Enable or disable session tags").
  "eks-pod-identity": {
    actions: ["sts:AssumeRole", "sts:TagSession"],
    conditions: (workload) => ({
      StringEquals: {
        ...sourceAccount(workload),
        "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:${workload.region}:${workload.accountId}:cluster/${workload.cluster}`,
        "aws:RequestTag/kubernetes-namespace": workload.namespace ?? "",
        "aws:RequestTag/kubernetes-service-account": workload.serviceAccount ?? "",
      },
    }),
    source: "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html",
  },
  // AgentCore Runtime's execution role: StringEquals aws:SourceAccount and ArnLike aws:SourceArn
  // arn:aws:bedrock-agentcore:REGION:ACCOUNT:* (AgentCore Developer Guide, "IAM Permissions for
  // AgentCore Runtime", execution role trust policy).
  "bedrock-agentcore": {
    actions: ["sts:AssumeRole"],
    conditions: (workload) => ({
      StringEquals: sourceAccount(workload),
      ArnLike: { "aws:SourceArn": `arn:aws:bedrock-agentcore:${workload.region}:${workload.accountId}:*` },
    }),
    source: "https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-permissions.html",
  },
};

/** The trust of an agent role that its AWS service assumes (a disabled agent's role denies the service). */
export function serviceTrustPolicy(workload: AwsWorkloadArgs, disabled = false): AwsTrustPolicy {
  const row = AWS_SERVICE_TRUSTS[workload.service];
  const principal = { Service: AWS_WORKLOAD_PRINCIPALS[workload.service] };
  if (disabled)
    return {
      Version: "2012-10-17",
      Statement: [{ Sid: "AgentDisabled", Effect: "Deny", Principal: principal, Action: [...row.actions] }],
    };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentWorkload",
        Effect: "Allow",
        Principal: principal,
        Action: row.actions.length === 1 ? row.actions[0] : [...row.actions],
        Condition: row.conditions(workload),
      },
    ],
  };
}

/** The audience a GCP-home agent's Google ID token carries to AWS, unless its spec names another. */
export const DEFAULT_GOOGLE_TO_AWS_AUDIENCE = "sts.amazonaws.com";

/**
 * GCP home → AWS: the role trusts Google ID tokens of exactly one service account. IAM's keys for
 * `accounts.google.com` (IAM User Guide, "Available keys for AWS web identity federation"):
 * `accounts.google.com:sub` is the token's `sub`, the service account's unique id (Google Cloud,
 * "ID tokens"); when the token carries `azp`, `accounts.google.com:aud` is `azp` (for a service
 * account's token, its unique id again) and `accounts.google.com:oaud` is the token's `aud`, the
 * audience the agent asked for. A trust on `aud` alone admits any Google account's token: anyone
 * can ask Google for a token with any audience.
 */
export function googleTrustPolicy(
  agent: Pick<Agent, "id">,
  uniqueId: string,
  audience: string = DEFAULT_GOOGLE_TO_AWS_AUDIENCE,
): AwsTrustPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentGoogleServiceAccount",
        Effect: "Allow",
        Principal: { Federated: "accounts.google.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "accounts.google.com:sub": uniqueId,
            "accounts.google.com:aud": uniqueId,
            "accounts.google.com:oaud": audience,
            "sts:RoleSessionName": agent.id,
          },
        },
      },
    ],
  };
}

/**
 * Azure home → AWS: the role trusts the tenant's Entra v2.0 issuer through its IAM OIDC provider, for
 * access tokens whose `sub` is the managed identity's object id and whose `aud` is the application
 * ID URI it asked for (Microsoft identity platform, "Access token claims reference": for an
 * app-only token, `sub` and `oid` are the service principal's object id).
 */
export function entraTrustPolicy(
  agent: Pick<Agent, "id" | "trust">,
  providerArn: string,
  objectId: string,
): AwsTrustPolicy {
  const host = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(providerArn)?.[1] ?? agent.trust.issuerHost;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentEntraManagedIdentity",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${host}:aud`]: agent.trust.audience ?? "",
            [`${host}:sub`]: objectId,
            "sts:RoleSessionName": agent.id,
          },
        },
      },
    ],
  };
}

/** Outbound tokens last at most this long when minted for another cloud: five minutes. */
export const OUTBOUND_TOKEN_SECONDS = 300;

/**
 * AWS home → another cloud: the role may call `sts:GetWebIdentityToken` only for one audience and at
 * most {@link OUTBOUND_TOKEN_SECONDS} (IAM User Guide, "Controlling access with IAM policies" for
 * outbound identity federation: `sts:IdentityTokenAudience`, `sts:DurationSeconds`). The token's
 * `sub` is the role's ARN and `aud` the audience asked for (IAM User Guide, "Understanding token
 * claims"); these tokens cannot be used to come back into AWS.
 */
export function outboundTokenPolicy(audience: string = AZURE_TOKEN_EXCHANGE_AUDIENCE): {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
} {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentOutboundToken",
        Effect: "Allow",
        Action: "sts:GetWebIdentityToken",
        Resource: "*",
        Condition: {
          "ForAllValues:StringEquals": { "sts:IdentityTokenAudience": [audience] },
          // ForAllValues passes on a request without the key; the audience is required by the API, and this
          // makes a request without it fail too.
          Null: { "sts:IdentityTokenAudience": "false" },
          NumericLessThanEquals: { "sts:DurationSeconds": String(OUTBOUND_TOKEN_SECONDS) },
        },
      },
    ],
  };
}

/** What the agent's code does to act as its AWS role, for each kind of home. */
export function awsWorkloadInstructions(
  agent: Pick<Agent, "id"> & { trust: Trust },
  roleArn: string,
): { environment: Readonly<Record<string, string>>; snippet: string } {
  const workload = agent.trust.workload;
  if (workload?.cloud === "aws") {
    const where: Record<AwsWorkloadArgs["service"], string> = {
      lambda: `the function ${workload.functionName}'s execution role (Role)`,
      "ecs-tasks": `the task definition ${workload.taskFamily}'s taskRoleArn`,
      "eks-pod-identity": `a Pod Identity association: cluster ${workload.cluster}, namespace ${workload.namespace}, service account ${workload.serviceAccount}`,
      "bedrock-agentcore": `the agent runtime ${workload.runtimeName}'s roleArn`,
    };
    return {
      environment: {},
      snippet: `# Attach ${roleArn} as ${where[workload.service]}; the service hands the agent its credentials (no variable to set).`,
    };
  }
  const tokenFile = "/var/run/agent-iam/aws-web-identity-token";
  const environment = {
    AWS_ROLE_ARN: roleArn,
    AWS_ROLE_SESSION_NAME: agent.id,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
  };
  const fetch =
    workload?.cloud === "gcp"
      ? // The metadata server's identity endpoint mints the attached service account's ID token (Compute metadata, "Get an ID token").
        `curl -s -H "Metadata-Flavor: Google" "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity?audience=${agent.trust.audience ?? DEFAULT_GOOGLE_TO_AWS_AUDIENCE}&format=full" > ${tokenFile}`
      : // The managed identity endpoint (IDENTITY_ENDPOINT on Container Apps and Functions) mints an access token for the application ID URI.
        `curl -s -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=${agent.trust.audience}&client_id=$AZURE_CLIENT_ID" | jq -r .access_token > ${tokenFile}`;
  return {
    environment,
    snippet: [
      "# Refresh the home identity's token into the file before it expires; every AWS SDK then assumes the role:",
      fetch,
      ...Object.entries(environment).map(([key, value]) => `export ${key}=${value}`),
    ].join("\n"),
  };
}
