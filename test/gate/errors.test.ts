import { describe, expect, it } from "vitest";
import { PROJECT, runCli, STACK_FRAME, shown, TEAM_PACK, writeProgram } from "../support/cli";

/**
 * Every way `agent-iam check` cannot check ends with exit code 2 and one clear message naming what
 * to change, with the program's own error and its file:line when the program is at fault, and
 * never a stack dump.
 */

function expectOneClearError(run: { code: number; stdout: string; stderr: string }) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr).not.toContain("node:internal");
  // One report of ours; lines the program itself printed through Pulumi's logger ("error: [runtime] …") are its own.
  expect(run.stderr.match(/^error:(?! \[runtime\])/gm) ?? []).toHaveLength(1);
}

describe.concurrent("agent-iam check: exit 2 with one clear message", { timeout: 300_000 }, () => {
  it("a TypeScript syntax error: the parser's message at the user's file and line", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "index.ts": 'import * as aws from "@pulumi/aws";\nconst settings = {\n  region: "us-east-1",,\n};\n',
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain(`${shown(dir)}/index.ts:3:`);
    expect(run.stderr).toMatch(/syntax error: Expected identifier but found ","/);
    expect(run.stderr).toContain('region: "us-east-1",,');
  });

  it("a JavaScript syntax error in a program whose main is index.js", async () => {
    const dir = writeProgram({ "Pulumi.yaml": PROJECT(), "index.js": "const a = {\n  b: 1,,\n};\n" });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain(`${shown(dir)}/index.js:2:`);
    expect(run.stderr).toMatch(/syntax error: Unexpected token ','/);
  });

  it("a throwing constructor: an invalid AgentIdentity shows every AgentSpecError problem at the line that declared it", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "index.ts": [
        'import { AgentIdentity, githubActions } from "@agent-iam/pulumi";',
        "",
        'new AgentIdentity("bad-bot", {',
        '  owner: "not-an-email",',
        '  purpose: "short",',
        '  environment: "prod",',
        '  expires: "2001-01-01",',
        '  runsOn: githubActions({ repository: "acme/api" }),',
        "});",
        "",
      ].join("\n"),
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain(`${shown(dir)}/index.ts:3:1`);
    expect(run.stderr).toContain('AgentSpecError: agent "bad-bot" is not valid');
    expect(run.stderr).toMatch(/- owner: owner must be a person's email address/);
    expect(run.stderr).toMatch(/- purpose: purpose must say in plain words/);
    expect(run.stderr).toMatch(/- expires: the review date 2001-01-01 has passed/);
  });

  it("an error thrown in a module the program imports points at that module's line", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "index.ts": 'import { makeBot } from "./bots";\nmakeBot("");\n',
      "bots.ts":
        'export function makeBot(name: string) {\n  if (!name) throw new Error("every bot needs a name");\n}\n',
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain(`${shown(dir)}/bots.ts:2:`);
    expect(run.stderr).toContain("every bot needs a name");
  });

  it("a missing module: Node's message, at the import", async () => {
    const dir = writeProgram({ "Pulumi.yaml": PROJECT(), "index.ts": 'import "./does-not-exist";\n' });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain("Cannot find module './does-not-exist'");
    expect(run.stderr).not.toContain("Require stack");
  });

  it("a package the program's folder cannot resolve: exit 2, naming it and the install command, as pulumi preview would fail", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "index.ts": 'import * as k8s from "@pulumi/digitalocean/droplet";\nexport const kind = typeof k8s;\n',
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain("Cannot find module '@pulumi/digitalocean/droplet'");
    expect(run.stderr).toContain(`run npm install @pulumi/digitalocean in ${dir}`);
    expect(run.stderr).toContain(`${shown(dir)}/index.ts:1`);
  });

  it("a program that logs an error through pulumi.log.error fails as it would in Pulumi", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "index.ts": 'import * as pulumi from "@pulumi/pulumi";\npulumi.log.error("the bucket name is taken");\n',
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain("the bucket name is taken");
    expect(run.stderr).toContain("the program logged 1 error");
  });

  it("a folder without Pulumi.yaml", async () => {
    const dir = writeProgram({ "index.ts": "export {};\n" });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain(`error: no Pulumi.yaml in ${dir}`);
  });

  it("an unknown policy pack folder", async () => {
    const dir = writeProgram({ "Pulumi.yaml": PROJECT(), "index.ts": "export {};\n" });
    const run = await runCli(["check", dir, "--policy-pack", "./no-such-pack"]);
    expectOneClearError(run);
    expect(run.stderr).toContain("error: --policy-pack ./no-such-pack: no such folder");
  });

  it("a folder that is not a policy pack", async () => {
    const dir = writeProgram({ "Pulumi.yaml": PROJECT(), "index.ts": "export {};\n" });
    const run = await runCli(["check", dir, "--policy-pack", dir]);
    expectOneClearError(run);
    expect(run.stderr).toContain("not a CrossGuard policy pack (no PulumiPolicy.yaml in it)");
  });

  it("a policy config that is not valid", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "index.ts": "export {};\n",
      "policy.json": '{ "team-no-iam-users": "sometimes" }',
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK, "--config", `${dir}/policy.json`]);
    expectOneClearError(run);
    expect(run.stderr).toMatch(
      /--config .*policy\.json: "team-no-iam-users": an enforcement level is one of advisory, mandatory, remediate, disabled/,
    );
  });

  it("a stack with no config file while others have one", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "Pulumi.dev.yaml": "config: {}\n",
      "Pulumi.prod.yaml": "config: {}\n",
      "index.ts": "export {};\n",
    });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK, "--stack", "staging"]);
    expectOneClearError(run);
    expect(run.stderr).toContain("--stack staging: no Pulumi.staging.yaml");
    expect(run.stderr).toContain("the stacks there are dev, prod");
  });

  it("a program in another language", async () => {
    const dir = writeProgram({ "Pulumi.yaml": "name: py\nruntime: python\n", "__main__.py": "" });
    const run = await runCli(["check", dir, "--policy-pack", TEAM_PACK]);
    expectOneClearError(run);
    expect(run.stderr).toContain("runtime: python; agent-iam check runs Node.js programs");
    expect(run.stderr).toContain(
      "the gate is agent-iam's published policy pack in a preview: pulumi preview --policy-pack",
    );
  });

  it("the Python example: check says it runs Node.js programs only, and names the gate for Python", async () => {
    const run = await runCli(["check", "examples/python"]);
    expectOneClearError(run);
    expect(run.stderr).toContain("Pulumi.yaml has runtime: python; agent-iam check runs Node.js programs");
    expect(run.stderr).toContain("For a python program the gate is");
  });

  it("an unknown flag", async () => {
    const run = await runCli(["check", "--bogus"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
  });
});
