import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { ToolCatalog, ToolSpec } from "../../src/model/tool-spec";

/**
 * The oracle for AgentCore's tool policies: the official Cedar engine (`@cedar-policy/cedar-wasm`),
 * with a Cedar schema for the `AgentCore` namespace written here from AWS's AgentCore developer
 * guide, not from agent-iam's planner:
 * - "Schema constraints" (devguide/policy-schema-constraints): principal `AgentCore::OAuthUser` with
 *   an `id` attribute (the JWT `sub`) and the token's claims as tags, or `AgentCore::IamEntity` with
 *   an `id` (an AWS_IAM gateway); resource `AgentCore::Gateway`; one action per MCP tool, each a
 *   member of `CallTool`, itself a member of `Mcp`; the only context is `context.input`, the tool's
 *   arguments with JSON Schema types mapped to Cedar (string → String, integer → Long, boolean → Bool,
 *   number → Decimal) and only the required ones required.
 * - "Principal-scoped policies" (devguide/example-policies-principal): the `OAuthUser` entity id is the
 *   token's `sub`, and every claim becomes a String tag.
 * - "Understand how AgentCore Gateway tools are named" (devguide/gateway-tool-naming): a tool's action
 *   id is `${target_name}___${tool_name}`.
 * - "Time-based policy support" (devguide/policy-time-based): `context.system.now`, the UTC datetime
 *   of the request.
 * - "Policy scope" and "Understanding Cedar policies": entity format `Namespace::EntityType::"id"`,
 *   default deny, `forbid` wins.
 */

const CEDAR_TYPES: Readonly<Record<string, string>> = {
  string: "String",
  integer: "Long",
  boolean: "Bool",
  number: "decimal",
};

const quoted = (text: string) => JSON.stringify(text);

/** A tool's `context.input` record type: its arguments, only the required ones required. */
function inputType(tool: ToolSpec): string {
  const attributes = Object.entries(tool.inputs ?? {}).map(
    ([name, input]) => `${quoted(name)}${input.required ? "" : "?"}: ${CEDAR_TYPES[input.type]}`,
  );
  return `{ ${attributes.join(", ")} }`;
}

/** The Cedar schema AgentCore generates for a gateway with this catalog and a JWT (CUSTOM_JWT) authorizer. */
export function agentCoreSchema(catalog: ToolCatalog): string {
  const actions = catalog.targets.flatMap((target) =>
    target.tools.map(
      (tool) =>
        `  action ${quoted(`${target.name}___${tool.name}`)} in ["CallTool"] appliesTo {\n` +
        "    principal: [OAuthUser],\n    resource: [Gateway],\n" +
        `    context: { input: ${inputType(tool)}, system: SystemContext }\n  };`,
    ),
  );
  return [
    "namespace AgentCore {",
    "  entity OAuthUser = { id: String } tags String;",
    "  entity IamEntity = { id: String };",
    "  entity Gateway;",
    "  type SystemContext = { now: datetime };",
    '  action "Mcp";',
    '  action "CallTool" in ["Mcp"];',
    ...actions,
    "}",
  ].join("\n");
}

/** Strict validation of a policy set against a schema: the error messages, none when it validates. */
export function validationErrors(schema: string, policies: Readonly<Record<string, string>>): string[] {
  const parsed = cedar.checkParseSchema(schema);
  if (parsed.type === "failure") return parsed.errors.map((error) => `schema: ${error.message}`);
  const answer = cedar.validate({
    schema,
    policies: { staticPolicies: { ...policies } },
    validationSettings: { mode: "strict" },
  });
  if (answer.type === "failure") return answer.errors.map((error) => error.message);
  return [
    ...answer.validationErrors.map((error) => `${error.policyId}: ${error.error.message}`),
    ...answer.validationWarnings.map((warning) => `${warning.policyId}: ${warning.error.message}`),
  ];
}

/** An argument's value as a Cedar JSON value (a `number` argument is a decimal). */
function cedarValue(type: string, value: unknown): cedar.CedarValueJson {
  if (type === "number") {
    const [whole, fraction = ""] = String(value).split(".");
    return { __extn: { fn: "decimal", arg: `${whole}.${(fraction || "0").slice(0, 4)}` } };
  }
  return value as cedar.CedarValueJson;
}

/** One tool call at the gateway. */
export interface ToolCall {
  readonly subject: string;
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The call's instant (UTC, ISO 8601). */
  readonly now: string;
}

/**
 * The official engine's decision on one call, the request checked against the schema; throws on an
 * evaluation error. Policies are keyed by their AgentCore names, so `reasons` is the decision trace.
 */
export function authorize(
  catalog: ToolCatalog,
  schema: string,
  gatewayArn: string,
  policies: Readonly<Record<string, string>>,
  call: ToolCall,
): { decision: "allow" | "deny"; reasons: string[] } {
  // Target names hold no "_" (AgentCore's pattern), so the first "___" ends the target's name.
  const cut = call.action.indexOf("___");
  const [targetName, toolName] = [call.action.slice(0, cut), call.action.slice(cut + 3)];
  const tool = catalog.targets.find((target) => target.name === targetName)?.tools.find((t) => t.name === toolName);
  const input = Object.fromEntries(
    Object.entries(call.input).map(([name, value]) => [
      name,
      cedarValue(tool?.inputs?.[name]?.type ?? "string", value),
    ]),
  );
  const answer = cedar.isAuthorized({
    principal: { type: "AgentCore::OAuthUser", id: call.subject },
    action: { type: "AgentCore::Action", id: call.action },
    resource: { type: "AgentCore::Gateway", id: gatewayArn },
    context: { input, system: { now: { __extn: { fn: "datetime", arg: call.now } } } },
    schema,
    validateRequest: true,
    policies: { staticPolicies: { ...policies } },
    entities: [
      {
        uid: { type: "AgentCore::OAuthUser", id: call.subject },
        attrs: { id: call.subject },
        parents: [],
        tags: { sub: call.subject, aud: "https://tools.acme.example" },
      },
      { uid: { type: "AgentCore::Gateway", id: gatewayArn }, attrs: {}, parents: [] },
    ],
  });
  if (answer.type === "failure") throw new Error(`Cedar refused the request: ${JSON.stringify(answer.errors)}`);
  if (answer.response.diagnostics.errors.length > 0)
    throw new Error(`a policy failed to evaluate: ${JSON.stringify(answer.response.diagnostics.errors)}`);
  return { decision: answer.response.decision, reasons: answer.response.diagnostics.reason };
}

/** The official engine's parse of one policy, as its JSON form. */
export function officialParse(policy: string): cedar.PolicyJson {
  const answer = cedar.policyToJson(policy);
  if (answer.type === "failure") throw new Error(`Cedar cannot parse: ${JSON.stringify(answer.errors)}`);
  return answer.json;
}

/** The official engine's split of a policy set into its policies, or undefined when it does not parse. */
export function officialPolicies(text: string): string[] | undefined {
  const answer = cedar.policySetTextToParts(text);
  return answer.type === "success" ? answer.policies : undefined;
}
