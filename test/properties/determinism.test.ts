import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { todayUtc } from "../../src/model/dates";

/**
 * Hostile input, property 8 (determinism): the same program gives byte-identical `--json`, SARIF
 * and inventory output on two runs of the real CLI, started at the same time (so that nothing
 * shared between runs, such as a temporary file or a port, can leak into the output). A run pair
 * that straddles midnight UTC is run again: the inventory names the day it was made.
 */

const REPO = join(__dirname, "..", "..");
const BIN = join(REPO, "bin", "agent-iam.js");
const scratch = mkdtempSync(join(tmpdir(), "agent-iam-determinism-"));
let runCount = 0;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Outputs {
  readonly code: number;
  readonly json: Buffer;
  readonly sarif: Buffer;
  readonly inventory: Buffer;
  readonly stderr: string;
}

function check(program: string, stack: string): Promise<Outputs> {
  const out = join(scratch, `run-${runCount++}`);
  const sarif = join(out, "report.sarif");
  const inventory = join(out, "inventory.json");
  return new Promise((done) =>
    execFile(
      process.execPath,
      [BIN, "check", program, "--stack", stack, "--json", "--sarif", sarif, "--inventory", inventory],
      {
        cwd: REPO,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        done({
          code: error ? Number(error.code) : 0,
          json: stdout,
          sarif: readFileSync(sarif),
          inventory: readFileSync(inventory),
          stderr: stderr.toString("utf8"),
        }),
    ),
  );
}

/** Two runs at once; again if the UTC day changed meanwhile. */
async function twice(program: string, stack: string): Promise<[Outputs, Outputs]> {
  for (;;) {
    const day = todayUtc();
    const pair = await Promise.all([check(program, stack), check(program, stack)]);
    if (todayUtc() === day) return pair;
  }
}

function expectSameBytes(what: string, a: Buffer, b: Buffer): void {
  if (a.equals(b)) return;
  const textA = a.toString("utf8");
  const textB = b.toString("utf8");
  let at = 0;
  while (at < textA.length && textA[at] === textB[at]) at++;
  expect.fail(
    `${what} differs between two runs at character ${at}: …${JSON.stringify(textA.slice(Math.max(0, at - 80), at + 80))} vs …${JSON.stringify(textB.slice(Math.max(0, at - 80), at + 80))}`,
  );
}

describe("property 8: the same program gives byte-identical reports", () => {
  // The insecure example hand-writes its identities: no AgentIdentity, so an empty inventory, but violations to report.
  it.each([
    ["examples/fleet", "prod", 0, 6],
    ["examples/insecure", "prod", 1, 0],
  ] as const)(
    "%s (stack %s): --json, SARIF and inventory are the same bytes on two runs",
    async (program, stack, exitCode, agents) => {
      const [first, second] = await twice(program, stack);
      expect(first.code, first.stderr).toBe(exitCode);
      expect(second.code, second.stderr).toBe(exitCode);
      // Outputs that are empty would be equal for nothing.
      expect((JSON.parse(first.json.toString("utf8")) as { resources: unknown[] }).resources.length).toBeGreaterThan(
        10,
      );
      expect((JSON.parse(first.sarif.toString("utf8")) as { version: string }).version).toBe("2.1.0");
      expect(
        (JSON.parse(first.inventory.toString("utf8")) as { agents: unknown[] }).agents.length,
      ).toBeGreaterThanOrEqual(agents);
      if (exitCode === 1)
        expect(
          (JSON.parse(first.json.toString("utf8")) as { violations: unknown[] }).violations.length,
        ).toBeGreaterThan(5);
      expectSameBytes("--json", first.json, second.json);
      expectSameBytes("SARIF", first.sarif, second.sarif);
      expectSameBytes("inventory", first.inventory, second.inventory);
    },
    240_000,
  );
});
