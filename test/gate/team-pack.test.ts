import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT, REPO, runAll, SHARED_RUNS_TIMEOUT, TEAM_PACK, writeProgram, type CliRun } from "../support/cli";

/**
 * Any CrossGuard pack runs through `agent-iam check`, not only the project's: a team's own pack
 * (test/fixtures/cli-pack, written against @pulumi/policy the ordinary way) on a program the test
 * writes to a temporary folder, with Pulumi's policy config format, several packs at once, and
 * `--preview`.
 */

const PROGRAM = `
import * as aws from "@pulumi/aws";

console.log("team-infra: declaring resources");

const user = new aws.iam.User("legacy-bot", { name: "legacy-bot" });
new aws.iam.AccessKey("legacy-bot-key", { user: user.name });
new aws.iam.Role("described", { assumeRolePolicy: "{}", description: "Runs the nightly export" });
new aws.iam.Role("undescribed", { assumeRolePolicy: "{}" });
`;

interface Violation {
  policy: string;
  policyPack: string;
  enforcementLevel: string;
  urn: string;
}

const violationsOf = (run: CliRun) => (JSON.parse(run.stdout) as { violations: Violation[] }).violations;
const nameOf = (urn: string) => urn.split("::").slice(3).join("::");

describe("a team's own pack on a temporary program", () => {
  const dir = writeProgram({
    "Pulumi.yaml": PROJECT("team-infra"),
    "index.ts": PROGRAM,
    "relaxed.json": JSON.stringify({ "team-no-iam-users": "advisory" }),
    "strict.json": JSON.stringify({ all: "mandatory", "team-max-resources": { maximum: 2 } }),
    "typo.json": JSON.stringify({ "team-no-iam-user": "advisory" }),
    "bad-property.json": JSON.stringify({ "team-max-resources": { maximum: "many" } }),
    "split.json": JSON.stringify({ "team-no-iam-users": "advisory", "no-static-credentials": "advisory" }),
  });
  let plain: CliRun;
  let relaxed: CliRun;
  let strict: CliRun;
  let typo: CliRun;
  let preview: CliRun;
  let both: CliRun;
  let badProperty: CliRun;
  let split: CliRun;
  beforeAll(async () => {
    [plain, relaxed, strict, typo, preview, both, badProperty, split] = await runAll([
      [["check", dir, "--policy-pack", TEAM_PACK, "--json"]],
      [["check", "--policy-pack", TEAM_PACK, "--config", "relaxed.json", "--json"], { cwd: dir }],
      [["check", dir, "--policy-pack", TEAM_PACK, "--config", join(dir, "strict.json"), "--json"]],
      [["check", dir, "--policy-pack", TEAM_PACK, "--config", join(dir, "typo.json")]],
      [["check", dir, "--policy-pack", TEAM_PACK, "--preview", "--json"]],
      [["check", dir, "--policy-pack", TEAM_PACK, "--policy-pack", join(REPO, "policy-pack"), "--json"]],
      [["check", dir, "--policy-pack", TEAM_PACK, "--config", join(dir, "bad-property.json")]],
      [
        [
          "check",
          dir,
          "--policy-pack",
          TEAM_PACK,
          "--policy-pack",
          join(REPO, "policy-pack"),
          "--config",
          join(dir, "split.json"),
          "--json",
        ],
      ],
    ]);
  }, SHARED_RUNS_TIMEOUT);

  it("reports the pack's violations at their levels and exits 1 on the mandatory one", () => {
    expect(plain.code, plain.stderr).toBe(1);
    // The program's own console output goes to stderr: stdout holds only the JSON document.
    expect(plain.stderr).toContain("team-infra: declaring resources");
    const violations = violationsOf(plain);
    expect(
      violations.map((violation) => [violation.policy, violation.enforcementLevel, nameOf(violation.urn)]),
    ).toEqual([
      ["team-no-iam-users", "mandatory", "legacy-bot"],
      ["team-role-description", "advisory", "undescribed"],
    ]);
    expect(violations.every((violation) => violation.policyPack === "team-pack")).toBe(true);
  });

  it("takes Pulumi's policy config: a policy lowered to advisory no longer fails the check", () => {
    expect(relaxed.code, relaxed.stderr).toBe(0);
    expect(violationsOf(relaxed).find((violation) => violation.policy === "team-no-iam-users")?.enforcementLevel).toBe(
      "advisory",
    );
  });

  it("passes policy properties and `all`: the stack policy sees its threshold and reports on the stack", () => {
    expect(strict.code, strict.stderr).toBe(1);
    const stackWide = violationsOf(strict).find((violation) => violation.policy === "team-max-resources")!;
    expect(stackWide.enforcementLevel).toBe("mandatory");
    expect(stackWide.urn).toBe("urn:pulumi:dev::team-infra::pulumi:pulumi:Stack::team-infra-dev");
    expect(
      violationsOf(strict).find((violation) => violation.policy === "team-role-description")?.enforcementLevel,
    ).toBe("mandatory");
  });

  it("refuses config for a policy no pack has (a typo would leave the policy at its default)", () => {
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /^error: --config .*typo\.json: "team-no-iam-user" is not a policy of the pack; the policies are team-max-resources, team-no-iam-users, team-role-description/m,
    );
  });

  it("--preview still finds what does not depend on unknown values", () => {
    expect(preview.code, preview.stderr).toBe(1);
    expect(violationsOf(preview).map((violation) => violation.policy)).toContain("team-no-iam-users");
  });

  it("runs several packs in one check and keeps their violations apart", () => {
    expect(both.code, both.stderr).toBe(1);
    const packs = new Set(violationsOf(both).map((violation) => violation.policyPack));
    expect(packs.has("team-pack")).toBe(true);
    expect(packs.size).toBe(2);
  });

  it("refuses a property that breaks the policy's config schema", () => {
    expect(badProperty.code).toBe(2);
    expect(badProperty.stderr).toMatch(
      /^error: --config .*bad-property\.json: [\s\S]*team-max-resources\.maximum: expected number/m,
    );
    expect(badProperty.stderr).toContain("maximum");
  });

  it("splits one config file between several packs: each gets the entries that name its policies", () => {
    expect(split.code, split.stderr).toBe(0);
    const violations = violationsOf(split);
    expect(violations.find((violation) => violation.policy === "team-no-iam-users")?.enforcementLevel).toBe("advisory");
    expect(violations.find((violation) => violation.policy === "no-static-credentials")?.enforcementLevel).toBe(
      "advisory",
    );
  });
});
