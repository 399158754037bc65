import { createHash } from "node:crypto";
import type { Agent } from "../../../model/agent";
import { AGENTCORE_LIMITS } from "../../../model/cloud-limits";
import { describeToolGrant } from "../../../model/plain-words";
import { TOOL_RISK_WORDS, gatewayToolName, type ResolvedToolGrant, type ToolArgumentTest } from "../../../model/tools";
import type { ToolCatalog } from "../../../model/tool-spec";

/**
 * An agent's tools as the Cedar policies an AgentCore policy engine evaluates on every tool call.
 * The formats, from AWS's AgentCore developer guide ("Policy in AgentCore" pages):
 * - principal: a JWT-authorized gateway's caller is `AgentCore::OAuthUser`, whose entity id is the
 *   token's `sub` ("Policy scope"; "Principal-scoped policies": "The entity ID is the token's sub claim");
 * - action: one per tool, `AgentCore::Action::"<Target>___<tool>"`; Cedar has no wildcard actions
 *   ("Policy scope", "Understand how AgentCore Gateway tools are named");
 * - resource: `AgentCore::Gateway::"<gateway ARN>"`; a policy that names specific actions must name the
 *   gateway with `==`, one that leaves the action open must use `resource is AgentCore::Gateway`
 *   ("Principal-scoped policies", note on resource specificity);
 * - conditions read only `context.input` (the tool's arguments, typed from its schema: string → String,
 *   integer → Long, number → Decimal, boolean → Bool; "Schema constraints") and `context.system.now`
 *   ("Time-based policy support");
 * - default deny; a matching `forbid` wins over any `permit` ("Understanding Cedar policies").
 *
 * Per agent with tools: one `permit` per allowed tool, whose principal is exactly the agent's subject
 * and whose action is exactly the tool; one `forbid` that stops the agent (the kill switch, or from
 * its review date on); and, for an agent without `approval`, one `forbid` on the catalog's
 * high-risk tools. Names and descriptions say which agent, for whom.
 */

export const CEDAR_ENTITY_TYPES = {
  user: "AgentCore::OAuthUser",
  action: "AgentCore::Action",
  gateway: "AgentCore::Gateway",
} as const;

/** A Cedar string literal (Cedar's escapes are Rust's: `\\`, `\"`, `\n`, `\r`, `\t`, `\0`, `\u{…}`). */
export function cedarString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

/** An entity reference: `AgentCore::OAuthUser::"repo:acme/api:environment:prod"`. */
export function cedarEntity(type: string, id: string): string {
  return `${type}::${cedarString(id)}`;
}

/** Identifiers Cedar reserves, which an attribute cannot be named with `.name` (Cedar grammar, IDENT). */
const RESERVED = new Set(["true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar"]);

function attribute(base: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name)
    ? `${base}.${name}`
    : `${base}[${cedarString(name)}]`;
}

function hasAttribute(base: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name)
    ? `${base} has ${name}`
    : `${base} has ${cedarString(name)}`;
}

/** A `number` argument's value as Cedar's decimal literal (it needs a point and at most 4 digits after it). */
function decimalLiteral(value: number): string {
  const [whole, fraction = ""] = String(value).split(".");
  return `decimal(${cedarString(`${whole}.${fraction || "0"}`)})`;
}

function literal(test: ToolArgumentTest, value: string | number | boolean): string {
  if (typeof value === "string") return cedarString(value);
  if (typeof value === "boolean") return String(value);
  return test.type === "number" ? decimalLiteral(value) : String(value);
}

const DECIMAL_METHODS: Readonly<Record<"<" | "<=" | ">" | ">=", string>> = {
  "<": "lessThan",
  "<=": "lessThanOrEqual",
  ">": "greaterThan",
  ">=": "greaterThanOrEqual",
};

/** One test on `context.input`, as a Cedar expression. */
export function cedarTest(test: ToolArgumentTest): string {
  const value = attribute("context.input", test.argument);
  switch (test.operator) {
    case "==":
      return `${value} == ${literal(test, test.value as string | number | boolean)}`;
    case "in":
      return `[${(test.value as readonly (string | number)[]).map((item) => literal(test, item)).join(", ")}].contains(${value})`;
    default:
      return test.type === "number"
        ? `${value}.${DECIMAL_METHODS[test.operator]}(${literal(test, test.value as number)})`
        : `${value} ${test.operator} ${literal(test, test.value as number)}`;
  }
}

/** The condition of a tool's permit: every test, an optional argument first checked to be present. */
export function cedarCondition(tests: readonly ToolArgumentTest[]): string | undefined {
  if (tests.length === 0) return undefined;
  const parts: string[] = [];
  const checked = new Set<string>();
  for (const test of tests) {
    if (!test.required && !checked.has(test.argument)) {
      parts.push(hasAttribute("context.input", test.argument));
      checked.add(test.argument);
    }
    parts.push(cedarTest(test));
  }
  return parts.join(" && ");
}

/** One AgentCore policy of an agent: a single Cedar statement with its name and description. */
export interface AgentCorePolicyPlan {
  /** The policy's name (`^[A-Za-z][A-Za-z0-9_]*$`, at most 48): the agent's id first. */
  readonly name: string;
  /** Which agent, for whom, may or may not do what. */
  readonly description: string;
  readonly statement: string;
  readonly effect: "permit" | "forbid";
  /** `tool`: a permit for one tool; `stop`: the kill switch or review date; `unapproved`: high-risk tools without approval. */
  readonly purpose: "tool" | "stop" | "unapproved";
  /** The `tools.allow` entry a `tool` policy comes from. */
  readonly index?: number;
}

const HASH_CHARACTERS = 6;

/**
 * A policy name: the readable parts (agent id first) as far as they fit, then a short hash of all of
 * them so that two agents' or tools' names never collide after cutting.
 */
export function agentCorePolicyName(parts: readonly string[]): string {
  const hash = createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, HASH_CHARACTERS);
  const readable = parts
    .map((part) => part.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, ""))
    .join("__")
    .replace(/^[^A-Za-z]+/, "");
  const room = AGENTCORE_LIMITS.policyNameCharacters - HASH_CHARACTERS - 1;
  return `${(readable || "agent").slice(0, room).replace(/_+$/, "")}_${hash}`;
}

const DESCRIPTION_CHARACTERS = 1000;

function clip(text: string): string {
  return text.length <= DESCRIPTION_CHARACTERS ? text : `${text.slice(0, DESCRIPTION_CHARACTERS - 1)}…`;
}

/** What the policies need of an agent. */
export type PolicyAgent = Pick<
  Agent,
  "id" | "owner" | "environment" | "expires" | "disabled" | "approval" | "trust" | "tools"
>;

/** The agent's JWT subject, as the gateway's principal entity. */
export function agentPrincipal(agent: Pick<Agent, "trust">): string {
  return cedarEntity(CEDAR_ENTITY_TYPES.user, agent.trust.subject);
}

/** A permit for exactly this agent and exactly this tool, on exactly this gateway. */
export function toolPermit(agent: Pick<Agent, "trust">, grant: ResolvedToolGrant, gatewayArn: string): string {
  const scope = [
    `  principal == ${agentPrincipal(agent)},`,
    `  action == ${cedarEntity(CEDAR_ENTITY_TYPES.action, grant.action)},`,
    `  resource == ${cedarEntity(CEDAR_ENTITY_TYPES.gateway, gatewayArn)}`,
  ].join("\n");
  const condition = cedarCondition(grant.tests);
  return `permit (\n${scope}\n)${condition ? `\nwhen { ${condition} }` : ""};`;
}

/**
 * The forbid that stops the agent on every tool of the gateway: at once when it is disabled, else from
 * 00:00Z on its review date (as its GCP bindings end), even if nobody runs Pulumi again.
 */
export function stopForbid(agent: Pick<Agent, "trust" | "disabled" | "expires">): string {
  const head = `forbid (\n  principal == ${agentPrincipal(agent)},\n  action,\n  resource is ${CEDAR_ENTITY_TYPES.gateway}\n)`;
  return agent.disabled
    ? `${head};`
    : `${head}\nwhen { context.system.now >= datetime(${cedarString(`${agent.expires}T00:00:00Z`)}) };`;
}

/** The catalog's high-risk tools, as actions. */
export function highRiskActions(catalog: ToolCatalog): string[] {
  return catalog.targets.flatMap((target) =>
    target.tools.filter((tool) => tool.risk).map((tool) => gatewayToolName(target.name, tool.name)),
  );
}

/** A forbid on the catalog's high-risk tools for an agent without approval: no permit, however written, lets it call them. */
export function unapprovedForbid(agent: Pick<Agent, "trust">, actions: readonly string[], gatewayArn: string): string {
  const list = actions.map((action) => cedarEntity(CEDAR_ENTITY_TYPES.action, action)).join(", ");
  return `forbid (\n  principal == ${agentPrincipal(agent)},\n  action in [${list}],\n  resource == ${cedarEntity(CEDAR_ENTITY_TYPES.gateway, gatewayArn)}\n);`;
}

/**
 * Every AgentCore policy of one agent on one gateway (none for an agent without tools). A disabled
 * agent has only its forbid: permits it could never use would be findings AgentCore refuses.
 */
export function agentToolPolicies(agent: PolicyAgent, catalog: ToolCatalog, gatewayArn: string): AgentCorePolicyPlan[] {
  if (agent.tools.length === 0) return [];
  const who = `agent ${agent.id} (owner ${agent.owner}, ${agent.environment})`;
  const granted = agent.disabled ? [] : agent.tools;
  const plans: AgentCorePolicyPlan[] = granted.map((grant, index) => ({
    name: agentCorePolicyName([agent.id, grant.target, grant.tool, String(index)]),
    description: clip(`agent-iam: ${who} ${describeToolGrant(grant)}`),
    statement: toolPermit(agent, grant, gatewayArn),
    effect: "permit",
    purpose: "tool",
    index,
  }));
  plans.push({
    name: agentCorePolicyName([agent.id, "stop"]),
    description: clip(
      agent.disabled
        ? `agent-iam: ${who} is disabled (kill switch): no tool call`
        : `agent-iam: ${who} may call no tool from its review date ${agent.expires}`,
    ),
    statement: stopForbid(agent),
    effect: "forbid",
    purpose: "stop",
  });
  const risky = highRiskActions(catalog);
  if (!agent.disabled && !agent.approval && risky.length > 0)
    plans.push({
      name: agentCorePolicyName([agent.id, "no", "high", "risk"]),
      description: clip(
        `agent-iam: ${who} has no approval: it may not call the gateway's high-risk tools (${[
          ...new Set(
            catalog.targets.flatMap((target) =>
              target.tools.flatMap((tool) => (tool.risk ? [TOOL_RISK_WORDS[tool.risk]] : [])),
            ),
          ),
        ].join("; ")})`,
      ),
      statement: unapprovedForbid(agent, risky, gatewayArn),
      effect: "forbid",
      purpose: "unapproved",
    });
  return plans;
}

/** The longest gateway ARN a statement is sized with before the real one is known. */
export const ARN_ALLOWANCE = "arn:aws:bedrock-agentcore:ap-southeast-5:123456789012:gateway/".padEnd(256, "x");

/** Policies whose statement AgentCore would refuse for its size (at most 10,000 characters), sized with a long ARN. */
export function oversizedPolicies(agent: PolicyAgent, catalog: ToolCatalog): AgentCorePolicyPlan[] {
  return agentToolPolicies(agent, catalog, ARN_ALLOWANCE).filter(
    (plan) => plan.statement.length > AGENTCORE_LIMITS.policyStatementCharacters.maximum,
  );
}
