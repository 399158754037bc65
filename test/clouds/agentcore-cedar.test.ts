import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgentSpecError, type AgentSpec } from "../../src/model/agent-spec";
import type { Agent } from "../../src/model/agent";
import { planAgent } from "../../src/clouds/plan";
import { agentToolPolicies } from "../../src/clouds/aws/agentcore/cedar";
import { oidc } from "../../src/model/runs-on";
import { gatewayToolName } from "../../src/model/tools";
import type {
  ArgumentCondition,
  ToolArgumentType,
  ToolCatalog,
  ToolPermissionSpec,
  ToolSpec,
} from "../../src/model/tool-spec";
import { agentCoreSchema, authorize, validationErrors, type ToolCall } from "../support/agentcore-cedar";
import { TARGETS } from "../support/gateways";
import { runs } from "../support/property";

/**
 * The official Cedar engine as the oracle for the policies an agent's `tools` become: every generated
 * policy set validates (strict) against a Cedar schema for the AgentCore namespace written from AWS's
 * documentation (`test/support/agentcore-cedar.ts`), and the engine's decision on each tool call is
 * the one the spec means: an allowed tool with arguments inside its conditions is allowed; other
 * tools, other agents, arguments outside the conditions, a disabled agent, an agent past its review
 * date and a high-risk tool without approval are denied.
 */

const ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-prod-a1b2c3d4e5";
const ISSUER = "https://token.actions.githubusercontent.com";
const TODAY = "2026-12-06";
const BEFORE = `${TODAY}T10:00:00Z`;
const EXPIRES = "2027-02-15";

function catalogOf(targets: ToolCatalog["targets"], issuerUrl = ISSUER): ToolCatalog {
  return { gateway: "tools-prod", environment: "prod", issuerUrl, targets };
}

/** A gateway as the spec takes one: its catalog, its engine and its ARN. */
const gatewayLike = (catalog: ToolCatalog) => ({
  catalog,
  policyEngineId: "toolsprodpolicies-a1b2c3",
  gatewayArn: ARN,
});

function plan(name: string, spec: Partial<AgentSpec>): Agent {
  return planAgent(
    name,
    {
      owner: "sam.chen@acme.example",
      purpose: "Calls the tools of the support desk for customers",
      environment: "prod",
      expires: EXPIRES,
      runsOn: oidc({ issuerUrl: ISSUER, subject: `repo:acme/${name}:environment:prod` }),
      ...spec,
    },
    { today: TODAY },
  );
}

/** Every policy of every agent on the gateway, by AgentCore policy name. */
function policySet(agents: readonly Agent[], catalog: ToolCatalog): Record<string, string> {
  return Object.fromEntries(
    agents.flatMap((agent) => agentToolPolicies(agent, catalog, ARN).map((policy) => [policy.name, policy.statement])),
  );
}

describe("the decisions table, through the official Cedar engine", () => {
  const catalog = catalogOf(TARGETS.map((target) => ({ name: target.name, tools: target.tools })));
  const gateway = gatewayLike(catalog);
  const refunds = plan("support-refunds", {
    approval: "SEC-2041",
    tools: {
      gateway,
      allow: [
        {
          target: "payments",
          tool: "refund",
          when: { amount: { atMost: 500 }, currency: { oneOf: ["EUR", "USD"] } },
        },
        { target: "jira", tool: "create_issue", when: { project: { equals: "OPS" }, priority: { atMost: 2 } } },
      ],
    },
  });
  const reviewer = plan("pr-reviewer", {
    tools: { gateway, allow: [{ target: "slack", tool: "post_message", when: { channel: { equals: "#reviews" } } }] },
  });
  const killed = plan("killed-bot", {
    disabled: true,
    tools: { gateway, allow: [{ target: "jira", tool: "create_issue" }] },
  });
  // The spec refuses a high-risk tool without approval; forced in, the forbid on high-risk tools still denies it.
  const forced: Agent = {
    ...reviewer,
    id: "forced-export",
    trust: { ...reviewer.trust, subject: "repo:acme/forced-export:environment:prod" },
    tools: [
      ...reviewer.tools,
      {
        gateway: "tools-prod",
        target: "slack",
        tool: "export_channel",
        action: "slack___export_channel",
        tests: [],
        risk: "export",
      },
    ],
  };
  const agents = [refunds, reviewer, killed, forced];
  const policies = policySet(agents, catalog);
  const schema = agentCoreSchema(catalog);
  const sub = (agent: Agent) => agent.trust.subject;

  /** The table the closing note quotes: who calls which tool with which arguments, when, and the decision. */
  const TABLE: [string, ToolCall, "allow" | "deny", RegExp][] = [
    [
      "allowed tool, arguments inside the conditions",
      {
        subject: sub(refunds),
        action: "payments___refund",
        input: { order_id: "o-1", amount: 120.5, currency: "EUR" },
        now: BEFORE,
      },
      "allow",
      /^support_refunds__payments__refund/,
    ],
    [
      "allowed tool, amount at the bound (atMost 500)",
      {
        subject: sub(refunds),
        action: "payments___refund",
        input: { order_id: "o-1", amount: 500, currency: "USD" },
        now: BEFORE,
      },
      "allow",
      /^support_refunds__payments__refund/,
    ],
    [
      "allowed tool, amount above the bound",
      {
        subject: sub(refunds),
        action: "payments___refund",
        input: { order_id: "o-1", amount: 500.01, currency: "EUR" },
        now: BEFORE,
      },
      "deny",
      /^$/,
    ],
    [
      "allowed tool, currency outside oneOf",
      {
        subject: sub(refunds),
        action: "payments___refund",
        input: { order_id: "o-1", amount: 10, currency: "GBP" },
        now: BEFORE,
      },
      "deny",
      /^$/,
    ],
    [
      "allowed tool, project inside",
      {
        subject: sub(refunds),
        action: "jira___create_issue",
        input: { project: "OPS", summary: "s", priority: 1 },
        now: BEFORE,
      },
      "allow",
      /^support_refunds__jira__create_issue/,
    ],
    [
      "allowed tool, other project",
      {
        subject: sub(refunds),
        action: "jira___create_issue",
        input: { project: "SEC", summary: "s", priority: 1 },
        now: BEFORE,
      },
      "deny",
      /^$/,
    ],
    [
      "allowed tool, optional argument of a condition missing",
      { subject: sub(refunds), action: "jira___create_issue", input: { project: "OPS", summary: "s" }, now: BEFORE },
      "deny",
      /^$/,
    ],
    [
      "other tool of the same target",
      { subject: sub(refunds), action: "payments___get_order", input: { order_id: "o-1" }, now: BEFORE },
      "deny",
      /^$/,
    ],
    [
      "other tool, high-risk, not allowed",
      { subject: sub(refunds), action: "jira___delete_issue", input: { issue: "OPS-1" }, now: BEFORE },
      "deny",
      /^$/,
    ],
    [
      "another agent's tool",
      {
        subject: sub(reviewer),
        action: "payments___refund",
        input: { order_id: "o-1", amount: 1, currency: "EUR" },
        now: BEFORE,
      },
      "deny",
      /^pr_reviewer__no__high__risk/,
    ],
    [
      "an agent of no spec",
      {
        subject: "repo:acme/evil:environment:prod",
        action: "jira___create_issue",
        input: { project: "OPS", summary: "s", priority: 1 },
        now: BEFORE,
      },
      "deny",
      /^$/,
    ],
    [
      "second agent, its own tool",
      {
        subject: sub(reviewer),
        action: "slack___post_message",
        input: { channel: "#reviews", text: "LGTM" },
        now: BEFORE,
      },
      "allow",
      /^pr_reviewer__slack__post_message/,
    ],
    [
      "second agent, its tool, other channel",
      {
        subject: sub(reviewer),
        action: "slack___post_message",
        input: { channel: "#general", text: "hi" },
        now: BEFORE,
      },
      "deny",
      /^$/,
    ],
    [
      "high-risk tool without approval (permit forced in)",
      { subject: sub(forced), action: "slack___export_channel", input: {}, now: BEFORE },
      "deny",
      /^forced_export__no__high__risk/,
    ],
    [
      "disabled agent (kill switch), its own tool",
      { subject: sub(killed), action: "jira___create_issue", input: { project: "OPS", summary: "s" }, now: BEFORE },
      "deny",
      /^killed_bot__stop/,
    ],
    [
      "past the review date",
      {
        subject: sub(refunds),
        action: "jira___create_issue",
        input: { project: "OPS", summary: "s", priority: 1 },
        now: `${EXPIRES}T00:00:00Z`,
      },
      "deny",
      /^support_refunds__stop/,
    ],
    [
      "the day before the review date",
      {
        subject: sub(refunds),
        action: "jira___create_issue",
        input: { project: "OPS", summary: "s", priority: 1 },
        now: "2027-02-14T23:59:59Z",
      },
      "allow",
      /^support_refunds__jira__create_issue/,
    ],
  ];

  it("the policy set validates strictly against the AgentCore schema", () => {
    expect(validationErrors(schema, policies)).toEqual([]);
    expect(Object.keys(policies).every((name) => /^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(name))).toBe(true);
  });

  it.each(TABLE)("%s", (_what, call, expected, trace) => {
    const { decision, reasons } = authorize(catalog, schema, ARN, policies, call);
    expect(decision).toBe(expected);
    // The trace names the agent: the determining policies are named after it.
    expect(reasons.join(",")).toMatch(trace);
  });

  it("the same specs without the planner's forbids would let the forced high-risk call through (the forbid is what denies it)", () => {
    const permitsOnly = Object.fromEntries(
      agentToolPolicies(forced, catalog, ARN)
        .filter((policy) => policy.effect === "permit")
        .map((policy) => [policy.name, policy.statement]),
    );
    const call: ToolCall = { subject: sub(forced), action: "slack___export_channel", input: {}, now: BEFORE };
    expect(authorize(catalog, schema, ARN, permitsOnly, call).decision).toBe("allow");
  });

  it("the spec refuses a high-risk tool without approval, naming the entry", () => {
    expect(() =>
      plan("exporter", { tools: { gateway, allow: [{ target: "slack", tool: "export_channel" }] } }),
    ).toThrow(
      /tools\.allow\[0\]: slack___export_channel is a high-risk tool in the gateway's catalog \(it exports or shares data out\): it needs an approval/,
    );
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* Properties over generated catalogs and specs                                                    */
/* ---------------------------------------------------------------------------------------------- */

/** Numbers as whole units of 1/10,000 (Cedar's decimal precision), so comparisons are exact. */
const SCALE = 10_000;

type Witness = string | number | boolean;

interface ArgumentPlan {
  readonly name: string;
  readonly type: ToolArgumentType;
  readonly required: boolean;
}

const argumentName = fc.oneof(
  fc.constantFrom("amount", "project", "channel", "priority", "urgent", "in", "if", "has", "_x"),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
);
const stringValue = fc.oneof(
  fc.constantFrom("OPS", "SEC", 'quo"te', "back\\slash", "ünïcødé", "line\nbreak", "", "#reviews"),
  fc.string({ maxLength: 8 }),
);
const integerValue = fc.integer({ min: -1_000_000, max: 1_000_000 });
const scaledNumber = fc.integer({ min: -100_000_000, max: 100_000_000 });

function witnessArb(type: ToolArgumentType): fc.Arbitrary<Witness> {
  switch (type) {
    case "string":
      return stringValue;
    case "integer":
      return integerValue;
    case "number":
      return scaledNumber.map((units) => units / SCALE);
    case "boolean":
      return fc.boolean();
  }
}

/** `value` moved by `units` steps of its type (1 for integers, 1/10,000 for numbers), exactly. */
function shift(type: ToolArgumentType, value: number, units: number): number {
  return type === "number" ? (Math.round(value * SCALE) + units) / SCALE : value + units;
}

/** A condition the witness satisfies. */
function conditionArb(type: ToolArgumentType, witness: Witness): fc.Arbitrary<ArgumentCondition> {
  if (type === "boolean") return fc.constant({ equals: witness });
  const others = witnessArb(type).filter((value) => value !== witness);
  const equality: fc.Arbitrary<ArgumentCondition>[] = [
    fc.constant({ equals: witness }),
    fc
      .array(others, { maxLength: 3 })
      .chain((values) =>
        fc
          .shuffledSubarray([...values, witness], { minLength: values.length + 1 })
          .map((oneOf) => ({ oneOf: oneOf as (string | number)[] })),
      ),
  ];
  if (type === "string") return fc.oneof(...equality);
  const w = witness as number;
  // Often 0: a bound at the witness itself is where `<` and `<=` part.
  const offset = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }));
  return fc.oneof(
    ...equality,
    offset.map((k) => ({ lessThan: shift(type, w, k + 1) })),
    offset.map((k) => ({ atMost: shift(type, w, k) })),
    offset.map((k) => ({ greaterThan: shift(type, w, -(k + 1)) })),
    offset.map((k) => ({ atLeast: shift(type, w, -k) })),
    fc.tuple(offset, offset).map(([a, b]) => ({ atLeast: shift(type, w, -a), lessThan: shift(type, w, b + 1) })),
  );
}

/** Whether a value meets a condition, as the spec means it (the oracle's semantics, independent of the Cedar planner). */
function meets(condition: ArgumentCondition, value: Witness | undefined): boolean {
  if (value === undefined) return false;
  const numeric = (bound: number, test: (v: number) => boolean) =>
    typeof value === "number" && test(value) && Number.isFinite(bound);
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.oneOf !== undefined && !condition.oneOf.includes(value as string | number)) return false;
  if (condition.lessThan !== undefined && !numeric(condition.lessThan, (v) => v < condition.lessThan!)) return false;
  if (condition.atMost !== undefined && !numeric(condition.atMost, (v) => v <= condition.atMost!)) return false;
  if (condition.greaterThan !== undefined && !numeric(condition.greaterThan, (v) => v > condition.greaterThan!))
    return false;
  if (condition.atLeast !== undefined && !numeric(condition.atLeast, (v) => v >= condition.atLeast!)) return false;
  return true;
}

const toolNameArb = fc.oneof(
  fc.constantFrom("create_issue", "refund", "get.order", "post-message"),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
);

const toolArb: fc.Arbitrary<ToolSpec> = fc
  .record({
    name: toolNameArb,
    args: fc.uniqueArray(
      fc.record({
        name: argumentName,
        type: fc.constantFrom<ToolArgumentType>("string", "integer", "number", "boolean"),
        required: fc.boolean(),
      }),
      { selector: (arg) => arg.name, maxLength: 4 },
    ),
    risk: fc.option(fc.constantFrom("delete" as const, "refund" as const, "export" as const, "permissions" as const), {
      freq: 3,
      nil: undefined,
    }),
  })
  .map(({ name, args, risk }) => ({
    name,
    description: `does ${name}`,
    inputs: Object.fromEntries(args.map((arg: ArgumentPlan) => [arg.name, { type: arg.type, required: arg.required }])),
    ...(risk ? { risk } : {}),
  }));

const catalogArb: fc.Arbitrary<ToolCatalog> = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/),
      tools: fc.uniqueArray(toolArb, { selector: (tool) => tool.name, minLength: 1, maxLength: 4 }),
    }),
    { selector: (target) => target.name, minLength: 1, maxLength: 3 },
  )
  .map((targets) => catalogOf(targets));

interface AgentPlan {
  readonly name: string;
  readonly disabled: boolean;
  readonly approval?: string;
  readonly allow: readonly ToolPermissionSpec[];
  /** Per allowed entry, a value per conditioned argument that meets its condition. */
  readonly witnesses: readonly Record<string, Witness>[];
}

const allTools = (catalog: ToolCatalog) =>
  catalog.targets.flatMap((target) => target.tools.map((tool) => ({ target: target.name, tool })));

function agentArb(catalog: ToolCatalog, name: string): fc.Arbitrary<AgentPlan> {
  const tools = allTools(catalog);
  return fc
    .record({
      disabled: fc.boolean(),
      picked: fc.shuffledSubarray(tools, { minLength: 1, maxLength: Math.min(3, tools.length) }),
    })
    .chain(({ disabled, picked }) =>
      fc
        .tuple(
          ...picked.map(({ target, tool }) => {
            const args = Object.entries(tool.inputs ?? {});
            return fc.subarray(args).chain((chosen) =>
              fc.tuple(...chosen.map(([, input]) => witnessArb(input.type))).chain((values) =>
                fc
                  .tuple(...chosen.map(([, input], index) => conditionArb(input.type, values[index]!)))
                  .map((conditions) => ({
                    entry: {
                      target,
                      tool: tool.name,
                      ...(chosen.length > 0
                        ? { when: Object.fromEntries(chosen.map(([arg], index) => [arg, conditions[index]!])) }
                        : {}),
                    } as ToolPermissionSpec,
                    witness: Object.fromEntries(chosen.map(([arg], index) => [arg, values[index]!])),
                  })),
              ),
            );
          }),
        )
        .map((entries) => ({
          name,
          disabled,
          // A high-risk tool needs an approval (the spec refuses it otherwise, tested above).
          ...(picked.some(({ tool }) => tool.risk) ? { approval: "SEC-1234" } : {}),
          allow: entries.map((entry) => entry.entry),
          witnesses: entries.map((entry) => entry.witness),
        })),
    );
}

const scenarioArb = catalogArb.chain((catalog) =>
  fc
    .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), { minLength: 1, maxLength: 3 })
    .chain((names) => fc.tuple(...names.map((name) => agentArb(catalog, name))))
    .map((agents) => ({ catalog, agents })),
);

const subjectOf = (name: string) => `repo:acme/${name}:environment:prod`;

/** Arguments for a call of `tool`: every required argument, the given values where there are. */
function inputFor(tool: ToolSpec, values: Readonly<Record<string, Witness | undefined>>): Record<string, Witness> {
  const input: Record<string, Witness> = {};
  for (const [name, spec] of Object.entries(tool.inputs ?? {})) {
    const value = name in values ? values[name] : spec.required ? defaultOf(spec.type) : undefined;
    if (value !== undefined) input[name] = value;
    else if (spec.required) input[name] = defaultOf(spec.type);
  }
  return input;
}

function defaultOf(type: ToolArgumentType): Witness {
  return type === "string" ? "x" : type === "boolean" ? false : 0;
}

/** The decision the spec means for a call (the oracle's expectation). */
function expected(plans: readonly AgentPlan[], catalog: ToolCatalog, call: ToolCall): "allow" | "deny" {
  const agent = plans.find((plan) => subjectOf(plan.name) === call.subject);
  if (!agent || agent.disabled || call.now >= `${EXPIRES}T00:00:00Z`) return "deny";
  const cut = call.action.indexOf("___");
  const [target, toolName] = [call.action.slice(0, cut), call.action.slice(cut + 3)];
  const tool = catalog.targets.find((t) => t.name === target)?.tools.find((t) => t.name === toolName);
  if (tool?.risk && !agent.approval) return "deny";
  const allowed = agent.allow.some(
    (entry) =>
      entry.target === target &&
      entry.tool === toolName &&
      Object.entries(entry.when ?? {}).every(([argument, condition]) =>
        meets(condition, call.input[argument] as Witness | undefined),
      ),
  );
  return allowed ? "allow" : "deny";
}

function planned(scenario: { catalog: ToolCatalog; agents: readonly AgentPlan[] }): Agent[] {
  const gateway = gatewayLike(scenario.catalog);
  return scenario.agents.map((agent) =>
    plan(agent.name, {
      runsOn: oidc({ issuerUrl: ISSUER, subject: subjectOf(agent.name) }),
      disabled: agent.disabled,
      ...(agent.approval ? { approval: agent.approval } : {}),
      tools: { gateway, allow: agent.allow },
    }),
  );
}

describe("properties: generated catalogs and specs, judged by the official Cedar engine", () => {
  it("every generated policy set validates strictly against the AgentCore schema of its catalog", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const agents = planned(scenario);
        expect(validationErrors(agentCoreSchema(scenario.catalog), policySet(agents, scenario.catalog))).toEqual([]);
      }),
      runs(60),
    );
  });

  it("each allowed tool with arguments inside its conditions is allowed (unless disabled or past the review date); outside them, denied", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const agents = planned(scenario);
        const policies = policySet(agents, scenario.catalog);
        const schema = agentCoreSchema(scenario.catalog);
        scenario.agents.forEach((agent) => {
          agent.allow.forEach((entry, index) => {
            const tool = scenario.catalog.targets
              .find((t) => t.name === entry.target)!
              .tools.find((t) => t.name === entry.tool)!;
            const action = gatewayToolName(entry.target, entry.tool);
            const witness = agent.witnesses[index]!;
            const call: ToolCall = {
              subject: subjectOf(agent.name),
              action,
              input: inputFor(tool, witness),
              now: BEFORE,
            };
            expect(authorize(scenario.catalog, schema, ARN, policies, call).decision).toBe(
              agent.disabled ? "deny" : "allow",
            );
            expect(
              authorize(scenario.catalog, schema, ARN, policies, { ...call, now: `${EXPIRES}T00:00:00Z` }).decision,
            ).toBe("deny");
            expect(
              authorize(scenario.catalog, schema, ARN, policies, {
                ...call,
                subject: "repo:acme/nobody:environment:prod",
              }).decision,
            ).toBe("deny");
            // Each conditioned argument alone left out (when optional) or pushed outside its condition.
            for (const [argument, condition] of Object.entries(entry.when ?? {})) {
              const spec = tool.inputs![argument]!;
              const outside = outsideValue(spec.type, condition, witness[argument]!);
              const variants: Record<string, Witness | undefined>[] = [];
              if (outside !== undefined) variants.push({ ...witness, [argument]: outside });
              // Each bound itself: inside for atMost and atLeast, outside for lessThan and greaterThan.
              for (const bound of [condition.lessThan, condition.atMost, condition.greaterThan, condition.atLeast])
                if (bound !== undefined) variants.push({ ...witness, [argument]: bound });
              if (!spec.required) variants.push({ ...witness, [argument]: undefined });
              for (const variant of variants) {
                const input = inputFor(tool, variant);
                const other = { ...call, input };
                expect(authorize(scenario.catalog, schema, ARN, policies, other).decision).toBe(
                  expected(scenario.agents, scenario.catalog, other),
                );
              }
            }
          });
        });
      }),
      runs(40),
    );
  });

  it("random calls (any agent or none, any tool, any arguments, before or after the review date) get the decision the spec means", () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((scenario) => {
          const tools = allTools(scenario.catalog);
          const call = fc
            .record({
              subject: fc.oneof(
                fc.constantFrom(...scenario.agents.map((agent) => subjectOf(agent.name))),
                fc.constant("repo:acme/nobody:environment:prod"),
              ),
              pick: fc.constantFrom(...tools),
              late: fc.boolean(),
              witnessOf: fc.constantFrom(...scenario.agents.flatMap((agent) => agent.witnesses), {}),
            })
            .chain(({ subject, pick, late, witnessOf }) =>
              fc
                .tuple(
                  ...Object.entries(pick.tool.inputs ?? {}).map(([name, input]) => {
                    const seen = witnessOf[name];
                    return fc.oneof(
                      witnessArb(input.type),
                      fc.constant(fits(input.type, seen) ? seen : defaultOf(input.type)),
                    );
                  }),
                )
                .map((values) => ({
                  subject,
                  action: gatewayToolName(pick.target, pick.tool.name),
                  input: inputFor(
                    pick.tool,
                    Object.fromEntries(Object.keys(pick.tool.inputs ?? {}).map((name, index) => [name, values[index]])),
                  ),
                  now: late ? "2027-03-01T08:00:00Z" : BEFORE,
                })),
            );
          return fc.tuple(fc.constant(scenario), fc.array(call, { minLength: 1, maxLength: 8 }));
        }),
        ([scenario, calls]) => {
          const agents = planned(scenario);
          const policies = policySet(agents, scenario.catalog);
          const schema = agentCoreSchema(scenario.catalog);
          for (const call of calls)
            expect([call, authorize(scenario.catalog, schema, ARN, policies, call).decision]).toEqual([
              call,
              expected(scenario.agents, scenario.catalog, call),
            ]);
        },
      ),
      runs(60),
    );
  });

  it("a high-risk tool without approval is refused by the spec, and denied by the engine even with a permit forced in", () => {
    fc.assert(
      fc.property(
        catalogArb.filter((catalog) => allTools(catalog).some(({ tool }) => tool.risk)),
        (catalog) => {
          const risky = allTools(catalog).find(({ tool }) => tool.risk)!;
          const gateway = gatewayLike(catalog);
          let refusal: unknown;
          try {
            plan("no-approval", { tools: { gateway, allow: [{ target: risky.target, tool: risky.tool.name }] } });
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toBeInstanceOf(AgentSpecError);
          expect((refusal as AgentSpecError).problems.map((problem) => problem.path)).toContain("tools.allow[0]");
          const approved = plan("no-approval", {
            approval: "SEC-1",
            tools: { gateway, allow: [{ target: risky.target, tool: risky.tool.name }] },
          });
          const forced: Agent = { ...approved, approval: undefined };
          const policies = policySet([forced], catalog);
          const call: ToolCall = {
            subject: forced.trust.subject,
            action: gatewayToolName(risky.target, risky.tool.name),
            input: inputFor(risky.tool, {}),
            now: BEFORE,
          };
          expect(authorize(catalog, agentCoreSchema(catalog), ARN, policies, call).decision).toBe("deny");
          expect(authorize(catalog, agentCoreSchema(catalog), ARN, policySet([approved], catalog), call).decision).toBe(
            "allow",
          );
        },
      ),
      runs(40),
    );
  });
});

/** A value of the argument's type that does not meet the condition, when there is one. */
function outsideValue(type: ToolArgumentType, condition: ArgumentCondition, witness: Witness): Witness | undefined {
  const candidates: Witness[] =
    type === "string"
      ? [`${String(witness)}-other`, "", "OTHER"]
      : type === "boolean"
        ? [!witness]
        : [
            condition.lessThan,
            condition.atMost !== undefined ? shift(type, condition.atMost, 1) : undefined,
            condition.greaterThan,
            condition.atLeast !== undefined ? shift(type, condition.atLeast, -1) : undefined,
            shift(type, witness as number, 7),
            shift(type, witness as number, -7),
          ].filter((value): value is number => value !== undefined);
  return candidates.find((candidate) => !meets(condition, candidate));
}

/** Whether a value is of an argument's type (a request with another type is not a valid call). */
function fits(type: ToolArgumentType, value: unknown): value is Witness {
  if (type === "string") return typeof value === "string";
  if (type === "boolean") return typeof value === "boolean";
  if (type === "integer") return typeof value === "number" && Number.isSafeInteger(value);
  return (
    typeof value === "number" &&
    Number.isSafeInteger(Math.round(value * SCALE)) &&
    Math.round(value * SCALE) / SCALE === value
  );
}

describe("docs/tool-access.md", () => {
  it("shows the schema the tests validate against, for the README's gateway", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "tool-access.md"), "utf8");
    const shown = /```\n(namespace AgentCore \{[\s\S]*?\n\})\n```/.exec(doc)?.[1];
    const readme = catalogOf([
      {
        name: "jira",
        tools: [
          {
            name: "create_issue",
            description: "Opens an issue in a project",
            inputs: { project: { type: "string", required: true }, summary: { type: "string", required: true } },
          },
          {
            name: "delete_issue",
            description: "Deletes an issue",
            risk: "delete",
            inputs: { issue: { type: "string" } },
          },
        ],
      },
      {
        name: "payments",
        tools: [
          {
            name: "refund",
            description: "Refunds an order",
            risk: "refund",
            inputs: { order_id: { type: "string", required: true }, amount: { type: "number", required: true } },
          },
        ],
      },
    ]);
    expect(shown).toBe(agentCoreSchema(readme));
  });
});
