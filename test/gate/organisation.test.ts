import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { inventoryDocumentSchema } from "../../src/model/inventory/schema";
import { type CliRun, PROJECT, programFolder, runAll, SHARED_RUNS_TIMEOUT, STACK_FRAME, shown } from "../support/cli";
import { sarifLogSchema, type SarifLog } from "../support/sarif-schema";

/**
 * `agent-iam check DIR` on a folder of several programs, end to end with the real CLI: a clean
 * program, an insecure one, one that fails while it loads and one with two stacks
 * (test/fixtures/organisation/programs), and examples/organisation, whose programs pass alone and
 * fail together. Every report holds every program, each item with its project and stack; the exit
 * code is the worst of all.
 */

const OUT = mkdtempSync(join(tmpdir(), "agent-iam-organisation-"));
const FIXTURES = "test/fixtures/organisation/programs";

interface Located {
  project: string;
  stack: string;
  urn: string;
}
interface OrganisationDocument {
  check: {
    organisation: string;
    programs: number;
    failed: number;
    parallelism: number;
    passed: boolean;
    exitCode: number;
    mandatory: number;
  };
  programs: {
    project: string;
    stack: string;
    path: string;
    exitCode: number;
    resources: number;
    error?: { kind: string; message: string; location?: { file: string; line: number } };
  }[];
  skipped: string[];
  resources: (Located & { type: string; location: { file: string } })[];
  violations: (Located & {
    policy: string;
    enforcementLevel: string;
    message: string;
    location?: { file: string; line: number };
    crossStack?: boolean;
    related?: (Located & { location?: { file: string; line: number } })[];
  })[];
  agents: (Located & { id: string; environment: string })[];
}

const parse = (run: CliRun) => JSON.parse(run.stdout) as OrganisationDocument;
/** The project and stack a URN names. */
const urnTarget = (urn: string) => {
  const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn) ?? [];
  return { project, stack };
};

function sarifOf(file: string): SarifLog {
  const parsed = sarifLogSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(`SARIF does not match the 2.1.0 schema: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`);
  return parsed.data;
}

describe("agent-iam check on a folder of several programs", () => {
  let json: CliRun;
  let human: CliRun;
  let prod: CliRun;
  let example: CliRun;
  let exampleAdvisory: CliRun;
  let single: CliRun;
  let odd: CliRun;
  let unknownStack: CliRun;
  let badConfig: CliRun;
  let unknownPolicy: CliRun;
  let twoStacksOfOne: CliRun;
  let oddDir: string;

  beforeAll(async () => {
    oddDir = programFolder("agent-iam-org-");
    // A project whose Pulumi.yaml is not valid, a program below node_modules and one in a hidden folder (neither is looked at), and a program with no agent.
    for (const [file, text] of [
      ["bad/Pulumi.yaml", "runtime: nodejs\n"],
      ["node_modules/some-package/Pulumi.yaml", PROJECT("vendored")],
      ["node_modules/some-package/index.ts", 'throw new Error("a vendored program was run");\n'],
      [".cache/Pulumi.yaml", PROJECT("hidden")],
      [".cache/index.ts", 'throw new Error("a hidden program was run");\n'],
      ["quiet/Pulumi.yaml", PROJECT("quiet")],
      ["quiet/index.ts", "export const nothing = true;\n"],
    ]) {
      mkdirSync(join(oddDir, file, ".."), { recursive: true });
      writeFileSync(join(oddDir, file), text);
    }
    const advisoryConfig = join(OUT, "advisory.json");
    writeFileSync(
      advisoryConfig,
      JSON.stringify({ "agent-name-unique": "advisory", "federated-trust-pinned": { enforcementLevel: "advisory" } }),
    );
    const badConfigFile = join(OUT, "bad.json");
    writeFileSync(badConfigFile, JSON.stringify({ "agent-name-unique": { maxAgents: 3 } }));
    const unknownPolicyFile = join(OUT, "unknown.json");
    writeFileSync(unknownPolicyFile, JSON.stringify({ "no-such-policy": "advisory" }));
    [json, human, prod, example, exampleAdvisory, single, odd, unknownStack, badConfig, unknownPolicy, twoStacksOfOne] =
      await runAll([
        [
          [
            "check",
            FIXTURES,
            "--json",
            "--sarif",
            join(OUT, "fixtures.sarif"),
            "--inventory",
            join(OUT, "fixtures-inventory.json"),
          ],
        ],
        [["check", FIXTURES]],
        [["check", FIXTURES, "--stack", "prod", "--json"]],
        [["check", "examples/organisation", "--json", "--sarif", join(OUT, "example.sarif")]],
        [["check", "examples/organisation", "--config", advisoryConfig]],
        [["check", `${FIXTURES}/two-stacks`, "--json"]],
        [["check", oddDir, "--jobs", "2"]],
        [["check", FIXTURES, "--stack", "qa"]],
        [["check", "examples/organisation", "--config", badConfigFile]],
        [["check", "examples/organisation", "--config", unknownPolicyFile]],
        [["check", "examples/fleet", "--stack", "dev", "--stack", "prod"]],
      ]);
  }, SHARED_RUNS_TIMEOUT);

  it("checks every project × stack, and exits 2 naming the program that failed to run while reporting the others", () => {
    expect(json.code, json.stderr).toBe(2);
    const document = parse(json);
    expect(document.check).toMatchObject({
      organisation: FIXTURES,
      programs: 5,
      failed: 1,
      passed: false,
      exitCode: 2,
    });
    expect(document.check.parallelism).toBeGreaterThanOrEqual(1);
    expect(document.programs.map((program) => `${program.project}/${program.stack} ${program.exitCode}`)).toEqual([
      "org-broken/dev 2",
      "org-clean/prod 0",
      "org-insecure/prod 1",
      "org-two-stacks/dev 0",
      "org-two-stacks/prod 0",
    ]);
    const broken = document.programs[0]!;
    expect(broken.error).toMatchObject({
      message: "teamsUrl is not set: the team list cannot be read",
      location: { file: `${FIXTURES}/broken/index.ts`, line: 5 },
    });
    expect(json.stderr).toContain("org-broken/dev: error: the program failed to run at");
    expect(json.stderr).not.toMatch(STACK_FRAME);
    expect(
      document.programs.filter((program) => program.exitCode !== 2).every((program) => program.resources > 0),
    ).toBe(true);
  });

  it("puts the project and stack on every resource, violation and agent of the JSON document", () => {
    const document = parse(json);
    expect(document.resources.length).toBeGreaterThan(20);
    for (const item of [...document.resources, ...document.violations, ...document.agents])
      expect({ project: item.project, stack: item.stack }).toEqual(urnTarget(item.urn));
    for (const resource of document.resources)
      expect(resource.location.file.startsWith(`${FIXTURES}/`), resource.location.file).toBe(true);
    expect(
      document.violations
        .filter((violation) => violation.enforcementLevel === "mandatory")
        .map((violation) => `${violation.project}/${violation.stack} ${violation.policy}`),
    ).toEqual(["org-insecure/prod no-static-credentials", "org-insecure/prod no-static-credentials"]);
    expect(document.agents.map((agent) => `${agent.project}/${agent.stack} ${agent.id} ${agent.environment}`)).toEqual([
      "org-clean/prod build-reporter prod",
      "org-two-stacks/dev release-notes dev",
      "org-two-stacks/prod release-notes prod",
    ]);
  });

  it("writes one SARIF run whose results are located in their own programs' files, with project and stack", () => {
    const sarif = sarifOf(join(OUT, "fixtures.sarif"));
    expect(sarif.runs).toHaveLength(1);
    const results = sarif.runs[0]!.results ?? [];
    expect(results.length).toBe(parse(json).violations.length);
    for (const result of results) {
      const { project, stack } = result.properties as { project: string; stack: string };
      const urn = result.locations![0]!.logicalLocations![0]!.fullyQualifiedName!;
      expect({ project, stack }).toEqual(urnTarget(urn));
      const folder = { "org-clean": "clean", "org-insecure": "insecure", "org-two-stacks": "two-stacks" }[project];
      expect(result.locations![0]!.physicalLocation!.artifactLocation.uri).toBe(`${FIXTURES}/${folder}/index.ts`);
    }
  });

  it("writes one inventory of every program's agents, each record with its project and stack", () => {
    const inventory = JSON.parse(readFileSync(join(OUT, "fixtures-inventory.json"), "utf8"));
    expect(inventoryDocumentSchema.safeParse(inventory).success).toBe(true);
    expect(
      inventory.agents.map(
        (agent: { project: string; stack: string; id: string }) => `${agent.project} ${agent.stack} ${agent.id}`,
      ),
    ).toEqual([
      "org-clean org-clean/prod build-reporter",
      "org-two-stacks org-two-stacks/dev release-notes",
      "org-two-stacks org-two-stacks/prod release-notes",
    ]);
    expect(inventory.source.kind).toBe("program");
    expect([...inventory.source.from].sort()).toEqual(
      [`${FIXTURES}/clean (stack prod)`, `${FIXTURES}/insecure (stack prod)`]
        .concat([`${FIXTURES}/two-stacks (stack dev)`, `${FIXTURES}/two-stacks (stack prod)`])
        .sort(),
    );
  });

  it("prints the plan grouped by project and stack, and one summary line naming what could not be checked", () => {
    expect(human.code).toBe(2);
    const text = human.stdout;
    expect(text.split("\n")[0]).toMatch(new RegExp(`check ${FIXTURES} · 5 programs in 4 projects · \\d+ at a time`));
    const sections = [...text.matchAll(/^━━ (\S+) · (\S+)/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(sections).toEqual([
      `org-broken/dev ${FIXTURES}/broken`,
      `org-clean/prod ${FIXTURES}/clean`,
      `org-insecure/prod ${FIXTURES}/insecure`,
      `org-two-stacks/dev ${FIXTURES}/two-stacks`,
      `org-two-stacks/prod ${FIXTURES}/two-stacks`,
    ]);
    expect(text).toContain("  ✖ NOT CHECKED: the program could not be checked");
    expect(text).toMatch(/no-static-credentials · mandatory · 2/);
    expect(text.trimEnd().split("\n").pop()).toMatch(
      /^✖ NOT ALL CHECKED: 1 program could not be checked \(org-broken\/dev\); 2 mandatory violations \(1 of 5 programs fail on their own\)/,
    );
    expect(text).not.toMatch(STACK_FRAME);
  });

  it("--stack keeps the named stacks and says which projects it left out", () => {
    expect(prod.code, prod.stderr).toBe(1);
    const document = parse(prod);
    expect(document.programs.map((program) => `${program.project}/${program.stack}`)).toEqual([
      "org-clean/prod",
      "org-insecure/prod",
      "org-two-stacks/prod",
    ]);
    expect(document.skipped).toEqual([`${FIXTURES}/broken (org-broken): no Pulumi.prod.yaml; its stacks are dev`]);
    expect(unknownStack.code).toBe(2);
    expect(unknownStack.stderr).toContain(
      `--stack qa: no project under ${FIXTURES} has that stack; the stacks there are dev, prod`,
    );
  });

  it("judges the programs together: examples/organisation passes program by program and fails across stacks", () => {
    expect(example.code, example.stderr).toBe(1);
    const document = parse(example);
    expect(document.programs.every((program) => program.exitCode === 0)).toBe(true);
    const across = document.violations.filter((violation) => violation.crossStack);
    expect(
      across
        .map(
          (violation) =>
            `${violation.policy} ${violation.project}/${violation.stack} ${violation.urn.split("::").pop()}`,
        )
        .sort(),
    ).toEqual([
      "agent-name-unique payments-agents/prod invoice-reader",
      "agent-name-unique support-agents/prod invoice-reader",
      "federated-trust-pinned payments-agents/prod invoice-reader",
      "federated-trust-pinned support-agents/prod ticket-triage",
    ]);
    for (const violation of across) {
      expect(violation.enforcementLevel).toBe("mandatory");
      expect(violation.location?.file).toBe(
        `examples/organisation/${violation.project.replace("-agents", "")}/index.ts`,
      );
      expect(violation.related).toHaveLength(1);
      expect(violation.related![0]!.location?.file).toMatch(/^examples\/organisation\/(payments|support)\/index\.ts$/);
      expect(violation.related![0]!.project).not.toBe(violation.project);
    }
    const sarif = sarifOf(join(OUT, "example.sarif"));
    const results = (sarif.runs[0]!.results ?? []).filter(
      (result) => (result.properties as { crossStack?: boolean }).crossStack,
    );
    expect(results).toHaveLength(4);
    for (const result of results)
      expect(result.relatedLocations?.[0]?.physicalLocation?.artifactLocation.uri).toMatch(/index\.ts$/);
    expect(sarif.runs[0]!.tool.driver.rules!.map((rule) => rule.id)).toContain("agent-name-unique");
  });

  it("applies the config's levels to the cross-stack policies, and refuses a property they do not have", () => {
    expect(exampleAdvisory.code, exampleAdvisory.stdout).toBe(0);
    expect(exampleAdvisory.stdout).toMatch(/⚠ agent-name-unique · advisory · 2/);
    expect(exampleAdvisory.stdout).toMatch(/⚠ federated-trust-pinned · advisory · 2/);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('"agent-name-unique" has no config properties');
  });

  it("says a usage error every program hit once, with no report", () => {
    expect(unknownPolicy.code).toBe(2);
    expect(unknownPolicy.stdout).toBe("");
    expect(unknownPolicy.stderr.match(/"no-such-policy" is not a policy of the pack/g)).toHaveLength(1);
  });

  it("keeps a folder holding Pulumi.yaml one program, checked as before", () => {
    expect(twoStacksOfOne.code).toBe(2);
    expect(twoStacksOfOne.stderr).toContain(
      "error: --stack dev --stack prod: examples/fleet is one program, checked as one stack; run the check once per stack",
    );
    expect(single.code, single.stderr).toBe(0);
    const document = JSON.parse(single.stdout);
    expect(Object.keys(document)).toEqual(["check", "resources", "outputs", "violations", "agents"]);
    expect(document.check).toMatchObject({ project: "org-two-stacks", stack: "dev" });
  });

  it("skips node_modules and hidden folders, and reports a project file that is not valid as not checked", () => {
    expect(odd.code, odd.stderr).toBe(2);
    const text = odd.stdout;
    expect(text).toContain(`━━ ${shown(oddDir)}/bad`);
    expect(text).toContain("Pulumi.yaml is not valid: name: name is required (the project name)");
    expect(text).toMatch(/━━ quiet\/dev/);
    expect(text).not.toMatch(/vendored|hidden/);
    expect(`${odd.stdout}${odd.stderr}`).not.toMatch(/was run/);
    expect(text.split("\n")[0]).toMatch(/2 programs in 2 projects · 2 at a time \(--jobs 2\)/);
  });
});
