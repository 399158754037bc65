import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, FORMER_COMPONENT_TYPES } from "../../src/model/contract";
import type { RunsOn } from "../../src/model/serialisable-spec";
import type { GcpPoolAwsRole } from "../gcp/workload-identity-pool";
import { declarePool, issuerProviders, parsePoolArgs } from "../gcp/workload-identity-pool";
import { withFormerType } from "../shared-resources";

/** Arguments of {@link GcpWorkloadIdentityPool} as other Pulumi languages write them. */
export interface GcpWorkloadIdentityPoolArgs {
  /** The project that holds the pool (the agents' service accounts may live in the same project). */
  project: string;
  /** The pool id, 4–32 characters (default `agent-iam`). Ignored with `existingPoolName`. */
  poolId?: string;
  /** Use an existing pool instead of creating one: `projects/NUMBER/locations/global/workloadIdentityPools/ID`. */
  existingPoolName?: string;
  /**
   * The issuers agents run on, each `{ githubActions: {...} }` (or gitlabCi, kubernetes, oidc): one
   * provider per issuer and owner, which pins the owner (organisation, GitLab namespace, Kubernetes namespace).
   */
  issuers?: RunsOn[];
  /**
   * Roles of agents that run on AWS (`awsWorkload`) and reach GCP: a provider of type aws that admits
   * each role alone. An agent's role is `agent-NAME-ENVIRONMENT` (its `aws.roleName` output).
   */
  awsRoles?: GcpPoolAwsRole[];
}

/**
 * The Workload Identity Pool agents of one project share, for programs in every Pulumi language,
 * with one OIDC provider per issuer and owner of `issuers`, each with an attribute condition that
 * pins the owner. Pass `{ name, provider }` (`name` and one of `providerNames`) as an agent's `gcp.pool`.
 */
export class GcpWorkloadIdentityPool extends pulumi.ComponentResource {
  /** The pool's full resource name, the base of every agent's `principal://…` member. */
  readonly name: pulumi.Output<string>;
  readonly project: string;
  readonly poolId: string;
  /** The full resource names of the providers of `issuers`, then of `awsRoles`, in their order. */
  readonly providerNames: pulumi.Output<string[]>;

  constructor(name: string, args: GcpWorkloadIdentityPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = parsePoolArgs(name, args);
    super(
      COMPONENT_TYPES.GcpWorkloadIdentityPool,
      name,
      {},
      withFormerType(opts, FORMER_COMPONENT_TYPES.GcpWorkloadIdentityPool),
    );
    const pool = declarePool(this, name, parsed);
    this.name = pool.name;
    this.project = pool.project;
    this.poolId = pool.poolId;
    this.providerNames = pulumi.all(issuerProviders(pool, parsed).map((provider) => provider.name));
    this.registerOutputs({ name: this.name, providerNames: this.providerNames });
  }
}
