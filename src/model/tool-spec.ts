import type { Input } from "@pulumi/pulumi";

/**
 * What a user writes to put agents' tools behind a gateway: the arguments of `new AgentGateway(name,
 * args)` (the gateway's tool catalog, its inbound issuer, its targets and their outbound credentials)
 * and the `tools` field of an agent spec (which of the catalog's tools the agent may call, with
 * conditions on their arguments). Public types, free of the schema library's and the providers'
 * types; the rules and messages live in `./tools.ts` and `./gateway.ts`.
 */

/** A tool argument's JSON Schema type. AgentCore maps them to Cedar: string → String, integer → Long, number → Decimal, boolean → Bool. */
export type ToolArgumentType = "string" | "integer" | "number" | "boolean";

/** One argument of a tool. */
export interface ToolInputSpec {
  readonly type: ToolArgumentType;
  /** Whether every call carries it (default false). */
  readonly required?: boolean;
  readonly description?: string;
}

/**
 * High-risk classes of tools: an agent may be allowed one only with the security team's `approval`,
 * like a delete, export or permissions grant on a cloud.
 */
export type ToolRiskClass = "delete" | "refund" | "export" | "permissions";

/** An HTTP route of an API Gateway stage, exposed as one tool. */
export interface ToolRouteSpec {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The resource path in the REST API, such as `/refunds`. */
  readonly path: string;
}

/** One tool a gateway target offers. */
export interface ToolSpec {
  /** The tool's name on its target (`create_issue`); agents call it as `TARGET___create_issue`. */
  readonly name: string;
  /** What the tool does, in plain words (shown to the model and to reviewers). */
  readonly description: string;
  /** Its arguments by name: conditions on an agent's calls can only name these. */
  readonly inputs?: Readonly<Record<string, ToolInputSpec>>;
  /** Marks the tool high-risk: an agent needs `approval` to be allowed it. */
  readonly risk?: ToolRiskClass;
  /** API Gateway targets only: the route this tool calls. */
  readonly route?: ToolRouteSpec;
}

/** A secret in AWS Secrets Manager: the gateway's credential provider reads it there, so no value is in the program or its state. */
export interface SecretsManagerValue {
  /** The secret's ARN. */
  readonly secretArn: Input<string>;
  /** The key of the JSON the secret holds. */
  readonly jsonKey: string;
}

/** OAuth2 client credentials the gateway uses to call a target (the agent never holds them). */
export interface OAuth2CredentialsSpec {
  /** An existing AgentCore OAuth2 credential provider, by ARN; otherwise give `discoveryUrl`, `clientId` and `clientSecret`. */
  readonly providerArn?: Input<string>;
  /** The authorization server's OpenID Connect discovery URL (`…/.well-known/openid-configuration`). */
  readonly discoveryUrl?: string;
  readonly clientId?: Input<string>;
  /** The client secret, in Secrets Manager (never a literal). */
  readonly clientSecret?: SecretsManagerValue;
  /** The scopes the gateway asks for: only what the target's tools need. */
  readonly scopes: readonly string[];
}

/** An API key the gateway sends to a target: write-only or in Secrets Manager, never a literal. */
export interface ApiKeyCredentialsSpec {
  /** An existing AgentCore API-key credential provider, by ARN; otherwise give `secret` or `writeOnly`. */
  readonly providerArn?: Input<string>;
  /** The key, in Secrets Manager. */
  readonly secret?: SecretsManagerValue;
  /** The key sent once and never stored in the state (`apiKeyWo`); raise `version` to rotate it. */
  readonly writeOnly?: { readonly value: Input<string>; readonly version: number };
  /** Where the key goes (default `HEADER`). */
  readonly location?: "HEADER" | "QUERY_PARAMETER";
  /** The header or query parameter name (default `Authorization` in a header). */
  readonly parameterName?: string;
  /** A prefix before the key, such as `Bearer`. */
  readonly prefix?: string;
}

/**
 * How the gateway authenticates to a target: OAuth2 (preferred), an API key, or the gateway's own
 * IAM role (Lambda and API Gateway targets: a role that may invoke exactly those targets).
 */
export type TargetCredentialsSpec =
  | { readonly oauth2: OAuth2CredentialsSpec }
  | { readonly apiKey: ApiKeyCredentialsSpec }
  | { readonly gatewayRole: { readonly service?: string } };

/** Where a target's tools run: exactly one of `lambda`, `mcpServer`, `openApi`, `apiGateway`. */
export interface GatewayTargetSpec {
  /** The target's name: letters, digits and single hyphens, at most 100 (AgentCore); it prefixes every tool (`NAME___tool`). */
  readonly name: string;
  readonly description?: string;
  /** A Lambda function that implements the tools (the gateway sends it the tool list below as its schema). */
  readonly lambda?: { readonly functionArn: Input<string> };
  /** A remote MCP server. */
  readonly mcpServer?: { readonly endpoint: string };
  /** An OpenAPI document, inline (JSON or YAML text) or in S3; each tool is an operation (`operationId`). */
  readonly openApi?: { readonly inlineSchema?: string; readonly s3Uri?: string };
  /** A stage of an API Gateway REST API; each tool names its `route`. */
  readonly apiGateway?: { readonly restApiId: Input<string>; readonly stage: string };
  /** The tools agents may be allowed: the gateway's catalog. */
  readonly tools: readonly ToolSpec[];
  /** How the gateway authenticates to the target. */
  readonly credentials: TargetCredentialsSpec;
}

/** Whose tokens the gateway accepts: the issuer the agents run on, with the audiences (and clients) pinned. */
export interface GatewayIssuerSpec {
  /** The issuer URL (`https://token.actions.githubusercontent.com`): the agents' `runsOn` names the same. */
  readonly url: string;
  /** The audiences the gateway accepts: the `aud` the agents ask their issuer for. At least one. */
  readonly audiences: readonly string[];
  /** The OAuth client ids it accepts (`client_id`), when the issuer sets that claim. */
  readonly clients?: readonly string[];
}

/**
 * A rate limit on calls: designed for AgentCore gateway rate limits, which `@pulumi/aws` 7.48 cannot
 * declare yet (refused with that reason until it can).
 */
export interface RateLimitSpec {
  /** Calls allowed per period. */
  readonly calls: number;
  readonly per: "second" | "minute" | "hour" | "day";
}

/**
 * An approval before each call: designed for AgentCore temporal policies (an approval tool's call
 * earlier in the session), which `@pulumi/aws` 7.48 cannot declare yet (refused with that reason).
 */
export interface PerCallApprovalSpec {
  /** The tool whose successful call approves one call of this tool: `TARGET/tool`. */
  readonly approvedBy: string;
  /** How long an approval holds, in minutes. */
  readonly withinMinutes: number;
}

/** Everything `new AgentGateway(name, args)` accepts. */
export interface AgentGatewayArgs {
  /** The person accountable for the gateway and its catalog. */
  readonly owner: string;
  /** The environment whose agents call tools through it: one gateway per environment. */
  readonly environment: string;
  /** Whose tokens it accepts (the inbound `CUSTOM_JWT` authorizer; never `NONE`). */
  readonly issuer: GatewayIssuerSpec;
  /**
   * `ENFORCE` (default): the policy engine decides every call. `LOG_ONLY` records decisions without
   * enforcing them: for a rollout outside production, and only when written here.
   */
  readonly enforcement?: "ENFORCE" | "LOG_ONLY";
  /** The targets and their tools. */
  readonly targets: readonly GatewayTargetSpec[];
  readonly description?: string;
  /** Not available yet in `@pulumi/aws` 7.48 (see the README): refused with the missing field. */
  readonly rateLimit?: RateLimitSpec;
  /** Further tags on every resource. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A tool catalog: what the gateway offers, as agents' `tools` are checked against it. */
export interface ToolCatalog {
  /** The gateway's name. */
  readonly gateway: string;
  readonly environment: string;
  /** The issuer whose tokens the gateway accepts. */
  readonly issuerUrl: string;
  readonly targets: readonly { readonly name: string; readonly tools: readonly ToolSpec[] }[];
}

/** An `AgentGateway`, or anything else that holds a gateway's catalog, policy engine and ARN. */
export interface AgentGatewayLike {
  readonly catalog: ToolCatalog;
  /** The id of the gateway's AgentCore policy engine: the agent's policies go there. */
  readonly policyEngineId: Input<string>;
  /** The gateway's ARN: every policy names it as its resource. */
  readonly gatewayArn: Input<string>;
}

/**
 * A condition on one argument of a tool call: all the keys given must hold. `equals` and `oneOf`
 * fit any argument type; the comparisons fit `integer` and `number` arguments.
 */
export interface ArgumentCondition {
  readonly equals?: string | number | boolean;
  readonly oneOf?: readonly (string | number)[];
  readonly lessThan?: number;
  readonly atMost?: number;
  readonly greaterThan?: number;
  readonly atLeast?: number;
}

/** One tool an agent may call. */
export interface ToolPermissionSpec {
  /** The target's name on the gateway. */
  readonly target: string;
  /** The tool's name on the target. */
  readonly tool: string;
  /** Conditions on the call's arguments, by argument name; all must hold (`{ project: { equals: "OPS" } }`). */
  readonly when?: Readonly<Record<string, ArgumentCondition>>;
  /** Not available yet in `@pulumi/aws` 7.48 (see the README): refused with the missing resource. */
  readonly rateLimit?: RateLimitSpec;
  /** Not available yet in `@pulumi/aws` 7.48 (see the README): refused with the missing field. */
  readonly perCallApproval?: PerCallApprovalSpec;
}

/** The tools an agent may call on its environment's gateway. */
export interface ToolAccessSpec {
  /** The `AgentGateway` of the agent's environment. */
  readonly gateway: AgentGatewayLike;
  /** The tools, each optionally with conditions on its arguments. */
  readonly allow: readonly ToolPermissionSpec[];
}

/** Thrown for invalid `AgentGateway` arguments: one message that lists every problem with its field path. */
export class GatewaySpecError extends Error {
  constructor(
    readonly gateway: string,
    readonly problems: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(
      `gateway "${gateway}" is not valid:\n${problems.map((problem) => `  - ${problem.path || "(args)"}: ${problem.message}`).join("\n")}`,
    );
    this.name = "GatewaySpecError";
  }
}
