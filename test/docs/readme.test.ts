import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { BIN, programFolder, REPO } from "../support/cli";

/**
 * Every example in the README runs as written: each TypeScript block is a whole program, checked
 * by the real CLI; each `npx agent-iam` command runs from the repository's root with the exit code
 * its comment promises; each YAML block parses. Commands that need something this machine cannot
 * have (the Pulumi CLI) or that run in a user's project are listed, each with where it is covered.
 */

interface Block {
  readonly lang: string;
  readonly text: string;
  readonly line: number;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(join(REPO, file), "utf8").split("\n");
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end += 1;
    found.push({ lang: open[1]!, text: lines.slice(start, end).join("\n"), line: start });
    i = end;
  }
  return found;
}

/** Lines that cannot run here, and what covers them instead. */
const NOT_RUN_HERE: readonly [RegExp, string][] = [
  [/^pulumi /, "needs the Pulumi CLI and a cloud; the pack's own tests start it as the CLI does"],
  [/^cd /, "part of a pulumi preview example"],
  [/^npm install @agent-iam\/pulumi /, "a user's project: test/package/consumer.test.ts installs the packed package"],
  [/^npx agent-iam check \.\s/, "a user's project: test/package/consumer.test.ts runs it there"],
  [/^npm (install|test)\b/, "the repository's own front door: CI runs it (.ci/run)"],
];

const README = blocks("README.md");
const scratch = mkdtempSync(join(tmpdir(), "agent-iam-readme-"));
// The commands read examples/ and test/fixtures/ and write their files here, not into the repository.
for (const name of ["examples", "test"]) symlinkSync(join(REPO, name), join(scratch, name));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function agentIam(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 300_000,
  });
}

/** `a b "c d"` → ["a", "b", "c d"], the comment after `#` left out. */
function words(line: string): string[] {
  const command = line.replace(/\s+#.*$/, "");
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

describe("README.md", () => {
  it("has TypeScript, shell and YAML examples to run", () => {
    expect(README.filter((block) => block.lang === "ts").length).toBeGreaterThan(0);
    expect(README.filter((block) => block.lang === "sh").length).toBeGreaterThan(3);
  });

  it.each(README.filter((block) => block.lang === "ts").map((block) => [block.line, block] as const))(
    "the TypeScript example at line %i is a whole program that passes agent-iam check",
    (_line, block) => {
      const dir = programFolder("agent-iam-readme-");
      writeFileSync(join(dir, "Pulumi.yaml"), "name: readme-example\nruntime: nodejs\n");
      writeFileSync(join(dir, "Pulumi.prod.yaml"), "config:\n  aws:region: us-east-1\n");
      writeFileSync(join(dir, "index.ts"), block.text);
      const expires = /expires: "(\d{4}-\d{2}-\d{2})"/.exec(block.text)?.[1];
      const today = new Date().toISOString().slice(0, 10);
      if (expires)
        expect(
          expires > today && Date.parse(expires) - Date.parse(today) <= 90 * 86_400_000,
          `README line ${block.line}: the example's review date ${expires} has passed or lies more than 90 days after ${today}; a user copying it would be refused: move it`,
        ).toBe(true);
      const result = agentIam(["check", dir, "--stack", "prod"], REPO);
      expect(result.stderr).toBe("");
      expect(result.status, result.stdout).toBe(0);
    },
  );

  const commands = README.filter((block) => block.lang === "sh").flatMap((block) =>
    block.text
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"))
      .map((line) => [block.line, line] as const),
  );

  it.each(commands)("the shell line of the block at line %i runs, or says where it is covered: %s", (_line, line) => {
    const skipped = NOT_RUN_HERE.find(([pattern]) => pattern.test(line));
    if (skipped) {
      expect(skipped[1]).not.toBe("");
      return;
    }
    expect(line.startsWith("npx agent-iam ") || line.startsWith("npm run "), line).toBe(true);
    if (line.startsWith("npm run ")) return void expect(line).toMatch(/^npm run (demo|bench|lint|build)/);
    const promised = /exit (\d)/.exec(line)?.[1];
    const result = agentIam(words(line).slice(2), scratch);
    expect(result.status, `${line}\n${result.stderr}`).toBe(promised ? Number(promised) : 0);
  });

  it.each(README.filter((block) => block.lang === "yaml").map((block) => [block.line, block] as const))(
    "the YAML example at line %i parses",
    (_line, block) => {
      expect(() => parseYaml(block.text)).not.toThrow();
    },
  );
});
