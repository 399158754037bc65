import { z } from "zod";
import { formatPath, type SpecProblem } from "./agent-spec";
import { AGENTCORE_LIMITS } from "./cloud-limits";
import { issuerUrlSchema } from "./issuers";
import { isProductionEnvironment } from "./risk/score";
import { ownerSchema } from "./spec";
import type { AgentGatewayArgs, ToolCatalog } from "./tool-spec";
import { NOT_YET_IN_PROVIDER, TARGET_NAME, isPulumiValue, rateLimitSchema, toolSpecSchema } from "./tools";

/**
 * The arguments of `AgentGateway`: one zod schema with every rule and message (the public types are
 * in `./tool-spec.ts`). What the gateway accepts inbound (a JWT issuer with its audiences pinned), how
 * it calls each target outbound (OAuth2 or an API key from a credential provider, never a literal, or
 * its own role for Lambda and API Gateway), and the catalog of tools agents are checked against.
 */

/** A gateway's name in the program: it names the AgentCore gateway and its policy engine. */
export const GATEWAY_COMPONENT_NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

const NO_WILDCARD = (value: string) => !/[*?]/.test(value);

const pulumiString = (what: string) =>
  z.union([z.string().min(1), z.custom<object>(isPulumiValue)], { error: `${what} is required` });

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

const secretSchema = z
  .object({
    secretArn: z.union([
      z.string().regex(SECRET_ARN, {
        message:
          "the secret's ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME): the gateway's role may read only it",
      }),
      z.custom<object>(isPulumiValue),
    ]),
    jsonKey: z.string().min(1, { message: "jsonKey names the key of the JSON the secret holds" }),
  })
  .strict();

const LITERAL_KEYS = ["value", "key", "apiKey"];

const oauth2Schema = z
  .object({
    providerArn: pulumiString("providerArn").optional(),
    discoveryUrl: z
      .string()
      .regex(/^https:\/\/[^\s?#]+\/\.well-known\/openid-configuration$/, {
        message: "the authorization server's discovery URL: https://…/.well-known/openid-configuration",
      })
      .optional(),
    clientId: pulumiString("clientId").optional(),
    clientSecret: secretSchema.optional(),
    scopes: z
      .array(z.string().min(1).refine(NO_WILDCARD, { message: "name each scope exactly" }))
      .min(1, { message: "list the scopes the target's tools need" }),
  })
  .strict()
  .superRefine((value, ctx) => {
    const creating = [value.discoveryUrl, value.clientId, value.clientSecret];
    if (value.providerArn !== undefined && creating.some((field) => field !== undefined))
      ctx.addIssue({
        code: "custom",
        message:
          "give providerArn (an existing provider) or discoveryUrl, clientId and clientSecret (a new one), not both",
      });
    if (value.providerArn === undefined)
      for (const [key, field] of [
        ["discoveryUrl", value.discoveryUrl],
        ["clientId", value.clientId],
        ["clientSecret", value.clientSecret],
      ] as const)
        if (field === undefined)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message:
              key === "clientSecret"
                ? "clientSecret is required: the secret's ARN and JSON key in Secrets Manager (never a literal)"
                : `${key} is required for a new OAuth2 credential provider (or give providerArn)`,
          });
  });

const apiKeySchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value === "object" && value !== null)
      for (const key of LITERAL_KEYS)
        if (key in value)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message:
              "an API key is never a literal in the program (it would sit in the state and the plan): put it in Secrets Manager (secret) or pass it write-only (writeOnly)",
          });
  })
  .pipe(
    z
      .object({
        providerArn: pulumiString("providerArn").optional(),
        secret: secretSchema.optional(),
        writeOnly: z
          .object({
            value: pulumiString("writeOnly.value"),
            version: z.number().int().positive({ message: "version is a positive whole number; raise it to rotate" }),
          })
          .strict()
          .optional(),
        location: z.enum(["HEADER", "QUERY_PARAMETER"]).optional(),
        parameterName: z.string().min(1).optional(),
        prefix: z.string().min(1).optional(),
      })
      .strict()
      .superRefine((value, ctx) => {
        const given = [value.providerArn, value.secret, value.writeOnly].filter((field) => field !== undefined);
        if (given.length !== 1)
          ctx.addIssue({
            code: "custom",
            message: "give exactly one of providerArn (an existing provider), secret (Secrets Manager) or writeOnly",
          });
      }),
  );

const credentialsSchema = z.unknown().transform((value, ctx) => {
  const keys = typeof value === "object" && value !== null ? Object.keys(value) : [];
  if (keys.length !== 1 || !["oauth2", "apiKey", "gatewayRole"].includes(keys[0]!)) {
    ctx.addIssue({
      code: "custom",
      message: "credentials is one of { oauth2: {…} }, { apiKey: {…} } or { gatewayRole: {} }",
    });
    return z.NEVER;
  }
  const key = keys[0] as "oauth2" | "apiKey" | "gatewayRole";
  const schema =
    key === "oauth2"
      ? oauth2Schema
      : key === "apiKey"
        ? apiKeySchema
        : z.object({ service: z.string().min(1).optional() }).strict();
  const parsed = (schema as z.ZodType).safeParse((value as Record<string, unknown>)[key]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: "custom", path: [key, ...(issue.path as (string | number)[])], message: issue.message });
    return z.NEVER;
  }
  return { kind: key, ...(parsed.data as object) } as
    | ({ kind: "oauth2" } & z.output<typeof oauth2Schema>)
    | ({ kind: "apiKey" } & z.output<typeof apiKeySchema>)
    | { kind: "gatewayRole"; service?: string };
});

export type TargetCredentials = z.output<typeof credentialsSchema>;

/** Which outbound credentials each kind of target takes (devguide, "Set up outbound authorization for your gateway"). */
export const TARGET_CREDENTIALS = {
  lambda: ["gatewayRole"],
  mcpServer: ["oauth2", "apiKey"],
  openApi: ["oauth2", "apiKey"],
  apiGateway: ["gatewayRole", "apiKey"],
} as const;

export type TargetKind = keyof typeof TARGET_CREDENTIALS;
export const TARGET_KINDS = Object.keys(TARGET_CREDENTIALS) as TargetKind[];

const targetSchema = z
  .object({
    name: z.string({ error: "a target needs its name" }).regex(TARGET_NAME, {
      message: "a target name has letters, digits and single hyphens, at most 100 (AgentCore's pattern)",
    }),
    description: z.string().max(AGENTCORE_LIMITS.targetDescriptionCharacters).optional(),
    lambda: z
      .object({ functionArn: pulumiString("lambda.functionArn") })
      .strict()
      .optional(),
    mcpServer: z
      .object({ endpoint: z.string().regex(/^https:\/\/\S+$/, { message: "an MCP server's https endpoint" }) })
      .strict()
      .optional(),
    openApi: z
      .object({
        inlineSchema: z.string().min(2).optional(),
        s3Uri: z
          .string()
          .regex(/^s3:\/\/\S+$/, { message: "an s3:// URI" })
          .optional(),
      })
      .strict()
      .optional(),
    apiGateway: z
      .object({ restApiId: pulumiString("apiGateway.restApiId"), stage: z.string().min(1) })
      .strict()
      .optional(),
    tools: z.array(toolSpecSchema).min(1, { message: "list the target's tools: agents can only be allowed those" }),
    credentials: credentialsSchema,
  })
  .strict()
  .superRefine((target, ctx) => {
    const kinds = TARGET_KINDS.filter((kind) => target[kind] !== undefined);
    if (kinds.length !== 1)
      return void ctx.addIssue({
        code: "custom",
        message: `a target is exactly one of ${TARGET_KINDS.join(", ")}`,
      });
    const kind = kinds[0]!;
    const allowed = TARGET_CREDENTIALS[kind] as readonly string[];
    if (!allowed.includes(target.credentials.kind))
      ctx.addIssue({
        code: "custom",
        path: ["credentials"],
        message: `a ${kind} target authenticates with ${allowed.join(" or ")}, not ${target.credentials.kind}`,
      });
    if (target.openApi && (target.openApi.inlineSchema === undefined) === (target.openApi.s3Uri === undefined))
      ctx.addIssue({ code: "custom", path: ["openApi"], message: "give inlineSchema or s3Uri, one of them" });
    const seen = new Set<string>();
    target.tools.forEach((tool, index) => {
      if (seen.has(tool.name))
        ctx.addIssue({
          code: "custom",
          path: ["tools", index, "name"],
          message: `tool "${tool.name}" is listed twice`,
        });
      seen.add(tool.name);
      if (kind === "apiGateway" && !tool.route)
        ctx.addIssue({
          code: "custom",
          path: ["tools", index, "route"],
          message: "an API Gateway tool names its route: { method, path }",
        });
      if (kind !== "apiGateway" && tool.route)
        ctx.addIssue({
          code: "custom",
          path: ["tools", index, "route"],
          message: "only API Gateway tools have a route",
        });
    });
  });

export type GatewayTarget = z.output<typeof targetSchema>;

export const gatewayArgsSchema = z
  .object({
    owner: ownerSchema,
    environment: z
      .string({ error: "environment is required: the environment whose agents use the gateway" })
      .regex(/^[a-z][a-z0-9-]{0,15}$/, {
        message: "environment: lower-case letters, digits and '-', starting with a letter, at most 16 characters",
      }),
    issuer: z
      .object(
        {
          url: issuerUrlSchema,
          audiences: z
            .array(z.string().min(1).refine(NO_WILDCARD, { message: "name each audience exactly" }), {
              error: "issuer.audiences is required: the audiences the agents ask their issuer for",
            })
            .min(1, { message: "pin at least one audience: without one, any token of the issuer would be accepted" }),
          clients: z
            .array(z.string().min(1).refine(NO_WILDCARD, { message: "name each client exactly" }))
            .min(1)
            .optional(),
        },
        { error: "issuer is required: the issuer the agents run on, with the audiences pinned" },
      )
      .strict(),
    enforcement: z.enum(["ENFORCE", "LOG_ONLY"]).default("ENFORCE"),
    targets: z.array(targetSchema).min(1, { message: "list at least one target" }),
    description: z.string().max(AGENTCORE_LIMITS.gatewayDescriptionCharacters).optional(),
    rateLimit: rateLimitSchema.optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .superRefine((args, ctx) => {
    const seen = new Set<string>();
    args.targets.forEach((target, index) => {
      if (seen.has(target.name))
        ctx.addIssue({
          code: "custom",
          path: ["targets", index, "name"],
          message: `target "${target.name}" is listed twice`,
        });
      seen.add(target.name);
    });
  });

export type GatewayArgs = z.output<typeof gatewayArgsSchema>;

/**
 * The arguments, validated: every problem with its field path (an invalid name, `LOG_ONLY` in a
 * production environment, a field `@pulumi/aws` cannot declare yet), or the parsed arguments.
 */
export function parseGatewayArgs(
  name: string,
  input: AgentGatewayArgs | unknown,
): { args: GatewayArgs; problems: [] } | { args?: undefined; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  if (typeof name !== "string" || !GATEWAY_COMPONENT_NAME.test(name))
    problems.push({
      path: "name",
      message: "a gateway's name has 3–40 lower-case letters, digits or '-' and starts with a letter",
    });
  const parsed = gatewayArgsSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: formatPath(issue.path), message: issue.message });
    return { problems };
  }
  const args = parsed.data;
  if (args.enforcement === "LOG_ONLY" && isProductionEnvironment(args.environment))
    problems.push({
      path: "enforcement",
      message: `LOG_ONLY records decisions without enforcing them: not in the ${args.environment} environment; use ENFORCE (LOG_ONLY is for a rollout outside production)`,
    });
  if (args.rateLimit) problems.push({ path: "rateLimit", message: NOT_YET_IN_PROVIDER.rateLimit });
  return problems.length > 0 ? { problems } : { args, problems: [] };
}

/** The name of the AgentCore gateway a component makes: `NAME-ENVIRONMENT`, without repeating an environment the name ends with. */
export function gatewayName(name: string, environment: string): string {
  return name.endsWith(`-${environment}`) ? name : `${name}-${environment}`;
}

/** The catalog agents are checked against: each target's tools. */
export function catalogOf(name: string, args: GatewayArgs): ToolCatalog {
  return {
    gateway: gatewayName(name, args.environment),
    environment: args.environment,
    issuerUrl: args.issuer.url,
    targets: args.targets.map((target) => ({ name: target.name, tools: target.tools })),
  };
}
