import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgentIdentity } from "../../components";
import { recordResources } from "../../src/gate/program/record";
import { AgentSpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";
import { anySpec as fuzzedSpec, TODAY, validAwsSpec } from "../support/arbitraries";

const anySpec = fc.oneof({ weight: 1, arbitrary: validAwsSpec }, { weight: 3, arbitrary: fuzzedSpec });

/**
 * Hostile input, property 1: any generated spec either constructs or fails with an AgentSpecError
 * whose every problem names a field path; never another exception, never a half-registered component.
 */
describe("property: agent specs validate or fail cleanly", () => {
  it("planAgent never throws anything but an AgentSpecError with field paths", () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(anySpec, (spec) => {
        try {
          planAgent("fuzzed-agent", spec, { today: TODAY });
          valid++;
        } catch (error) {
          if (!(error instanceof AgentSpecError)) throw error;
          invalid++;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) {
            expect(problem.message.length).toBeGreaterThan(3);
            expect(problem.path === "" || /^[A-Za-z]/.test(problem.path)).toBe(true);
          }
        }
      }),
      { numRuns: 1500 },
    );
    // Both branches are exercised, or the property says nothing.
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(100);
  });

  it("an AgentIdentity either registers completely or registers nothing", async () => {
    await fc.assert(
      fc.asyncProperty(anySpec, async (spec) => {
        let error: unknown;
        const resources = await recordResources(() => {
          try {
            new AgentIdentity("fuzzed-agent", spec as never);
          } catch (caught) {
            error = caught;
          }
        });
        if (error !== undefined) {
          expect(error).toBeInstanceOf(AgentSpecError);
          expect(resources).toHaveLength(0);
        } else {
          expect(resources.filter((resource) => resource.type === "agent-iam:index:AgentIdentity")).toHaveLength(1);
          // A spec without an aws block is valid (an agent with no cloud yet): its role exists exactly when the block does.
          const hasAws = typeof spec === "object" && spec !== null && (spec as { aws?: unknown }).aws !== undefined;
          expect(resources.some((resource) => resource.type === "aws:iam/role:Role")).toBe(hasAws);
        }
      }),
      { numRuns: 60 },
    );
  });
});
