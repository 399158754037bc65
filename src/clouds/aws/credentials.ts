import type { Agent } from "../../model/agent";
import type { Trust } from "../../model/runs-on";
import { githubActionsLoginSnippet, gitlabIdTokenSnippet } from "../ci-snippets";
import { awsAudience } from "./trust-policy";
import { awsWorkloadInstructions } from "./workload-trust";

/** What an agent needs to assume its AWS role: environment variables and a CI snippet for its issuer. */
export interface AwsCredentialInstructions {
  readonly environment: Readonly<Record<string, string>>;
  readonly snippet: string;
}

/**
 * The exact configuration an agent uses to assume its role. The session name must be the agent id:
 * the role's trust requires it (see `webIdentityTrustPolicy`).
 */
export function awsCredentialInstructions(
  agent: Pick<Agent, "id" | "maxSessionDuration"> & { trust: Trust },
  roleArn: string,
): AwsCredentialInstructions {
  if (agent.trust.workload) return awsWorkloadInstructions(agent, roleArn);
  const environment: Record<string, string> = { AWS_ROLE_ARN: roleArn, AWS_ROLE_SESSION_NAME: agent.id };
  const audience = awsAudience(agent.trust);
  switch (agent.trust.kind) {
    case "github-actions":
      return {
        environment,
        snippet: githubActionsLoginSnippet({
          uses: "aws-actions/configure-aws-credentials@v4",
          with: [
            ["role-to-assume", roleArn],
            ["role-session-name", agent.id],
            ["role-duration-seconds", agent.maxSessionDuration],
            ["audience", audience],
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, written into the workflow as it is
            ["aws-region", "${{ vars.AWS_REGION }}"],
          ],
        }),
      };
    case "gitlab-ci":
      return {
        environment,
        snippet: gitlabIdTokenSnippet({
          variable: "AWS_ID_TOKEN",
          audience,
          script: [
            'echo "$AWS_ID_TOKEN" > "$CI_BUILDS_DIR/.aws-web-identity-token"',
            'export AWS_WEB_IDENTITY_TOKEN_FILE="$CI_BUILDS_DIR/.aws-web-identity-token"',
            `export AWS_ROLE_ARN=${roleArn} AWS_ROLE_SESSION_NAME=${agent.id}`,
          ],
        }),
      };
    case "kubernetes":
      return {
        environment: {
          ...environment,
          AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        },
        snippet: [
          "# On the pod's service account (EKS IAM roles for service accounts):",
          "metadata:",
          "  annotations:",
          `    eks.amazonaws.com/role-arn: ${roleArn}`,
          `    eks.amazonaws.com/audience: ${audience}`,
          `    eks.amazonaws.com/token-expiration: "${agent.maxSessionDuration}"`,
          "# and in the container's env:",
          `#   AWS_ROLE_SESSION_NAME=${agent.id}`,
        ].join("\n"),
      };
    case "oidc":
      return {
        environment: { ...environment, AWS_WEB_IDENTITY_TOKEN_FILE: "/path/to/oidc-token" },
        snippet: `# Write the issuer's token (audience ${audience}) to AWS_WEB_IDENTITY_TOKEN_FILE; every AWS SDK then assumes the role.`,
      };
    default:
      throw new Error(`no AWS credential instructions for ${agent.trust.kind}`);
  }
}
