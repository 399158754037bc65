/**
 * Where an agent runs, as a user writes it (`runsOn`): one of four OIDC issuer presets. A preset
 * only records what the user said; the exact subject is derived once the agent's environment is
 * known (`resolveTrust`, `./issuers.ts`, which also holds the rules every field is checked by).
 */

/** Arguments of {@link githubActions}. */
export interface GithubActionsArgs {
  /** The repository, as `ORG/REPO`. */
  readonly repository: string;
  /** The GitHub environment the job runs in (default: the agent's environment). Exclusive with `ref`. */
  readonly environment?: string;
  /** A full ref (`refs/heads/main`, `refs/tags/v1.2.0`) or `pull_request`, instead of an environment. */
  readonly ref?: string;
  /** GitHub's numeric id of the owner: with `repositoryId`, the immutable subject `repo:ORG@ID/REPO@ID:…`. */
  readonly ownerId?: number | string;
  /** GitHub's numeric id of the repository (with `ownerId`). */
  readonly repositoryId?: number | string;
  /** GitHub Enterprise Server's issuer (default `https://token.actions.githubusercontent.com`). */
  readonly issuerUrl?: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  readonly audience?: string;
}

/** Arguments of {@link gitlabCi}. */
export interface GitlabCiArgs {
  /** The project path, as `GROUP/PROJECT` (subgroups allowed). */
  readonly project: string;
  /** The branch or tag the job runs on (default `main`). */
  readonly ref?: string;
  /** Whether `ref` is a branch or a tag (default `branch`). */
  readonly refType?: "branch" | "tag";
  /**
   * Refused: GitLab's subject does not name the environment, so no cloud can hold a job to it.
   * Pin the protected ref only this environment's pipeline runs on instead.
   */
  readonly environment?: string;
  /** A self-managed GitLab's issuer (default `https://gitlab.com`). */
  readonly issuerUrl?: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  readonly audience?: string;
}

/** Arguments of {@link kubernetes}. */
export interface KubernetesArgs {
  /** The cluster's OIDC issuer, exactly as it publishes it. */
  readonly issuerUrl: string;
  readonly namespace: string;
  /** The pod's service account. */
  readonly serviceAccount: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  readonly audience?: string;
}

/** Arguments of {@link oidc}. */
export interface OidcArgs {
  /** The issuer, exactly as it publishes it. */
  readonly issuerUrl: string;
  /** The exact subject its token carries (no wildcards). */
  readonly subject: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  readonly audience?: string;
}

/** The AWS compute services an agent can run on (their service principals: `src/clouds/aws/workload-trust.ts`). */
export type AwsWorkloadService = "lambda" | "ecs-tasks" | "eks-pod-identity" | "bedrock-agentcore";

/** Arguments of {@link awsWorkload}. */
export interface AwsWorkloadArgs {
  /** The service that runs the agent and assumes its role. */
  readonly service: AwsWorkloadService;
  /** The account the workload (and the agent's role) lives in: 12 digits. */
  readonly accountId: string;
  /** The workload's region (required for `ecs-tasks`, `eks-pod-identity` and `bedrock-agentcore`: it is part of `aws:SourceArn`). */
  readonly region?: string;
  /** `lambda`: the function's name (Lambda names the role session after it, so CloudTrail names the function). */
  readonly functionName?: string;
  /** `ecs-tasks`: the task definition family whose `taskRoleArn` is the agent's role. */
  readonly taskFamily?: string;
  /** `eks-pod-identity`: the cluster name. */
  readonly cluster?: string;
  /** `eks-pod-identity`: the pod's namespace. */
  readonly namespace?: string;
  /** `eks-pod-identity`: the pod's Kubernetes service account. */
  readonly serviceAccount?: string;
  /** `bedrock-agentcore`: the agent runtime's name. */
  readonly runtimeName?: string;
}

/** The GCP compute an agent can run on. */
export type GcpWorkloadService = "cloud-run" | "cloud-functions" | "gke" | "agent-engine";

/** Arguments of {@link gcpWorkload}. */
export interface GcpWorkloadArgs {
  readonly service: GcpWorkloadService;
  /** The project the workload runs in (for GKE: the cluster's project, whose pool is `PROJECT.svc.id.goog`). */
  readonly project: string;
  /** `gke`: the pod's namespace. */
  readonly namespace?: string;
  /** `gke`: the pod's Kubernetes service account. */
  readonly serviceAccount?: string;
  /** `agent-engine`: the organisation's numeric id (the agent principal's trust domain `agents.global.org-ORG.system.id.goog`). */
  readonly organizationId?: string;
  /** `agent-engine`: the project's number. */
  readonly projectNumber?: string;
  /** `agent-engine`: the reasoning engine's location, such as `us-central1`. */
  readonly location?: string;
  /** `agent-engine`: the reasoning engine's id (Vertex AI assigns it: pass the engine's output). */
  readonly reasoningEngineId?: string;
  /**
   * The audience of the Google ID token the agent presents to another cloud (`oaud` on AWS; default
   * `sts.amazonaws.com`). Azure always receives `api://AzureADTokenExchange`.
   */
  readonly audience?: string;
}

/** The Azure compute an agent can run on. */
export type AzureWorkloadService = "container-apps" | "functions" | "aks";

/** Arguments of {@link azureWorkload}. */
export interface AzureWorkloadArgs {
  readonly service: AzureWorkloadService;
  /** The Microsoft Entra tenant (a GUID): its issuer `https://login.microsoftonline.com/TENANT/v2.0` vouches for the identity elsewhere. */
  readonly tenantId: string;
  /** `aks`: the cluster's OIDC issuer, exactly as it publishes it. */
  readonly issuerUrl?: string;
  /** `aks`: the pod's namespace. */
  readonly namespace?: string;
  /** `aks`: the pod's Kubernetes service account. */
  readonly serviceAccount?: string;
  /**
   * The application ID URI (`api://…`) of the Entra application the managed identity asks a token for,
   * when the agent reaches AWS or GCP: the audience those clouds pin. The application must accept
   * v2.0 access tokens, or Entra issues them from `https://sts.windows.net/TENANT/` instead.
   */
  readonly audience?: string;
}

/** Where an agent runs: made by {@link githubActions}, {@link gitlabCi}, {@link kubernetes}, {@link oidc}, {@link awsWorkload}, {@link gcpWorkload} or {@link azureWorkload}. */
export type RunsOn =
  | ({ readonly kind: "github-actions" } & GithubActionsArgs)
  | ({ readonly kind: "gitlab-ci" } & GitlabCiArgs)
  | ({ readonly kind: "kubernetes" } & KubernetesArgs)
  | ({ readonly kind: "oidc" } & OidcArgs)
  | ({ readonly kind: "aws-workload" } & AwsWorkloadArgs)
  | ({ readonly kind: "gcp-workload" } & GcpWorkloadArgs)
  | ({ readonly kind: "azure-workload" } & AzureWorkloadArgs);

/** The issuer presets, by their `kind`. */
export type IssuerKind = RunsOn["kind"];

/**
 * A GitHub Actions workflow. Without `environment` or `ref`, the subject pins the GitHub
 * environment named like the agent's environment (`repo:ORG/REPO:environment:prod`).
 * With `ownerId` and `repositoryId`, the immutable subject form is used.
 */
export function githubActions(args: GithubActionsArgs): RunsOn {
  return { kind: "github-actions", ...args };
}

/** A GitLab CI job on `project` (default ref `main`, a branch). */
export function gitlabCi(args: GitlabCiArgs): RunsOn {
  return { kind: "gitlab-ci", ...args };
}

/** A pod running as `serviceAccount` in `namespace` of a cluster whose OIDC issuer is `issuerUrl`. */
export function kubernetes(args: KubernetesArgs): RunsOn {
  return { kind: "kubernetes", ...args };
}

/** Any other OIDC issuer, with the exact subject its token carries. */
export function oidc(args: OidcArgs): RunsOn {
  return { kind: "oidc", ...args };
}

/**
 * An AWS service runs the agent (Lambda, an ECS task, an EKS pod through Pod Identity, a Bedrock
 * AgentCore runtime): the agent's role trusts exactly that service principal, with
 * `aws:SourceAccount` (and `aws:SourceArn` where the service sets it) pinned. Its other clouds
 * federate from the role, with nothing stored.
 */
export function awsWorkload(args: AwsWorkloadArgs): RunsOn {
  return { kind: "aws-workload", ...args };
}

/**
 * A GCP workload runs the agent (Cloud Run, Cloud Functions, a GKE pod, a Vertex AI Agent Engine):
 * its home identity is the agent's service account attached to it (or, on Agent Engine, the
 * engine's own agent principal). Its other clouds federate from the account's Google ID tokens.
 */
export function gcpWorkload(args: GcpWorkloadArgs): RunsOn {
  return { kind: "gcp-workload", ...args };
}

/**
 * An Azure workload runs the agent (a Container App, a Function, an AKS pod through workload
 * identity): its home identity is the agent's user-assigned managed identity attached to it. Its other
 * clouds federate from the identity's Entra tokens.
 */
export function azureWorkload(args: AzureWorkloadArgs): RunsOn {
  return { kind: "azure-workload", ...args };
}

/** A workload's home, as resolved: the cloud it runs on and what the spec said of it. */
export type WorkloadHome =
  | ({ readonly cloud: "aws" } & AwsWorkloadArgs)
  | ({ readonly cloud: "gcp" } & GcpWorkloadArgs)
  | ({ readonly cloud: "azure" } & AzureWorkloadArgs);

/**
 * The exact trust an agent's identity accepts: the issuer, the one subject, the audience when the
 * user fixed it, and the claim that pins the issuer's owner (organisation, namespace) for clouds that
 * filter on attributes (GCP's attribute condition).
 */
export interface Trust {
  readonly kind: IssuerKind;
  readonly issuerUrl: string;
  /** The issuer URL without its scheme: the prefix of AWS condition keys (`token.actions.githubusercontent.com:sub`). */
  readonly issuerHost: string;
  readonly subject: string;
  /** A fixed audience; each cloud uses its own default when absent. */
  readonly audience?: string;
  /** The claim that names the issuer-side owner, and its value (`repository_owner` = `acme`). */
  readonly ownerClaim: { readonly claim: string; readonly value: string };
  /** Further claims the token must carry, exactly (repository, environment, namespace …). */
  readonly claims: Readonly<Record<string, string>>;
  /** The environment the subject names, when it names one (used by environment isolation). */
  readonly subjectEnvironment?: string;
  /**
   * Set when the agent runs on a cloud's own compute (`awsWorkload`, `gcpWorkload`, `azureWorkload`):
   * then `issuerUrl` is the issuer that vouches for the home identity on other clouds (STS, Google,
   * the Entra tenant) and `subject` is the service or member the home identity is attached to.
   */
  readonly workload?: WorkloadHome;
}
