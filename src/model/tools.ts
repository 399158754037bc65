import { z } from "zod";
import type { Trust } from "./runs-on";
import type { ResolvedToolGrant, ToolArgumentTest } from "./agent";
import type { ToolArgumentType, ToolCatalog, ToolRiskClass, ToolSpec } from "./tool-spec";

export type { ResolvedToolGrant, ToolArgumentTest } from "./agent";

/**
 * An agent's tools, checked against its gateway's catalog: which tools of which target it may call,
 * with conditions on their arguments typed from the tool's schema. The schemas here are the single
 * source of truth for what `tools` (agent spec) and a tool catalog accept; `resolveToolGrants` turns
 * a parsed `tools` block into the agent's {@link ResolvedToolGrant}s, or problems with field paths.
 * Nothing here is cloud-specific: AgentCore's Cedar is made of these in `src/clouds/aws/agentcore/`.
 */

export const TOOL_ARGUMENT_TYPES = ["string", "integer", "number", "boolean"] as const;
export const TOOL_RISK_CLASSES = ["delete", "refund", "export", "permissions"] as const;

/** One problem with its field path (the shape of `SpecProblem`, which `AgentSpecError` lists). */
interface SpecProblem {
  readonly path: string;
  readonly message: string;
}

/** What each high-risk class of tool does, as a reviewer says it. */
export const TOOL_RISK_WORDS: Readonly<Record<ToolRiskClass, string>> = {
  delete: "deletes data",
  refund: "moves money (refunds, payouts)",
  export: "exports or shares data out",
  permissions: "changes who has access",
};

/**
 * Fields the spec designs for AgentCore features that `@pulumi/aws` 7.48 cannot declare, each refused
 * with the provider field or resource that is missing.
 */
export const NOT_YET_IN_PROVIDER = {
  rateLimit:
    "AgentCore gateway rate limits (the CreateGatewayRateLimit API, AWS::BedrockAgentCore::GatewayRateLimit) have no resource in @pulumi/aws 7.48: there is no aws.bedrock.AgentcoreGatewayRateLimit and aws.bedrock.AgentcoreGateway has no rate-limit field; remove rateLimit (agent-iam declares it once the provider can)",
  perCallApproval:
    "a per-call approval is an AgentCore temporal policy, a Dogwood statement the API takes as the policy definition's `policy` member; aws.bedrock.AgentcorePolicy in @pulumi/aws 7.48 has only definition.cedar (no definition.policy), so it cannot be declared; remove perCallApproval (agent-iam declares it once the provider can)",
} as const;

/** Names of tools and arguments: what MCP tool names and JSON property names hold in practice, and Cedar can quote. */
const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ARGUMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Target names (CreateGatewayTarget): `^([0-9a-zA-Z][-]?){1,100}$`. */
export const TARGET_NAME = /^([0-9a-zA-Z]-?){1,100}$/;

export const toolInputSchema = z
  .object({
    type: z.enum(TOOL_ARGUMENT_TYPES, { error: `an argument's type is one of ${TOOL_ARGUMENT_TYPES.join(", ")}` }),
    required: z.boolean().optional(),
    description: z.string().max(1000).optional(),
  })
  .strict();

export const toolSpecSchema = z
  .object({
    name: z.string({ error: "a tool needs its name" }).regex(TOOL_NAME, {
      message: "a tool name has letters, digits, '_', '.' or '-' (at most 128), as MCP tools are named",
    }),
    description: z.string({ error: "a tool needs a description" }).min(1).max(2000),
    inputs: z
      .record(
        z.string().regex(ARGUMENT_NAME, {
          message: "an argument name has letters, digits and '_' and starts with a letter or '_'",
        }),
        toolInputSchema,
      )
      .optional(),
    risk: z.enum(TOOL_RISK_CLASSES, { error: `risk is one of ${TOOL_RISK_CLASSES.join(", ")}` }).optional(),
    route: z
      .object({
        method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
        path: z.string().regex(/^\/[A-Za-z0-9_./{}-]*$/, { message: "a route path starts with / (such as /refunds)" }),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A tool catalog, as a gateway exposes it to the agents' specs. */
export const toolCatalogSchema = z.object({
  gateway: z.string().min(1),
  environment: z.string().min(1),
  issuerUrl: z.string().min(1),
  targets: z.array(z.object({ name: z.string().regex(TARGET_NAME), tools: z.array(toolSpecSchema) })),
});

export const rateLimitSchema = z
  .object({
    calls: z.number().int().positive({ message: "calls is a positive whole number" }),
    per: z.enum(["second", "minute", "hour", "day"]),
  })
  .strict();

export const perCallApprovalSchema = z
  .object({
    approvedBy: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, { message: 'approvedBy names the approving tool as "TARGET/tool"' }),
    withinMinutes: z.number().int().positive(),
  })
  .strict();

const DECIMAL_TEXT = /^-?\d+(\.\d{1,4})?$/;
/** Cedar's `decimal`: at most 4 digits after the point, within ±922337203685477.5807 (Cedar reference, "decimal"). */
const DECIMAL_LIMIT = 922_337_203_685_477;

const scalar = z.union([z.string(), z.number().finite(), z.boolean()]);

export const argumentConditionSchema = z
  .object({
    equals: scalar.optional(),
    oneOf: z
      .array(z.union([z.string(), z.number().finite()]))
      .min(1, { message: "oneOf lists at least one value" })
      .optional(),
    lessThan: z.number().finite().optional(),
    atMost: z.number().finite().optional(),
    greaterThan: z.number().finite().optional(),
    atLeast: z.number().finite().optional(),
  })
  .strict()
  .refine((condition) => Object.values(condition).some((value) => value !== undefined), {
    message: "a condition says something: equals, oneOf, lessThan, atMost, greaterThan or atLeast",
  })
  .refine((condition) => condition.equals === undefined || condition.oneOf === undefined, {
    message: "use equals or oneOf, not both",
  });

export const toolPermissionSchema = z
  .object({
    target: z.string({ error: "target is required: the name of a target on the gateway" }),
    tool: z.string({ error: "tool is required: the name of a tool on that target" }),
    when: z.record(z.string(), argumentConditionSchema).optional(),
    rateLimit: rateLimitSchema.optional(),
    perCallApproval: perCallApprovalSchema.optional(),
  })
  .strict();

/** Pulumi outputs and resources carry these markers; `src/model` stays free of the Pulumi SDK. */
export function isPulumiValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && ("__pulumiOutput" in value || "urn" in value);
}

const pulumiString = z.union([z.string().min(1), z.custom<object>(isPulumiValue)]);

export const toolAccessSchema = z
  .object({
    gateway: z
      .object(
        {
          catalog: toolCatalogSchema,
          policyEngineId: pulumiString,
          gatewayArn: pulumiString,
        },
        { error: "tools.gateway is required: the AgentGateway of the agent's environment" },
      )
      .passthrough(),
    allow: z.array(toolPermissionSchema).min(1, { message: "list at least one tool the agent may call" }),
  })
  .strict();

export type ToolAccessInput = z.output<typeof toolAccessSchema>;

/**
 * A tool's name as the gateway exposes it: `${target_name}___${tool_name}` (AgentCore devguide,
 * "Understand how AgentCore Gateway tools are named"); policies name the same string as their action.
 */
export function gatewayToolName(target: string, tool: string): string {
  return `${target}___${tool}`;
}

const OPERATORS: readonly [keyof z.output<typeof argumentConditionSchema>, ToolArgumentTest["operator"]][] = [
  ["equals", "=="],
  ["oneOf", "in"],
  ["lessThan", "<"],
  ["atMost", "<="],
  ["greaterThan", ">"],
  ["atLeast", ">="],
];

/** Whether a value fits an argument type, with the reason when it does not. */
function valueProblem(type: ToolArgumentType, value: unknown): string | undefined {
  switch (type) {
    case "string":
      return typeof value === "string" ? undefined : "the argument is a string: compare it with a string";
    case "boolean":
      return typeof value === "boolean" ? undefined : "the argument is a boolean: compare it with true or false";
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value))
        return "the argument is an integer: compare it with a whole number";
      return undefined;
    case "number":
      if (typeof value !== "number") return "the argument is a number: compare it with a number";
      if (!DECIMAL_TEXT.test(String(value)) || Math.abs(value) > DECIMAL_LIMIT)
        return "AgentCore compares number arguments as Cedar decimals: at most 4 digits after the point, within ±922337203685477";
      return undefined;
  }
}

/** The tests of one argument's condition, or problems at `path`. */
function argumentTests(
  argument: string,
  input: { readonly type: ToolArgumentType; readonly required?: boolean },
  condition: z.output<typeof argumentConditionSchema>,
  path: string,
  problems: SpecProblem[],
): ToolArgumentTest[] {
  const tests: ToolArgumentTest[] = [];
  for (const [key, operator] of OPERATORS) {
    const value = condition[key];
    if (value === undefined) continue;
    const at = `${path}.${key}`;
    const comparison = operator !== "==" && operator !== "in";
    if (comparison && input.type !== "integer" && input.type !== "number") {
      problems.push({ path: at, message: `${key} compares numbers; the argument is a ${input.type}` });
      continue;
    }
    if (operator === "in" && input.type === "boolean") {
      problems.push({ path: at, message: "the argument is a boolean: use equals" });
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    const problem = values.map((item) => valueProblem(input.type, item)).find((found) => found !== undefined);
    if (problem) {
      problems.push({ path: at, message: problem });
      continue;
    }
    tests.push({ argument, type: input.type, required: input.required === true, operator, value });
  }
  return tests;
}

/** What the resolution needs of the agent. */
export interface ToolResolutionContext {
  readonly environment: string;
  readonly trust: Pick<Trust, "issuerUrl" | "subject">;
  readonly approval?: string;
}

/** The catalog's tool, found by target and tool name. */
export function catalogTool(catalog: ToolCatalog, target: string, tool: string): ToolSpec | undefined {
  return catalog.targets.find((candidate) => candidate.name === target)?.tools.find((entry) => entry.name === tool);
}

/**
 * The agent's tool grants from its parsed `tools` block, against the gateway's catalog: every problem
 * goes to `problems` with its field path (an unknown target, tool or argument, a condition of the
 * wrong type, a high-risk tool without `approval`, another environment's or issuer's gateway, and
 * the fields `@pulumi/aws` cannot declare yet).
 */
export function resolveToolGrants(
  tools: ToolAccessInput,
  agent: ToolResolutionContext,
  problems: SpecProblem[],
): ResolvedToolGrant[] {
  const catalog = tools.gateway.catalog as ToolCatalog;
  if (catalog.environment !== agent.environment)
    problems.push({
      path: "tools.gateway",
      message: `gateway "${catalog.gateway}" serves the ${catalog.environment} environment and this is a ${agent.environment} agent: use the gateway of its own environment (one gateway per environment)`,
    });
  if (catalog.issuerUrl !== agent.trust.issuerUrl)
    problems.push({
      path: "tools.gateway",
      message: `gateway "${catalog.gateway}" accepts tokens issued by ${catalog.issuerUrl}, but this agent runs on ${agent.trust.issuerUrl}: its tokens would be refused; use a gateway for that issuer`,
    });
  const grants: ResolvedToolGrant[] = [];
  tools.allow.forEach((entry, index) => {
    const at = `tools.allow[${index}]`;
    if (entry.rateLimit) problems.push({ path: `${at}.rateLimit`, message: NOT_YET_IN_PROVIDER.rateLimit });
    if (entry.perCallApproval)
      problems.push({ path: `${at}.perCallApproval`, message: NOT_YET_IN_PROVIDER.perCallApproval });
    const target = catalog.targets.find((candidate) => candidate.name === entry.target);
    if (!target)
      return void problems.push({
        path: `${at}.target`,
        message: `gateway "${catalog.gateway}" has no target "${entry.target}"; its targets: ${catalog.targets.map((t) => t.name).join(", ") || "none"}`,
      });
    const tool = target.tools.find((candidate) => candidate.name === entry.tool);
    if (!tool)
      return void problems.push({
        path: `${at}.tool`,
        message: `target "${entry.target}" has no tool "${entry.tool}"; its tools: ${target.tools.map((t) => t.name).join(", ") || "none"}`,
      });
    if (tool.risk && !agent.approval)
      problems.push({
        path: at,
        message: `${gatewayToolName(entry.target, entry.tool)} is a high-risk tool in the gateway's catalog (it ${TOOL_RISK_WORDS[tool.risk]}): it needs an approval ticket reference (approval: "SEC-1234"), like high-risk cloud grants`,
      });
    const tests: ToolArgumentTest[] = [];
    for (const [argument, condition] of Object.entries(entry.when ?? {})) {
      const input = tool.inputs?.[argument];
      const path = `${at}.when.${argument}`;
      if (!input) {
        const known = Object.keys(tool.inputs ?? {});
        problems.push({
          path,
          message: `tool "${entry.tool}" has no argument "${argument}"; ${known.length > 0 ? `its arguments: ${known.join(", ")}` : "it takes no arguments"}`,
        });
        continue;
      }
      tests.push(...argumentTests(argument, input, condition, path, problems));
    }
    grants.push({
      gateway: catalog.gateway,
      target: entry.target,
      tool: entry.tool,
      action: gatewayToolName(entry.target, entry.tool),
      tests,
      ...(tool.risk ? { risk: tool.risk } : {}),
    });
  });
  return grants;
}
