import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StackIndex, type PolicyResource } from "../../src/rules/support/stack";
import { UNKNOWN } from "../../src/model/unknown";
import { runs } from "../support/property";

/**
 * The stack index answers "who refers to this resource" and "which of these candidates does this
 * resource name" by key (bench/README.md: scanning the stack once per agent made AnalyzeStack
 * quadratic). The keyed answers must be exactly the scans they replace: same resources, same order.
 */

const TYPES = ["t:a", "t:b", "t:c"];
const VALUES = ["k1", "k2", "k3", "k4", "", UNKNOWN];

const resourceArbitrary = (index: number) =>
  fc
    .record({
      type: fc.constantFrom(...TYPES),
      ref: fc.oneof(
        fc.constantFrom(...VALUES),
        fc.array(fc.constantFrom(...VALUES), { maxLength: 3 }),
        fc.constant(undefined),
      ),
      own: fc.array(fc.constantFrom(...VALUES), { maxLength: 2 }),
      deps: fc.array(fc.nat({ max: 40 }), { maxLength: 2 }),
    })
    .map(
      ({ type, ref, own, deps }): PolicyResource => ({
        urn: `urn:pulumi:s::p::${type}::r${index}`,
        type,
        name: `r${index}`,
        props: { ref, own },
        propertyDependencies: { ref: deps.map((target) => `urn:pulumi:s::p::${TYPES[target % 3]}::r${target}`) },
      }),
    );

const stackArbitrary = fc
  .nat({ max: 40 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => resourceArbitrary(index))));

/** The keys a resource is referred to by: its `own` values. */
const ownKeys = (resource: PolicyResource) =>
  (resource.props.own as string[]).filter((value) => value !== "" && value !== UNKNOWN);

describe("StackIndex lookups by key", () => {
  it("referencing() is ofType() filtered by references() to the target, in stack order", () => {
    fc.assert(
      fc.property(stackArbitrary, fc.subarray(TYPES, { minLength: 1 }), (resources, types) => {
        const index = new StackIndex(resources);
        for (const target of resources) {
          const scanned = index
            .ofType(...types)
            .filter((resource) => index.references(resource, "ref", [target], ownKeys).targets.length > 0);
          expect(index.referencing(types, "ref", target, ownKeys)).toEqual(scanned);
        }
      }),
      runs(150),
    );
  });

  it("references() over a long candidate list finds what a scan finds, in the scan's order", () => {
    fc.assert(
      fc.property(stackArbitrary, (resources) => {
        const index = new StackIndex(resources);
        const candidates = [...resources, ...resources.slice(0, 20)];
        for (const from of resources) {
          const keyed = index.references(from, "ref", candidates, ownKeys);
          // The scan: by value first, then by dependency, each in candidate order.
          const expected = new Set<PolicyResource>();
          const known = (Array.isArray(from.props.ref) ? from.props.ref : [from.props.ref]).filter(
            (value) => typeof value === "string" && value !== "" && value !== UNKNOWN,
          ) as string[];
          for (const candidate of candidates)
            if (known.some((value) => ownKeys(candidate).includes(value))) expected.add(candidate);
          for (const candidate of candidates)
            if ((from.propertyDependencies?.ref ?? []).includes(candidate.urn)) expected.add(candidate);
          expect(keyed.targets).toEqual([...expected]);
        }
      }),
      runs(150),
    );
  });

  it("ofType() keeps stack order across several types, and memo() computes once", () => {
    const resources = TYPES.flatMap((type, t) =>
      [0, 1].map((i) => ({ urn: `u${t}${i}`, type, name: `n${t}${i}`, props: {} })),
    ).reverse();
    const index = new StackIndex(resources);
    expect(index.ofType("t:a", "t:c").map((resource) => resource.urn)).toEqual(
      resources.filter((resource) => resource.type !== "t:b").map((resource) => resource.urn),
    );
    let computed = 0;
    const first = index.memo("x", () => ++computed);
    expect(index.memo("x", () => ++computed)).toBe(first);
    expect(computed).toBe(1);
  });
});
