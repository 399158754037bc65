import { aws } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent } from "../../src/model/agent";
import { awsStatementsForGrants } from "../../src/clouds/aws/actions";
import { awsCredentialInstructions } from "../../src/clouds/aws/credentials";
import { killSwitchPolicy } from "../../src/clouds/aws/kill-switch";
import { AWS_LIMITS } from "../../src/model/cloud-limits";
import { packPolicies, type AwsPolicyDocument } from "../../src/clouds/aws/policy-packing";
import { trustWithDelegators } from "../../src/clouds/aws/delegated-trust";
import { disabledTrustPolicy, webIdentityTrustPolicy, type AwsTrustPolicy } from "../../src/clouds/aws/trust-policy";
import { outboundTokenPolicy } from "../../src/clouds/aws/workload-trust";
import { agentTags } from "../../src/model/tags";

/** Arguments of {@link AwsAgentRole}; `AgentIdentity` builds them from the spec's `aws` block. */
export interface AwsAgentRoleArgs {
  agent: Agent;
  /** The issuer's IAM OIDC provider; unused when `homeTrust` is given. */
  oidcProviderArn?: pulumi.Input<string>;
  /**
   * The trust of an agent that runs on a cloud's own compute (its service, or its home identity on
   * another cloud), instead of the web identity trust of `oidcProviderArn`.
   */
  homeTrust?: pulumi.Input<AwsTrustPolicy>;
  /** Lets the role mint outbound identity tokens for this audience only, for at most five minutes. */
  outboundAudience?: string;
  permissionsBoundary?: pulumi.Input<string>;
  path?: string;
  /** For the kill switch: sessions issued before this instant are denied (ISO 8601). */
  revokeSessionsIssuedBefore: string;
  /** Roles of agents that may act as this one (`delegatesTo` naming it); its trust lets exactly them in. */
  delegatorRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Managed policy slots kept free for other policies (the budget stop policy). */
  reservedPolicySlots?: number;
}

/** The IAM role name of an agent: `agent-ID-ENV`, without repeating an environment the id already ends with. */
export function awsRoleName(agent: Pick<Agent, "id" | "environment">): string {
  const base = agent.id.endsWith(`-${agent.environment}`) ? agent.id : `${agent.id}-${agent.environment}`;
  return `agent-${base}`.slice(0, AWS_LIMITS.roleNameCharacters);
}

/**
 * One agent's IAM role: web-identity trust pinned to its exact subject, its grants as managed
 * policies packed under AWS's size limits, the agent's tags, and a kill switch.
 */
export class AwsAgentRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly policyArns: pulumi.Output<string>[];
  /** The identity policy documents, as generated (useful for review and for tests). */
  readonly policyDocuments: readonly AwsPolicyDocument[];
  /** Environment variables the agent sets to assume the role. */
  readonly environment: pulumi.Output<Record<string, string>>;
  /** The CI (or pod) configuration the agent uses. */
  readonly snippet: pulumi.Output<string>;

  constructor(name: string, args: AwsAgentRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    const { agent } = args;
    const { statements } = awsStatementsForGrants(agent.grants, agent.accountWide);
    const documents = statements.length > 0 ? packPolicies(statements, undefined, args.reservedPolicySlots ?? 0) : [];
    super(COMPONENT_TYPES.AwsAgentRole, name, {}, opts);
    this.policyDocuments = documents;
    const tags = agentTags(agent);
    const roleName = awsRoleName(agent);

    const trust = pulumi
      .all([args.oidcProviderArn ?? "", args.homeTrust, args.delegatorRoleArns ?? []])
      .apply(([providerArn, homeTrust, delegators]) =>
        JSON.stringify(
          trustWithDelegators(
            (homeTrust as AwsTrustPolicy | undefined) ??
              (agent.disabled ? disabledTrustPolicy(providerArn) : webIdentityTrustPolicy(agent, providerArn)),
            delegators,
            agent.disabled,
          ),
        ),
      );
    const role = new aws.iam.Role(
      name,
      {
        name: roleName,
        path: args.path ?? "/agents/",
        description: `agent-iam agent ${agent.id} (${agent.environment}), owner ${agent.owner}`.slice(0, 1000),
        assumeRolePolicy: trust,
        maxSessionDuration: agent.maxSessionDuration,
        permissionsBoundary: args.permissionsBoundary,
        forceDetachPolicies: true,
        tags,
      },
      { parent: this },
    );

    this.policyArns = documents.map((document, index) => {
      const policy = new aws.iam.Policy(
        `${name}-grants-${index + 1}`,
        {
          name: `${roleName}-grants-${index + 1}`,
          path: args.path ?? "/agents/",
          description: `Grants of agent ${agent.id} (${index + 1} of ${documents.length})`,
          policy: JSON.stringify(document),
          tags,
        },
        { parent: this },
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-grants-${index + 1}`,
        { role: role.name, policyArn: policy.arn },
        { parent: this },
      );
      return policy.arn;
    });

    if (args.outboundAudience !== undefined && !agent.disabled)
      new aws.iam.RolePolicy(
        `${name}-outbound-token`,
        {
          name: "agent-iam-outbound-token",
          role: role.name,
          policy: JSON.stringify(outboundTokenPolicy(args.outboundAudience)),
        },
        { parent: this },
      );

    if (agent.disabled)
      new aws.iam.RolePolicy(
        `${name}-kill-switch`,
        {
          name: "agent-iam-kill-switch",
          role: role.name,
          policy: JSON.stringify(killSwitchPolicy(args.revokeSessionsIssuedBefore)),
        },
        { parent: this },
      );

    this.roleArn = role.arn;
    this.roleName = role.name;
    const instructions = role.arn.apply((arn) => awsCredentialInstructions(agent, arn));
    this.environment = instructions.apply((value) => ({ ...value.environment }));
    this.snippet = instructions.apply((value) => value.snippet);
    this.registerOutputs({
      roleArn: this.roleArn,
      roleName: this.roleName,
      policyArns: this.policyArns,
      environment: this.environment,
      snippet: this.snippet,
    });
  }
}
