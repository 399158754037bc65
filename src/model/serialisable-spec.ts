import type { Input } from "@pulumi/pulumi";
import type { ToolAccess } from "./serialisable-tools";

/**
 * The agent spec as programs in other Pulumi languages (Python, Go, C#, Java, YAML) write it: the
 * arguments of the `AgentIdentity` their generated SDK declares. Pulumi infers a component's schema
 * from these declarations (`@pulumi/pulumi/provider/experimental`), which takes interfaces, strings,
 * numbers, booleans, arrays, maps and `Input`s but no unions: where the TypeScript spec
 * (`./agent-spec.ts`) has a union, this form has one object whose fields are the union's members
 * (`runsOn: { githubActions: {...} }` with exactly one member set) or the widest member (`access`
 * as a list). The spec's schema (`./spec.ts`) reads both forms with the same rules and messages.
 */

/** Where an agent runs: set exactly one member. */
export interface RunsOn {
  /** A GitHub Actions workflow (the subject pins the GitHub environment named like the agent's by default). */
  githubActions?: GithubActions;
  /** A GitLab CI job on a protected ref. */
  gitlabCi?: GitlabCi;
  /** A Kubernetes pod's service account. */
  kubernetes?: Kubernetes;
  /** Any other OIDC issuer, with the exact subject its token carries. */
  oidc?: Oidc;
  /** An AWS compute service (Lambda, ECS task, EKS Pod Identity, AgentCore runtime) that assumes the agent's role. */
  awsWorkload?: AwsWorkload;
  /** GCP compute (Cloud Run, Cloud Functions, GKE, Agent Engine) that runs as the agent's service account. */
  gcpWorkload?: GcpWorkload;
  /** Azure compute (Container Apps, Functions, AKS) that runs as the agent's managed identity. */
  azureWorkload?: AzureWorkload;
}

/** A GitHub Actions workflow. */
export interface GithubActions {
  /** The repository, as `ORG/REPO`. */
  repository: string;
  /** The GitHub environment the job runs in (default: the agent's environment). Exclusive with `ref`. */
  environment?: string;
  /** A full ref (`refs/heads/main`, `refs/tags/v1.2.0`) or `pull_request`, instead of an environment. */
  ref?: string;
  /** GitHub's numeric id of the owner: with `repositoryId`, the immutable subject `repo:ORG@ID/REPO@ID:…`. */
  ownerId?: number;
  /** GitHub's numeric id of the repository (with `ownerId`). */
  repositoryId?: number;
  /** GitHub Enterprise Server's issuer (default `https://token.actions.githubusercontent.com`). */
  issuerUrl?: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  audience?: string;
}

/** A GitLab CI job. */
export interface GitlabCi {
  /** The project path, as `GROUP/PROJECT` (subgroups allowed). */
  project: string;
  /** The branch or tag the job runs on (default `main`). */
  ref?: string;
  /** `branch` (default) or `tag`. */
  refType?: string;
  /** Refused: GitLab's subject does not name the environment; pin the protected ref instead. */
  environment?: string;
  /** A self-managed GitLab's issuer (default `https://gitlab.com`). */
  issuerUrl?: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  audience?: string;
}

/** A pod running as a service account of a cluster with an OIDC issuer. */
export interface Kubernetes {
  /** The cluster's OIDC issuer, exactly as it publishes it. */
  issuerUrl: string;
  /** The pod's namespace. */
  namespace: string;
  /** The pod's service account. */
  serviceAccount: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  audience?: string;
}

/** Any other OIDC issuer. */
export interface Oidc {
  /** The issuer, exactly as it publishes it. */
  issuerUrl: string;
  /** The exact subject its token carries (no wildcards). */
  subject: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  audience?: string;
}

/** An AWS compute service that runs the agent; the fields its service needs are required, the others refused. */
export interface AwsWorkload {
  /** `lambda`, `ecs-tasks`, `eks-pod-identity` or `bedrock-agentcore`. */
  service: string;
  /** The account the workload (and the agent's role) lives in: 12 digits. */
  accountId: string;
  /** The workload's region (required for `ecs-tasks`, `eks-pod-identity` and `bedrock-agentcore`). */
  region?: string;
  /** `lambda`: the function's name. */
  functionName?: string;
  /** `ecs-tasks`: the task definition family whose `taskRoleArn` is the agent's role. */
  taskFamily?: string;
  /** `eks-pod-identity`: the cluster name. */
  cluster?: string;
  /** `eks-pod-identity`: the pod's namespace. */
  namespace?: string;
  /** `eks-pod-identity`: the pod's Kubernetes service account. */
  serviceAccount?: string;
  /** `bedrock-agentcore`: the agent runtime's name. */
  runtimeName?: string;
}

/** GCP compute that runs the agent as its service account. */
export interface GcpWorkload {
  /** `cloud-run`, `cloud-functions`, `gke` or `agent-engine`. */
  service: string;
  /** The project the workload runs in (for GKE: the cluster's project). */
  project: string;
  /** `gke`: the pod's namespace. */
  namespace?: string;
  /** `gke`: the pod's Kubernetes service account. */
  serviceAccount?: string;
  /** `agent-engine`: the organisation's numeric id. */
  organizationId?: string;
  /** `agent-engine`: the project's number. */
  projectNumber?: string;
  /** `agent-engine`: the reasoning engine's location, such as `us-central1`. */
  location?: string;
  /** `agent-engine`: the reasoning engine's id (Vertex AI assigns it). */
  reasoningEngineId?: string;
  /** The audience of the Google ID token the agent presents to another cloud (default `sts.amazonaws.com`). */
  audience?: string;
}

/** Azure compute that runs the agent as its managed identity. */
export interface AzureWorkload {
  /** `container-apps`, `functions` or `aks`. */
  service: string;
  /** The Microsoft Entra tenant (a GUID). */
  tenantId: string;
  /** `aks`: the cluster's OIDC issuer, exactly as it publishes it. */
  issuerUrl?: string;
  /** `aks`: the pod's namespace. */
  namespace?: string;
  /** `aks`: the pod's Kubernetes service account. */
  serviceAccount?: string;
  /** The application ID URI (`api://…`) the managed identity asks a token for when it reaches AWS or GCP. */
  audience?: string;
}

/**
 * One grant: `{ resource, access }` (a named resource), `{ role, resources }` (a catalog role) or
 * `{ actions, resource: "*" }` (wildcard-only AWS actions). Set the fields of one of the three.
 */
export interface Grant {
  /** An AWS ARN, a Google full resource name (`//storage.googleapis.com/…`), an Azure resource id, or `*` with `actions`. */
  resource?: string;
  /** What the agent may do to `resource`: one or more of `read`, `list`, `write`, `tag`, `permissions`. */
  access?: string[];
  /** Action classes the grant opts into, each needing `approval`: `delete`, `export`, `tamper`, `credentials`. */
  include?: string[];
  /** A role of agent-iam's catalog (`agent-iam roles` lists them). */
  role?: string;
  /** The resources the role applies to. */
  resources?: string[];
  /** AWS actions the IAM catalog marks wildcard-only (with `resource: "*"`). */
  actions?: string[];
  /** Marks the resource as holding sensitive data (`pii`, `financial`, `credentials`): it raises the risk tier. */
  dataClass?: string;
  /** The last day (`YYYY-MM-DD`) the grant works, on or before `expires`. */
  until?: string;
}

/** The AWS side of an agent. */
export interface AwsSettings {
  /**
   * The ARN of the IAM OIDC provider of the agent's issuer: an `AwsOidcProvider`'s `arn`, or an existing
   * provider's. Not needed when the agent runs on an AWS service (`runsOn.awsWorkload`) or on GCP.
   */
  oidcProvider?: Input<string>;
  /** A permissions boundary for the role (default: the stack config `agent-iam:permissionsBoundary`). */
  permissionsBoundary?: Input<string>;
  /** IAM path of the role (default `/agents/`). */
  path?: string;
}

/** A workload identity pool and the provider of the agent's issuer, by full resource name. */
export interface GcpPool {
  /** `projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID` (a `GcpWorkloadIdentityPool`'s `name`). */
  name: Input<string>;
  /** `…/workloadIdentityPools/POOL_ID/providers/PROVIDER_ID` (one of a `GcpWorkloadIdentityPool`'s `providerNames`). */
  provider: Input<string>;
}

/** The GCP side of an agent. */
export interface GcpSettings {
  /** The project that holds the agent's service account. */
  project: string;
  /** The pool and provider the agent's issuer is federated through; not needed when the agent runs on GCP (`runsOn.gcpWorkload`). */
  pool?: GcpPool;
  /** The billing account that pays for the project (`XXXXXX-XXXXXX-XXXXXX`); required with `budget`. */
  billingAccount?: string;
  /** Disables the agent's service account when the budget reaches `stopAt`: a `GcpBudgetStopper`'s `reference`. */
  budgetStopper?: GcpBudgetStopperReference;
}

/** What an agent needs of a `GcpBudgetStopper` to be stopped by it (the stopper's `reference` output). */
export interface GcpBudgetStopperReference {
  /** The stopper's resource name: the agent's grant to it is named after it. */
  name: string;
  /** The stopper's project. */
  project: string;
  /** The stopper's region (its scheduled stops run there). */
  region: string;
  /** `projects/P/topics/T`: the agent's budget publishes here. */
  topicId: Input<string>;
  /** The email of the stopper's service account, which may disable the agent's. */
  serviceAccountEmail: Input<string>;
  /** The custom role (`projects/P/roles/ID`) that holds only the permission to disable a service account. */
  roleName: Input<string>;
}

/** The Azure side of an agent. */
export interface AzureSettings {
  /** The subscription of the managed identity (a GUID). */
  subscriptionId: string;
  /** The resource group of the managed identity. */
  resourceGroupName: string;
  /** Where the managed identity lives, as Azure names it (`westeurope`). */
  location: string;
  /** Allows role assignments at subscription or management-group scope; needs `approval`. */
  allowBroadScopes?: boolean;
  /** Further places the same agent runs, trusted on Azure only (20 federated credentials per identity). */
  additionalSubjects?: RunsOn[];
}

/** The agent's monthly cost cap. */
export interface Budget {
  /** The most the agent may cost in a month, in `currency`. */
  monthly: number;
  /** ISO 4217 code of the billing account's currency (default `USD`). */
  currency?: string;
  /** Who is told at 80 % and 100 % of the amount (at most 5 emails). */
  notify: string[];
  /** The percentage of `monthly` at which the cloud stops the agent (default 100). */
  stopAt?: number;
}

/** A time-boxed elevation: at most 24 hours, approved by someone other than the owner. */
export interface BreakGlass {
  /** The grants the elevation adds; they end at `until`. */
  grants: Grant[];
  /** Why the agent needs the elevation. */
  reason: string;
  /** The email of the person who approved it. */
  approvedBy: string;
  /** When the elevation ends: an ISO 8601 date-time at most 24 hours ahead. */
  until: string;
}

/** Another agent of the program this agent may act as. */
export interface Delegation {
  /** The other agent's id (its `agentId`). */
  agent: string;
  /** The clouds the delegation is set up on (`aws`, `gcp`; default: every cloud both agents are on). */
  clouds?: string[];
}

/** Everything an `AgentIdentity` takes, in the serialisable form. */
export interface SerialisableAgentSpec {
  /** The email of the person accountable for the agent. */
  owner: string;
  /** The team that runs the agent. */
  team?: string;
  /** Cost center, for cost attribution (up to 64 letters, digits or `_.:/=+@-`). */
  costCenter?: string;
  /** What the agent does, in plain words (10 to 200 characters). */
  purpose: string;
  /** The stack's environment, such as `dev`, `staging` or `prod`: one identity per environment. */
  environment: string;
  /** The review date (`YYYY-MM-DD`, not in the past): access ends then, even if nobody runs Pulumi. */
  expires: string;
  /** Where the agent runs: `{ githubActions: {...} }`, `{ gitlabCi: {...} }`, `{ kubernetes: {...} }` or `{ oidc: {...} }`. */
  runsOn: RunsOn;
  /** What the agent may do: named resources, catalog roles, wildcard-only AWS actions. */
  grants?: Grant[];
  /** Seconds (default 3600); 900 at the least; above 3600 only with `allowLongSessions`. */
  maxSessionDuration?: number;
  /** Allows `maxSessionDuration` above 3600 seconds. */
  allowLongSessions?: boolean;
  /** The kill switch: the agent keeps its identities but can do nothing. */
  disabled?: boolean;
  /** The security team's approval ticket (`SEC-1234` or an https link), for high-risk grants. */
  approval?: string;
  /** The agent's IAM role on AWS. */
  aws?: AwsSettings;
  /** The agent's service account on GCP. */
  gcp?: GcpSettings;
  /** The agent's managed identity on Azure. */
  azure?: AzureSettings;
  /** The agent's monthly cost cap. */
  budget?: Budget;
  /** A time-boxed elevation (at most 24 hours). */
  breakGlass?: BreakGlass;
  /** Other agents of the program this agent may act as. */
  delegatesTo?: Delegation[];
  /** The tools the agent may call through its environment's `AgentGateway` (its `reference` output). */
  tools?: ToolAccess;
}
