import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runAll, SHARED_RUNS_TIMEOUT, type CliRun } from "../support/cli";
import { sarifLogSchema, type SarifLog } from "../support/sarif-schema";

/**
 * `agent-iam check` end to end on the two examples, with the project's own pack: the real CLI is
 * spawned (`node bin/agent-iam.js`), as a user or CI runs it. One run per program and format is
 * shared by the assertions below.
 */

const OUT = mkdtempSync(join(tmpdir(), "agent-iam-check-"));

/** The policies of the pack (their names are part of its interface). */
const PACK_POLICIES = [
  "no-static-credentials",
  "agent-must-have-owner",
  "agent-identity-registered",
  "no-overbroad-aws-scopes",
  "no-overbroad-gcp-scopes",
  "no-overbroad-azure-scopes",
  "federated-trust-pinned",
  "short-lived-credentials",
  "agent-identity-expiry",
  "environment-isolation",
  "high-risk-requires-approval",
  "permissions-boundary-required",
];

interface JsonViolation {
  policy: string;
  policyPack: string;
  enforcementLevel: string;
  urn: string;
  message: string;
  location: { file: string; line: number; column: number };
}
interface JsonDocument {
  check: { project: string; stack: string; passed: boolean; exitCode: number; mandatory: number };
  resources: {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    location: { file: string };
  }[];
  violations: JsonViolation[];
  agents: {
    id: string;
    owner: string;
    environment: string;
    clouds: string[];
    canDo: string[];
    runsOn: { subject: string };
  }[];
}

const parse = (run: CliRun): JsonDocument => JSON.parse(run.stdout) as JsonDocument;
const nameOf = (urn: string) => urn.split("::").slice(3).join("::");

function expectValidSarif(file: string): SarifLog {
  const parsed = sarifLogSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(`SARIF does not match the 2.1.0 schema: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`);
  const [run] = parsed.data.runs;
  const rules = run!.tool.driver.rules ?? [];
  expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
  for (const result of run!.results ?? []) {
    expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
    expect(result.locations?.[0]?.physicalLocation?.artifactLocation.uri).toBeTruthy();
    expect(result.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName).toMatch(/^urn:pulumi:/);
  }
  return parsed.data;
}

describe("examples/fleet passes the pack", () => {
  let dev: CliRun;
  let prod: CliRun;
  let human: CliRun;
  beforeAll(async () => {
    [dev, prod, human] = await runAll([
      [
        [
          "check",
          "examples/fleet",
          "--json",
          "--sarif",
          join(OUT, "fleet.sarif"),
          "--inventory",
          join(OUT, "fleet-inventory.json"),
        ],
      ],
      [["check", "examples/fleet", "--stack", "prod", "--json"]],
      [["check", "examples/fleet"]],
    ]);
  }, SHARED_RUNS_TIMEOUT);

  it("exits 0 in both environments with no mandatory violation", () => {
    for (const run of [dev, prod]) {
      expect(run.code, run.stderr).toBe(0);
      const document = parse(run);
      expect(document.check.passed).toBe(true);
      expect(document.violations.filter((violation) => violation.enforcementLevel === "mandatory")).toEqual([]);
    }
    expect(parse(dev).check.stack).toBe("dev");
    expect(parse(prod).check.stack).toBe("prod");
  });

  it("lists at least six agents on three clouds with owner, environment, subject and grants in words", () => {
    for (const [run, environment] of [
      [dev, "dev"],
      [prod, "prod"],
    ] as const) {
      const { agents } = parse(run);
      expect(agents.length).toBeGreaterThanOrEqual(6);
      expect(new Set(agents.flatMap((agent) => agent.clouds))).toEqual(new Set(["aws", "gcp", "azure"]));
      for (const agent of agents) {
        expect(agent.owner).toMatch(/@/);
        expect(agent.environment).toBe(environment);
        expect(agent.runsOn.subject).not.toMatch(/\*/);
        expect(agent.canDo.length).toBeGreaterThan(0);
      }
      expect(agents.map((agent) => agent.id)).toEqual([...agents.map((agent) => agent.id)].sort());
    }
  });

  it("records every resource with its URN, parent, inputs and outputs, sorted by URN", () => {
    const { resources } = parse(dev);
    expect(resources.length).toBeGreaterThan(20);
    expect(resources.map((resource) => resource.urn)).toEqual(resources.map((resource) => resource.urn).sort());
    // An agent's role (the tool gateway's execution role sorts first: agent-iam:aws:AgentGateway$…).
    const role = resources.find(
      (resource) => resource.type === "aws:iam/role:Role" && resource.urn.includes("AgentIdentity"),
    )!;
    expect(role.urn).toMatch(/^urn:pulumi:dev::agent-fleet::agent-iam:index:AgentIdentity\$.*aws:iam\/role:Role::/);
    expect(role.parent).toMatch(/^urn:pulumi:dev::agent-fleet::/);
    expect(role.outputs.arn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(role.location.file).toMatch(/^examples\/fleet\/.+\.ts$/);
  });

  it("prints the plan: each agent with its owner, then a passing summary", () => {
    expect(human.code, human.stderr).toBe(0);
    for (const agent of parse(dev).agents) {
      expect(human.stdout).toContain(agent.id);
      expect(human.stdout).toContain(`owner ${agent.owner}`);
    }
    expect(human.stdout.trim().split("\n").pop()).toMatch(/^✔ PASSED: no mandatory violation/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what the test looks for
    expect(human.stdout).not.toMatch(/\u001b\[/);
  });

  it("writes SARIF 2.1.0 whose rules are the pack's policies and whose results hold no error", () => {
    const sarif = expectValidSarif(join(OUT, "fleet.sarif"));
    const rules = sarif.runs[0]!.tool.driver.rules!.map((rule) => rule.id);
    for (const policy of PACK_POLICIES) expect(rules).toContain(policy);
    expect((sarif.runs[0]!.results ?? []).filter((result) => result.level === "error")).toEqual([]);
  });

  it("writes the inventory: one record per agent", () => {
    const inventory = JSON.parse(readFileSync(join(OUT, "fleet-inventory.json"), "utf8")) as {
      agents: { id: string }[];
    };
    expect(inventory.agents.map((agent) => agent.id).sort()).toEqual(
      parse(dev)
        .agents.map((agent) => agent.id)
        .sort(),
    );
  });
});

describe("examples/insecure fails with every relevant policy named", () => {
  let json: CliRun;
  let again: CliRun;
  let human: CliRun;
  beforeAll(async () => {
    [json, again, human] = await runAll([
      [["check", "examples/insecure", "--json", "--sarif", join(OUT, "insecure.sarif")]],
      [["check", "examples/insecure", "--json", "--sarif", join(OUT, "insecure-again.sarif")]],
      [["check", "examples/insecure"]],
    ]);
  }, SHARED_RUNS_TIMEOUT);

  /** For each mandatory policy, the resources of examples/insecure it must name (any one of them). */
  const EXPECTED: Record<string, string[]> = {
    "no-static-credentials": ["shared-bots-key", "data-bot-key"],
    "federated-trust-pinned": ["github-deployer", "code-review-agent"],
    "no-overbroad-aws-scopes": ["support-agent", "support-agent-admin", "code-review-agent-read-all"],
    "no-overbroad-gcp-scopes": ["data-bot-editor"],
    "no-overbroad-azure-scopes": ["ops-agent-contributor"],
    "agent-must-have-owner": ["nightly-report-bot"],
    "short-lived-credentials": ["github-deployer"],
  };

  it("exits 1", () => {
    expect(json.code, json.stderr).toBe(1);
    expect(parse(json).check.passed).toBe(false);
  });

  it.each(Object.entries(EXPECTED))("%s blocks the hand-written resource it owns", (policy, names) => {
    const hits = parse(json).violations.filter((violation) => violation.policy === policy);
    expect(hits.length, `${policy} reported nothing`).toBeGreaterThan(0);
    expect(hits.every((violation) => violation.enforcementLevel === "mandatory")).toBe(true);
    expect(
      hits.map((violation) => nameOf(violation.urn)).some((name) => names.includes(name)),
      `${policy} named ${hits.map((v) => nameOf(v.urn)).join(", ")}`,
    ).toBe(true);
    for (const name of names.filter((candidate) => !candidate.endsWith("-admin") && candidate !== "support-agent"))
      expect(hits.map((violation) => nameOf(violation.urn))).toContain(name);
  });

  it("points each violation at the line that declared the resource", () => {
    const source = readFileSync("examples/insecure/index.ts", "utf8").split("\n");
    const { violations } = parse(json);
    const key = violations.find((violation) => nameOf(violation.urn) === "shared-bots-key")!;
    expect(key.location.file).toBe("examples/insecure/index.ts");
    expect(source[key.location.line - 1]).toContain('new aws.iam.AccessKey("shared-bots-key"');
    const editor = violations.find((violation) => nameOf(violation.urn) === "data-bot-editor")!;
    expect(source[editor.location.line - 1]).toContain('new projects.IAMMember("data-bot-editor"');
  });

  it("prints violations grouped by policy with the resource, and a failing summary", () => {
    expect(human.code).toBe(1);
    for (const policy of Object.keys(EXPECTED))
      expect(human.stdout).toMatch(new RegExp(`✖ ${policy} · mandatory · \\d+`));
    expect(human.stdout).toContain('aws:iam/accessKey:AccessKey "shared-bots-key" examples/insecure/index.ts:');
    expect(human.stdout.trim().split("\n").pop()).toMatch(/^✖ FAILED: \d+ mandatory violations?/);
  });

  it("writes SARIF with one error result per mandatory violation, at the program's file and line", () => {
    const sarif = expectValidSarif(join(OUT, "insecure.sarif"));
    const results = sarif.runs[0]!.results ?? [];
    const mandatory = parse(json).violations.filter((violation) => violation.enforcementLevel === "mandatory");
    expect(results.filter((result) => result.level === "error")).toHaveLength(mandatory.length);
    for (const policy of Object.keys(EXPECTED))
      expect(results.some((result) => result.ruleId === policy && result.level === "error")).toBe(true);
    const key = results.find((result) => result.locations![0]!.logicalLocations![0]!.name === "shared-bots-key")!;
    expect(key.locations![0]!.physicalLocation!.artifactLocation.uri).toBe("examples/insecure/index.ts");
    expect(key.locations![0]!.physicalLocation!.region!.startLine).toBe(
      parse(json).violations.find((violation) => nameOf(violation.urn) === "shared-bots-key")!.location.line,
    );
  });

  it("is deterministic: two runs give byte-identical JSON and SARIF, with no absolute paths", () => {
    expect(again.stdout).toBe(json.stdout);
    const sarif = readFileSync(join(OUT, "insecure.sarif"), "utf8");
    expect(readFileSync(join(OUT, "insecure-again.sarif"), "utf8")).toBe(sarif);
    for (const text of [json.stdout, sarif]) {
      expect(text).not.toContain(process.cwd());
      expect(text).not.toContain(tmpdir());
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });
});
