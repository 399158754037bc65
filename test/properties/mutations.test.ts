import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyPackProcess } from "../../src/gate/analyzer";
import { judgeThroughPack, shown } from "../support/analyzer-run";
import {
  packConfigOf,
  programArbitrary,
  recordProgram,
  type JudgeableProgram,
  type ProgramPlan,
} from "../support/compliant-programs";
import { OPERATORS, type MutationContext, type Mutant, type MutationOperator } from "../support/mutations";
import { judgeDirectly, type DirectConfig } from "../support/pack-direct";
import { runs, table } from "../support/property";
import { anyToken } from "../support/secret-tokens";

/**
 * Hostile input, property 4 (completeness): mutations that make a compliant resource insecure are
 * each caught by the policy that owns them. Programs are generated as for soundness; every operator
 * (`test/support/mutations.ts`) is applied to every resource of the program it can change, and the
 * owning policy must report a mandatory violation for each mutant. The score per operator is printed
 * (killed / mutants) and must be 100 %.
 *
 * The pack runs at its default levels, with the configuration a strict team writes: the program's
 * own thresholds, `departedOwners`, the stack's permissions boundary and environment, and
 * `allowApprovedBroadScopes: false` (by default an approved agent may hold a subscription-wide
 * assignment; a team that refuses those says so).
 */

const score = new Map<string, { owner: string; mutants: number; killed: number }>(
  OPERATORS.map((operator) => [operator.name, { owner: operator.owner, mutants: 0, killed: 0 }]),
);
const survivors: string[] = [];

function configFor(plan: ProgramPlan): DirectConfig {
  return { ...packConfigOf(plan), "no-overbroad-azure-scopes": { allowApprovedBroadScopes: false } };
}

function contextFor(plan: ProgramPlan, secret: string): MutationContext {
  const config = packConfigOf(plan) as Record<string, { maxSessionSeconds?: number; maxExpiryDays?: number }>;
  return {
    maxSessionSeconds: config["short-lived-credentials"]!.maxSessionSeconds!,
    maxExpiryDays: config["agent-identity-expiry"]!.maxExpiryDays!,
    secret,
  };
}

/** Whether the owner of the operator reports a mandatory violation for the mutant. */
function killed(
  operator: MutationOperator,
  mutant: Mutant,
  program: JudgeableProgram,
): { killed: boolean; said: string[] } {
  const { diagnostics, crashes } = judgeDirectly(mutant.analyze, mutant.stack, {
    config: configFor(program.plan),
    stack: { name: program.plan.environment, config: program.stackConfig },
    policies: [operator.owner],
  });
  if (crashes.length > 0) throw crashes[0]!.error;
  return {
    killed: diagnostics.some((diagnostic) => diagnostic.enforcementLevel === "mandatory"),
    said: shown(diagnostics),
  };
}

afterAll(() => {
  const rows = [...score].map(
    ([name, entry]) =>
      [
        name,
        entry.owner,
        entry.mutants,
        entry.killed,
        entry.mutants === 0 ? "n/a" : `${((100 * entry.killed) / entry.mutants).toFixed(1)} %`,
      ] as const,
  );
  const total = [...score.values()].reduce(
    (sum, entry) => ({ mutants: sum.mutants + entry.mutants, killed: sum.killed + entry.killed }),
    { mutants: 0, killed: 0 },
  );
  console.log(
    `property 4 (completeness): mutation score ${total.killed}/${total.mutants}` +
      (total.mutants > 0 ? ` (${((100 * total.killed) / total.mutants).toFixed(1)} %)` : "") +
      `\n${table(["operator", "owning policy", "mutants", "killed", "score"], rows)}` +
      (survivors.length > 0 ? `\nsurvivors:\n${survivors.slice(0, 20).join("\n")}` : ""),
  );
});

/**
 * Three production programs with an enabled AWS agent on GitHub Actions, from a fixed seed, run before
 * the random ones: operators that apply only there (a prod trust moved to pull_request) always meet
 * resources, whatever the random programs hold.
 */
const PRODUCTION_GITHUB_EXAMPLES = fc.sample(
  fc.tuple(
    programArbitrary({ rich: true, environment: fc.constant("prod") }).filter((plan) =>
      plan.agents.some(
        (agent) =>
          !agent.disabled &&
          agent.clouds.includes("aws") &&
          agent.runsOn.issuerUrl === "https://token.actions.githubusercontent.com",
      ),
    ),
    anyToken,
  ),
  { seed: 20261206, numRuns: 3 },
);

describe("property 4: every insecure mutation of a compliant program is caught by the policy that owns it", () => {
  it("generated programs: each operator on each resource it applies to (pure checks)", async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary({ rich: true }), anyToken, async (plan, secret) => {
        const program = await recordProgram(plan);
        const config = configFor(plan);
        // The unmutated program passes: a kill is the mutation's doing.
        const baseline = judgeDirectly(program.analyze, program.stack, {
          config,
          stack: { name: plan.environment, config: program.stackConfig },
        });
        expect(shown(baseline.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory"))).toEqual(
          [],
        );
        const lost: string[] = [];
        for (const operator of OPERATORS) {
          for (const mutant of operator.mutants(program, contextFor(plan, secret.text))) {
            const entry = score.get(operator.name)!;
            entry.mutants++;
            const verdict = killed(operator, mutant, program);
            if (verdict.killed) entry.killed++;
            else {
              const agent = plan.agents.find(
                (candidate) =>
                  mutant.target.endsWith(`::${candidate.name}`) || mutant.target.includes(`::${candidate.name}-`),
              );
              const line = `${operator.name} on ${mutant.target}${operator.name === "plant-literal-secret" ? ` (${secret.id})` : ""}${agent?.disabled ? " (agent disabled)" : ""}: ${operator.owner} said ${JSON.stringify(verdict.said)}`;
              survivors.push(line);
              lost.push(line);
            }
          }
        }
        expect(lost).toEqual([]);
      }),
      // No shrinking: each run counts once in the score (replay a failure with FC_SEED and FC_PATH).
      { ...runs(35), endOnFailure: true, examples: PRODUCTION_GITHUB_EXAMPLES },
    );
    // Every operator met resources it applies to, or its score says nothing.
    for (const [name, entry] of score) expect(entry.mutants, name).toBeGreaterThanOrEqual(3);
    // Thirty-five programs, gateways among them, under Pulumi's mocks: minutes on a loaded 2-core machine.
  }, 360_000);

  it("through the pack's analyzer (gRPC): the first mutant of each operator on generated prod programs", async () => {
    // Generated prod programs, until every operator has found something to change.
    const found = new Map<string, { program: JudgeableProgram; mutant: Mutant }>();
    for (const plan of fc.sample(programArbitrary({ environment: fc.constant("prod"), maxAgents: 2, rich: true }), {
      numRuns: 60,
      seed: 20261123,
    })) {
      if (found.size === OPERATORS.length) break;
      const program = await recordProgram(plan);
      for (const operator of OPERATORS) {
        const first = found.has(operator.name)
          ? undefined
          : operator.mutants(program, contextFor(plan, "ghp_" + "R8sQ2nVx7LkP4mZt9WcY1bHd6FgJ3aEu5NiO"))[0];
        if (first) found.set(operator.name, { program, mutant: first });
      }
    }
    expect(OPERATORS.filter((operator) => !found.has(operator.name)).map((operator) => operator.name)).toEqual([]);
    const stackConfig = [...found.values()][0]!.program.stackConfig;
    const pack = await PolicyPackProcess.start("policy-pack", {
      stack: { name: "prod", project: "generated", config: stackConfig },
    });
    // Operators share programs: each unmutated program is judged once.
    const judgedBefore = new Set<JudgeableProgram>();
    try {
      for (const operator of OPERATORS) {
        const { program, mutant } = found.get(operator.name)!;
        await pack.configure(configFor(program.plan));
        if (!judgedBefore.has(program)) {
          judgedBefore.add(program);
          expect(
            shown(
              (await judgeThroughPack(pack, program.analyze, program.stack)).filter(
                (diagnostic) => diagnostic.enforcementLevel === "mandatory",
              ),
            ),
            `${operator.name}: before`,
          ).toEqual([]);
        }
        const diagnostics = await judgeThroughPack(pack, mutant.analyze, mutant.stack);
        const mine = diagnostics.filter(
          (diagnostic) => diagnostic.policyName === operator.owner && diagnostic.enforcementLevel === "mandatory",
        );
        expect(mine.length, `${operator.name}: ${JSON.stringify(shown(diagnostics))}`).toBeGreaterThan(0);
      }
    } finally {
      await pack.close();
    }
  }, 240_000);
});
