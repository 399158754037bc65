import fc from "fast-check";

/**
 * Credentials with the structure their issuers document, generated (never a real one), and the
 * identifiers that must never be mistaken for one. Written from the issuers' formats, not from the
 * detector's patterns (`src/rules/support/secret-patterns.ts`), so that each side checks the other:
 * - AWS access key ids: `AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 characters of A–Z and 2–7 (IAM User Guide,
 *   "Unique identifiers"); secret access keys: 40 characters of base64.
 * - PEM private keys: RFC 7468 labels `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`,
 *   `OPENSSH PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`.
 * - GCP service-account key files: the JSON Google hands out (`type`, `project_id`, `private_key_id`,
 *   `private_key`, `client_email`, …), as text, as an object, or base64-encoded as
 *   `gcp.serviceaccount.Key.privateKey` returns it.
 * - GitHub: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 base62 characters; fine-grained
 *   `github_pat_` + 22 + `_` + 59 (GitHub docs, "About authentication", token formats).
 * - GitLab: `glpat-` (personal), `gldt-` (deploy), `glrt-` (runner), `glptt-` (pipeline trigger),
 *   `glft-` (feed), `glsoat-` (SCIM OAuth), `gloas-` (OAuth app secret) + 20 characters (GitLab docs,
 *   "Token overview").
 * - Slack: `xoxb-`/`xoxp-`/`xoxa-`/`xoxo-`/`xoxs-`/`xoxr-` tokens (team id, user id, secret), `xapp-`
 *   app-level tokens, incoming webhooks `https://hooks.slack.com/services/T…/B…/…` (Slack API, "Token types").
 * - OpenAI: `sk-proj-`, `sk-svcacct-`, `sk-admin-` + about 150 URL-safe characters; legacy `sk-` + 48
 *   with `T3BlbkFJ` in the middle (platform.openai.com, "API keys").
 * - Anthropic: `sk-ant-api03-` + 93 URL-safe characters + `AA`, `sk-ant-admin01-` (Claude docs, "Get an API key").
 * - Google: `AIza` + 35 URL-safe characters; authorization keys `AQ.Ab…` (Gemini API docs, "API keys").
 * - Hugging Face: `hf_` + 34 letters (Hub docs, "User access tokens").
 * - OpenRouter: `sk-or-v1-` + 64 hex; Groq: `gsk_` + 52 base62.
 */

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(""));
const string = (alphabet: string, min: number, max = min) =>
  fc.string({ unit: chars(alphabet), minLength: min, maxLength: max });

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const BASE32 = `${UPPER}234567`;
const BASE62 = `${UPPER}${LOWER}${DIGITS}`;
const BASE64 = `${BASE62}+/`;
const HEX = "0123456789abcdef";

/** One generated credential: the detector's pattern id it must hit, and its text. */
export interface Token {
  readonly id: string;
  readonly text: string;
}

const token = (id: string, text: fc.Arbitrary<string>): fc.Arbitrary<Token> =>
  text.map((value) => ({ id, text: value }));

export const awsAccessKeyId = token(
  "aws-access-key-id",
  fc
    .tuple(fc.constantFrom("AKIA", "ASIA", "ABIA", "ACCA"), string(BASE32, 16))
    .map(([prefix, body]) => prefix + body)
    .filter((key) => !key.endsWith("EXAMPLE")),
);

const secretKey = string(BASE64, 40).filter((key) => /[A-Z]/.test(key) && /[a-z]/.test(key) && /[0-9]/.test(key));

export const awsSecretAccessKey = token(
  "aws-secret-access-key",
  fc
    .tuple(
      fc.constantFrom(
        "aws_secret_access_key = ",
        "AWS_SECRET_ACCESS_KEY=",
        '"aws_secret_access_key": "',
        "aws_secret_access_key: '",
      ),
      secretKey,
    )
    .map(([lead, key]) => `${lead}${key}${lead.endsWith('"') ? '"' : lead.endsWith("'") ? "'" : ""}`),
);

export const privateKey = token(
  "private-key",
  fc
    .tuple(
      fc.constantFrom(
        "PRIVATE KEY",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "DSA PRIVATE KEY",
      ),
      string(BASE64, 64, 200),
    )
    .map(([label, body]) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`),
);

/** A service-account key file, as Google writes it. */
export const serviceAccountKeyObject = fc
  .record({
    project: fc.stringMatching(/^[a-z][a-z0-9-]{4,20}[a-z0-9]$/),
    account: fc.stringMatching(/^[a-z][a-z0-9-]{4,20}[a-z0-9]$/),
    keyId: string(HEX, 40),
    clientId: string(DIGITS, 21),
    body: string(BASE64, 64, 120),
  })
  .map(({ project, account, keyId, clientId, body }) => ({
    type: "service_account",
    project_id: project,
    private_key_id: keyId,
    private_key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
    client_email: `${account}@${project}.iam.gserviceaccount.com`,
    client_id: clientId,
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
  }));

export const serviceAccountKeyText = token(
  "gcp-service-account-key",
  fc
    .tuple(serviceAccountKeyObject, fc.boolean())
    .map(([key, pretty]) => JSON.stringify(key, null, pretty ? 2 : undefined)),
);

/** The key file base64-encoded, as `gcp.serviceaccount.Key` returns `privateKey`. */
export const serviceAccountKeyBase64 = token(
  "gcp-service-account-key",
  serviceAccountKeyObject.map((key) => Buffer.from(JSON.stringify(key, null, 2)).toString("base64")),
);

export const githubToken = token(
  "github-token",
  fc.oneof(
    fc
      .tuple(fc.constantFrom("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), string(BASE62, 36))
      .map(([prefix, body]) => prefix + body),
    fc.tuple(string(BASE62, 22), string(BASE62, 59)).map(([head, tail]) => `github_pat_${head}_${tail}`),
  ),
);

export const gitlabToken = token(
  "gitlab-token",
  fc
    .tuple(
      fc.constantFrom("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "gloas-"),
      string(`${BASE62}_-`, 20, 40),
    )
    .map(([prefix, body]) => prefix + body),
);

export const slackToken = token(
  "slack-token",
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom("xoxb", "xoxp", "xoxa", "xoxo", "xoxs", "xoxr"),
        string(DIGITS, 10, 13),
        string(DIGITS, 10, 13),
        string(BASE62, 24, 32),
      )
      .map(([kind, team, user, secret]) => `${kind}-${team}-${user}-${secret}`),
    fc
      .tuple(string(DIGITS, 1), string(`${UPPER}${DIGITS}`, 9, 11), string(DIGITS, 13), string(HEX, 64))
      .map(([level, app, ts, secret]) => `xapp-${level}-${app}-${ts}-${secret}`),
  ),
);

export const slackWebhook = token(
  "slack-webhook",
  fc
    .tuple(string(`${UPPER}${DIGITS}`, 8, 10), string(`${UPPER}${DIGITS}`, 8, 10), string(BASE62, 24))
    .map(([team, hook, secret]) => `https://hooks.slack.com/services/T${team}/B${hook}/${secret}`),
);

const URL_SAFE = `${BASE62}_-`;

export const openaiKey = token(
  "openai-api-key",
  fc.oneof(
    fc
      .tuple(fc.constantFrom("sk-proj-", "sk-svcacct-", "sk-admin-"), string(URL_SAFE, 120, 170))
      .map(([prefix, body]) => prefix + body)
      .filter((key) => !/[_-]$/.test(key)),
    fc.tuple(string(BASE62, 20), string(BASE62, 20)).map(([a, b]) => `sk-${a}T3BlbkFJ${b}`),
  ),
);

export const anthropicKey = token(
  "anthropic-api-key",
  fc.tuple(fc.constantFrom("api03", "admin01"), string(URL_SAFE, 93)).map(([kind, body]) => `sk-ant-${kind}-${body}AA`),
);

export const googleApiKey = token(
  "google-api-key",
  fc.oneof(
    string(URL_SAFE, 35).map((body) => `AIza${body}`),
    string(URL_SAFE, 40, 80).map((body) => `AQ.Ab${body}`),
  ),
);

export const huggingFaceToken = token(
  "huggingface-token",
  string(`${UPPER}${LOWER}`, 34).map((body) => `hf_${body}`),
);

export const openrouterKey = token(
  "openrouter-api-key",
  string(HEX, 64).map((body) => `sk-or-v1-${body}`),
);

export const groqKey = token(
  "groq-api-key",
  string(BASE62, 52).map((body) => `gsk_${body}`),
);

/** Every credential format, one arbitrary each (keyed by the detector's pattern id). */
export const TOKENS_BY_ID: Readonly<Record<string, readonly fc.Arbitrary<Token>[]>> = {
  "aws-access-key-id": [awsAccessKeyId],
  "aws-secret-access-key": [awsSecretAccessKey],
  "private-key": [privateKey],
  "gcp-service-account-key": [serviceAccountKeyText, serviceAccountKeyBase64],
  "github-token": [githubToken],
  "gitlab-token": [gitlabToken],
  "slack-token": [slackToken],
  "slack-webhook": [slackWebhook],
  "openai-api-key": [openaiKey],
  "anthropic-api-key": [anthropicKey],
  "google-api-key": [googleApiKey],
  "huggingface-token": [huggingFaceToken],
  "openrouter-api-key": [openrouterKey],
  "groq-api-key": [groqKey],
};

/** Any credential of any format. */
export const anyToken: fc.Arbitrary<Token> = fc.oneof(...Object.values(TOKENS_BY_ID).flat());

/** Text around a secret as people paste it: env lines, JSON, YAML, URLs, shell. */
export const context: fc.Arbitrary<(secret: string) => string> = fc.constantFrom(
  (secret: string) => secret,
  (secret: string) => `TOKEN=${secret}`,
  (secret: string) => `export SLACK_TOKEN="${secret}"`,
  (secret: string) => JSON.stringify({ token: secret, note: "do not commit" }),
  (secret: string) => `token: '${secret}'\nother: value`,
  (secret: string) => `curl -H "Authorization: Bearer ${secret}" https://api.example.com`,
  (secret: string) => `see ${secret}, then rotate`,
  (secret: string) => `#!/bin/sh\n# bootstrap\n${secret}\n`,
  // JSON inside JSON: an ECS container definition whose environment holds a config document.
  (secret: string) =>
    JSON.stringify([
      { name: "web", environment: [{ name: "APP_CONFIG", value: JSON.stringify({ credentials: secret }) }] },
    ]),
);

// Identifiers that are not secrets.

const accountId = string(DIGITS, 12);
const awsRegion = fc.constantFrom("us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1");
const pathSegment = fc.stringMatching(/^[A-Za-z0-9_+=,.@-]{1,24}$/);

/** ARNs of every shape, some with key-like text inside (ARNs are masked before matching). */
export const arn = fc.oneof(
  fc.tuple(accountId, pathSegment).map(([account, name]) => `arn:aws:iam::${account}:role/agents/${name}`),
  fc.tuple(accountId, awsAccessKeyId).map(([account, key]) => `arn:aws:iam::${account}:user/${key.text}`),
  fc.tuple(accountId, pathSegment).map(([account, name]) => `arn:aws:iam::${account}:policy/${name}`),
  fc
    .tuple(awsRegion, accountId, fc.uuid())
    .map(([region, account, id]) => `arn:aws:kms:${region}:${account}:key/${id}`),
  fc
    .tuple(awsRegion, accountId, pathSegment, string(BASE62, 6))
    .map(([region, account, name, suffix]) => `arn:aws:secretsmanager:${region}:${account}:secret:${name}-${suffix}`),
  fc.tuple(accountId, pathSegment).map(([account, name]) => `arn:aws:sts::${account}:assumed-role/${name}/session`),
  pathSegment.map((name) => `arn:aws:s3:::${name.toLowerCase()}/reports/*`),
  fc
    .tuple(awsRegion, accountId, pathSegment)
    .map(([region, account, name]) => `arn:aws-us-gov:lambda:${region}:${account}:function:${name}`),
  fc.tuple(accountId, githubToken).map(([account, gh]) => `arn:aws:ssm:us-east-1:${account}:parameter/${gh.text}`),
);

/** AWS unique ids of roles, users, policies, instance profiles (not keys). */
export const awsUniqueId = fc
  .tuple(fc.constantFrom("AROA", "AIDA", "ANPA", "ANVA", "AIPA", "AGPA"), string(BASE32, 16, 17))
  .map(([prefix, body]) => prefix + body);

export const sha1 = string(HEX, 40);
export const sha256 = string(HEX, 64);
export const digest = sha256.map((hex) => `sha256:${hex}`);
export const upperThumbprint = string("0123456789ABCDEF", 40);
export const uuid = fc.uuid();
export const base64Blob = fc
  .uint8Array({ minLength: 16, maxLength: 1500 })
  .map((bytes) => Buffer.from(bytes).toString("base64"));
export const base64UrlBlob = fc
  .uint8Array({ minLength: 16, maxLength: 300 })
  .map((bytes) => Buffer.from(bytes).toString("base64url"));
/** JSON that is not a key file, base64-encoded (a Kubernetes config, a budget payload). */
export const base64Json = fc
  .record({
    type: fc.constantFrom("authorized_user", "external_account", "service_account_info"),
    client_email: fc.emailAddress(),
    project_id: fc.string(),
  })
  .map((value) => Buffer.from(JSON.stringify(value, null, 2).padEnd(260, " ")).toString("base64"));

const gcpProject = fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
export const gcpId = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/), gcpProject)
    .map(([account, project]) => `${account}@${project}.iam.gserviceaccount.com`),
  string(DIGITS, 21),
  fc
    .tuple(gcpProject, fc.stringMatching(/^[a-z0-9][a-z0-9._-]{2,40}$/))
    .map(([project, name]) => `//storage.googleapis.com/projects/${project}/buckets/${name}`),
  fc
    .tuple(
      string(DIGITS, 12),
      fc.stringMatching(/^[a-z0-9-]{4,20}$/),
      fc.string({ unit: chars(`${BASE62}:/_-`), maxLength: 60 }),
    )
    .map(
      ([number, pool, subject]) =>
        `principal://iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/${pool}/subject/${subject}`,
    ),
  fc
    .tuple(gcpProject, string(HEX, 40))
    .map(([project, key]) => `projects/${project}/serviceAccounts/bot@${project}.iam.gserviceaccount.com/keys/${key}`),
);

export const azureId = fc.oneof(
  fc
    .tuple(fc.uuid(), fc.stringMatching(/^[-\w.()]{1,40}$/))
    .map(([subscription, group]) => `/subscriptions/${subscription}/resourceGroups/${group}`),
  fc
    .tuple(fc.uuid(), fc.stringMatching(/^[a-z0-9]{3,24}$/))
    .map(
      ([subscription, account]) =>
        `/subscriptions/${subscription}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/${account}`,
    ),
  fc.uuid().map((id) => `/providers/Microsoft.Authorization/roleDefinitions/${id}`),
  fc.uuid().map((tenant) => `https://login.microsoftonline.com/${tenant}/v2.0`),
  fc.uuid(),
);

/** Everything benign, with what it is (for messages). */
export const benign: fc.Arbitrary<{ what: string; text: string }> = fc.oneof(
  arn.map((text) => ({ what: "ARN", text })),
  awsUniqueId.map((text) => ({ what: "AWS unique id", text })),
  sha1.map((text) => ({ what: "SHA-1", text })),
  sha256.map((text) => ({ what: "SHA-256", text })),
  digest.map((text) => ({ what: "image digest", text })),
  upperThumbprint.map((text) => ({ what: "thumbprint", text })),
  uuid.map((text) => ({ what: "UUID", text })),
  base64Blob.map((text) => ({ what: "base64", text })),
  base64UrlBlob.map((text) => ({ what: "base64url", text })),
  base64Json.map((text) => ({ what: "base64 JSON (not a key file)", text })),
  gcpId.map((text) => ({ what: "GCP id", text })),
  azureId.map((text) => ({ what: "Azure id", text })),
);
