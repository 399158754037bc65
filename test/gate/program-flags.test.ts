import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, PROJECT, REPO, runCli, writeProgram } from "../support/cli";

const { PROGRAM_NODE_FLAGS } = require("../../bin/program-flags.js") as { PROGRAM_NODE_FLAGS: readonly string[] };

/**
 * Commands that run a Pulumi program start themselves again with a larger young generation
 * (bin/program-flags.js): the program must run with the flags, a size the user set must be kept,
 * exit codes and signals must pass through the extra process.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A program that writes the Node flags and options of its process to `AGENT_IAM_TEST_OUT`, and registers nothing. */
function flagReporter(): string {
  const dir = writeProgram({
    "Pulumi.yaml": PROJECT("flags"),
    "index.ts": `import { writeFileSync } from "node:fs";\nwriteFileSync(process.env.AGENT_IAM_TEST_OUT!, JSON.stringify({ execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? "", pid: process.pid }));\n`,
  });
  dirs.push(dir);
  return dir;
}

describe("programs run with the young generation they need", () => {
  it("agent-iam check runs the program in a process started with the program flags", async () => {
    const dir = flagReporter();
    const out = join(dir, "seen.json");
    const run = await runCli(["check", dir], { env: { AGENT_IAM_TEST_OUT: out, NODE_OPTIONS: "" } });
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(out, "utf8")) as { execArgv: string[] };
    expect(PROGRAM_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of PROGRAM_NODE_FLAGS) expect(seen.execArgv).toContain(flag);
  });

  it("keeps a young generation size the user chose in NODE_OPTIONS, and starts once", async () => {
    const dir = flagReporter();
    const out = join(dir, "seen.json");
    const run = await runCli(["check", dir], {
      env: { AGENT_IAM_TEST_OUT: out, NODE_OPTIONS: "--max-semi-space-size=8" },
    });
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(out, "utf8")) as { execArgv: string[]; nodeOptions: string };
    expect(seen.execArgv.some((flag) => flag.startsWith("--max-semi-space-size"))).toBe(false);
    expect(seen.nodeOptions).toBe("--max-semi-space-size=8");
  });

  it("passes the exit code through: a blocked program exits 1, a usage error 2", async () => {
    const blocked = await runCli(["check", join(REPO, "examples", "insecure")]);
    expect(blocked.code).toBe(1);
    const usage = await runCli(["check", join(REPO, "no-such-folder")]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/no-such-folder/);
  }, 120_000);

  it("stops the program's process when the command is terminated", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT("waits"),
      "index.ts": `import { writeFileSync } from "node:fs";\nwriteFileSync(process.env.AGENT_IAM_TEST_OUT!, String(process.pid));\nexport default () => new Promise((done) => setTimeout(done, 120_000));\n`,
    });
    dirs.push(dir);
    const out = join(dir, "pid.txt");
    const command = spawn(process.execPath, [BIN, "check", dir], {
      cwd: REPO,
      env: { ...process.env, AGENT_IAM_TEST_OUT: out, NODE_OPTIONS: "" },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      command.once("exit", (code, signal) => done(signal ?? code)),
    );
    for (let waited = 0; !existsSync(out) && waited < 60_000; waited += 100)
      await new Promise((done) => setTimeout(done, 100));
    const programPid = Number(readFileSync(out, "utf8"));
    expect(programPid).not.toBe(command.pid);
    command.kill("SIGTERM");
    expect(await exited).toBe("SIGTERM");
    const alive = () => {
      try {
        process.kill(programPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let waited = 0; alive() && waited < 10_000; waited += 100) await new Promise((done) => setTimeout(done, 100));
    expect(alive()).toBe(false);
  }, 90_000);
});
