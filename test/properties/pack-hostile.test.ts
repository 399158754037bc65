import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyPackProcess, secretValue, type AnalyzerResource } from "../../src/gate/analyzer";
import { SIGNATURES } from "../../src/model/contract";
import { FIXTURES } from "../fixtures/policy";
import { judgeThroughPack } from "../support/analyzer-run";
import { programArb, recordProgram } from "../support/compliant-programs";
import {
  anyHostile,
  corruptedResource,
  DOCUMENT_KEYS,
  hostileValue,
  nested,
  propertyNamesReadByPack,
  unknownValue,
} from "../support/hostile-json";
import { POLICY_NAMES, judgeDirectly, type DirectConfig, type Judged } from "../support/pack-direct";
import { literalTypesReadByPack, typesToFuzz } from "../support/pack-types";
import { verdictProblems } from "../support/policy-fixtures";
import { runs } from "../support/property";

/**
 * Hostile input, property 2: for every resource type a policy reads (derived from the pack's code,
 * `test/support/pack-types.ts`), arbitrary JSON (wrong types, nulls, huge strings, deep nesting,
 * `__proto__` keys, the engine's unknown sentinels, near-valid IAM documents) never makes a policy
 * throw, and the analyzer keeps answering correctly afterwards.
 *
 * How a throwing policy would show (`@pulumi/policy/server.js`): an exception becomes a gRPC error
 * ("Error validating resource with policy '…'"), which `PolicyPackProcess` rejects with; a policy
 * that touches an unknown through `@pulumi/policy`'s proxy becomes an advisory "can't run policy …
 * during preview". In this process `judgeDirectly` reports both as crashes. Each is asserted absent.
 */

const TYPES = typesToFuzz();
const PROPERTY_NAMES = propertyNamesReadByPack();
const STACK = "prod";
/** A parent or dependency URN that is the engine's unknown sentinel. */
const unknownValueUrn = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Resources of the fixture corpus and of generated programs: valid shapes to corrupt. */
let bases: AnalyzerResource[] = [];

const hostileName = fc.oneof(
  fc.constantFrom("agent", "reviewer", "a::b", "x$y", "", " ", "é", "名前"),
  fc.string({ maxLength: 12 }),
);

function urnOf(type: string, name: string, parents: readonly string[] = []): string {
  return `urn:pulumi:${STACK}::hostile::${[...parents, type].join("$")}::${name}`;
}

/** A resource of a type the pack reads, with hostile properties under the names the pack reads. */
function freshResource(hostile: fc.Arbitrary<unknown>): fc.Arbitrary<AnalyzerResource> {
  return fc
    .record({
      type: fc.constantFrom(...TYPES),
      name: hostileName,
      parents: fc.array(
        fc.constantFrom("agent-iam:index:AgentIdentity", "agent-iam:aws:AgentRole", "my:component:Thing"),
        { maxLength: 2 },
      ),
      entries: fc.array(
        fc.tuple(
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...PROPERTY_NAMES) },
            { weight: 1, arbitrary: fc.constantFrom(...DOCUMENT_KEYS) },
          ),
          hostile,
        ),
        { maxLength: 8 },
      ),
    })
    .map(({ type, name, parents, entries }) => ({
      urn: urnOf(type, name, parents),
      type,
      name,
      properties: Object.fromEntries(entries),
    }));
}

/** A stack of such resources, linked by parents and property dependencies that may dangle, loop or point at themselves. */
function hostileStack(
  hostile: fc.Arbitrary<unknown>,
  maxResources: number,
  editable?: (path: readonly (string | number)[], properties: unknown) => boolean,
): fc.Arbitrary<AnalyzerResource[]> {
  const resource = fc.oneof(freshResource(hostile), corruptedResource(fc.constantFrom(...bases), hostile, editable));
  return fc.array(resource, { minLength: 1, maxLength: maxResources }).chain((resources) => {
    const urns = resources.map((entry) => entry.urn);
    const target = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...urns) },
      { weight: 1, arbitrary: fc.constantFrom("urn:pulumi:prod::hostile::missing::gone", "", unknownValueUrn) },
    );
    const links = fc.array(
      fc.record({
        parent: fc.option(target, { nil: undefined }),
        dependencies: fc.array(target, { maxLength: 3 }),
        propertyDependencies: fc
          .array(fc.tuple(fc.constantFrom(...PROPERTY_NAMES), fc.array(target, { maxLength: 2 })), { maxLength: 3 })
          .map((entries) => Object.fromEntries(entries)),
      }),
      { minLength: resources.length, maxLength: resources.length },
    );
    return links.map((linked) =>
      resources.map((entry, index) => ({
        ...entry,
        ...(linked[index]!.parent ? { parent: linked[index]!.parent } : {}),
        dependencies: linked[index]!.dependencies,
        propertyDependencies: linked[index]!.propertyDependencies,
      })),
    );
  });
}

/** Pack configs the runs alternate: the defaults, and every policy mandatory. */
const CONFIGS: readonly DirectConfig[] = [{}, { all: "mandatory" }];

/** What a diagnostic must look like whatever the input. */
function expectWellFormed(diagnostics: readonly Judged[]): void {
  for (const diagnostic of diagnostics) {
    expect(POLICY_NAMES).toContain(diagnostic.policyName);
    expect(["advisory", "mandatory"]).toContain(diagnostic.enforcementLevel);
    expect(typeof diagnostic.message).toBe("string");
    expect(diagnostic.message.length).toBeGreaterThan(10);
    // A value turned into text by accident is not a message a person can act on.
    expect(diagnostic.message).not.toContain("[object Object]");
    expect(diagnostic.message).not.toMatch(/can't run policy/);
  }
}

beforeAll(async () => {
  // One program at a time: the Pulumi runtime of a process runs one program.
  const programs = [];
  for (const plan of fc.sample(programArb, { numRuns: 2, seed: 42 })) programs.push(await recordProgram(plan));
  bases = [
    ...FIXTURES.flatMap((fixture) => fixture.cases.flatMap((testCase) => testCase.resources)),
    ...programs.flatMap((program) => program.stack),
  ].filter((resource) => Object.keys(resource.properties).length > 0);
}, 60_000);

describe("property 2: hostile inputs never make a policy throw", () => {
  it("the resource types come from the pack's code, and cover every family it judges", () => {
    const literal = literalTypesReadByPack();
    for (const type of [
      "aws:iam/role:Role",
      "aws:iam/accessKey:AccessKey",
      "gcp:serviceaccount/account:Account",
      "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      "azure-native:authorization:RoleAssignment",
      "azure-native:managedidentity:FederatedIdentityCredential",
      "agent-iam:index:AgentIdentity",
    ])
      expect(literal).toContain(type);
    // GCP IAM members, bindings and policies at every level, read by pattern.
    expect(TYPES.filter((type) => /^gcp:.*IAM(Member|Binding|Policy)$/.test(type)).length).toBeGreaterThan(40);
    expect(TYPES).toContain("gcp:projects/iAMPolicy:IAMPolicy");
    expect(PROPERTY_NAMES).toEqual(
      expect.arrayContaining([
        "assumeRolePolicy",
        "tags",
        "member",
        "role",
        "scope",
        "attributeCondition",
        "subject",
        "audiences",
      ]),
    );
    expect(bases.length).toBeGreaterThan(100);
  });

  it("pure checks: generated hostile stacks, every policy, default and all-mandatory config", () => {
    let diagnosticsSeen = 0;
    fc.assert(
      fc.property(
        hostileStack(anyHostile({ maxDepth: 300, maxString: 200_000 }), 8),
        fc.constantFrom(...CONFIGS),
        fc.constantFrom<string | undefined>(STACK, "dev", undefined),
        (stack, config, stackName) => {
          const { diagnostics, crashes } = judgeDirectly(stack, stack, {
            config,
            stack: stackName
              ? { name: stackName, config: { "agent-iam:departedOwners": '["keisha@acme.example"]' } }
              : undefined,
          });
          expect(crashes.map((crash) => `${crash.kind} in ${crash.policyName}: ${crash.error.stack}`)).toEqual([]);
          expectWellFormed(diagnostics);
          diagnosticsSeen += diagnostics.length;
        },
      ),
      runs(1000),
    );
    // Hostile stacks reach the checks, not only their early exits.
    expect(diagnosticsSeen).toBeGreaterThan(400);
  });

  it("pure checks: very deep nesting and very long strings in every property the pack reads", () => {
    for (const type of TYPES) {
      const deep = nested(2_000, "*");
      const long = `${"arn:aws:iam::123456789012:role/".repeat(2_000)}AKIA`;
      const properties = Object.fromEntries(PROPERTY_NAMES.map((name, index) => [name, index % 2 === 0 ? deep : long]));
      const resource: AnalyzerResource = { urn: urnOf(type, "deep"), type, name: "deep", properties };
      const { diagnostics, crashes } = judgeDirectly([resource], [resource], { config: { all: "mandatory" } });
      expect(crashes.map((crash) => `${type}: ${crash.kind} in ${crash.policyName}: ${crash.error.message}`)).toEqual(
        [],
      );
      expectWellFormed(diagnostics);
    }
  });

  it("pure checks: every property of every corpus resource replaced by each unknown sentinel in turn", () => {
    const sentinels = fc.sample(unknownValue, { numRuns: 60, seed: 7 });
    for (const [index, base] of bases.entries()) {
      for (const key of Object.keys(base.properties)) {
        const resource = { ...base, properties: { ...base.properties, [key]: sentinels[index % sentinels.length] } };
        const { diagnostics, crashes } = judgeDirectly([resource], [resource, ...bases.slice(0, 3)], {
          config: { all: "mandatory" },
        });
        expect(
          crashes.map((crash) => `${base.type}.${key}: ${crash.kind} in ${crash.policyName}: ${crash.error.message}`),
        ).toEqual([]);
        expectWellFormed(diagnostics);
      }
    }
  });

  describe("through the pack's analyzer (gRPC)", () => {
    let pack: PolicyPackProcess;

    beforeAll(async () => {
      pack = await PolicyPackProcess.start("policy-pack", {
        stack: { name: STACK, project: "hostile", config: { "agent-iam:environment": STACK } },
      });
    }, 60_000);

    afterAll(async () => {
      await pack?.close();
    });

    /** Values as the engine may wrap them: secrets, and assets/archives (Lambda code, function sources). */
    const SIG = SIGNATURES.key;
    const wireHostile = fc.oneof(
      { weight: 6, arbitrary: anyHostile({ maxDepth: 60, maxString: 100_000 }) },
      { weight: 1, arbitrary: hostileValue.map((value) => secretValue(value)) },
      {
        weight: 1,
        arbitrary: fc
          .string({ maxLength: 200 })
          .map((text) => ({ [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: `x${text}` })),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          [SIG]: "0def7320c3a5731c473e5ecbe6d01bc7",
          assets: { "index.js": { [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: "exports.handler = 1" } },
        }),
      },
    );

    /**
     * The engine writes a signed value (secret, asset, archive) whole, and `@pulumi/policy` refuses a
     * malformed one ("Unrecognized signature", "Expected an AssetArchive's assets to be unmarshaled
     * Asset or Archive objects") before any policy runs: edits replace a signed value whole, never
     * what is inside it.
     */
    const outsideSignedValues = (path: readonly (string | number)[], properties: unknown): boolean => {
      let current = properties;
      for (const key of path.slice(0, -1)) {
        current = (current as Record<string | number, unknown>)[key];
        if (typeof current === "object" && current !== null && SIG in current) return false;
      }
      return true;
    };

    it("Analyze and AnalyzeStack answer every hostile stack, with no policy error", async () => {
      await fc.assert(
        fc.asyncProperty(hostileStack(wireHostile, 6, outsideSignedValues), async (stack) => {
          // judgeThroughPack rejects (PolicyPackError) when a policy throws inside the pack.
          const diagnostics = await judgeThroughPack(pack, stack, stack);
          expectWellFormed(diagnostics);
        }),
        runs(120),
      );
    });

    it("afterwards the same pack still judges well-formed requests correctly", async () => {
      expect((await pack.info()).policies.map((policy) => policy.name)).toEqual([...POLICY_NAMES]);
      await pack.configure({ all: "mandatory" });
      let checked = 0;
      for (const fixture of FIXTURES.filter((entry) =>
        ["no-static-credentials", "federated-trust-pinned", "no-overbroad-aws-scopes"].includes(entry.policy),
      ))
        for (const testCase of fixture.cases.filter((entry) => !entry.stack && !entry.config)) {
          const diagnostics = await judgeThroughPack(pack, testCase.resources, testCase.resources);
          expect(verdictProblems(testCase, fixture.policy, diagnostics), `${fixture.policy}: ${testCase.name}`).toEqual(
            [],
          );
          checked++;
        }
      expect(checked).toBeGreaterThan(10);
    });
  });
});
