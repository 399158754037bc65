import { z } from "zod";
import type { ResourceRule } from "./support/rule";
import { SECRET_PATTERNS, findSecrets, findSecretsInText, type SecretMatch } from "./support/secret-patterns";
import { PLAIN_TEXT_STORES, STORED_SECRET_INPUTS, credentialName } from "./support/secret-inputs";
import { TAG_KEYS } from "../model/tags";
import { readTags, tagValue } from "./support/agents";
import { knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { stringList } from "./support/common";

/**
 * `no-static-credentials`: agents authenticate with short-lived federated tokens, so any
 * long-lived secret made for or handed to them is a finding: key and password resources, IAM users
 * made for machines, and literal secrets in any resource input.
 */

/** Resource types that are, or mint, a long-lived credential, and what to use instead. */
export const STATIC_CREDENTIAL_TYPES: Readonly<Record<string, { readonly what: string; readonly instead: string }>> = {
  "aws:iam/accessKey:AccessKey": {
    what: "a long-lived AWS access key",
    instead: "give the agent an IAM role it assumes with OIDC (AgentIdentity with an aws block)",
  },
  "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": {
    what: "a long-lived AWS service-specific credential",
    instead: "use the agent's role through the service's IAM authentication",
  },
  "gcp:serviceaccount/key:Key": {
    what: "a long-lived GCP service-account key",
    instead:
      "let the agent impersonate its service account through Workload Identity Federation (AgentIdentity with a gcp block)",
  },
  "azuread:index/applicationPassword:ApplicationPassword": {
    what: "an Entra ID application password (client secret)",
    instead: "add a federated identity credential and let the agent sign in with its OIDC token",
  },
  "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": {
    what: "an Entra ID service-principal password",
    instead: "add a federated identity credential and let the agent sign in with its OIDC token",
  },
  "azuread:index/applicationCertificate:ApplicationCertificate": {
    what: "an Entra ID application certificate credential",
    instead: "add a federated identity credential and let the agent sign in with its OIDC token",
  },
  "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate": {
    what: "an Entra ID service-principal certificate credential",
    instead: "add a federated identity credential and let the agent sign in with its OIDC token",
  },
};

export const AWS_USER_TYPE = "aws:iam/user:User";
export const AZUREAD_APPLICATION_TYPE = "azuread:index/application:Application";

/** Words in an IAM user's name that say a machine, not a person, uses it. */
export const MACHINE_USER_WORDS: readonly string[] = [
  "bot",
  "agent",
  "ci",
  "cd",
  "automation",
  "robot",
  "svc",
  "deploy",
  "deployer",
  "pipeline",
  "runner",
  "gha",
];

export const staticCredentialsConfig = z
  .object({
    /** Secret pattern ids not to report (see `src/rules/support/secret-patterns.ts`). */
    allowSecretPatterns: stringList("allowSecretPatterns").describe(
      `Secret pattern ids not to report: ${[...new Set(SECRET_PATTERNS.map((pattern) => pattern.id))].join(", ")}`,
    ),
    /** Words that mark an IAM user's name as a machine user. */
    machineUserWords: z
      .array(z.string())
      .default([...MACHINE_USER_WORDS])
      .describe("Words in an IAM user's name that mark it as made for a machine"),
  })
  .strict();
export type StaticCredentialsConfig = z.output<typeof staticCredentialsConfig>;

/** The words of a name: `ci-deployBot_2` → ci, deploy, bot, 2. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

export const KUBERNETES_SECRET_TYPES = ["kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch"];

/** The known, non-empty strings under a property name, at any depth (`clientSecret` inside nested config blocks). */
// The provider schemas nest these inputs a few levels deep (oauth2ProviderConfig.githubOauth2ProviderConfig.clientSecret);
// a bound keeps hostile nesting from exhausting the stack.
const MAX_INPUT_DEPTH = 8;

function valuesNamed(value: unknown, property: string, path = "", depth = 0): { path: string; value: string }[] {
  if (depth > MAX_INPUT_DEPTH) return [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => valuesNamed(item, property, `${path}[${index}]`, depth + 1));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = path ? `${path}.${key}` : key;
    if (key === property && typeof item === "string" && !isUnknown(item) && item.trim() !== "")
      return [{ path: at, value: item }];
    return valuesNamed(item, property, at, depth + 1);
  });
}

/** Secrets in a Kubernetes Secret's `data`, which holds them base64-encoded (Kubernetes docs, "Secrets"). */
function kubernetesSecretData(props: Readonly<Record<string, unknown>>): SecretMatch[] {
  const data = props.data;
  if (typeof data !== "object" || data === null) return [];
  return Object.entries(data as Record<string, unknown>).flatMap(([key, value]) => {
    if (typeof value !== "string" || isUnknown(value) || !/^[A-Za-z0-9+/=\s]+$/.test(value)) return [];
    const decoded = Buffer.from(value.replace(/\s+/g, ""), "base64").toString("utf8");
    return findSecretsInText(decoded, key, `data.${key}`).map((match) => ({
      ...match,
      description: `${match.description} (base64-encoded)`,
    }));
  });
}

/** Judges one resource's inputs. */
export function checkStaticCredentials(
  resource: PolicyResource,
  config: StaticCredentialsConfig,
  _context?: CheckContext,
): Finding[] {
  const findings: Finding[] = [];
  const known = STATIC_CREDENTIAL_TYPES[resource.type];
  if (known)
    findings.push({
      message: `${resource.type} "${resource.name}" is ${known.what}, a static secret that outlives every session; remove it and ${known.instead}`,
    });
  if (
    resource.type === AZUREAD_APPLICATION_TYPE &&
    resource.props.password !== undefined &&
    resource.props.password !== null
  )
    findings.push({
      message: `application "${resource.name}" has a password (client secret); remove it and add a federated identity credential for the agent's OIDC issuer`,
    });
  if (resource.type === AWS_USER_TYPE) {
    const name = knownString(resource.props.name) ?? resource.name;
    const tagged = tagValue(readTags(resource.props, resource.provider), TAG_KEYS.agent).state === "value";
    const machineWords = config.machineUserWords.map((entry) => entry.toLowerCase());
    const words = nameWords(name).filter(
      (word) => machineWords.includes(word) || (word.endsWith("s") && machineWords.includes(word.slice(0, -1))),
    );
    if (tagged || words.length > 0)
      findings.push({
        message: `IAM user "${name}" is made for an agent (${tagged ? `tagged ${TAG_KEYS.agent}` : `its name says "${words.join(", ")}"`}); IAM users carry long-lived keys: use an IAM role the agent assumes with OIDC (AgentIdentity) instead`,
      });
  }
  for (const input of STORED_SECRET_INPUTS.filter((entry) => entry.type === resource.type))
    for (const { path } of valuesNamed(resource.props, input.property))
      findings.push({
        message: `input ${path} of "${resource.name}" is ${input.what}; ${input.instead}`,
      });
  for (const store of PLAIN_TEXT_STORES.filter((entry) => entry.type === resource.type))
    for (const { name, value } of store.entries(resource.props))
      if (credentialName(name) && typeof value === "string" && !isUnknown(value) && value.trim().length >= 8)
        findings.push({
          message: `"${name}" holds a credential in ${store.what}; ${store.instead}`,
        });
  const allowed = new Set(config.allowSecretPatterns);
  const literal = [
    ...findSecrets(resource.props),
    ...(KUBERNETES_SECRET_TYPES.includes(resource.type) ? kubernetesSecretData(resource.props) : []),
  ];
  for (const secret of literal) {
    if (allowed.has(secret.id)) continue;
    findings.push({
      message: `input ${secret.path || "(value)"} holds ${secret.description} (${secret.hint}) in plain text; remove it, revoke it, and let the agent fetch it at run time with its federated identity (a secret manager) instead`,
    });
  }
  return findings;
}

/** Agents authenticate with short-lived federated tokens; any long-lived secret is blocked. */
export const noStaticCredentials: ResourceRule<typeof staticCredentialsConfig> = {
  name: "no-static-credentials",
  description:
    "Blocks long-lived secrets for agents: AWS access keys, GCP service-account keys, Entra ID application and service-principal passwords or certificates, IAM users made for machines, literal secrets in any resource input (AWS access key ids, private keys, GCP key files, GitHub, GitLab and Slack tokens, OpenAI, Anthropic, Google, Hugging Face, OpenRouter and Groq API keys, also base64-encoded in Kubernetes Secrets), AgentCore credential providers holding their key in state (apiKey, clientSecret), and credential-named entries of plain-text stores (GitHub Actions variables, SSM String parameters, ConfigMaps). A static secret outlives every session and cannot be tied to one run.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Remove the key, password or literal secret and revoke it; give the agent an OIDC-federated identity (AgentIdentity) and let it fetch any other secret at run time from a secret manager.",
  config: staticCredentialsConfig,
  scope: "resource",
  check: checkStaticCredentials,
};
