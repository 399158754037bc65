import { z } from "zod";
import type { Trust } from "./runs-on";

/**
 * Where an agent runs, as an OIDC issuer preset. A preset only records what the user said; the
 * exact subject is derived by {@link resolveTrust} once the agent's environment is known.
 *
 * Subject formats (checked against the issuers' documentation):
 * - GitHub Actions: `repo:ORG/REPO:environment:NAME`, `repo:ORG/REPO:ref:refs/heads/BRANCH`,
 *   `repo:ORG/REPO:pull_request`; repositories created or renamed since 2026-07-15 default to the
 *   immutable form `repo:ORG@OWNER_ID/REPO@REPO_ID:…` (docs.github.com, "OpenID Connect reference").
 * - GitLab CI: `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF` (docs.gitlab.com, "ID token claims").
 * - Kubernetes service-account tokens: `system:serviceaccount:NAMESPACE:NAME`.
 */

const SAFE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NO_WILDCARD = (value: string) => !/[*?]/.test(value);
const WILDCARD_MESSAGE = "wildcards (* or ?) are not allowed: name the exact value";

/**
 * An issuer URL exactly as the issuer publishes it (its discovery document's `issuer`, the tokens'
 * `iss`): https, a host, no query, no fragment. It is kept byte for byte, trailing slash and case
 * included: Azure matches a federated credential's issuer exactly (an AKS issuer ends in "/"), and
 * AWS and Google compare the token's `iss` with the provider's URL.
 */
export const issuerUrlSchema = z
  .string({ error: "an issuer URL is required, such as https://token.actions.githubusercontent.com" })
  .refine((value) => value.startsWith("https://"), {
    message: "the issuer URL must start with https:// (clouds only trust TLS issuers)",
  })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.host !== "" && url.search === "" && url.hash === "" && !/\s/.test(value) && !value.includes("?");
      } catch {
        return false;
      }
    },
    { message: "the issuer URL must be a plain https://HOST[/PATH] with no query or fragment" },
  )
  .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE });

const repositorySchema = z
  .string({ error: 'the repository is required, as "ORG/REPO"' })
  .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
  .refine((value) => /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9_.-]{1,100}$/.test(value), {
    message: 'write the repository as "ORG/REPO" (letters, digits, "-", "_", ".")',
  });

const githubIdSchema = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,19}$/)], {
  error: "must be GitHub's numeric id (a positive integer)",
});

const gitRefSchema = z
  .string()
  .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
  .refine((value) => /^refs\/(heads|tags)\/[A-Za-z0-9._/-]+$/.test(value) || value === "pull_request", {
    message: 'write a full ref such as "refs/heads/main" or "refs/tags/v1.2.0", or "pull_request"',
  });

const environmentNameSchema = z
  .string()
  .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
  .refine((value) => SAFE_TOKEN.test(value), {
    message: 'use letters, digits, "-", "_" or "." for the environment name',
  });

export const githubActionsSchema = z
  .object({
    kind: z.literal("github-actions"),
    repository: repositorySchema,
    environment: environmentNameSchema.optional(),
    ref: gitRefSchema.optional(),
    ownerId: githubIdSchema.optional(),
    repositoryId: githubIdSchema.optional(),
    issuerUrl: issuerUrlSchema.optional(),
    audience: z.string().min(1).refine(NO_WILDCARD, { message: WILDCARD_MESSAGE }).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.environment !== undefined && value.ref !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["ref"],
        message: "give either environment or ref, not both: GitHub's subject carries only one",
      });
    if ((value.ownerId === undefined) !== (value.repositoryId === undefined))
      ctx.addIssue({
        code: "custom",
        path: [value.ownerId === undefined ? "ownerId" : "repositoryId"],
        message: "give both ownerId and repositoryId for GitHub's immutable subject form, or neither",
      });
  });

export const gitlabCiSchema = z
  .object({
    kind: z.literal("gitlab-ci"),
    project: z
      .string({ error: 'the project is required, as "GROUP/PROJECT"' })
      .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
      .refine((value) => /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(value), {
        message: 'write the project path as "GROUP/PROJECT" (subgroups allowed)',
      }),
    ref: z
      .string()
      .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
      .refine((value) => /^[A-Za-z0-9._/-]+$/.test(value), { message: "write the branch or tag name, such as main" })
      .optional(),
    refType: z.enum(["branch", "tag"]).optional(),
    environment: environmentNameSchema.optional(),
    issuerUrl: issuerUrlSchema.optional(),
    audience: z.string().min(1).refine(NO_WILDCARD, { message: WILDCARD_MESSAGE }).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    // GitLab's sub is project_path:…:ref_type:…:ref:… (GitLab "ID token claims"): no cloud trust can hold a job to an environment.
    if (value.environment !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["environment"],
        message:
          "GitLab's token subject does not name the environment (project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF), so AWS, GCP and Azure cannot hold a job to it: a job of another environment on the same ref would get in. Remove environment and pin the ref only this environment's pipeline runs on (ref and refType, such as a protected branch or tag)",
      });
  });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const kubernetesSchema = z
  .object({
    kind: z.literal("kubernetes"),
    issuerUrl: issuerUrlSchema,
    namespace: z
      .string({ error: "the namespace is required" })
      .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
      .refine((v) => DNS_LABEL.test(v), {
        message: "a Kubernetes namespace is a DNS label: lower case, digits and '-', at most 63 characters",
      }),
    serviceAccount: z
      .string({ error: "the service account name is required" })
      .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
      .refine((v) => /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(v), {
        message: "a Kubernetes service account name is a DNS subdomain: lower case, digits, '-' and '.'",
      }),
    audience: z.string().min(1).refine(NO_WILDCARD, { message: WILDCARD_MESSAGE }).optional(),
  })
  .strict();

export const genericOidcSchema = z
  .object({
    kind: z.literal("oidc"),
    issuerUrl: issuerUrlSchema,
    subject: z
      .string({ error: "the exact subject is required" })
      .min(1, { message: "the subject must not be empty" })
      .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
      .refine((v) => !/\s/.test(v), { message: "the subject must not contain white space" }),
    audience: z.string().min(1).refine(NO_WILDCARD, { message: WILDCARD_MESSAGE }).optional(),
  })
  .strict();

/**
 * The fields each workload service needs, and the only ones it accepts besides the common ones:
 * a spec that names a field its service cannot use is refused rather than silently ignored.
 */
const WORKLOAD_FIELDS: Readonly<
  Record<string, { readonly required: readonly string[]; readonly optional: readonly string[] }>
> = {
  lambda: { required: ["functionName"], optional: ["region"] },
  "ecs-tasks": { required: ["region", "taskFamily"], optional: [] },
  "eks-pod-identity": { required: ["region", "cluster", "namespace", "serviceAccount"], optional: [] },
  "bedrock-agentcore": { required: ["region", "runtimeName"], optional: [] },
  "cloud-run": { required: [], optional: ["audience"] },
  "cloud-functions": { required: [], optional: ["audience"] },
  gke: { required: ["namespace", "serviceAccount"], optional: ["audience"] },
  "agent-engine": { required: ["organizationId", "projectNumber", "location", "reasoningEngineId"], optional: [] },
  "container-apps": { required: [], optional: ["audience"] },
  functions: { required: [], optional: ["audience"] },
  aks: { required: ["issuerUrl", "namespace", "serviceAccount"], optional: ["audience"] },
};

function checkWorkloadFields(common: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const fields = WORKLOAD_FIELDS[String(value.service)];
    if (!fields) return;
    for (const field of fields.required)
      if (value[field] === undefined)
        ctx.addIssue({ code: "custom", path: [field], message: `${field} is required for ${value.service}` });
    for (const [field, given] of Object.entries(value))
      if (
        given !== undefined &&
        !common.includes(field) &&
        !fields.required.includes(field) &&
        !fields.optional.includes(field)
      )
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `${value.service} does not use ${field}; remove it (it would pin nothing)`,
        });
  };
}

const nameSchema = (what: string, pattern: RegExp, hint: string) =>
  z
    .string({ error: `${what} is required` })
    .refine(NO_WILDCARD, { message: WILDCARD_MESSAGE })
    .refine((value) => pattern.test(value), { message: hint });

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export const awsWorkloadSchema = z
  .object({
    kind: z.literal("aws-workload"),
    service: z.enum(["lambda", "ecs-tasks", "eks-pod-identity", "bedrock-agentcore"], {
      error: 'service is one of "lambda", "ecs-tasks", "eks-pod-identity", "bedrock-agentcore"',
    }),
    accountId: nameSchema("accountId", /^\d{12}$/, "an AWS account id has 12 digits"),
    region: nameSchema("region", AWS_REGION, "write the region as AWS names it, such as us-east-1").optional(),
    functionName: nameSchema(
      "functionName",
      /^[A-Za-z0-9_-]{1,64}$/,
      "a Lambda function name: letters, digits, '-' or '_', at most 64",
    ).optional(),
    taskFamily: nameSchema(
      "taskFamily",
      /^[A-Za-z0-9_-]{1,255}$/,
      "a task definition family: letters, digits, '-' or '_'",
    ).optional(),
    cluster: nameSchema(
      "cluster",
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/,
      "an EKS cluster name: letters, digits, '-' or '_'",
    ).optional(),
    namespace: nameSchema("namespace", DNS_LABEL, "a Kubernetes namespace is a DNS label").optional(),
    serviceAccount: nameSchema(
      "serviceAccount",
      /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
      "a Kubernetes service account name is a DNS subdomain",
    ).optional(),
    runtimeName: nameSchema(
      "runtimeName",
      /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/,
      "an AgentCore runtime name: a letter, then letters, digits or '_' (at most 48)",
    ).optional(),
  })
  .strict()
  .superRefine(checkWorkloadFields(["kind", "service", "accountId"]));

export const gcpWorkloadSchema = z
  .object({
    kind: z.literal("gcp-workload"),
    service: z.enum(["cloud-run", "cloud-functions", "gke", "agent-engine"], {
      error: 'service is one of "cloud-run", "cloud-functions", "gke", "agent-engine"',
    }),
    project: nameSchema(
      "project",
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      "a GCP project id has 6–30 lower-case letters, digits or hyphens",
    ),
    namespace: nameSchema("namespace", DNS_LABEL, "a Kubernetes namespace is a DNS label").optional(),
    serviceAccount: nameSchema(
      "serviceAccount",
      /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
      "a Kubernetes service account name is a DNS subdomain",
    ).optional(),
    organizationId: nameSchema("organizationId", /^\d{1,20}$/, "the organisation's numeric id").optional(),
    projectNumber: nameSchema("projectNumber", /^\d{1,20}$/, "the project's number (digits)").optional(),
    location: nameSchema("location", /^[a-z]+-[a-z]+\d+$/, "a region such as us-central1").optional(),
    reasoningEngineId: nameSchema("reasoningEngineId", /^\d{1,25}$/, "the reasoning engine's numeric id").optional(),
    audience: z.string().min(1).refine(NO_WILDCARD, { message: WILDCARD_MESSAGE }).optional(),
  })
  .strict()
  .superRefine(checkWorkloadFields(["kind", "service", "project"]));

export const azureWorkloadSchema = z
  .object({
    kind: z.literal("azure-workload"),
    service: z.enum(["container-apps", "functions", "aks"], {
      error: 'service is one of "container-apps", "functions", "aks"',
    }),
    tenantId: nameSchema(
      "tenantId",
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      "the tenant id is a lower-case GUID",
    ),
    issuerUrl: issuerUrlSchema.optional(),
    namespace: nameSchema("namespace", DNS_LABEL, "a Kubernetes namespace is a DNS label").optional(),
    serviceAccount: nameSchema(
      "serviceAccount",
      /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
      "a Kubernetes service account name is a DNS subdomain",
    ).optional(),
    audience: nameSchema(
      "audience",
      /^(api|https):\/\/\S+$/,
      "the application ID URI, such as api://acme-agents",
    ).optional(),
  })
  .strict()
  .superRefine(checkWorkloadFields(["kind", "service", "tenantId"]));

/**
 * The serialisable form of `runsOn` that programs in other Pulumi languages write (a component's
 * inputs cannot be a union): `{ githubActions: {...} }` with exactly one member set, each member
 * holding the preset's arguments. The helpers' `{ kind, ... }` form is what it becomes.
 */
export const RUNS_ON_MEMBERS = {
  githubActions: "github-actions",
  gitlabCi: "gitlab-ci",
  kubernetes: "kubernetes",
  oidc: "oidc",
  awsWorkload: "aws-workload",
  gcpWorkload: "gcp-workload",
  azureWorkload: "azure-workload",
} as const;

const MEMBER_NAMES = Object.keys(RUNS_ON_MEMBERS) as (keyof typeof RUNS_ON_MEMBERS)[];

/** `{ githubActions: {...} }` → `{ kind: "github-actions", ... }`; anything else is left to the presets' schema. */
function fromMemberForm(value: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || "kind" in value) return value;
  const record = value as Record<string, unknown>;
  const set = MEMBER_NAMES.filter((member) => record[member] !== undefined && record[member] !== null);
  if (set.length === 0) return value;
  if (set.length > 1) {
    ctx.addIssue({
      code: "custom",
      message: `set exactly one of ${MEMBER_NAMES.join(", ")}: this runsOn sets ${set.join(" and ")}`,
    });
    return z.NEVER;
  }
  const member = set[0]!;
  const preset = record[member];
  if (typeof preset !== "object" || preset === null || Array.isArray(preset)) {
    ctx.addIssue({ code: "custom", path: [member], message: `${member} holds the preset's arguments as an object` });
    return z.NEVER;
  }
  const others = Object.fromEntries(
    Object.entries(record).filter(([key, item]) => key !== member && item !== undefined && item !== null),
  );
  return { kind: RUNS_ON_MEMBERS[member], ...preset, ...others };
}

/** Where an agent runs: one of the presets, from a helper (`githubActions(...)`) or in the serialisable form. */
export const runsOnSchema = z.preprocess(
  fromMemberForm,
  z.discriminatedUnion(
    "kind",
    [
      githubActionsSchema,
      gitlabCiSchema,
      kubernetesSchema,
      genericOidcSchema,
      awsWorkloadSchema,
      gcpWorkloadSchema,
      azureWorkloadSchema,
    ],
    {
      error:
        "runsOn must come from a preset: githubActions(...), gitlabCi(...), kubernetes(...), oidc(...), awsWorkload(...), gcpWorkload(...) or azureWorkload(...); in other Pulumi languages, { githubActions: {...} } (or gitlabCi, kubernetes, oidc, awsWorkload, gcpWorkload, azureWorkload) with exactly one member set",
    },
  ),
);
/** The default issuer URLs of the hosted presets. */
export const DEFAULT_ISSUER_URLS = {
  "github-actions": "https://token.actions.githubusercontent.com",
  "gitlab-ci": "https://gitlab.com",
} as const;

type ParsedRunsOn = z.output<typeof runsOnSchema>;

/** Derives the exact subject and the pinned claims of a validated `runsOn` for an agent environment. */
export function resolveTrust(runsOn: ParsedRunsOn, agentEnvironment: string): Trust {
  switch (runsOn.kind) {
    case "github-actions": {
      const issuerUrl = runsOn.issuerUrl ?? DEFAULT_ISSUER_URLS["github-actions"];
      const [org, repo] = runsOn.repository.split("/") as [string, string];
      const immutable = runsOn.ownerId !== undefined && runsOn.repositoryId !== undefined;
      const base = immutable ? `repo:${org}@${runsOn.ownerId}/${repo}@${runsOn.repositoryId}` : `repo:${org}/${repo}`;
      const environment = runsOn.ref === undefined ? (runsOn.environment ?? agentEnvironment) : undefined;
      const suffix =
        environment !== undefined
          ? `environment:${environment}`
          : runsOn.ref === "pull_request"
            ? "pull_request"
            : `ref:${runsOn.ref}`;
      const claims: Record<string, string> = { repository: runsOn.repository };
      if (environment !== undefined) claims.environment = environment;
      else if (runsOn.ref !== "pull_request") claims.ref = runsOn.ref!;
      if (immutable) claims.repository_id = String(runsOn.repositoryId);
      return {
        kind: runsOn.kind,
        issuerUrl,
        issuerHost: hostOf(issuerUrl),
        subject: `${base}:${suffix}`,
        audience: runsOn.audience,
        ownerClaim: immutable
          ? { claim: "repository_owner_id", value: String(runsOn.ownerId) }
          : { claim: "repository_owner", value: org },
        claims,
        subjectEnvironment: environment,
      };
    }
    case "gitlab-ci": {
      const issuerUrl = runsOn.issuerUrl ?? DEFAULT_ISSUER_URLS["gitlab-ci"];
      const ref = runsOn.ref ?? "main";
      const refType = runsOn.refType ?? "branch";
      const namespace = runsOn.project.slice(0, runsOn.project.lastIndexOf("/"));
      const claims: Record<string, string> = { project_path: runsOn.project, ref, ref_type: refType };
      if (runsOn.environment !== undefined) claims.environment = runsOn.environment;
      return {
        kind: runsOn.kind,
        issuerUrl,
        issuerHost: hostOf(issuerUrl),
        subject: `project_path:${runsOn.project}:ref_type:${refType}:ref:${ref}`,
        audience: runsOn.audience,
        ownerClaim: { claim: "namespace_path", value: namespace },
        claims,
        subjectEnvironment: runsOn.environment,
      };
    }
    case "kubernetes":
      return {
        kind: runsOn.kind,
        issuerUrl: runsOn.issuerUrl,
        issuerHost: hostOf(runsOn.issuerUrl),
        subject: `system:serviceaccount:${runsOn.namespace}:${runsOn.serviceAccount}`,
        audience: runsOn.audience,
        ownerClaim: { claim: "namespace", value: runsOn.namespace },
        claims: { namespace: runsOn.namespace, service_account: runsOn.serviceAccount },
      };
    case "oidc":
      return {
        kind: runsOn.kind,
        issuerUrl: runsOn.issuerUrl,
        issuerHost: hostOf(runsOn.issuerUrl),
        subject: runsOn.subject,
        audience: runsOn.audience,
        ownerClaim: { claim: "sub", value: runsOn.subject },
        claims: {},
      };
    case "aws-workload":
    case "gcp-workload":
    case "azure-workload":
      return workloadTrust(runsOn);
  }
}

/** The issuers that vouch for a home identity on other clouds, as their documentation spells them. */
export const WORKLOAD_ISSUERS = {
  /** AWS STS issues the role's sessions (its outbound tokens come from an account-specific issuer AWS assigns). */
  aws: "https://sts.amazonaws.com",
  /** Google ID tokens of a service account: `iss` https://accounts.google.com (Google Cloud, "ID tokens"). */
  gcp: "https://accounts.google.com",
} as const;

/** Microsoft Entra's v2.0 issuer of a tenant (Microsoft identity platform, "Access token claims reference": `iss`). */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

/** The service principal each AWS workload service assumes roles as (each service's IAM role documentation). */
export const AWS_WORKLOAD_PRINCIPALS = {
  lambda: "lambda.amazonaws.com",
  "ecs-tasks": "ecs-tasks.amazonaws.com",
  "eks-pod-identity": "pods.eks.amazonaws.com",
  "bedrock-agentcore": "bedrock-agentcore.amazonaws.com",
} as const;

/** What a GCP workload attaches the agent's identity to, as IAM names it. */
function gcpWorkloadSubject(runsOn: z.output<typeof gcpWorkloadSchema>): string {
  switch (runsOn.service) {
    case "gke":
      // Workload Identity Federation for GKE: serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA] (GKE docs, "Authenticate to Google Cloud APIs from GKE workloads").
      return `serviceAccount:${runsOn.project}.svc.id.goog[${runsOn.namespace}/${runsOn.serviceAccount}]`;
    case "agent-engine":
      return agentEnginePrincipal(runsOn);
    case "cloud-run":
      return "run.googleapis.com";
    case "cloud-functions":
      return "cloudfunctions.googleapis.com";
  }
}

/**
 * A Vertex AI Agent Engine's own principal, with `identityType: AGENT_IDENTITY` (Vertex AI, "Use agent
 * identity with Vertex AI Agent Engine"; preview):
 * `principal://agents.global.org-ORG.system.id.goog/resources/aiplatform/projects/NUMBER/locations/LOCATION/reasoningEngines/ID`.
 */
export function agentEnginePrincipal(args: {
  readonly organizationId?: string;
  readonly projectNumber?: string;
  readonly location?: string;
  readonly reasoningEngineId?: string;
}): string {
  return `principal://agents.global.org-${args.organizationId}.system.id.goog/resources/aiplatform/projects/${args.projectNumber}/locations/${args.location}/reasoningEngines/${args.reasoningEngineId}`;
}

function workloadTrust(
  runsOn:
    | z.output<typeof awsWorkloadSchema>
    | z.output<typeof gcpWorkloadSchema>
    | z.output<typeof azureWorkloadSchema>,
): Trust {
  switch (runsOn.kind) {
    case "aws-workload": {
      const { kind: _kind, ...args } = runsOn;
      return {
        kind: runsOn.kind,
        issuerUrl: WORKLOAD_ISSUERS.aws,
        issuerHost: hostOf(WORKLOAD_ISSUERS.aws),
        subject: AWS_WORKLOAD_PRINCIPALS[runsOn.service],
        ownerClaim: { claim: "aws:SourceAccount", value: runsOn.accountId },
        claims: {},
        workload: { cloud: "aws", ...args },
      };
    }
    case "gcp-workload": {
      const { kind: _kind, ...args } = runsOn;
      return {
        kind: runsOn.kind,
        issuerUrl: WORKLOAD_ISSUERS.gcp,
        issuerHost: hostOf(WORKLOAD_ISSUERS.gcp),
        subject: gcpWorkloadSubject(runsOn),
        audience: runsOn.audience,
        ownerClaim: { claim: "project", value: runsOn.project },
        claims: {},
        workload: { cloud: "gcp", ...args },
      };
    }
    case "azure-workload": {
      const { kind: _kind, ...args } = runsOn;
      const issuerUrl = entraIssuer(runsOn.tenantId);
      return {
        kind: runsOn.kind,
        issuerUrl,
        issuerHost: hostOf(issuerUrl),
        subject:
          runsOn.service === "aks"
            ? `system:serviceaccount:${runsOn.namespace}:${runsOn.serviceAccount}`
            : runsOn.service === "functions"
              ? "Microsoft.Web/sites"
              : "Microsoft.App/containerApps",
        audience: runsOn.audience,
        ownerClaim: { claim: "tid", value: runsOn.tenantId },
        claims: {},
        workload: { cloud: "azure", ...args },
      };
    }
  }
}

/** `https://token.actions.githubusercontent.com` → `token.actions.githubusercontent.com` (AWS's condition-key prefix). */
export function hostOf(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}
