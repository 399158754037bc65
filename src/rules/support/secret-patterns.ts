/**
 * Literal secrets in resource inputs: a table of credential formats, each precise enough that
 * ARNs, resource ids, hashes and random base64 do not match (see `test/rules/secret-patterns.test.ts`).
 *
 * Formats (from the issuers' documentation):
 * - AWS access key ids: `AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 upper-case letters or digits (IAM User Guide,
 *   "Unique identifiers"); role, user and policy ids (`AROA`, `AIDA`, `ANPA`) are not keys. AWS's
 *   published placeholder `AKIAIOSFODNN7EXAMPLE` and other `…EXAMPLE` keys are ignored.
 * - AWS secret access keys: 40 base64 characters, only recognised next to their name.
 * - PEM private keys: `-----BEGIN … PRIVATE KEY-----` (RFC 7468).
 * - GCP service-account keys: the JSON key file (`"type": "service_account"` with `"private_key"`),
 *   as text, as an object, or base64-encoded as `gcp.serviceaccount.Key.privateKey` returns it.
 * - GitHub tokens: `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36+ characters, `github_pat_…` (docs.github.com,
 *   "About authentication to GitHub", token formats).
 * - GitLab tokens: `glpat-`, `gldt-`, `glrt-`, `glptt-`, `glft-`, `glsoat-`, `gloas-` prefixes
 *   (docs.gitlab.com, "Token overview", token prefixes).
 * - Slack: `xoxb-`/`xoxp-`/`xoxa-`/`xoxo-`/`xoxs-`/`xoxr-` tokens, `xapp-` app tokens and incoming
 *   webhook URLs (api.slack.com, "Token types").
 * - LLM providers' API keys, each row citing where its format is published (below).
 */

/** One credential format. */
export interface SecretPattern {
  readonly id: string;
  /** What the secret is, in words. */
  readonly description: string;
  /** Matches the secret inside a string (global). */
  readonly pattern: RegExp;
  /** When set, the pattern only counts for properties whose name matches. */
  readonly propertyName?: RegExp;
  /** Rejects look-alikes the pattern alone would accept. */
  readonly accept?: (match: string) => boolean;
  /** The text must also hold this somewhere (non-global). */
  readonly requires?: RegExp;
  /**
   * A fragment every match holds (non-global): a string holding no row's anchor is skipped without
   * running the patterns, which is most strings (names, ids, ARNs). Rows with `propertyName` need
   * none: they are tried whenever the property's name matches.
   */
  readonly anchor?: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    id: "aws-access-key-id",
    description: "an AWS access key id",
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    accept: (match) => !match.endsWith("EXAMPLE"),
    anchor: /AKIA|ASIA|ABIA|ACCA/,
  },
  {
    id: "aws-secret-access-key",
    description: "an AWS secret access key",
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
    anchor: /secret/i,
  },
  {
    id: "aws-secret-access-key",
    description: "an AWS secret access key",
    pattern: /^[A-Za-z0-9/+=]{40}$/g,
    propertyName: /secret_?access_?key|aws_?secret/i,
    accept: (match) => /[A-Z]/.test(match) && /[a-z]/.test(match) && /[0-9]/.test(match),
  },
  {
    id: "private-key",
    description: "a private key (PEM)",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
    anchor: /PRIVATE KEY/,
  },
  {
    id: "gcp-service-account-key",
    description: "a GCP service-account key file",
    // Both markers, in either order; looked for separately so that the scan stays linear in the text.
    pattern: /"type"\s*:\s*"service_account"/g,
    requires: /"private_key"\s*:/,
    anchor: /service_account/,
  },
  {
    id: "github-token",
    description: "a GitHub token",
    pattern:
      /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    anchor: /gh[pousr]_|github_pat_/,
  },
  {
    id: "gitlab-token",
    description: "a GitLab token",
    pattern: /(?<![A-Za-z0-9_-])(?:glpat|gldt|glrt|glptt|glft|glsoat|gloas)-[A-Za-z0-9_.-]{20,}(?![A-Za-z0-9_-])/g,
    anchor: /gl(?:pat|dt|rt|ptt|ft|soat|oas)-/,
  },
  {
    id: "slack-token",
    description: "a Slack token",
    pattern:
      /(?<![A-Za-z0-9-])(?:xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{8,}|xapp-[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-[a-f0-9]{32,})(?![A-Za-z0-9-])/g,
    anchor: /xox[abposr]-|xapp-/,
  },
  // OpenAI: project keys `sk-proj-…`, service-account keys `sk-svcacct-…`, admin keys `sk-admin-…`
  // (platform.openai.com, "API keys" and "Admin API keys"); legacy user keys `sk-` + 20 + `T3BlbkFJ`
  // (base64 of "OpenAI") + 20, as GitHub secret scanning's openai_api_key pattern reads them.
  {
    id: "openai-api-key",
    description: "an OpenAI API key",
    pattern:
      /(?<![A-Za-z0-9_-])(?:sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?![A-Za-z0-9_-])/g,
    anchor: /sk-(?:proj|svcacct|admin)-|T3BlbkFJ/,
  },
  // Anthropic: "the full key, which starts with sk-ant-" (`sk-ant-api03-…`; Admin API keys
  // `sk-ant-admin01-…`) (platform.claude.com/docs, "Get an API key", "Admin API").
  {
    id: "anthropic-api-key",
    description: "an Anthropic API key",
    pattern: /(?<![A-Za-z0-9_-])sk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{80,}(?![A-Za-z0-9_-])/g,
    anchor: /sk-ant-/,
  },
  // Google API keys (Gemini API, Google AI Studio): standard keys `AIza` + 35 characters, and the
  // authorization keys AI Studio now issues, `AQ.Ab…` (ai.google.dev/gemini-api/docs/api-key,
  // "API key types: Standard versus Authorization").
  {
    id: "google-api-key",
    description: "a Google API key (Gemini)",
    pattern: /(?<![A-Za-z0-9_-])(?:AIza[0-9A-Za-z_-]{35}|AQ\.Ab[0-9A-Za-z_.-]{30,})(?![0-9A-Za-z_-])/g,
    anchor: /AIza|AQ\.Ab/,
  },
  // Hugging Face user access tokens: `hf_` + 34 letters (huggingface.co/docs/hub/security-tokens).
  {
    id: "huggingface-token",
    description: "a Hugging Face access token",
    pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34,40}(?![A-Za-z0-9_])/g,
    anchor: /hf_/,
  },
  // OpenRouter keys `sk-or-v1-` + 64 hex (openrouter.ai/docs, "API keys"; GitGuardian's detector).
  {
    id: "openrouter-api-key",
    description: "an OpenRouter API key",
    pattern: /(?<![A-Za-z0-9_-])sk-or-v1-[a-f0-9]{64}(?![A-Za-z0-9_-])/g,
    anchor: /sk-or-v1-/,
  },
  // Groq keys `gsk_` + 52 characters, as console.groq.com/keys issues them (Groq's docs name no format).
  {
    id: "groq-api-key",
    description: "a Groq API key",
    pattern: /(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9_])/g,
    anchor: /gsk_/,
  },
  {
    id: "slack-webhook",
    description: "a Slack incoming-webhook URL",
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]{16,}/g,
    anchor: /hooks\.slack\.com/,
  },
];

/**
 * Any row's anchor. Masking ARNs (below) blanks characters in place, and unescaping JSON drops a
 * backslash before a quote, slash or backslash, or turns `\\n` into a line break: an anchor holding
 * none of those characters is in a view only if it is in the text itself.
 */
const ANY_ANCHOR = new RegExp(
  SECRET_PATTERNS.flatMap((entry) => (entry.anchor ? [entry.anchor.source] : [])).join("|"),
  "i",
);

/** ARNs name resources; text inside them is never a credential (masked before matching). */
const ARN_TOKEN = /arn:aws[a-z-]*:[^\s"',;]*/g;

/** A string that is only base64 (with optional line breaks), long enough to hold a key file. */
const BASE64_BLOB = /^[A-Za-z0-9+/=\r\n]{200,}$/;

/**
 * A text as it reads base64-encoded at each of the three byte alignments, without the characters
 * that depend on its neighbours: finds base64 content inside other text (`echo ewog… | base64 -d`).
 */
export function base64Fragments(text: string): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.from("\0".repeat(offset) + text).toString("base64");
    return encoded.slice([0, 2, 3][offset], Math.floor((offset + text.length) / 3) * 4);
  });
}

/** A service-account key file base64-encoded inside a longer text: both markers, at any alignment. */
const EMBEDDED_KEY_FILE = {
  type: ['"type": "service_account"', '"type":"service_account"'].flatMap(base64Fragments),
  privateKey: base64Fragments('"private_key"'),
};

/** One secret found. */
export interface SecretMatch {
  readonly id: string;
  readonly description: string;
  /** The property path (`environment.variables.TOKEN`), `` for a top-level string. */
  readonly path: string;
  /** The first characters of the secret, enough to find it, never the whole value. */
  readonly hint: string;
}

function hintOf(match: string): string {
  return `${match.slice(0, Math.min(6, Math.floor(match.length / 3)))}…`;
}

function maskArns(text: string): string {
  return text.replace(ARN_TOKEN, (arn) => " ".repeat(arn.length));
}

function isServiceAccountKeyObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const object = value as Record<string, unknown>;
  return object.type === "service_account" && typeof object.private_key === "string";
}

/** The table's rows that match a text (or one of its unescaped views), each once. */
function findByPatterns(text: string, propertyName: string, path: string, found: SecretMatch[]): void {
  const masked = maskArns(text);
  // JSON written into a string (an ECS task definition, a config file) escapes its quotes: read it
  // unescaped too, up to three levels deep.
  const views = [masked];
  while (views.length < 4 && views.at(-1)!.includes('\\"'))
    views.push(
      views
        .at(-1)!
        .replace(/\\(["\\/])/g, "$1")
        .replace(/\\n/g, "\n"),
    );
  for (const entry of SECRET_PATTERNS) {
    if (entry.propertyName && !entry.propertyName.test(propertyName)) continue;
    search: for (const view of views) {
      if (entry.requires && !entry.requires.test(view)) continue;
      for (const match of view.matchAll(entry.pattern)) {
        if (entry.accept && !entry.accept(match[0])) continue;
        found.push({ id: entry.id, description: entry.description, path, hint: hintOf(match[0]) });
        break search;
      }
    }
  }
}

/** The secrets inside one string; `propertyName` is the name of the property holding it. */
export function findSecretsInText(text: string, propertyName = "", path = ""): SecretMatch[] {
  const found: SecretMatch[] = [];
  if (ANY_ANCHOR.test(text) || SECRET_PATTERNS.some((entry) => entry.propertyName?.test(propertyName)))
    findByPatterns(text, propertyName, path, found);
  if (found.length === 0 && BASE64_BLOB.test(text)) {
    const decoded = Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8");
    try {
      if (isServiceAccountKeyObject(JSON.parse(decoded)))
        found.push({
          id: "gcp-service-account-key",
          description: "a GCP service-account key file (base64)",
          path,
          hint: hintOf(text),
        });
    } catch {
      // Not JSON: random base64 is not a key file.
    }
  }
  if (
    found.length === 0 &&
    EMBEDDED_KEY_FILE.type.some((fragment) => text.includes(fragment)) &&
    EMBEDDED_KEY_FILE.privateKey.some((fragment) => text.includes(fragment))
  )
    found.push({
      id: "gcp-service-account-key",
      description: "a GCP service-account key file (base64, inside the text)",
      path,
      hint: hintOf(text),
    });
  return found;
}

/** A place in a resource's inputs: its key and the place that holds it (a linked path, cheap at any depth). */
interface Place {
  readonly key: string | number;
  readonly parent?: Place;
}

/** `["environment", "variables", 0]` → `environment.variables[0]`. */
function formatKeys(keys: readonly (string | number)[]): string {
  return keys.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    "",
  );
}

/** The name of the nearest property holding a place (the innermost string key), `` at the top. */
function nearestName(place: Place | undefined, base: readonly (string | number)[]): string {
  for (let at = place; at; at = at.parent) if (typeof at.key === "string") return at.key;
  for (let index = base.length - 1; index >= 0; index--)
    if (typeof base[index] === "string") return base[index] as string;
  return "";
}

function keysOf(place: Place | undefined, base: readonly (string | number)[]): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at = place; at; at = at.parent) keys.push(at.key);
  return [...base, ...keys.reverse()];
}

/**
 * Every secret in a resource's inputs, walking objects and lists in document order. Unknown values
 * (sentinel strings) match no pattern. The walk keeps its own stack, so inputs nested thousands of
 * levels deep are read to the bottom instead of exhausting the call stack.
 */
export function findSecrets(value: unknown, path: readonly (string | number)[] = []): SecretMatch[] {
  const found: SecretMatch[] = [];
  /** `name`: what the value is called when its key does not say (`{ name: "AWS_SECRET_ACCESS_KEY", value }`). */
  const pending: { value: unknown; place?: Place; name?: string; parsed?: true }[] = [{ value }];
  while (pending.length > 0) {
    const { value: current, place, name, parsed } = pending.pop()!;
    if (typeof current === "string") {
      // The path is spelled out only for a string that holds a secret: most strings hold none.
      const matches = findSecretsInText(current, name ?? nearestName(place, path));
      if (matches.length > 0) {
        const where = formatKeys(keysOf(place, path));
        for (const match of matches) found.push({ ...match, path: where });
      } else if (!parsed && /^\s*[[{]/.test(current)) {
        // A JSON document held as a string (containerDefinitions, a policy, a config): read it as inputs too.
        try {
          pending.push({ value: JSON.parse(current) as unknown, place, parsed: true });
        } catch {
          // Not JSON: its text was read above.
        }
      }
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        pending.push({ value: current[index], place: { key: index, parent: place } });
    } else if (typeof current === "object" && current !== null) {
      if (isServiceAccountKeyObject(current)) {
        const where = formatKeys(keysOf(place, path));
        found.push({
          id: "gcp-service-account-key",
          description: "a GCP service-account key file",
          path: where,
          hint: "{type: service_account…}",
        });
        continue;
      }
      const entries = Object.entries(current);
      const record = current as Record<string, unknown>;
      const label = [record.name, record.Name, record.key, record.Key].find(
        (candidate): candidate is string => typeof candidate === "string",
      );
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index]!;
        pending.push({
          value: item,
          place: { key, parent: place },
          ...(label !== undefined && (key === "value" || key === "Value") ? { name: label } : {}),
        });
      }
    }
  }
  return found;
}
