import { beforeAll, describe, expect, it } from "vitest";
import { agentSummaries } from "../../src/gate/cli/check/agents";
import type { CheckResult } from "../../src/gate/cli/check/run-check";
import { violationsFrom, type DiagnosticLike } from "../../src/gate/cli/check/violations";
import { colorEnabled, colorsFor } from "../../src/gate/cli/io";
import { SILENT_PROGRESS, terminalProgress } from "../../src/gate/cli/progress";
import { humanReport } from "../../src/gate/cli/report/human";
import { jsonReport } from "../../src/gate/cli/report/json";
import { sarifLog } from "../../src/gate/cli/report/sarif";
import { loadProject } from "../../src/gate/program/project";
import { runProject } from "../../src/gate/program/run";
import { sarifLogSchema } from "../support/sarif-schema";
import { PROJECT, writeProgram } from "../support/cli";

/** The reports of `agent-iam check`, on a recorded program with diagnostics from two packs. */

const tty = (written: string[]) => ({ isTTY: true, columns: 80, write: (text: string) => void written.push(text) });

describe("colours", () => {
  it.each([
    ["a terminal", true, {}, true],
    ["a pipe", false, {}, false],
    ["a terminal with NO_COLOR", true, { NO_COLOR: "1" }, false],
    ["a dumb terminal", true, { TERM: "dumb" }, false],
    ["a pipe with FORCE_COLOR", false, { FORCE_COLOR: "1" }, true],
    ["a terminal with FORCE_COLOR=0 and NO_COLOR", true, { FORCE_COLOR: "0", NO_COLOR: "1" }, false],
  ] as const)("%s", (_label, isTTY, env, expected) => {
    expect(colorEnabled({ isTTY, write: () => undefined }, env)).toBe(expected);
  });
});

describe("the progress indicator", () => {
  it("says nothing when stderr is not a terminal", () => {
    expect(terminalProgress({ isTTY: false, write: () => undefined })).toBe(SILENT_PROGRESS);
  });

  it("says nothing on a quick run, even on a terminal", () => {
    const written: string[] = [];
    const progress = terminalProgress(tty(written), 60_000);
    progress.count("checking resources", 1, 2);
    progress.stop();
    expect(written).toEqual([]);
  });

  it("on a long run, shows what it does on one line and erases it at the end", async () => {
    const written: string[] = [];
    const progress = terminalProgress(tty(written), 0);
    progress.count("checking resources", 12, 40);
    await new Promise((done) => setTimeout(done, 250));
    progress.stop();
    expect(written.some((text) => text.includes("checking resources 12/40"))).toBe(true);
    expect(written.every((text) => text.startsWith("\r"))).toBe(true);
    expect(written[written.length - 1]).toBe("\r\u001b[2K");
  });
});

describe("reports", () => {
  let result: CheckResult;
  let dir: string;
  beforeAll(async () => {
    dir = writeProgram({
      "Pulumi.yaml": PROJECT("reports"),
      "index.ts": [
        'import * as aws from "@pulumi/aws";',
        'const user = new aws.iam.User("deployer", { name: "deployer" });',
        'new aws.iam.AccessKey("deployer-key", { user: user.name });',
        "",
      ].join("\n"),
    });
    const project = loadProject(dir);
    const recorded = await runProject(project);
    const urnOf = (name: string) => recorded.resources.find((resource) => resource.name === name)!.urn;
    const diagnostic = (
      policyName: string,
      policyPackName: string,
      enforcementLevel: string,
      urn: string | undefined,
      message: string,
    ): DiagnosticLike => ({
      policyName,
      policyPackName,
      policyPackVersion: "1.0.0",
      description: `${policyName} description.`,
      message,
      enforcementLevel,
      urn,
    });
    const violations = violationsFrom(
      [
        diagnostic(
          "no-keys",
          "security",
          "mandatory",
          urnOf("deployer-key"),
          "Remove the key.\nUse OIDC federation instead.",
        ),
        diagnostic("no-keys", "team", "advisory", urnOf("deployer-key"), "The team prefers no keys."),
        diagnostic("stack-size", "team", "remediate", undefined, "The stack is large."),
        diagnostic(
          "no-keys",
          "security",
          "mandatory",
          urnOf("deployer-key"),
          "Remove the key.\nUse OIDC federation instead.",
        ),
        diagnostic("muted", "team", "disabled", urnOf("deployer"), "never shown"),
      ],
      recorded.resources[0]!.urn,
    );
    const policies = (names: string[]) =>
      names.map((name) => ({ name, description: `${name} description.`, enforcementLevel: "advisory" }));
    result = {
      project,
      recorded,
      packs: [
        { dir: "/packs/security", name: "security", version: "1.0.0", policies: policies(["no-keys"]) },
        { dir: "/packs/team", name: "team", version: "1.0.0", policies: policies(["no-keys", "stack-size", "muted"]) },
      ],
      violations,
      agents: agentSummaries(recorded.resources),
      exitCode: 1,
    };
  });

  it("merges duplicate diagnostics, drops disabled ones, and puts a stack-wide one on the stack", () => {
    expect(
      result.violations.map((violation) => [violation.policyPack, violation.policy, violation.enforcementLevel]),
    ).toEqual([
      ["security", "no-keys", "mandatory"],
      ["team", "stack-size", "remediate"],
      ["team", "no-keys", "advisory"],
    ]);
    expect(result.violations[1]!.urn).toBe("urn:pulumi:dev::reports::pulumi:pulumi:Stack::reports-dev");
  });

  it("prints plain text without a terminal and colours with one", () => {
    const plain = humanReport(result, colorsFor({ isTTY: false, write: () => undefined }, {}), dir);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what the test looks for
    expect(plain).not.toMatch(/\u001b\[/);
    expect(plain).toContain("✖ no-keys · mandatory · 1 · security");
    expect(plain).toMatch(/aws:iam\/accessKey:AccessKey "deployer-key" index\.ts:\d+/);
    expect(plain).toContain("      Remove the key.\n      Use OIDC federation instead.");
    expect(plain).toContain("    the stack index.ts:1");
    expect(plain.trim().split("\n").pop()).toBe(
      "✖ FAILED: 1 mandatory violation, 1 advisory, 1 remediate (0 agents, 2 resources, 4 policies)",
    );
    const coloured = humanReport(result, colorsFor({ isTTY: true, write: () => undefined }, {}), dir);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what the test looks for
    expect(coloured).toMatch(/\u001b\[31m/);
  });

  it("writes SARIF levels per enforcement level, and qualifies a policy name two packs share", () => {
    const log = sarifLog(result, dir);
    expect(sarifLogSchema.safeParse(JSON.parse(JSON.stringify(log))).success).toBe(true);
    const [run] = log.runs;
    expect(run!.tool.driver.rules.map((rule) => rule.id)).toEqual([
      "security/no-keys",
      "team/no-keys",
      "stack-size",
      "muted",
    ]);
    expect(run!.results.map((result) => [result.ruleId, result.level])).toEqual([
      ["security/no-keys", "error"],
      ["stack-size", "note"],
      ["team/no-keys", "warning"],
    ]);
    expect(run!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("index.ts");
  });

  it("writes JSON without absolute paths", () => {
    const text = jsonReport(result, dir);
    expect(text).not.toContain(dir);
    expect(JSON.parse(text).violations[0]).toEqual({
      policy: "no-keys",
      policyPack: "security",
      enforcementLevel: "mandatory",
      urn: "urn:pulumi:dev::reports::aws:iam/accessKey:AccessKey::deployer-key",
      message: "Remove the key.\nUse OIDC federation instead.",
      location: { file: "index.ts", line: expect.any(Number), column: expect.any(Number) },
    });
  });
});
