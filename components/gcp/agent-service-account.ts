import { gcpProjects as projects, gcpServiceAccount as serviceaccount } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent } from "../../src/model/agent";
import { gcpAccountDisplayName, gcpAccountId } from "../../src/clouds/gcp/account-id";
import { gcpBindingsForGrants, type GcpBinding, type GcpCustomRoleNeed } from "../../src/clouds/gcp/bindings";
import { gcpCredentialInstructions } from "../../src/clouds/gcp/credentials";
import { WORKLOAD_IDENTITY_USER_ROLE } from "../../src/clouds/gcp/roles";
import { gcpPrincipal } from "../../src/clouds/gcp/workload-identity";
import { agentLabels, formatGcpDescription } from "../../src/model/tags";
import { sharedResource } from "../shared-resources";
import { gcpIamMember } from "./grant-members";

/** Arguments of {@link GcpAgentServiceAccount}; `AgentIdentity` builds them from the spec's `gcp` block. */
export interface GcpAgentServiceAccountArgs {
  agent: Agent;
  /** The project that holds the service account. */
  project: string;
  /** The pool's full resource name (absent when the agent's home is GCP). */
  poolName?: pulumi.Input<string>;
  /** The provider's full resource name (the agent's issuer and owner; absent when the agent's home is GCP). */
  providerName?: pulumi.Input<string>;
  /**
   * The one member allowed to act as the account, instead of the pool's `principal://…/subject/SUBJECT`:
   * an AWS role's `principalSet://…/attribute.aws_role/…`, a GKE pod's `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`,
   * or none (`null`) for a service account attached to Cloud Run or Cloud Functions.
   */
  workloadMember?: pulumi.Input<string> | null;
  /**
   * A Vertex AI Agent Engine's own principal: no service account is created and the grants go to it.
   */
  agentPrincipal?: string;
}

/** The custom role a binding needs, registered once per project and role for the whole deployment. */
function customRole(need: GcpCustomRoleNeed): InstanceType<typeof projects.IAMCustomRole> {
  return sharedResource(
    `gcp-custom-role|${need.project}|${need.roleId}`,
    () =>
      new projects.IAMCustomRole(`agent-iam-${need.project}-${need.roleId}`, {
        project: need.project,
        roleId: need.roleId,
        title: need.title,
        description: `${need.description} Permissions taken from ${need.basedOn.join(", ")} (agent-iam).`.slice(0, 256),
        permissions: [...need.permissions],
        stage: "GA",
      }),
  );
}

/**
 * One agent's GCP identity: a service account whose description carries owner, environment,
 * expiry and purpose; a `roles/iam.workloadIdentityUser` binding for exactly one federated subject;
 * and its grants as IAM members with the narrowest role, each ending on the review date as its
 * resource type allows (`GCP_EXPIRY_SUPPORT`: a condition, a project binding conditioned on the
 * resource's name, or the stopper disabling the account). Service accounts take no conditional
 * binding, so the workload identity binding has none: the account's own grants end instead.
 * No service-account key is ever created. `disabled` disables the account and drops the federation
 * binding and the grants.
 */
export class GcpAgentServiceAccount extends pulumi.ComponentResource {
  readonly email: pulumi.Output<string>;
  /** The account's numeric unique id (what audit logs name besides the email). */
  readonly uniqueId: pulumi.Output<string>;
  /** `projects/P/serviceAccounts/EMAIL`. */
  readonly serviceAccountName: pulumi.Output<string>;
  readonly providerName: pulumi.Output<string>;
  /** The one member allowed to impersonate the account: `principal://iam.googleapis.com/POOL/subject/SUBJECT`. */
  readonly principal: pulumi.Output<string>;
  /** The agent's labels, for the resources it works with (service accounts and IAM members take none). */
  readonly labels: Record<string, string>;
  /** The IAM members as planned (for review and tests). */
  readonly bindings: readonly GcpBinding[];
  /** The `google-github-actions/auth` step or the credential configuration the agent uses. */
  readonly snippet: pulumi.Output<string>;
  /** The credential configuration file (`external_account`); it holds no secret. */
  readonly credentialConfig: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: GcpAgentServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    const { agent } = args;
    const { bindings, problems } = gcpBindingsForGrants(agent, agent.grants);
    if (problems.length > 0)
      throw new Error(
        `agent "${agent.id}" GCP grants: ${problems.map((problem) => `grants[${problem.grant}]: ${problem.message}`).join("; ")}`,
      );
    super(COMPONENT_TYPES.GcpAgentServiceAccount, name, {}, opts);
    this.bindings = bindings;
    this.labels = agentLabels(agent);

    const account = args.agentPrincipal
      ? undefined
      : new serviceaccount.Account(
          name,
          {
            project: args.project,
            accountId: gcpAccountId(agent),
            displayName: gcpAccountDisplayName(agent),
            description: formatGcpDescription(agent),
            disabled: agent.disabled,
          },
          { parent: this },
        );
    this.email = account ? account.email : pulumi.output("");
    this.uniqueId = account ? account.uniqueId : pulumi.output("");
    this.serviceAccountName = account ? account.name : pulumi.output("");
    this.providerName = pulumi.output(args.providerName ?? "");
    const workloadMember: pulumi.Input<string> | null =
      args.workloadMember !== undefined
        ? args.workloadMember
        : args.poolName !== undefined
          ? pulumi.output(args.poolName).apply((pool) => gcpPrincipal(pool, agent.trust.subject))
          : null;
    this.principal = pulumi.output(args.agentPrincipal ?? workloadMember ?? "");

    if (!agent.disabled) {
      if (account && workloadMember !== null)
        new serviceaccount.IAMMember(
          `${name}-workload-identity`,
          {
            serviceAccountId: account.name,
            role: WORKLOAD_IDENTITY_USER_ROLE,
            member: workloadMember,
          },
          { parent: this },
        );
      const member = account
        ? pulumi.interpolate`serviceAccount:${account.email}`
        : pulumi.output(args.agentPrincipal!);
      bindings.forEach((binding, index) => {
        const role = binding.customRole ? customRole(binding.customRole) : undefined;
        gcpIamMember(
          `${name}-grant-${index + 1}`,
          binding.target,
          {
            role: role ? role.name : binding.role,
            member,
            ...(binding.condition ? { condition: binding.condition } : {}),
          },
          { parent: this, ...(role ? { dependsOn: [role] } : {}) },
        );
      });
    }

    const instructions = pulumi
      .all([this.providerName, this.email])
      .apply(([provider, email]) => gcpCredentialInstructions(agent, provider, email));
    this.snippet = instructions.apply((value) => value.snippet);
    this.credentialConfig = instructions.apply((value) => ({ ...value.credentialConfig }));
    this.registerOutputs({
      email: this.email,
      providerName: this.providerName,
      principal: this.principal,
      snippet: this.snippet,
    });
  }
}
