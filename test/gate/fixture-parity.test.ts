import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyPackProcess, type AnalyzerDiagnostic, type AnalyzerResource } from "../../src/gate/analyzer";
import { FIXTURES } from "../fixtures/policy";
import { REPO, runCli, SHARED_RUNS_TIMEOUT, writeProgram, type CliRun } from "../support/cli";

/**
 * One shared fixture, two roads to the pack: the policy corpus (test/fixtures/policy, which the
 * pack's analyzer tests feed straight to the pack) is declared as a Pulumi program and run through
 * `agent-iam check`; the same resources are also sent to the pack directly, as the analyzer tests
 * send them. Both roads must give the same violations, and `check` must record every property as
 * the fixture wrote it. Cases that need their own stack or policy config are left to the pack's
 * tests; every other case of every policy is here, in one stack.
 */

const STACK = "prod";
const PROJECT = "fixtures";

/** A fixture resource under a name unique in the stack (cases reuse names). */
interface Declared {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, unknown>;
  /** The components above it, outermost first: [type, name]. */
  readonly parents: readonly (readonly [string, string])[];
}

function declare(resource: AnalyzerResource, prefix: string): Declared {
  const [, , chain = "", ...rest] = resource.urn.split("::");
  const types = chain.split("$");
  types.pop();
  const parentNames = resource.parent ? resource.parent.split("::").slice(3).join("::") : resource.name;
  const parents = types.map((type) => [type, `${prefix}${parentNames}`] as const);
  const name = `${prefix}${rest.join("::")}`;
  return {
    urn: `urn:pulumi:${STACK}::${PROJECT}::${chain}::${name}`,
    type: resource.type,
    name,
    properties: resource.properties,
    parents,
  };
}

const cases = FIXTURES.flatMap((fixture) =>
  fixture.cases
    .filter((testCase) => !testCase.stack && !testCase.config)
    .map((testCase, index) => ({ policy: fixture.policy, testCase, prefix: `${fixture.policy}-${index}-` })),
);
const declared = cases.flatMap(({ testCase, prefix }) =>
  testCase.resources.map((resource) => declare(resource, prefix)),
);

/** The program: every declared resource, registered with its type, name, parents and properties exactly. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";

interface Declared { type: string; name: string; properties: Record<string, unknown>; parents: [string, string][] }
const components = new Map<string, pulumi.ComponentResource>();
for (const resource of JSON.parse(readFileSync("resources.json", "utf8")) as Declared[]) {
  let parent: pulumi.ComponentResource | undefined;
  for (const [type, name] of resource.parents) {
    const key = type + "::" + name;
    parent = components.get(key) ?? new pulumi.ComponentResource(type, name, {}, { parent });
    components.set(key, parent);
  }
  new pulumi.CustomResource(resource.type, resource.name, resource.properties, { parent });
}
`;

interface CheckJson {
  resources: { urn: string; registration: number; inputs: Record<string, unknown> }[];
  violations: { policy: string; enforcementLevel: string; urn: string; message: string }[];
}

const key = (diagnostic: { policy: string; enforcementLevel: string; urn: string; message: string }) =>
  JSON.stringify([diagnostic.policy, diagnostic.enforcementLevel, diagnostic.urn, diagnostic.message]);

describe("the policy corpus through check and straight through the analyzer", () => {
  let run: CliRun;
  let direct: AnalyzerDiagnostic[];
  let pack: PolicyPackProcess | undefined;

  beforeAll(async () => {
    const dir = writeProgram({
      "Pulumi.yaml": `name: ${PROJECT}\nruntime: nodejs\n`,
      [`Pulumi.${STACK}.yaml`]: "config: {}\n",
      "index.ts": PROGRAM,
      "policy-config.json": JSON.stringify({ all: "mandatory" }),
    });
    writeFileSync(join(dir, "resources.json"), JSON.stringify(declared));
    run = await runCli(["check", dir, "--config", join(dir, "policy-config.json"), "--json"]);

    // The same resources, in the order the program registered them (the order the engine, and so
    // check, hands them to the pack: a pack may list findings in that order).
    const order = new Map(
      (JSON.parse(run.stdout) as CheckJson).resources.map((resource) => [resource.urn, resource.registration]),
    );
    // The components the program declares to parent fixture resources are resources too.
    const urnOf = (chain: readonly (readonly [string, string])[]) =>
      `urn:pulumi:${STACK}::${PROJECT}::${chain.map(([type]) => type).join("$")}::${chain[chain.length - 1]![1]}`;
    const components = new Map<string, AnalyzerResource>();
    for (const resource of declared)
      resource.parents.forEach(([type, name], depth) => {
        const urn = urnOf(resource.parents.slice(0, depth + 1));
        components.set(urn, {
          urn,
          type,
          name,
          properties: {},
          ...(depth > 0 ? { parent: urnOf(resource.parents.slice(0, depth)) } : {}),
        });
      });
    const resources: AnalyzerResource[] = [
      ...components.values(),
      ...declared.map((resource) => ({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        properties: resource.properties,
        ...(resource.parents.length > 0 ? { parent: urnOf(resource.parents) } : {}),
      })),
    ].sort((a, b) => (order.get(a.urn) ?? 0) - (order.get(b.urn) ?? 0));
    pack = await PolicyPackProcess.start(join(REPO, "policy-pack"), {
      config: { all: "mandatory" },
      stack: { name: STACK, project: PROJECT, preview: false },
    });
    direct = [];
    for (const resource of resources)
      direct.push(
        ...(await pack.analyze(resource)).map((diagnostic) => ({ ...diagnostic, urn: diagnostic.urn || resource.urn })),
      );
    direct.push(...(await pack.analyzeStack(resources)));
  }, SHARED_RUNS_TIMEOUT);

  afterAll(async () => {
    await pack?.close();
  });

  it("covers every policy of the pack with cases that violate and cases that pass", () => {
    expect(new Set(cases.map(({ policy }) => policy))).toEqual(new Set(FIXTURES.map((fixture) => fixture.policy)));
    expect(cases.some(({ testCase }) => testCase.verdict === "violation")).toBe(true);
    expect(cases.some(({ testCase }) => testCase.verdict === "pass")).toBe(true);
  });

  it("records every fixture resource with its properties exactly", () => {
    expect(run.code, run.stderr).toBe(1);
    const recorded = new Map(
      (JSON.parse(run.stdout) as CheckJson).resources.map((resource) => [resource.urn, resource.inputs]),
    );
    for (const resource of declared)
      expect(recorded.get(resource.urn), resource.urn).toEqual(JSON.parse(JSON.stringify(resource.properties)));
  });

  it("gives the same violations as the pack's own analyzer road", () => {
    const throughCheck = (JSON.parse(run.stdout) as CheckJson).violations.map(key).sort();
    const straight = [
      ...new Set(
        direct
          .filter((diagnostic) => diagnostic.enforcementLevel !== "disabled")
          .map((diagnostic) =>
            key({
              policy: diagnostic.policyName,
              enforcementLevel: diagnostic.enforcementLevel,
              urn: diagnostic.urn ?? "",
              message: diagnostic.message,
            }),
          ),
      ),
    ].sort();
    expect(throughCheck.length).toBeGreaterThan(
      cases.filter(({ testCase }) => testCase.verdict === "violation").length / 2,
    );
    expect(throughCheck).toEqual(straight);
  });
});
