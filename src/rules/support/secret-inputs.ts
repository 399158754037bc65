import { isUnknown } from "../../model/unknown";

/**
 * Other places agent secrets live, as data, by the provider type tokens a pack sees (no provider is
 * imported): inputs that keep a secret in the stack's state and plans where the provider offers a
 * write-only or referenced form, and stores that are plain text by design (a value there is read by
 * anyone who can read the store, so a credential-named entry holding a value is a leak whatever
 * its format).
 */

/** An input that keeps a secret in state and plans, and the form that does not. */
export interface StoredSecretInput {
  readonly type: string;
  /** The property name holding the secret, at any depth of the inputs. */
  readonly property: string;
  readonly what: string;
  readonly instead: string;
}

export const STORED_SECRET_INPUTS: readonly StoredSecretInput[] = [
  // "This value will be visible in pulumi preview outputs and logs" (@pulumi/aws, bedrock.AgentcoreApiKeyCredentialProvider).
  {
    type: "aws:bedrock/agentcoreApiKeyCredentialProvider:AgentcoreApiKeyCredentialProvider",
    property: "apiKey",
    what: "an AgentCore API key credential provider's apiKey, which shows in plans and the state",
    instead: "set apiKeyWo (write-only, with apiKeyWoVersion) or apiKeySecretConfig with apiKeySecretSource EXTERNAL",
  },
  {
    type: "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider",
    property: "clientSecret",
    what: "an AgentCore OAuth2 credential provider's clientSecret, which shows in plans and the state",
    instead: "set clientSecretWo (write-only) or clientSecretConfig (a Secrets Manager secret)",
  },
];

/** A store whose values are plain text to anyone who can read it: the name of an entry and its value. */
export interface PlainTextStore {
  readonly type: string;
  readonly what: string;
  readonly instead: string;
  /** The entries of a resource: name and value. */
  readonly entries: (props: Readonly<Record<string, unknown>>) => { name: string; value: unknown }[];
}

const single =
  (nameProperty: string, valueProperty: string) =>
  (props: Readonly<Record<string, unknown>>): { name: string; value: unknown }[] =>
    typeof props[nameProperty] === "string"
      ? [{ name: props[nameProperty] as string, value: props[valueProperty] }]
      : [];

const GITHUB_VARIABLE = {
  what: "a GitHub Actions variable, plain text to anyone who can read the repository's settings and logs",
  instead: "store it as an Actions secret, or let the workflow federate with OIDC instead of holding a credential",
};

export const PLAIN_TEXT_STORES: readonly PlainTextStore[] = [
  {
    type: "github:index/actionsVariable:ActionsVariable",
    ...GITHUB_VARIABLE,
    entries: single("variableName", "value"),
  },
  {
    type: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    ...GITHUB_VARIABLE,
    entries: single("variableName", "value"),
  },
  {
    type: "github:index/actionsOrganizationVariable:ActionsOrganizationVariable",
    ...GITHUB_VARIABLE,
    entries: single("variableName", "value"),
  },
  // An SSM String parameter is stored unencrypted (Systems Manager User Guide, "Parameter types").
  {
    type: "aws:ssm/parameter:Parameter",
    what: "an SSM String parameter, stored unencrypted and readable by every reader of the parameter",
    instead: "use type SecureString (or Secrets Manager)",
    entries: (props) => (props.type === "SecureString" || isUnknown(props.type) ? [] : single("name", "value")(props)),
  },
  {
    type: "kubernetes:core/v1:ConfigMap",
    what: "a Kubernetes ConfigMap, readable by every reader of the namespace's config maps",
    instead: "put it in a Secret sourced from a secret manager (External Secrets, the Secrets Store CSI driver)",
    entries: (props) =>
      typeof props.data === "object" && props.data !== null
        ? Object.entries(props.data as Record<string, unknown>).map(([name, value]) => ({ name, value }))
        : [],
  },
];

/** Entry names that say they hold a credential (`OPENAI_API_KEY`, `/app/db-password`), not one that names or locates it (`…_ID`, `…_URL`). */
export function credentialName(name: string): boolean {
  const last = name.split("/").pop() ?? name;
  if (/(?:^|[^a-z])(?:id|arn|name|url|uri|path|host|region|version|file|type|endpoint)s?$/i.test(last)) return false;
  return /(?:^|[^a-z])(?:token|secret|password|passwd|api[_-]?key|private[_-]?key|access[_-]?key|client[_-]?secret|credentials?)s?(?:$|[^a-z])/i.test(
    last,
  );
}
