import { gcpIam as iam } from "../providers";
import { COMPONENT_TYPES, FORMER_COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AWS_LIMITS, GCP_POOL_NAME } from "../../src/model/cloud-limits";
import { GCP_WIF_ID, gcpProviderSpec, type GcpProviderSpec } from "../../src/clouds/gcp/workload-identity";
import { gcpAwsRoleProviderSpec } from "../../src/clouds/gcp/workload-federation";
import { resolveTrust, runsOnSchema } from "../../src/model/issuers";
import type { RunsOn, Trust } from "../../src/model/runs-on";
import { formatPath } from "../../src/model/agent-spec";
import { withFormerType } from "../shared-resources";

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
  /**
   * Roles of agents that run on AWS (`awsWorkload`) and reach GCP: a provider of type aws that admits
   * each role alone. An agent's role is `agent-NAME-ENVIRONMENT` (its `aws.roleName` output).
   * TypeScript agents add theirs on demand; programs in other languages name them here.
   */
  awsRoles?: GcpPoolAwsRole[];
}

/** An AWS role a pool admits through a provider of type aws. */
export interface GcpPoolAwsRole {
  /** The role's account: 12 digits. */
  accountId: string;
  /** The role's name (not its ARN), such as `agent-warehouse-analyst-prod`. */
  roleName: string;
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
    issuers: z
      .array(
        runsOnSchema.superRefine((runsOn, ctx) => {
          if (runsOn.kind === "aws-workload")
            ctx.addIssue({
              code: "custom",
              message:
                "an agent on AWS reaches GCP through a provider that admits its role alone: name the role in awsRoles, not in issuers",
            });
          if (runsOn.kind === "gcp-workload")
            ctx.addIssue({
              code: "custom",
              message: "an agent that runs on GCP uses its service account directly: it needs no provider, remove it",
            });
        }),
      )
      .optional(),
    awsRoles: z
      .array(
        z
          .object({
            accountId: z
              .string({ error: "accountId is required" })
              .regex(/^\d{12}$/, { message: "an AWS account id has 12 digits" }),
            roleName: z
              .string({ error: "roleName is required" })
              .regex(new RegExp(`^[\\w+=,.@-]{1,${AWS_LIMITS.roleNameCharacters}}$`), {
                message: `write the role's name (not its ARN): at most ${AWS_LIMITS.roleNameCharacters} letters, digits or +=,.@_-`,
              }),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** A pool as its component builds it: the pool's names and the providers made on demand. */
export interface DeclaredPool {
  readonly name: pulumi.Output<string>;
  readonly project: string;
  readonly poolId: string;
  providerFor(trust: Trust, awsRoleName?: string): GcpPoolProvider;
  /** The provider a spec describes, created the first time it is needed. */
  providerOf(spec: GcpProviderSpec): GcpPoolProvider;
}

/** A pool's arguments once validated: the issuers as the trusts their providers pin. */
export interface ParsedPoolArgs {
  readonly project: string;
  readonly poolId?: string;
  readonly existingPoolName?: string;
  readonly issuers: readonly Trust[];
  readonly awsRoles: readonly GcpPoolAwsRole[];
}

/** Validates a pool's arguments (issuers in either `runsOn` form); throws one message listing every problem. */
export function parsePoolArgs(name: string, args: unknown): ParsedPoolArgs {
  const parsed = argsSchema.safeParse(args);
  if (!parsed.success)
    throw new Error(
      `GcpWorkloadIdentityPool "${name}" is not valid:\n${parsed.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join("\n")}`,
    );
  return {
    ...parsed.data,
    issuers: (parsed.data.issuers ?? []).map((runsOn) => resolveTrust(runsOn, "any")),
    awsRoles: parsed.data.awsRoles ?? [],
  };
}

/** Registers the pool (unless it exists) and a provider per issuer under `component`. */
export function declarePool(
  component: pulumi.ComponentResource,
  componentName: string,
  args: ParsedPoolArgs,
): DeclaredPool {
  const project = args.project;
  const existing = args.existingPoolName;
  const poolId = existing ? existing.slice(existing.lastIndexOf("/") + 1) : (args.poolId ?? "agent-iam");
  let name: pulumi.Output<string>;
  // The pool id as an input that carries the dependency on the pool, when the component creates it.
  let poolIdInput: pulumi.Input<string>;
  if (existing) {
    name = pulumi.output(existing);
    poolIdInput = poolId;
  } else {
    const pool = new iam.WorkloadIdentityPool(
      componentName,
      {
        project,
        workloadIdentityPoolId: poolId,
        displayName: "agent-iam agents",
        description:
          "Workload identity federation for AI agents and bots (agent-iam); one provider per issuer and owner.",
        disabled: false,
      },
      { parent: component },
    );
    name = pool.name;
    poolIdInput = pool.workloadIdentityPoolId;
  }
  const providers = new Map<string, GcpPoolProvider>();
  // An agent on AWS (`awsWorkload`) gets a provider of type `aws` that pins its role, named by `awsRoleName`.
  const providerOf = (spec: GcpProviderSpec): GcpPoolProvider => {
    const known = providers.get(spec.key);
    if (known) return known;
    const provider = new iam.WorkloadIdentityPoolProvider(
      `${componentName}-${spec.providerId}`,
      {
        project,
        workloadIdentityPoolId: poolIdInput,
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
      { parent: component },
    );
    const entry: GcpPoolProvider = { name: provider.name, spec };
    providers.set(spec.key, entry);
    return entry;
  };
  const providerFor = (trust: Trust, awsRoleName?: string) => providerOf(gcpProviderSpec(trust, awsRoleName));
  return { name, project, poolId, providerFor, providerOf };
}

/** The providers of a pool's `issuers`, then of its `awsRoles`, created with the pool, in their order. */
export function issuerProviders(pool: DeclaredPool, args: ParsedPoolArgs): GcpPoolProvider[] {
  return [
    ...args.issuers.map((trust) => pool.providerFor(trust)),
    ...args.awsRoles.map((role) => pool.providerOf(gcpAwsRoleProviderSpec(role.accountId, role.roleName))),
  ];
}

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
  private readonly pool: DeclaredPool;

  constructor(name: string, args: GcpWorkloadIdentityPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = parsePoolArgs(name, args);
    super(
      COMPONENT_TYPES.GcpWorkloadIdentityPool,
      name,
      {},
      withFormerType(opts, FORMER_COMPONENT_TYPES.GcpWorkloadIdentityPool),
    );
    this.pool = declarePool(this, name, parsed);
    this.name = this.pool.name;
    this.project = this.pool.project;
    this.poolId = this.pool.poolId;
    issuerProviders(this.pool, parsed);
    this.registerOutputs({ name: this.name });
  }

  /**
   * The provider for an agent's trust, created the first time an issuer and owner are needed. An
   * agent on AWS (`awsWorkload`) gets a provider of type `aws` that pins its role, named by `awsRoleName`.
   */
  providerFor(trust: Trust, awsRoleName?: string): GcpPoolProvider {
    return this.pool.providerFor(trust, awsRoleName);
  }
}
