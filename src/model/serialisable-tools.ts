import type { Input } from "@pulumi/pulumi";

/**
 * `AgentGateway`'s arguments and an agent's `tools` as programs in other Pulumi languages write them
 * (see `./serialisable-spec.ts` for why: Pulumi's schema inference takes no unions). Where the
 * TypeScript types (`./tool-spec.ts`) have a union, this form has one object whose members are the
 * union's, with exactly one set (`credentials: { oauth2: {...} }`), a string where the union is of
 * string literals (zod checks the value), and typed members where a value may be a string, a number or
 * a boolean (`equals`, `equalsNumber`, `equalsBoolean`). The gateway's schema (`./gateway.ts`) and the
 * tools' schema (`./tools.ts`) read this form with the same rules and messages.
 */

/** One argument of a tool. */
export interface ToolInput {
  /** `string`, `integer`, `number` or `boolean` (AgentCore compares them as Cedar String, Long, Decimal, Bool). */
  type: string;
  /** Whether every call carries it (default false). */
  required?: boolean;
  /** What the argument means. */
  description?: string;
}

/** An HTTP route of an API Gateway stage, exposed as one tool. */
export interface ToolRoute {
  /** `GET`, `POST`, `PUT`, `PATCH` or `DELETE`. */
  method: string;
  /** The resource path in the REST API, such as `/refunds`. */
  path: string;
}

/** One tool a gateway target offers. */
export interface GatewayTool {
  /** The tool's name on its target (`create_issue`); agents call it as `TARGET___create_issue`. */
  name: string;
  /** What the tool does, in plain words (shown to the model and to reviewers). */
  description: string;
  /** Its arguments by name: conditions on an agent's calls can only name these. */
  inputs?: Record<string, ToolInput>;
  /** Marks the tool high-risk (`delete`, `refund`, `export`, `permissions`): an agent needs `approval` to be allowed it. */
  risk?: string;
  /** API Gateway targets only: the route this tool calls. */
  route?: ToolRoute;
}

/** A secret in AWS Secrets Manager, read by the gateway's credential provider (no value in the program). */
export interface SecretsManagerSecret {
  /** The secret's ARN. */
  secretArn: Input<string>;
  /** The key of the JSON the secret holds. */
  jsonKey: string;
}

/** OAuth2 client credentials the gateway uses to call a target. */
export interface OAuth2Credentials {
  /** An existing AgentCore OAuth2 credential provider, by ARN; otherwise give `discoveryUrl`, `clientId` and `clientSecret`. */
  providerArn?: Input<string>;
  /** The authorization server's OpenID Connect discovery URL (`…/.well-known/openid-configuration`). */
  discoveryUrl?: string;
  /** The OAuth client id. */
  clientId?: Input<string>;
  /** The client secret, in Secrets Manager (never a literal). */
  clientSecret?: SecretsManagerSecret;
  /** The scopes the gateway asks for: only what the target's tools need. */
  scopes: string[];
}

/** An API key sent once and never stored in the state. */
export interface WriteOnlyApiKey {
  /** The key (pass a secret). */
  value: Input<string>;
  /** Raise it to rotate the key. */
  version: number;
}

/** An API key the gateway sends to a target: write-only or in Secrets Manager, never a literal. */
export interface ApiKeyCredentials {
  /** An existing AgentCore API-key credential provider, by ARN; otherwise give `secret` or `writeOnly`. */
  providerArn?: Input<string>;
  /** The key, in Secrets Manager. */
  secret?: SecretsManagerSecret;
  /** The key sent once and never kept in the state (`apiKeyWo`). */
  writeOnly?: WriteOnlyApiKey;
  /** `HEADER` (default) or `QUERY_PARAMETER`. */
  location?: string;
  /** The header or query parameter name (default `Authorization` in a header). */
  parameterName?: string;
  /** A prefix before the key, such as `Bearer`. */
  prefix?: string;
}

/** The gateway's own IAM role (Lambda and API Gateway targets). */
export interface GatewayRoleCredentials {
  /** The service the role signs for, when not the target's own. */
  service?: string;
}

/** How the gateway authenticates to a target: set exactly one member. */
export interface TargetCredentials {
  /** OAuth2 client credentials (preferred for MCP servers and OpenAPI targets). */
  oauth2?: OAuth2Credentials;
  /** An API key from a credential provider. */
  apiKey?: ApiKeyCredentials;
  /** The gateway's own role, which may invoke exactly its Lambda and API Gateway targets. */
  gatewayRole?: GatewayRoleCredentials;
}

/** A Lambda function that implements a target's tools. */
export interface LambdaTarget {
  /** The function's ARN. */
  functionArn: Input<string>;
}

/** A remote MCP server. */
export interface McpServerTarget {
  /** Its https endpoint. */
  endpoint: string;
}

/** An OpenAPI document: give one of `inlineSchema` and `s3Uri`. */
export interface OpenApiTarget {
  /** The document as JSON or YAML text. */
  inlineSchema?: string;
  /** The document in S3 (`s3://…`). */
  s3Uri?: string;
}

/** A stage of an API Gateway REST API. */
export interface ApiGatewayTarget {
  /** The REST API's id. */
  restApiId: Input<string>;
  /** The stage. */
  stage: string;
}

/** Where a target's tools run: exactly one of `lambda`, `mcpServer`, `openApi`, `apiGateway`. */
export interface GatewayTarget {
  /** Letters, digits and single hyphens, at most 100 (AgentCore); it prefixes every tool (`NAME___tool`). */
  name: string;
  /** What the target is. */
  description?: string;
  /** A Lambda function that implements the tools. */
  lambda?: LambdaTarget;
  /** A remote MCP server. */
  mcpServer?: McpServerTarget;
  /** An OpenAPI document; each tool is an operation. */
  openApi?: OpenApiTarget;
  /** An API Gateway stage; each tool names its `route`. */
  apiGateway?: ApiGatewayTarget;
  /** The tools agents may be allowed: the gateway's catalog. */
  tools: GatewayTool[];
  /** How the gateway authenticates to the target: `{ oauth2: {...} }`, `{ apiKey: {...} }` or `{ gatewayRole: {} }`. */
  credentials: TargetCredentials;
}

/** Whose tokens the gateway accepts. */
export interface GatewayIssuer {
  /** The issuer URL: the agents' `runsOn` names the same. */
  url: string;
  /** The audiences the gateway accepts (at least one). */
  audiences: string[];
  /** The OAuth client ids it accepts, when the issuer sets `client_id`. */
  clients?: string[];
}

/** A rate limit on calls (refused until `@pulumi/aws` can declare it). */
export interface CallRateLimit {
  /** Calls allowed per period. */
  calls: number;
  /** `second`, `minute`, `hour` or `day`. */
  per: string;
}

/** Everything an `AgentGateway` takes, in the serialisable form. */
export interface SerialisableAgentGatewayArgs {
  /** The person accountable for the gateway and its catalog. */
  owner: string;
  /** The environment whose agents call tools through it: one gateway per environment. */
  environment: string;
  /** Whose tokens it accepts (the inbound `CUSTOM_JWT` authorizer). */
  issuer: GatewayIssuer;
  /** `ENFORCE` (default) or `LOG_ONLY` (outside production only). */
  enforcement?: string;
  /** The targets and their tools. */
  targets: GatewayTarget[];
  /** The gateway's description. */
  description?: string;
  /** Refused until `@pulumi/aws` can declare gateway rate limits. */
  rateLimit?: CallRateLimit;
  /** Further tags on every resource. */
  tags?: Record<string, string>;
}

/** One target of a gateway's catalog. */
export interface CatalogTarget {
  /** The target's name. */
  name: string;
  /** Its tools. */
  tools: GatewayTool[];
}

/** What the gateway offers, as agents' `tools` are checked against it. */
export interface GatewayCatalog {
  /** The AgentCore gateway's name. */
  gateway: string;
  /** The environment it serves. */
  environment: string;
  /** The issuer whose tokens it accepts. */
  issuerUrl: string;
  /** Its targets and their tools. */
  targets: CatalogTarget[];
}

/** What an agent needs of an `AgentGateway` (the gateway's `reference` output). */
export interface AgentGatewayReference {
  /** The tools the gateway offers. */
  catalog: GatewayCatalog;
  /** The id of the gateway's policy engine: the agent's policies go there. */
  policyEngineId: Input<string>;
  /** The gateway's ARN: every policy names it. */
  gatewayArn: Input<string>;
}

/**
 * A condition on one argument of a tool call; all the members given must hold. The value an
 * argument equals is typed: `equals` for a string argument, `equalsNumber` for an integer or number,
 * `equalsBoolean` for a boolean (set one of them); likewise `oneOf` (strings) or `oneOfNumbers`.
 */
export interface ArgumentTest {
  /** The string the argument equals. */
  equals?: string;
  /** The number the argument equals. */
  equalsNumber?: number;
  /** The boolean the argument equals. */
  equalsBoolean?: boolean;
  /** The strings the argument is one of. */
  oneOf?: string[];
  /** The numbers the argument is one of. */
  oneOfNumbers?: number[];
  /** The argument is below this number. */
  lessThan?: number;
  /** The argument is at most this number. */
  atMost?: number;
  /** The argument is above this number. */
  greaterThan?: number;
  /** The argument is at least this number. */
  atLeast?: number;
}

/** An approval before each call (refused until `@pulumi/aws` can declare it). */
export interface PerCallApproval {
  /** The approving tool, `TARGET/tool`. */
  approvedBy: string;
  /** How long an approval holds, in minutes. */
  withinMinutes: number;
}

/** One tool an agent may call. */
export interface ToolPermission {
  /** The target's name on the gateway. */
  target: string;
  /** The tool's name on the target. */
  tool: string;
  /** Conditions on the call's arguments, by argument name (`{ project: { equals: "OPS" } }`). */
  when?: Record<string, ArgumentTest>;
  /** Refused until `@pulumi/aws` can declare it. */
  rateLimit?: CallRateLimit;
  /** Refused until `@pulumi/aws` can declare it. */
  perCallApproval?: PerCallApproval;
}

/** The tools an agent may call on its environment's gateway. */
export interface ToolAccess {
  /** The `reference` output of the `AgentGateway` of the agent's environment. */
  gateway: AgentGatewayReference;
  /** The tools, each optionally with conditions on its arguments. */
  allow: ToolPermission[];
}
