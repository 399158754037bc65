import fc from "fast-check";
import type { RunsOn } from "../../src/model/runs-on";

/**
 * OIDC tokens as the issuers mint them, derived from the situation a job runs in (which repository,
 * branch, environment, event; which project; which namespace), written from the issuers'
 * documentation rather than from agent-iam's `resolveTrust`:
 * - GitHub Actions ("OpenID Connect reference"): `iss` https://token.actions.githubusercontent.com
 *   (or `/ENTERPRISE` with a customised issuer); `sub` is `repo:ORG/REPO:environment:ENV` for a job
 *   that names an environment, else `repo:ORG/REPO:pull_request` on pull_request events (forks
 *   included), else `repo:ORG/REPO:ref:REF`; repositories using the immutable form write
 *   `repo:ORG@OWNER_ID/REPO@REPO_ID:…`; claims `repository`, `repository_owner`, `repository_owner_id`,
 *   `repository_id`, `ref`, `environment`, `event_name`.
 * - GitLab CI ("ID token claims"): `iss` https://gitlab.com; `sub`
 *   `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF`; `namespace_path`, `project_path`, `ref`,
 *   `ref_type`, `environment`.
 * - Kubernetes service-account tokens: `iss` the cluster's issuer; `sub`
 *   `system:serviceaccount:NAMESPACE:NAME`; `kubernetes.io.namespace`, `kubernetes.io.serviceaccount.name`.
 * - Any other OIDC issuer: `iss`, `sub`, `aud` as configured.
 * The audience a job asks for is its own choice; each cloud's login step asks for its audience.
 */

/** Where a job runs, as far as its token can tell. */
export type JobContext =
  | {
      readonly kind: "github-actions";
      readonly issuer: string;
      readonly org: string;
      readonly repo: string;
      readonly ownerId: number;
      readonly repoId: number;
      /** Whether the repository uses the immutable subject form. */
      readonly immutable: boolean;
      readonly event: "push" | "pull_request" | "workflow_dispatch";
      readonly ref: string;
      readonly environment?: string;
    }
  | {
      readonly kind: "gitlab-ci";
      readonly issuer: string;
      readonly project: string;
      readonly ref: string;
      readonly refType: "branch" | "tag";
      readonly environment?: string;
    }
  | {
      readonly kind: "kubernetes";
      readonly issuer: string;
      readonly namespace: string;
      readonly serviceAccount: string;
    }
  | { readonly kind: "oidc"; readonly issuer: string; readonly subject: string };

/** The claims of the token a job in `context` gets for `audience`. */
export function claimsOf(context: JobContext, audience: string): Record<string, unknown> {
  switch (context.kind) {
    case "github-actions": {
      const base = context.immutable
        ? `repo:${context.org}@${context.ownerId}/${context.repo}@${context.repoId}`
        : `repo:${context.org}/${context.repo}`;
      const sub =
        context.environment !== undefined
          ? `${base}:environment:${context.environment}`
          : context.event === "pull_request"
            ? `${base}:pull_request`
            : `${base}:ref:${context.ref}`;
      return {
        iss: context.issuer,
        aud: audience,
        sub,
        repository: `${context.org}/${context.repo}`,
        repository_owner: context.org,
        repository_owner_id: String(context.ownerId),
        repository_id: String(context.repoId),
        ref: context.ref,
        event_name: context.event,
        ...(context.environment !== undefined ? { environment: context.environment } : {}),
      };
    }
    case "gitlab-ci":
      return {
        iss: context.issuer,
        aud: audience,
        sub: `project_path:${context.project}:ref_type:${context.refType}:ref:${context.ref}`,
        project_path: context.project,
        namespace_path: context.project.slice(0, context.project.lastIndexOf("/")),
        ref: context.ref,
        ref_type: context.refType,
        ...(context.environment !== undefined ? { environment: context.environment } : {}),
      };
    case "kubernetes":
      return {
        iss: context.issuer,
        aud: audience,
        sub: `system:serviceaccount:${context.namespace}:${context.serviceAccount}`,
        "kubernetes.io": {
          namespace: context.namespace,
          serviceaccount: { name: context.serviceAccount, uid: "0c3a1d7e-2b1f-4a7e-9d55-7f2c9b8a1e40" },
        },
      };
    case "oidc":
      return { iss: context.issuer, aud: audience, sub: context.subject };
  }
}

/** The job a preset is meant to admit: the agent's own situation, read from the preset as a person would. */
export function legitimateJob(runsOn: RunsOn, agentEnvironment: string): JobContext {
  switch (runsOn.kind) {
    case "github-actions": {
      const [org, repo] = runsOn.repository.split("/") as [string, string];
      const immutable = runsOn.ownerId !== undefined;
      const ref = runsOn.ref ?? "refs/heads/main";
      const byRef = runsOn.ref !== undefined;
      return {
        kind: "github-actions",
        issuer: runsOn.issuerUrl ?? "https://token.actions.githubusercontent.com",
        org,
        repo,
        ownerId: Number(runsOn.ownerId ?? 4_242),
        repoId: Number(runsOn.repositoryId ?? 8_484),
        immutable,
        event: byRef && ref === "pull_request" ? "pull_request" : "push",
        ref: ref === "pull_request" ? "refs/pull/7/merge" : ref,
        ...(byRef ? {} : { environment: runsOn.environment ?? agentEnvironment }),
      };
    }
    case "gitlab-ci":
      return {
        kind: "gitlab-ci",
        issuer: runsOn.issuerUrl ?? "https://gitlab.com",
        project: runsOn.project,
        ref: runsOn.ref ?? "main",
        refType: runsOn.refType ?? "branch",
        ...(runsOn.environment !== undefined ? { environment: runsOn.environment } : {}),
      };
    case "kubernetes":
      return {
        kind: "kubernetes",
        issuer: runsOn.issuerUrl,
        namespace: runsOn.namespace,
        serviceAccount: runsOn.serviceAccount,
      };
    case "oidc":
      return { kind: "oidc", issuer: runsOn.issuerUrl, subject: runsOn.subject };
    default:
      throw new Error(`${runsOn.kind} is a cloud workload, not an OIDC job`);
  }
}

/** Presets as teams write them, across every form. */
export const presetArb: fc.Arbitrary<RunsOn> = fc.oneof(
  fc.record({
    kind: fc.constant("github-actions" as const),
    repository: fc.constantFrom("acme/api", "acme-corp/web.site", "a1/tools_x"),
  }),
  fc.record({
    kind: fc.constant("github-actions" as const),
    repository: fc.constantFrom("acme/api"),
    environment: fc.constantFrom("production", "prod-eu"),
  }),
  fc.record({
    kind: fc.constant("github-actions" as const),
    repository: fc.constant("acme/api"),
    ownerId: fc.integer({ min: 1, max: 2e9 }),
    repositoryId: fc.integer({ min: 1, max: 2e9 }),
  }),
  fc.record({
    kind: fc.constant("github-actions" as const),
    repository: fc.constant("acme/api"),
    ref: fc.constantFrom("refs/heads/main", "refs/tags/v1.2.0"),
  }),
  fc.record({
    kind: fc.constant("github-actions" as const),
    repository: fc.constant("acme/api"),
    issuerUrl: fc.constant("https://token.actions.githubusercontent.com/acme"),
  }),
  fc.record(
    {
      kind: fc.constant("gitlab-ci" as const),
      project: fc.constantFrom("acme/api", "acme/platform/api"),
      ref: fc.constantFrom("main", "release"),
      refType: fc.constantFrom("branch" as const, "tag" as const),
    },
    { requiredKeys: ["kind", "project"] },
  ),
  fc.record({
    kind: fc.constant("kubernetes" as const),
    issuerUrl: fc.constantFrom(
      "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123",
      "https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/prod",
    ),
    namespace: fc.constantFrom("agents", "ml"),
    serviceAccount: fc.constantFrom("bot", "pr-reviewer"),
  }),
  fc.record({
    kind: fc.constant("oidc" as const),
    issuerUrl: fc.constant("https://auth.acme.example"),
    subject: fc.constantFrom("agent:one", "svc-42", "spiffe://acme.example/agents/one"),
  }),
) as fc.Arbitrary<RunsOn>;

/** One forgery: what an attacker changes about the job, and the job that results. */
export interface Forgery {
  /** The kind of attack (a fixed label). */
  readonly attack: string;
  /** The value it used. */
  readonly detail?: string;
  readonly job: JobContext;
  /** The audience the forged token carries (`legit` keeps the cloud's own). */
  readonly audience?: string;
}

const evilWord = fc.constantFrom("-evil", "2", ".old", "_fork", "-api", "x");
const caseFlip = (text: string) => {
  const index = [...text].findIndex((char) => char.toLowerCase() !== char.toUpperCase());
  if (index < 0) return `${text}X`;
  const char = text[index]!;
  return `${text.slice(0, index)}${char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase()}${text.slice(index + 1)}`;
};

/** Forgeries of a legitimate job: each changes one thing an attacker controls or can obtain. */
export function forgeriesOf(legit: JobContext): fc.Arbitrary<Forgery> {
  const common: fc.Arbitrary<Forgery>[] = [
    fc
      .constantFrom(
        "sts.amazonaws.com",
        "api://AzureADTokenExchange",
        "https://github.com/acme",
        "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other/providers/x",
        "https://evil.example",
      )
      .map((audience) => ({ attack: "other audience", detail: audience, job: legit, audience })),
    fc
      .constantFrom(
        "https://token.actions.githubusercontent.com/evil",
        "https://gitlab.example.com",
        "https://evil.example",
        "https://oidc.eks.us-east-1.amazonaws.com/id/EVIL",
      )
      .map((issuer) => ({ attack: "other issuer", detail: issuer, job: { ...legit, issuer } as JobContext })),
  ];
  switch (legit.kind) {
    case "github-actions":
      return fc.oneof(
        ...common,
        fc
          .constantFrom("evil", "acme-evil", "acmecorp", `${legit.org}-x`)
          .filter((org) => org !== legit.org)
          .map((org) => ({
            attack: "other organisation",
            detail: org,
            job: { ...legit, org, ownerId: legit.ownerId + 1 },
          })),
        evilWord.map((suffix) => ({
          attack: "repository-name prefix trick",
          detail: `${legit.org}/${legit.repo}${suffix}`,
          job: { ...legit, repo: `${legit.repo}${suffix}`, repoId: legit.repoId + 1 },
        })),
        fc
          .constantFrom("web", "infra", "docs")
          .filter((repo) => repo !== legit.repo)
          .map((repo) => ({
            attack: "other repository of the organisation",
            detail: repo,
            job: { ...legit, repo, repoId: legit.repoId + 2 },
          })),
        fc
          .constantFrom("dev", "staging", "sandbox", "production-eu", "prod ")
          .filter((environment) => environment !== legit.environment)
          .map((environment) => ({ attack: "other environment", detail: environment, job: { ...legit, environment } })),
        fc.constant({
          attack: "no environment (a job on the default branch)",
          job: { ...legit, environment: undefined },
        }),
        fc.constant({
          attack: "pull-request event (forks run here too)",
          job: { ...legit, environment: undefined, event: "pull_request" as const, ref: "refs/pull/99/merge" },
        }),
        fc
          .constantFrom(
            "refs/heads/main-evil",
            "refs/heads/feature",
            "refs/tags/v1.2.0-evil",
            "refs/heads/main/../evil",
          )
          .filter((ref) => ref !== legit.ref)
          .map((ref) => ({
            attack: "other ref",
            detail: ref,
            job: { ...legit, environment: undefined, event: "push" as const, ref },
          })),
        fc.constant({
          attack: "a fork with the same repository name",
          job: { ...legit, org: "attacker", ownerId: 999_999, repoId: 777_777 },
        }),
        fc.constantFrom("org", "repo", "environment").map((part) => ({
          attack: "case change",
          detail: part,
          job:
            part === "org"
              ? { ...legit, org: caseFlip(legit.org) }
              : part === "repo"
                ? { ...legit, repo: caseFlip(legit.repo) }
                : { ...legit, environment: caseFlip(legit.environment ?? "prod") },
        })),
        fc.constant({
          attack: "the other subject form (mutable / immutable)",
          job: { ...legit, immutable: !legit.immutable },
        }),
        fc.constant({
          attack: "same names, other repository id",
          job: { ...legit, repoId: legit.repoId + 1, immutable: true },
        }),
        fc.constant({
          attack: "same names, other owner id",
          job: { ...legit, ownerId: legit.ownerId + 1, immutable: true },
        }),
      );
    case "gitlab-ci": {
      const group = legit.project.slice(0, legit.project.indexOf("/"));
      return fc.oneof(
        ...common,
        evilWord.map((suffix) => ({
          attack: "project-name prefix trick",
          detail: `${legit.project}${suffix}`,
          job: { ...legit, project: `${legit.project}${suffix}` },
        })),
        fc.constantFrom("evil", `${group}-evil`).map((other) => ({
          attack: "other group",
          detail: other,
          job: { ...legit, project: `${other}${legit.project.slice(group.length)}` },
        })),
        fc.constant({
          attack: "a subgroup project of the same name",
          job: { ...legit, project: `${legit.project}/nested` },
        }),
        fc
          .constantFrom("feature", "main-evil", "release/2")
          .filter((ref) => ref !== legit.ref)
          .map((ref) => ({ attack: "other ref", detail: ref, job: { ...legit, ref } })),
        fc.constant({
          attack: "other ref type, same name",
          job: { ...legit, refType: legit.refType === "branch" ? ("tag" as const) : ("branch" as const) },
        }),
        fc.constant({ attack: "case change", detail: "project", job: { ...legit, project: caseFlip(legit.project) } }),
      );
    }
    case "kubernetes":
      return fc.oneof(
        ...common,
        fc
          .constantFrom("default", "kube-system", `${legit.namespace}-evil`)
          .filter((namespace) => namespace !== legit.namespace)
          .map((namespace) => ({ attack: "other namespace", detail: namespace, job: { ...legit, namespace } })),
        fc
          .constantFrom("default", "deployer", `${legit.serviceAccount}-2`)
          .filter((account) => account !== legit.serviceAccount)
          .map((serviceAccount) => ({
            attack: "other service account",
            detail: serviceAccount,
            job: { ...legit, serviceAccount },
          })),
        fc.constant({
          attack: "case change",
          detail: "namespace",
          job: { ...legit, namespace: caseFlip(legit.namespace) },
        }),
      );
    case "oidc":
      return fc.oneof(
        ...common,
        evilWord.map((suffix) => ({
          attack: "subject with a suffix",
          detail: `${legit.subject}${suffix}`,
          job: { ...legit, subject: `${legit.subject}${suffix}` },
        })),
        fc.constant({
          attack: "subject prefix only",
          job: { ...legit, subject: legit.subject.slice(0, Math.max(1, legit.subject.length - 2)) },
        }),
        fc.constant({ attack: "case change", detail: "subject", job: { ...legit, subject: caseFlip(legit.subject) } }),
      );
  }
}
