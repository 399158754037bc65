import { gcpIam as iam } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { GCP_POOL_NAME } from "../../src/model/cloud-limits";
import { GCP_WIF_ID, gcpProviderSpec, type GcpProviderSpec } from "../../src/clouds/gcp/workload-identity";
import { resolveTrust, runsOnSchema } from "../../src/model/issuers";
import type { RunsOn, Trust } from "../../src/model/runs-on";
import { formatPath } from "../../src/model/agent-spec";

/** Arguments of {@link GcpWorkloadIdentityPool}. */
export interface GcpWorkloadIdentityPoolArgs {
  /** The project that holds the pool (the agents' service accounts may live in the same project). */
  project: string;
  /** The pool id, 4–32 characters (default `agent-iam`). Ignored with `existingPoolName`. */
  poolId?: string;
  /** Use an existing pool instead of creating one: `projects/NUMBER/locations/global/workloadIdentityPools/ID`. */
  existingPoolName?: string;
  /**
   * Issuers to create providers for now, as the same presets agents use (`githubActions({ repository })` …):
   * the provider pins the preset's owner (organisation, GitLab namespace, Kubernetes namespace).
   * Agents add the providers they need on demand.
   */
  issuers?: RunsOn[];
}

/** A provider as agents see it. */
export interface GcpPoolProvider {
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/ID`. */
  readonly name: pulumi.Output<string>;
  readonly spec: GcpProviderSpec;
}

const argsSchema = z
  .object({
    project: z.string({ error: "project is required" }).regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
      message: "a GCP project id has 6–30 lower-case letters, digits or hyphens and starts with a letter",
    }),
    poolId: z
      .string()
      .regex(GCP_WIF_ID, {
        message: "a pool id has 4–32 lower-case letters, digits or '-' and does not start with gcp-",
      })
      .optional(),
    existingPoolName: z
      .string()
      .regex(GCP_POOL_NAME, {
        message: "write the pool's full name: projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID",
      })
      .optional(),
    issuers: z.array(runsOnSchema).optional(),
  })
  .strict();

/**
 * The Workload Identity Pool agents of one project share, and one OIDC provider per issuer and
 * owner, each with an attribute condition that pins the owner (a provider without a condition is
 * never created). Pass it as `gcp.pool` of each `AgentIdentity`.
 */
export class GcpWorkloadIdentityPool extends pulumi.ComponentResource {
  /** The pool's full resource name, the base of every agent's `principal://…` member. */
  readonly name: pulumi.Output<string>;
  readonly project: string;
  readonly poolId: string;
  private readonly providers = new Map<string, GcpPoolProvider>();
  private readonly componentName: string;
  /** The pool id as an input that carries the dependency on the pool, when this component creates it. */
  private readonly poolIdInput: pulumi.Input<string>;

  constructor(name: string, args: GcpWorkloadIdentityPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = argsSchema.safeParse(args);
    if (!parsed.success)
      throw new Error(
        `GcpWorkloadIdentityPool "${name}" is not valid:\n${parsed.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join("\n")}`,
      );
    super(COMPONENT_TYPES.GcpWorkloadIdentityPool, name, {}, opts);
    this.componentName = name;
    this.project = parsed.data.project;
    const existing = parsed.data.existingPoolName;
    this.poolId = existing ? existing.slice(existing.lastIndexOf("/") + 1) : (parsed.data.poolId ?? "agent-iam");
    if (existing) {
      this.name = pulumi.output(existing);
      this.poolIdInput = this.poolId;
    } else {
      const pool = new iam.WorkloadIdentityPool(
        name,
        {
          project: this.project,
          workloadIdentityPoolId: this.poolId,
          displayName: "agent-iam agents",
          description:
            "Workload identity federation for AI agents and bots (agent-iam); one provider per issuer and owner.",
          disabled: false,
        },
        { parent: this },
      );
      this.name = pool.name;
      this.poolIdInput = pool.workloadIdentityPoolId;
    }
    for (const runsOn of parsed.data.issuers ?? []) this.providerFor(resolveTrust(runsOn, "any"));
    this.registerOutputs({ name: this.name });
  }

  /**
   * The provider for an agent's trust, created the first time an issuer and owner are needed. An
   * agent on AWS (`awsWorkload`) gets a provider of type `aws` that pins its role, named by `awsRoleName`.
   */
  providerFor(trust: Trust, awsRoleName?: string): GcpPoolProvider {
    const spec = gcpProviderSpec(trust, awsRoleName);
    const known = this.providers.get(spec.key);
    if (known) return known;
    const provider = new iam.WorkloadIdentityPoolProvider(
      `${this.componentName}-${spec.providerId}`,
      {
        project: this.project,
        workloadIdentityPoolId: this.poolIdInput,
        workloadIdentityPoolProviderId: spec.providerId,
        displayName: spec.displayName,
        description: spec.description,
        attributeMapping: { ...spec.attributeMapping },
        attributeCondition: spec.attributeCondition,
        ...(spec.awsAccountId !== undefined
          ? { aws: { accountId: spec.awsAccountId } }
          : {
              oidc: {
                issuerUri: spec.issuerUri!,
                allowedAudiences: spec.allowedAudiences.length > 0 ? [...spec.allowedAudiences] : undefined,
              },
            }),
      },
      { parent: this },
    );
    const entry: GcpPoolProvider = { name: provider.name, spec };
    this.providers.set(spec.key, entry);
    return entry;
  }
}
