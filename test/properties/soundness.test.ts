import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentSpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";
import { PolicyPackProcess } from "../../src/gate/analyzer";
import type { Cloud } from "../../src/model/resources";
import { judgeThroughPack, shown } from "../support/analyzer-run";
import {
  BOUNDARY,
  packConfigOf,
  programArbitrary,
  recordProgram,
  wildcardOnlyActionsCheck,
  type ProgramPlan,
} from "../support/compliant-programs";
import { judgeDirectly } from "../support/pack-direct";
import { runs, table } from "../support/property";

/**
 * Hostile input, property 3 (soundness): every valid spec, on every cloud and with every issuer
 * preset, produces resources that pass the whole pack in mandatory mode: no false positive on
 * agent-iam's own output. Specs are generated (`test/support/compliant-programs.ts`), run under
 * Pulumi's mocks as the gate runs them, and judged by the pack's policy objects in this process
 * (many programs) and by the pack's analyzer over gRPC (a sample). In a preview, the pack may only
 * say which decisions wait for apply.
 */

const coverage = {
  programs: 0,
  created: 0,
  resources: 0,
  clouds: new Map<Cloud, number>(),
  presets: new Map<string, number>(),
  forms: new Map<string, number>(),
};

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function note(plan: ProgramPlan, created: readonly string[]): void {
  coverage.programs++;
  for (const agent of plan.agents.filter((candidate) => created.includes(candidate.name))) {
    for (const cloud of agent.clouds) count(coverage.clouds as Map<string, number>, cloud);
    const runsOn = agent.runsOn.runsOn as {
      kind: string;
      ownerId?: unknown;
      ref?: string;
      refType?: string;
      environment?: string;
      issuerUrl?: string;
    };
    const github = runsOn.kind === "github-actions";
    const variant = !github
      ? runsOn.refType === "tag"
        ? " (tag)"
        : ""
      : runsOn.ownerId !== undefined
        ? " (immutable subject)"
        : runsOn.ref
          ? ` (ref ${runsOn.ref.startsWith("refs/tags") ? "tag" : "branch"})`
          : runsOn.issuerUrl
            ? " (enterprise issuer)"
            : runsOn.environment
              ? " (named environment)"
              : " (agent's environment)";
    count(coverage.presets, `${runsOn.kind}${variant}`);
    for (const grant of agent.grants) count(coverage.forms, grant.form === "role" ? `role ${grant.role}` : grant.form);
    for (const tool of agent.tools ?? []) count(coverage.forms, `tool ${tool.target}/${tool.tool}`);
  }
}

/**
 * Generated plans leave out grants a cloud's catalog cannot give exactly (`validPlan`, checked with
 * `planAgent`): the components must then accept every agent.
 */
function expectNoRefusals(refused: readonly { name: string; error: AgentSpecError }[]): void {
  expect(refused.map(({ error }) => error.message)).toEqual([]);
}

describe("property 3: agent-iam's own output passes the whole pack in mandatory mode", () => {
  it("the wildcard-only actions the generator grants are wildcard-only in the IAM catalog", () => {
    expect(wildcardOnlyActionsCheck()).toEqual([]);
  });

  it("regressions found by this property are refused at spec time, with the field", () => {
    const base = {
      owner: "keisha@acme.example",
      environment: "prod",
      expires: "2099-01-01",
      runsOn: { kind: "github-actions", repository: "acme/api" },
      aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/x" },
    };
    const refusal = (spec: object) => {
      try {
        planAgent("regression", spec, { today: "2026-11-23" });
        return [];
      } catch (error) {
        if (!(error instanceof AgentSpecError)) throw error;
        return error.problems.map((problem) => problem.path);
      }
    };
    // A purpose whose tag would keep 9 characters ("the Slack").
    expect(refusal({ ...base, purpose: "the Slack &" })).toEqual(["purpose"]);
    expect(refusal({ ...base, purpose: "the Slack & more" })).toEqual([]);
    // Write on a Lambda function is invoking it: UpdateFunctionCode, which runs code as the function's
    // role (an escalation the pack refuses), is in no grant.
    expect(
      refusal({
        ...base,
        purpose: "Deploys the api",
        grants: [{ resource: "arn:aws:lambda:us-east-1:123456789012:function:web", access: ["write"] }],
      }),
    ).toEqual([]);
    // An ECS deploy that does not name what it registers and passes.
    expect(
      refusal({
        ...base,
        purpose: "Deploys the api",
        grants: [{ resource: "arn:aws:ecs:us-east-1:123456789012:service/prod/web", access: ["write"] }],
      }),
    ).toEqual(["grants[0]"]);
    expect(
      refusal({
        ...base,
        purpose: "Deploys the api",
        grants: [{ resource: "arn:aws:lambda:us-east-1:123456789012:function:web", access: ["read"] }],
      }),
    ).toEqual([]);
  });

  it("generated programs: no diagnostic at all, every policy mandatory (pure checks, many programs)", async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary(), async (plan) => {
        const program = await recordProgram(plan);
        expectNoRefusals(program.declared.refused);
        coverage.created += program.declared.created.length;
        coverage.resources += program.stack.length;
        note(plan, program.declared.created);
        const { diagnostics, crashes } = judgeDirectly(program.analyze, program.stack, {
          config: packConfigOf(plan, { strict: true }),
          stack: { name: plan.environment, config: program.stackConfig },
        });
        expect(crashes.map((crash) => `${crash.policyName}: ${crash.error.message}`)).toEqual([]);
        expect(shown(diagnostics)).toEqual([]);
      }),
      runs(60),
    );
    console.log(
      `property 3 (soundness): ${coverage.programs} programs, ${coverage.created} agents judged, ${coverage.resources} resources\n` +
        table(
          ["covered", "agents"],
          [
            ...[...coverage.clouds].map(([cloud, n]) => [`cloud ${cloud}`, n]),
            ...[...coverage.presets].sort().map(([preset, n]) => [`preset ${preset}`, n]),
            ...[...coverage.forms].sort().map(([form, n]) => [`grant ${form}`, n]),
          ],
        ),
    );
    // The property says something only if the generator reached every cloud and preset.
    for (const cloud of ["aws", "gcp", "azure"] as const)
      expect(coverage.clouds.get(cloud) ?? 0, cloud).toBeGreaterThan(3);
    // Agents with tools on an AgentGateway, every target kind among them.
    for (const target of ["jira", "payments", "slack", "access"])
      expect(
        [...coverage.forms].some(([form, n]) => form.startsWith(`tool ${target}/`) && n > 0),
        target,
      ).toBe(true);
    for (const preset of ["github-actions", "gitlab-ci", "kubernetes", "oidc"])
      expect(
        [...coverage.presets.keys()].some((key) => key.startsWith(preset)),
        preset,
      ).toBe(true);
    // Sixty programs, gateways among them, each run under Pulumi's mocks: minutes on a loaded 2-core machine.
  }, 300_000);

  it("generated programs in a preview: only advisories, each saying what waits for apply", async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary({ maxAgents: 2 }), async (plan) => {
        const program = await recordProgram(plan, { preview: true });
        const { diagnostics, crashes } = judgeDirectly(program.analyze, program.stack, {
          config: packConfigOf(plan, { strict: true }),
          stack: { name: plan.environment, config: program.stackConfig },
        });
        expect(crashes.map((crash) => `${crash.policyName}: ${crash.error.message}`)).toEqual([]);
        expect(shown(diagnostics.filter((diagnostic) => diagnostic.enforcementLevel !== "advisory"))).toEqual([]);
        for (const diagnostic of diagnostics)
          expect(diagnostic.message).toMatch(/not known until apply|only known at apply|judged (again )?then/);
      }),
      runs(12),
    );
  });

  describe("through the pack's analyzer (gRPC), a sample", () => {
    let pack: PolicyPackProcess;
    const STACK = "prod";

    beforeAll(async () => {
      pack = await PolicyPackProcess.start("policy-pack", {
        config: { all: "mandatory" },
        stack: {
          name: STACK,
          project: "generated",
          config: { "agent-iam:environment": STACK, "agent-iam:permissionsBoundary": BOUNDARY },
        },
      });
    }, 60_000);

    afterAll(async () => {
      await pack?.close();
    });

    it("generated prod programs: no diagnostic at all", async () => {
      await fc.assert(
        fc.asyncProperty(programArbitrary({ environment: fc.constant(STACK), maxAgents: 2 }), async (plan) => {
          const program = await recordProgram(plan);
          await pack.configure(packConfigOf(plan, { strict: true }));
          expect(shown(await judgeThroughPack(pack, program.analyze, program.stack))).toEqual([]);
        }),
        runs(6),
      );
    });
  });
});
