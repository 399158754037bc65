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

/** Where an agent runs: made by {@link githubActions}, {@link gitlabCi}, {@link kubernetes} or {@link oidc}. */
export type RunsOn =
  | ({ readonly kind: "github-actions" } & GithubActionsArgs)
  | ({ readonly kind: "gitlab-ci" } & GitlabCiArgs)
  | ({ readonly kind: "kubernetes" } & KubernetesArgs)
  | ({ readonly kind: "oidc" } & OidcArgs);

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
}
