import { COMPONENT_TYPES } from "../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import type { Agent } from "../src/model/agent";
import { todayUtc } from "../src/model/dates";
import { applyDepartedOwners, parseDepartedOwners } from "../src/model/offboarding";
import { buildInventoryRecord } from "../src/clouds/inventory-record";
import { UNKNOWN_BECAUSE } from "../src/model/inventory/cloud-assigned";
import type { AgentCloudIdentities, InventoryRecord } from "../src/model/inventory/record";
import { azureBlockSchema } from "../src/model/spec";
import type { AgentSpec } from "../src/model/agent-spec";
import { planAgent } from "../src/clouds/plan";
import { AgentSpecError } from "../src/model/agent-spec";
import { awsProviderIssuerProblem } from "../src/clouds/aws/trust-policy";
import { awsBudgetPolicySlots } from "../src/clouds/aws/budget";
import { AwsAgentBudget } from "./aws/agent-budget";
import { AwsAgentRole, awsRoleName } from "./aws/agent-role";
import { AzureAgentBudget } from "./azure/agent-budget";
import { AzureAgentIdentity } from "./azure/agent-identity";
import { closingList, delegationRegistry, type DelegationRecord } from "./delegation";
import { GcpAgentBudget } from "./gcp/agent-budget";
import { GcpAgentServiceAccount, type GcpAgentServiceAccountArgs } from "./gcp/agent-service-account";
import type { GcpStopper } from "./gcp/agent-budget";
import type { GcpPoolProvider } from "./gcp/workload-identity-pool";
import { agentEnginePrincipal, resolveTrust } from "../src/model/issuers";
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../src/model/cloud-limits";
import { CLOUDS, type Cloud } from "../src/model/resources";
import { disabledTrustPolicy, type AwsTrustPolicy } from "../src/clouds/aws/trust-policy";
import { entraTrustPolicy, googleTrustPolicy, serviceTrustPolicy } from "../src/clouds/aws/workload-trust";
import { gcpAwsRolePrincipal, gkeMember } from "../src/clouds/gcp/workload-federation";
import { gcpPrincipal } from "../src/clouds/gcp/workload-identity";
import { azureFederatedCredential } from "../src/clouds/azure/federated";
import {
  awsOutboundFederatedCredential,
  googleFederatedCredential,
  type AzureWorkloadCredentialSpec,
} from "../src/clouds/azure/workload-federation";
import { awsOutboundIssuer } from "./aws/outbound-federation";
import { AgentToolPolicies, claimGatewaySubject } from "./aws/agent-tool-policies";

/** Arguments of {@link AgentIdentity}: the agent spec (see `src/model/spec.ts` for every field). */
export type AgentIdentityArgs = AgentSpec;

/** The AWS side of an agent identity. */
export interface AgentAwsIdentity {
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  /** Environment variables the agent sets to assume its role. */
  readonly environment: pulumi.Output<Record<string, string>>;
  /** The CI or pod snippet the agent uses. */
  readonly snippet: pulumi.Output<string>;
}

/** The GCP side of an agent identity. */
export interface AgentGcpIdentity {
  readonly serviceAccountEmail: pulumi.Output<string>;
  /** The workload identity provider's full resource name. */
  readonly providerName: pulumi.Output<string>;
  /** The one principal allowed to impersonate the service account. */
  readonly principal: pulumi.Output<string>;
  /** The `google-github-actions/auth` step, or the credential configuration for other issuers. */
  readonly snippet: pulumi.Output<string>;
  /** The agent's labels, for the resources it works with. */
  readonly labels: Record<string, string>;
}

/** The Azure side of an agent identity. */
export interface AgentAzureIdentity {
  readonly clientId: pulumi.Output<string>;
  readonly tenantId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  /** The `azure/login` step, or its equivalent for the agent's issuer. */
  readonly snippet: pulumi.Output<string>;
}

/** The pool and provider names from a `GcpWorkloadIdentityPool` or an existing `{ name, provider }`. */
function gcpPoolOf(
  value: unknown,
  agent: Agent,
): { poolName: pulumi.Input<string>; providerName: pulumi.Input<string> } {
  if (typeof value === "object" && value !== null && "providerFor" in value) {
    const pool = value as {
      name: pulumi.Output<string>;
      providerFor(trust: Agent["trust"], awsRoleName?: string): GcpPoolProvider;
    };
    const roleName = agent.trust.workload?.cloud === "aws" ? awsRoleName(agent) : undefined;
    return { poolName: pool.name, providerName: pool.providerFor(agent.trust, roleName).name };
  }
  const existing = value as { name: string; provider: string };
  return { poolName: existing.name, providerName: existing.provider };
}

/**
 * How the agent's service account is reached: through the pool from its issuer or its home on AWS
 * or Azure, attached to its GCP workload, or (Agent Engine) not at all: the engine's own principal.
 */
function gcpFederation(
  agent: Agent,
  pool: unknown,
  azureIdentity: AzureAgentIdentity | undefined,
): Pick<GcpAgentServiceAccountArgs, "poolName" | "providerName" | "workloadMember" | "agentPrincipal"> {
  const workload = agent.trust.workload;
  if (workload?.cloud === "gcp") {
    if (workload.service === "agent-engine")
      return { workloadMember: null, agentPrincipal: agentEnginePrincipal(workload) };
    if (workload.service === "gke")
      return { workloadMember: gkeMember(workload.project, workload.namespace!, workload.serviceAccount!) };
    return { workloadMember: null };
  }
  const federation = gcpPoolOf(pool, agent);
  if (workload?.cloud === "aws")
    return {
      ...federation,
      workloadMember: pulumi
        .output(federation.poolName)
        .apply((name) => gcpAwsRolePrincipal(name, workload.accountId, awsRoleName(agent))),
    };
  if (workload?.cloud === "azure" && azureIdentity)
    return {
      ...federation,
      workloadMember: pulumi
        .all([federation.poolName, azureIdentity.principalId])
        .apply(([name, objectId]) => gcpPrincipal(name, objectId)),
    };
  return federation;
}

/** The trust of the agent's role when its home is a cloud (its service, or its identity elsewhere). */
function awsHomeTrust(
  agent: Agent,
  block: NonNullable<AgentSpec["aws"]>,
  gcpAccount: GcpAgentServiceAccount | undefined,
  azureIdentity: AzureAgentIdentity | undefined,
): pulumi.Input<AwsTrustPolicy> | undefined {
  const workload = agent.trust.workload;
  if (workload?.cloud === "aws") return serviceTrustPolicy(workload, agent.disabled);
  if (workload?.cloud === "gcp" && gcpAccount)
    return gcpAccount.uniqueId.apply((uniqueId) =>
      agent.disabled
        ? disabledTrustPolicy("accounts.google.com")
        : googleTrustPolicy(agent, uniqueId, agent.trust.audience),
    );
  if (workload?.cloud === "azure" && azureIdentity && block.oidcProvider !== undefined)
    return pulumi
      .all([providerArnOf(block.oidcProvider), azureIdentity.principalId])
      .apply(([providerArn, objectId]) =>
        agent.disabled ? disabledTrustPolicy(providerArn) : entraTrustPolicy(agent, providerArn, objectId),
      );
  return undefined;
}

/** The federated credentials of an agent whose home is a cloud, or undefined for an issuer preset. */
function azureWorkloadCredentials(
  agent: Agent,
  awsRole: AwsAgentRole | undefined,
  gcpAccount: GcpAgentServiceAccount | undefined,
): AzureWorkloadCredentialSpec<pulumi.Input<string>>[] | undefined {
  const workload = agent.trust.workload;
  if (!workload) return undefined;
  if (workload.cloud === "azure")
    return workload.service === "aks"
      ? [azureFederatedCredential({ kind: "kubernetes", issuerUrl: workload.issuerUrl!, subject: agent.trust.subject })]
      : [];
  if (workload.cloud === "gcp" && gcpAccount) return [googleFederatedCredential(agent.id, gcpAccount.uniqueId)];
  if (workload.cloud === "aws" && awsRole)
    return [awsOutboundFederatedCredential(agent.id, awsOutboundIssuer(workload.accountId), awsRole.roleArn)];
  return [];
}

/**
 * The identities of each cloud the agent is on, each value as the cloud returned it, or `null`
 * where it has not (yet): under the simplest unit-test mocks an IAM role has no `arn`.
 */
function knownIdentities(values: Record<string, Record<string, unknown> | undefined>): AgentCloudIdentities {
  const identities: Record<string, Record<string, string | null>> = {};
  for (const [cloud, fields] of Object.entries(values)) {
    if (fields === undefined) continue;
    identities[cloud] = Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [key, typeof value === "string" && value !== "" ? value : null]),
    );
  }
  return identities as AgentCloudIdentities;
}

/** Stack configuration read under the `agent-iam` namespace. */
function stackSettings(): { permissionsBoundary?: string; departedOwners: string[] } {
  const config = new pulumi.Config("agent-iam");
  return {
    permissionsBoundary: config.get("permissionsBoundary"),
    departedOwners: parseDepartedOwners(config.getObject<unknown>("departedOwners")),
  };
}

/** What is known before apply of the provider an agent names: the issuer of an `AwsOidcProvider`, the ARN given as text. */
function providerIdentityOf(value: unknown): { issuerUrl?: string; arn?: string } {
  if (typeof value === "object" && value !== null && "issuerUrl" in value && typeof value.issuerUrl === "string")
    return { issuerUrl: value.issuerUrl };
  return typeof value === "string" ? { arn: value } : {};
}

/** The provider ARN from an `AwsOidcProvider`, an output, or a plain ARN. */
function providerArnOf(value: unknown): pulumi.Input<string> {
  if (typeof value === "object" && value !== null && "arn" in value)
    return (value as { arn: pulumi.Input<string> }).arn;
  return value as pulumi.Input<string>;
}

/** An agent before anything is registered: validated, offboarding applied, delegation cycles checked. */
export interface PreparedAgentIdentity {
  readonly agent: Agent;
  readonly ownerDeparted: boolean;
  readonly permissionsBoundary?: string;
  readonly delegations: ReturnType<typeof delegationRegistry>;
}

/** What an `AgentIdentity` component holds once its children are registered. */
export interface AgentIdentityParts {
  readonly aws?: AgentAwsIdentity;
  readonly gcp?: AgentGcpIdentity;
  readonly azure?: AgentAzureIdentity;
  readonly inventoryRecord: pulumi.Output<InventoryRecord>;
  readonly delegation: pulumi.Output<DelegationRecord[]>;
}

/**
 * Validates a spec and the stack's settings before the component registers: an invalid spec throws
 * one `AgentSpecError` and nothing is created. Shared by the TypeScript class and the class other
 * Pulumi languages are served (`components/any-language/`), so both make the same agent.
 */
export function prepareAgentIdentity(name: string, args: AgentSpec): PreparedAgentIdentity {
  const settings = stackSettings();
  // Offboarding: an agent whose owner departed is deployed disabled, every cloud's kill switch on.
  const { agent, ownerDeparted } = applyDepartedOwners(planAgent(name, args), settings.departedOwners);
  const issuerProblem = args.aws && awsProviderIssuerProblem(providerIdentityOf(args.aws.oidcProvider), agent.trust);
  if (issuerProblem) throw new AgentSpecError(name, [issuerProblem]);
  // A delegation cycle is a spec error: found before anything is registered.
  const delegations = delegationRegistry();
  delegations.checkNewAgent(agent);
  // Two agents with one JWT subject would be one principal to the gateway: refused before anything is registered.
  if (args.tools && agent.tools.length > 0) claimGatewaySubject(agent, args.tools.gateway);
  return { agent, ownerDeparted, permissionsBoundary: settings.permissionsBoundary, delegations };
}

/** The component's own inputs: the validated agent model, which recorded runs, state and the pack read. */
export function agentIdentityInputs(prepared: PreparedAgentIdentity): pulumi.Inputs {
  return { agent: prepared.agent, ownerDeparted: prepared.ownerDeparted };
}

/** The outputs an `AgentIdentity` registers. */
export function agentIdentityOutputs(agent: Agent, parts: AgentIdentityParts): pulumi.Inputs {
  return {
    agentId: agent.id,
    owner: agent.owner,
    environment: agent.environment,
    expires: agent.expires,
    aws: parts.aws,
    gcp: parts.gcp,
    azure: parts.azure,
    inventoryRecord: parts.inventoryRecord,
    delegation: parts.delegation,
  };
}

/** Registers an agent's children on each cloud it names, under `component`. */
export function declareAgentIdentity(
  component: pulumi.ComponentResource,
  name: string,
  args: AgentSpec,
  prepared: PreparedAgentIdentity,
): AgentIdentityParts {
  const { agent, ownerDeparted, delegations } = prepared;
  const tomorrow = new Date(Date.parse(`${todayUtc()}T00:00:00Z`) + 86_400_000).toISOString().replace(".000Z", "Z");

  // The roles of agents that delegate to this one, collected until its trust is sent.
  const delegators = closingList<string>();
  const workload = agent.trust.workload;
  let awsRole: AwsAgentRole | undefined;
  let gcpAccount: GcpAgentServiceAccount | undefined;
  let azureIdentity: AzureAgentIdentity | undefined;

  const createAws = (block: NonNullable<AgentSpec["aws"]>) => {
    const roleName = awsRoleName(agent);
    awsRole = new AwsAgentRole(
      name,
      {
        agent,
        oidcProviderArn: block.oidcProvider === undefined ? undefined : providerArnOf(block.oidcProvider),
        homeTrust: awsHomeTrust(agent, block, gcpAccount, azureIdentity),
        outboundAudience: workload?.cloud === "aws" && args.azure ? AZURE_TOKEN_EXCHANGE_AUDIENCE : undefined,
        permissionsBoundary:
          (block.permissionsBoundary as pulumi.Input<string> | undefined) ?? prepared.permissionsBoundary,
        path: block.path,
        revokeSessionsIssuedBefore: tomorrow,
        delegatorRoleArns: delegators.output,
        reservedPolicySlots: awsBudgetPolicySlots(agent),
      },
      { parent: component },
    );
    if (agent.budget)
      new AwsAgentBudget(
        `${name}-budget`,
        { agent, budget: agent.budget, roleArn: awsRole.roleArn, roleName, path: block.path },
        { parent: component },
      );
  };

  const createGcp = (block: NonNullable<AgentSpec["gcp"]>) => {
    gcpAccount = new GcpAgentServiceAccount(
      name,
      { agent, project: block.project, ...gcpFederation(agent, block.pool, azureIdentity) },
      { parent: component },
    );
    // The stopper disables the account on the review date: what ends grants that take no condition.
    const stopper = block.budgetStopper as GcpStopper | undefined;
    if (stopper && !agent.disabled && workload?.service !== "agent-engine")
      stopper.protect(agent, gcpAccount.serviceAccountName);
    if (agent.budget && block.billingAccount)
      new GcpAgentBudget(
        `${name}-budget`,
        {
          agent,
          budget: agent.budget,
          project: block.project,
          billingAccount: block.billingAccount,
          serviceAccountName: gcpAccount.serviceAccountName,
          stopper,
        },
        { parent: component },
      );
  };

  const createAzure = (raw: NonNullable<AgentSpec["azure"]>) => {
    const block = azureBlockSchema.parse(raw);
    azureIdentity = new AzureAgentIdentity(
      name,
      {
        agent,
        subscriptionId: block.subscriptionId,
        resourceGroupName: block.resourceGroupName,
        location: block.location,
        additionalSubjects: (block.additionalSubjects ?? []).map((runsOn) => resolveTrust(runsOn, agent.environment)),
        allowBroadScopes: block.allowBroadScopes,
        workloadCredentials: azureWorkloadCredentials(agent, awsRole, gcpAccount),
      },
      { parent: component },
    );
    if (agent.budget)
      new AzureAgentBudget(
        `${name}-budget`,
        {
          agent,
          budget: agent.budget,
          subscriptionId: block.subscriptionId,
          resourceGroupName: block.resourceGroupName,
        },
        { parent: component },
      );
  };

  // The home identity first: the other clouds' trusts name it (its unique id, object id or role).
  const order: Cloud[] = workload
    ? [workload.cloud, ...CLOUDS.filter((cloud) => cloud !== workload.cloud)]
    : [...CLOUDS];
  for (const cloud of order) {
    if (cloud === "aws" && args.aws) createAws(args.aws);
    if (cloud === "gcp" && args.gcp) createGcp(args.gcp);
    if (cloud === "azure" && args.azure) createAzure(args.azure);
  }
  const parts: { aws?: AgentAwsIdentity; gcp?: AgentGcpIdentity; azure?: AgentAzureIdentity } = {};
  const role = awsRole as AwsAgentRole | undefined;
  if (role)
    parts.aws = {
      roleArn: role.roleArn,
      roleName: role.roleName,
      environment: role.environment,
      snippet: role.snippet,
    };
  const account = gcpAccount as GcpAgentServiceAccount | undefined;
  if (account)
    parts.gcp = {
      serviceAccountEmail: account.email,
      providerName: account.providerName,
      principal: account.principal,
      snippet: account.snippet,
      labels: account.labels,
    };
  const identity = azureIdentity as AzureAgentIdentity | undefined;
  if (identity)
    parts.azure = {
      clientId: identity.clientId,
      tenantId: identity.tenantId,
      principalId: identity.principalId,
      snippet: identity.snippet,
    };

  if (args.tools && agent.tools.length > 0)
    new AgentToolPolicies(`${name}-tools`, { agent, gateway: args.tools.gateway }, { parent: component });

  const awsSide = parts.aws;
  const delegation = delegations.register({
    agent,
    component,
    aws: awsSide
      ? {
          roleArn: awsSide.roleArn,
          roleName: awsSide.roleName,
          acceptDelegator: (roleArn) => delegators.add(roleArn),
        }
      : undefined,
    gcp: gcpAccount ? { accountName: gcpAccount.serviceAccountName, email: gcpAccount.email } : undefined,
  });

  const identities = pulumi.output({
    aws: parts.aws ? pulumi.output({ roleArn: parts.aws.roleArn, roleName: parts.aws.roleName }) : undefined,
    gcp:
      gcpAccount && args.gcp
        ? pulumi.output({
            serviceAccountEmail: gcpAccount.email,
            project: args.gcp.project,
            uniqueId: gcpAccount.uniqueId,
          })
        : undefined,
    azure: azureIdentity
      ? pulumi.output({
          clientId: azureIdentity.clientId,
          principalId: azureIdentity.principalId,
          resourceId: azureIdentity.resourceId,
          tenantId: azureIdentity.tenantId,
        })
      : undefined,
  });
  const inventoryRecord = identities.apply((known) =>
    buildInventoryRecord(agent, knownIdentities(known), { ownerDeparted, unknownBecause: UNKNOWN_BECAUSE.state }),
  );
  return { ...parts, inventoryRecord, delegation };
}

/**
 * One AI agent or bot as an identity: its own least-privilege, per-environment workload identity on
 * each cloud it names, federated through OIDC (no static secret), with an owner, a purpose, a review
 * date, short sessions, a kill switch (`disabled: true`) and tags that make every action attributable.
 *
 * The spec is validated before anything is registered: an invalid spec throws one `AgentSpecError`
 * listing every problem with its field path, and nothing is created.
 *
 * @example
 * ```ts
 * const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
 * new AgentIdentity("pr-reviewer", {
 *   owner: "keisha@acme.example",
 *   purpose: "Reviews pull requests and posts findings",
 *   environment: "prod",
 *   expires: "2027-03-01",
 *   runsOn: githubActions({ repository: "acme/api" }),
 *   grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source"] }],
 *   aws: { oidcProvider: github },
 * });
 * ```
 */
export class AgentIdentity extends pulumi.ComponentResource {
  /** The validated, cloud-agnostic agent (disabled when its owner is in `agent-iam:departedOwners`). */
  readonly agent: Agent;
  readonly agentId: string;
  readonly aws?: AgentAwsIdentity;
  readonly gcp?: AgentGcpIdentity;
  readonly azure?: AgentAzureIdentity;
  /** The agent's inventory record (`src/model/inventory/schema.ts`); export the records as the stack's `inventory`. */
  readonly inventoryRecord: pulumi.Output<InventoryRecord>;
  /**
   * The agents this one may act as and the clouds each delegation is set up on, once every target
   * is known; fails the deployment with an `AgentSpecError` when `delegatesTo` names no agent of the program.
   */
  readonly delegation: pulumi.Output<DelegationRecord[]>;

  constructor(name: string, args: AgentIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    const prepared = prepareAgentIdentity(name, args);
    super(COMPONENT_TYPES.AgentIdentity, name, agentIdentityInputs(prepared), opts);
    this.agent = prepared.agent;
    this.agentId = prepared.agent.id;
    const parts = declareAgentIdentity(this, name, args, prepared);
    this.aws = parts.aws;
    this.gcp = parts.gcp;
    this.azure = parts.azure;
    this.inventoryRecord = parts.inventoryRecord;
    this.delegation = parts.delegation;
    this.registerOutputs(agentIdentityOutputs(prepared.agent, parts));
  }
}
