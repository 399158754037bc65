import { describe, expect, it } from "vitest";
import { awsServiceActions } from "../../src/clouds/aws/iam-catalog";
import { ACTION_CLASS_WORDS, ACTION_CLASSES, awsActionClasses, type ActionClass } from "../../src/model/action-classes";
import { agentRole, agentTags, rolePolicy } from "../fixtures/policy/build";
import { runDirectly } from "../support/policy-fixtures";

/**
 * The pack judges hand-written roles action by action with its own classes, independent of what
 * the components grant: every classed action of the services agents are granted on, alone in a
 * hand-written agent role, is blocked without an approval, and the message names the class;
 * with an approval it is not. (That everything the components generate passes the whole pack is
 * `invariant.test.ts` and property 3 of `test/properties/soundness.test.ts`.)
 */
const SERVICES = [
  "s3",
  "dynamodb",
  "sqs",
  "sns",
  "logs",
  "lambda",
  "ecs",
  "ecr",
  "kms",
  "secretsmanager",
  "ssm",
  "rds",
  "ec2",
  "cloudtrail",
  "iam",
  "sts",
];

const POLICY = "high-risk-requires-approval";

const classed: { action: string; classes: ActionClass[] }[] = SERVICES.flatMap((service) =>
  [...awsServiceActions(service).values()]
    .map((info) => ({ action: info.action, classes: awsActionClasses(info.action) }))
    .filter((entry) => entry.classes.length > 0),
);

function judged(action: string, tags: Record<string, string>) {
  return runDirectly(POLICY, {
    name: action,
    verdict: "violation",
    resources: [agentRole("bot", { tags }), rolePolicy("bot-hand-written", "bot", { Action: action, Resource: "*" })],
  }).filter((diagnostic) => diagnostic.policyName === POLICY);
}

describe("the pack's own judgement of hand-written AWS agent roles", () => {
  it("covers every class", () => {
    for (const kind of ACTION_CLASSES)
      expect(
        classed.filter((entry) => entry.classes.includes(kind)).length,
        `${kind} actions among ${SERVICES.join(", ")}`,
      ).toBeGreaterThan(3);
  });

  it(`blocks each of the ${classed.length} classed actions without approval, naming its class`, () => {
    const missed: string[] = [];
    for (const { action, classes } of classed) {
      const diagnostics = judged(action, agentTags());
      const blocked = diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory");
      const named = classes.every((kind) =>
        blocked.some((diagnostic) => diagnostic.message.includes(`${ACTION_CLASS_WORDS[kind].name}: `)),
      );
      if (!named) missed.push(`${action} (${classes.join(", ")}): ${JSON.stringify(diagnostics)}`);
    }
    expect(missed).toEqual([]);
  });

  it("lets each of them through with an approval ticket on the role", () => {
    const stillBlocked = classed
      .filter(({ action }) => judged(action, agentTags({ approval: "SEC-1234" })).length > 0)
      .map(({ action }) => action);
    expect(stillBlocked).toEqual([]);
  });
});
