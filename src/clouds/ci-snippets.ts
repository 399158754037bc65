/**
 * The CI steps an agent's job runs to exchange its OIDC token for a cloud identity, built one way
 * for every cloud: GitHub Actions' `permissions` and login step, GitLab CI's `id_tokens` and script.
 */

/** A GitHub Actions job that may request an OIDC token (`id-token: write`) and runs one login action. */
export function githubActionsLoginSnippet(options: {
  /** The login action, such as `aws-actions/configure-aws-credentials@v4`. */
  readonly uses: string;
  /** The action's inputs, in order; `undefined` ones are left out. */
  readonly with: readonly (readonly [string, string | number | undefined])[];
  /** The GitHub environment the job must run in, when the subject pins one. */
  readonly environment?: string;
}): string {
  const lines = [
    ...(options.environment
      ? [`# The job runs in the GitHub environment "${options.environment}" (jobs.<job>.environment).`]
      : []),
    "permissions:",
    "  id-token: write",
    "  contents: read",
    "steps:",
    `  - uses: ${options.uses}`,
    "    with:",
    ...options.with.filter(([, value]) => value !== undefined).map(([key, value]) => `      ${key}: ${value}`),
  ];
  return lines.join("\n");
}

/** A GitLab CI job that gets an ID token for `audience` in `$variable`, then runs `script`. */
export function gitlabIdTokenSnippet(options: {
  readonly variable: string;
  readonly audience: string;
  readonly script: readonly string[];
  readonly trailer?: readonly string[];
}): string {
  return [
    "id_tokens:",
    `  ${options.variable}:`,
    `    aud: ${options.audience}`,
    "script:",
    ...options.script.map((line) => `  - ${line}`),
    ...(options.trailer ?? []),
  ].join("\n");
}
