import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  readCedarPolicies,
  unconstrainedParts,
  type CedarConstraint,
  type CedarPolicyHead,
} from "../../src/clouds/aws/agentcore/cedar-reading";
import { cedarEntity, cedarString } from "../../src/clouds/aws/agentcore/cedar";
import { officialParse, officialPolicies } from "../support/agentcore-cedar";
import { runs } from "../support/property";

/**
 * The pack reads a Cedar statement's scope without the Cedar engine (which is a dev dependency): its
 * reading is held to the official engine's parse (`policySetTextToParts`, `policyToJson` of
 * `@cedar-policy/cedar-wasm`) on generated policies of every scope form, with comments, annotations,
 * escapes and conditions holding braces and strings.
 */

/** The official JSON scope, in the reader's shape. */
function fromOfficial(
  json: ReturnType<typeof officialParse>,
): Omit<CedarPolicyHead, "conditions"> & { conditions: string[] } {
  const entity = (value: { type?: string; id?: string; __entity?: { type: string; id: string } } | undefined) =>
    value?.__entity ? { type: value.__entity.type, id: value.__entity.id } : { type: value!.type!, id: value!.id! };
  const constraint = (raw: Record<string, unknown>): CedarConstraint => {
    switch (raw.op) {
      case "All":
        return { op: "All" };
      case "==":
        return "slot" in raw
          ? { op: "==", entity: { slot: String(raw.slot) } }
          : { op: "==", entity: entity(raw.entity as never) };
      case "is":
        return raw.in
          ? { op: "is", entityType: String(raw.entity_type), in: entity((raw.in as { entity: never }).entity) }
          : { op: "is", entityType: String(raw.entity_type) };
      default:
        return "entities" in raw
          ? { op: "in", entities: (raw.entities as never[]).map(entity) }
          : { op: "in", entity: entity(raw.entity as never) };
    }
  };
  return {
    effect: json.effect,
    principal: constraint(json.principal as never),
    action: constraint(json.action as never),
    resource: constraint(json.resource as never),
    conditions: json.conditions.map((clause) => clause.kind),
  };
}

/** `action in [X]` and `action in X` are one constraint: the official JSON writes the one-element list as the entity. */
function canonical<T extends { action: CedarConstraint }>(head: T): T {
  const action = head.action;
  if (action.op === "in" && "entities" in action && action.entities.length === 1)
    return { ...head, action: { op: "in", entity: action.entities[0]! } };
  return head;
}

const idArb = fc.oneof(
  fc.constantFrom("repo:acme/api:environment:prod", 'we"ird', "back\\slash", "ünï", "tab\there", "", "CallTool"),
  fc.string({ maxLength: 12 }),
);
const typeArb = fc.constantFrom("AgentCore::OAuthUser", "AgentCore::Gateway", "AgentCore::Action", "Ns::Deep::Type");
const entityArb = fc.tuple(typeArb, idArb).map(([type, id]) => ({ type, id, text: cedarEntity(type, id) }));

const principalOrResourceArb = (variable: string) =>
  fc.oneof(
    fc.constant({ text: variable, constraint: { op: "All" } as CedarConstraint }),
    entityArb.map((e) => ({
      text: `${variable} == ${e.text}`,
      constraint: { op: "==", entity: { type: e.type, id: e.id } } as CedarConstraint,
    })),
    entityArb.map((e) => ({
      text: `${variable} in ${e.text}`,
      constraint: { op: "in", entity: { type: e.type, id: e.id } } as CedarConstraint,
    })),
    typeArb.map((type) => ({
      text: `${variable} is ${type}`,
      constraint: { op: "is", entityType: type } as CedarConstraint,
    })),
    fc.tuple(typeArb, entityArb).map(([type, e]) => ({
      text: `${variable} is ${type} in ${e.text}`,
      constraint: { op: "is", entityType: type, in: { type: e.type, id: e.id } } as CedarConstraint,
    })),
  );

const actionEntity = idArb.map((id) => ({ type: "AgentCore::Action", id, text: cedarEntity("AgentCore::Action", id) }));
const actionArb = fc.oneof(
  fc.constant({ text: "action", constraint: { op: "All" } as CedarConstraint }),
  actionEntity.map((e) => ({
    text: `action == ${e.text}`,
    constraint: { op: "==", entity: { type: e.type, id: e.id } } as CedarConstraint,
  })),
  actionEntity.map((e) => ({
    text: `action in ${e.text}`,
    constraint: { op: "in", entity: { type: e.type, id: e.id } } as CedarConstraint,
  })),
  fc.array(actionEntity, { maxLength: 3 }).map((list) => ({
    text: `action in [${list.map((e) => e.text).join(", ")}]`,
    constraint: { op: "in", entities: list.map((e) => ({ type: e.type, id: e.id })) } as CedarConstraint,
  })),
);

/** Conditions with the things a naive reader trips on: braces and semicolons in strings, nested records, `like` escapes, comments. */
const conditionArb = fc.constantFrom(
  'context.input.project == "OPS"',
  'principal.hasTag("scope") && principal.getTag("scope") like "*insurance:\\*claim*"',
  "context.input has amount && context.input.amount < 500 // a comment with } and ;",
  '{ "a": 1, "b": "};{" }.b == "};{"',
  'context.system.now >= datetime("2027-02-15T00:00:00Z")',
  'if principal.id == "x" then true else false',
  '["EUR", "USD"].contains(context.input.currency)',
);

const policyArb = fc
  .record({
    // Cedar refuses an annotation key twice on one policy.
    annotations: fc.uniqueArray(fc.tuple(fc.constantFrom("id", "owner", "agent"), idArb), {
      selector: ([key]) => key,
      maxLength: 2,
    }),
    comment: fc.boolean(),
    effect: fc.constantFrom("permit" as const, "forbid" as const),
    principal: principalOrResourceArb("principal"),
    action: actionArb,
    resource: principalOrResourceArb("resource"),
    conditions: fc.array(fc.tuple(fc.constantFrom("when" as const, "unless" as const), conditionArb), { maxLength: 2 }),
    spacing: fc.constantFrom(" ", "\n  ", "  "),
  })
  .map((p) => ({
    text:
      [
        ...(p.comment ? ["// agent-iam: which agent, for whom"] : []),
        ...p.annotations.map(([key, value]) => `@${key}(${cedarString(value)})`),
        `${p.effect} (${p.spacing}${p.principal.text},${p.spacing}${p.action.text},${p.spacing}${p.resource.text}${p.spacing})`,
        ...p.conditions.map(([kind, body]) => `${kind} { ${body}\n}`),
      ].join("\n") + ";",
    head: {
      effect: p.effect,
      principal: p.principal.constraint,
      action: p.action.constraint,
      resource: p.resource.constraint,
      conditions: p.conditions.map(([kind]) => kind),
    },
  }));

describe("the pack's Cedar scope reader against the official engine", () => {
  it("reads every generated policy set as the official engine parses it", () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 4 }), (policies) => {
        const text = policies.map((policy) => policy.text).join("\n\n");
        const official = officialPolicies(text);
        expect(official, text).toBeDefined();
        const reading = readCedarPolicies(text);
        expect(reading.kind, JSON.stringify(reading)).toBe("policies");
        if (reading.kind !== "policies") return;
        expect(reading.policies).toHaveLength(official!.length);
        reading.policies.forEach((head, index) => {
          const expected = fromOfficial(officialParse(official![index]!));
          expect(canonical({ ...head, conditions: head.conditions.map((clause) => clause.kind) })).toEqual(expected);
          expect(expected).toEqual(canonical(policies[index]!.head));
        });
      }),
      runs(300),
    );
  });

  it("refuses what the official engine refuses", () => {
    for (const text of [
      "permit (principal, action, resource)",
      'permit (principal == AgentCore::OAuthUser::"x, action, resource);',
      "allow (principal, action, resource);",
      "permit (principal, resource, action);",
      "",
      "permit (principal, action, resource) when { true ;",
    ]) {
      expect(officialPolicies(text)?.length ?? 0, text).toBe(0);
      expect(readCedarPolicies(text).kind, text).toBe("invalid");
    }
  });
});

describe("which permits leave the principal or the action open", () => {
  const head = (text: string) => {
    const reading = readCedarPolicies(text);
    if (reading.kind !== "policies") throw new Error(reading.error);
    return reading.policies[0]!;
  };
  const gateway =
    'AgentCore::Gateway::"arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-prod-a1b2c3d4e5"';

  it.each([
    [
      "principal and action pinned",
      `permit (principal == AgentCore::OAuthUser::"repo:acme/api:environment:prod", action == AgentCore::Action::"jira___create_issue", resource == ${gateway});`,
      [],
    ],
    [
      "principal tested in a condition (AWS's own example)",
      `permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"RefundTool___process_refund", resource == ${gateway}) when { principal.hasTag("username") && principal.getTag("username") == "John" };`,
      [],
    ],
    [
      "a list of tools",
      `permit (principal == AgentCore::OAuthUser::"a", action in [AgentCore::Action::"t___a", AgentCore::Action::"t___b"], resource == ${gateway});`,
      [],
    ],
    [
      "any principal",
      `permit (principal, action == AgentCore::Action::"jira___create_issue", resource == ${gateway});`,
      ["any principal"],
    ],
    [
      "any OAuth user, only an unless",
      `permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"jira___create_issue", resource == ${gateway}) unless { principal.id == "x" };`,
      ["any AgentCore::OAuthUser"],
    ],
    [
      "principal only in a string",
      `permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"t___a", resource == ${gateway}) when { context.input.note == "principal" };`,
      ["any AgentCore::OAuthUser"],
    ],
    [
      "any tool",
      `permit (principal == AgentCore::OAuthUser::"a", action, resource is AgentCore::Gateway);`,
      ["any tool"],
    ],
    [
      "every tool through the CallTool group",
      `permit (principal == AgentCore::OAuthUser::"a", action in AgentCore::Action::"CallTool", resource is AgentCore::Gateway);`,
      ["every tool"],
    ],
    ["a forbid may be broad", `forbid (principal, action, resource is AgentCore::Gateway);`, []],
  ])("%s", (_what, text, expected) => {
    const parts = unconstrainedParts(head(text));
    expect(parts.map((part) => part.split(" (")[0])).toEqual(expected);
  });
});
