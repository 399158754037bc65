import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverPrograms, findProjectFolders } from "../../src/gate/cli/org/discover";
import { chooseParallelism, PER_PROGRAM_OVERHEAD_BYTES } from "../../src/gate/cli/org/parallelism";
import { configuredLevel } from "../../src/gate/cli/org/run-org";
import { UsageError } from "../../src/gate/program/errors";

/**
 * How `agent-iam check DIR` finds the programs of a folder and their stacks, and how many it runs
 * at once: pure decisions, on folders written here.
 */

const ROOT = mkdtempSync(join(tmpdir(), "agent-iam-discover-"));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(ROOT, "org-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const project = (name: string) => `name: ${name}\nruntime: nodejs\n`;

describe("finding the programs of a folder", () => {
  it("finds every Pulumi.yaml (or Pulumi.yml) below it, in path order, but not in node_modules, hidden folders or symbolic links", () => {
    const dir = write({
      "teams/b/Pulumi.yaml": project("b"),
      "teams/a/Pulumi.yml": project("a"),
      "teams/a/nested/Pulumi.yaml": project("nested"),
      "node_modules/pkg/Pulumi.yaml": project("vendored"),
      "teams/a/node_modules/pkg/Pulumi.yaml": project("vendored-too"),
      ".git/Pulumi.yaml": project("hidden"),
      "docs/readme.md": "no program here\n",
    });
    symlinkSync(join(dir, "teams"), join(dir, "linked"), "dir");
    expect(findProjectFolders(dir).map((folder) => folder.slice(dir.length + 1))).toEqual([
      "teams/a",
      "teams/a/nested",
      "teams/b",
    ]);
  });

  it("checks each project's only stack, else each of its stacks, else dev", () => {
    const dir = write({
      "one/Pulumi.yaml": project("one"),
      "one/Pulumi.prod.yaml": "config: {}\n",
      "two/Pulumi.yaml": project("two"),
      "two/Pulumi.dev.yaml": "config: {}\n",
      "two/Pulumi.prod.yml": "config: {}\n",
      "none/Pulumi.yaml": project("none"),
      "elsewhere/Pulumi.yaml": `${project("elsewhere")}stackConfigDir: stacks\n`,
      "elsewhere/stacks/Pulumi.qa.yaml": "config: {}\n",
    });
    const { units, skipped } = discoverPrograms(dir, dir);
    expect(units.map((unit) => `${unit.path} ${unit.project} ${unit.stack ?? "(default)"}`)).toEqual([
      "elsewhere elsewhere qa",
      "none none (default)",
      "one one prod",
      "two two dev",
      "two two prod",
    ]);
    expect(skipped).toEqual([]);
  });

  it("--stack keeps the named stacks, says which projects it left out, and runs a project without stack files as each", () => {
    const dir = write({
      "one/Pulumi.yaml": project("one"),
      "one/Pulumi.prod.yaml": "config: {}\n",
      "two/Pulumi.yaml": project("two"),
      "two/Pulumi.dev.yaml": "config: {}\n",
      "none/Pulumi.yaml": project("none"),
    });
    const { units, skipped } = discoverPrograms(dir, dir, ["acme/one/prod"]);
    expect(units.map((unit) => `${unit.path} ${unit.stack}`)).toEqual(["none prod", "one prod"]);
    expect(skipped).toEqual(["two (two): no Pulumi.prod.yaml; its stacks are dev"]);
    expect(() =>
      discoverPrograms(write({ "one/Pulumi.yaml": project("one"), "one/Pulumi.dev.yaml": "" }), ROOT, ["qa"]),
    ).toThrow(/--stack qa: no project under .+ has that stack; the stacks there are dev/);
  });

  it("keeps a project whose Pulumi.yaml is not valid, to report it as not checked", () => {
    const dir = write({ "bad/Pulumi.yaml": "name: bad\nruntime: python\n", "good/Pulumi.yaml": project("good") });
    const { units } = discoverPrograms(dir, dir);
    expect(units[0]).toMatchObject({ path: "bad", loadError: expect.stringContaining("runtime: python") });
    expect(units[1]).toMatchObject({ path: "good", project: "good" });
  });

  it("says so when there is no program at all", () => {
    const dir = write({ "node_modules/pkg/Pulumi.yaml": project("vendored"), "readme.md": "" });
    expect(() => discoverPrograms(dir, dir)).toThrow(UsageError);
    expect(() => discoverPrograms(dir, dir)).toThrow(/no Pulumi\.yaml in .+ or any folder below it/);
  });
});

describe("how many programs run at once", () => {
  const GiB = 1024 ** 3;
  const machine = (cores: number, availableGiB: number, heapGiB = 4) => ({
    cores,
    availableBytes: availableGiB * GiB,
    heapLimitBytes: heapGiB * GiB,
  });

  it("runs one program per two cores", () => {
    expect(chooseParallelism(9, machine(2, 22)).programs).toBe(1);
    expect(chooseParallelism(9, machine(8, 64)).programs).toBe(4);
    expect(chooseParallelism(9, machine(1, 22)).programs).toBe(1);
    expect(chooseParallelism(9, machine(8, 64)).reason).toBe("8 cores, two per program");
  });

  it("never more than the available memory holds at each program's heap limit and its packs", () => {
    const chosen = chooseParallelism(9, machine(16, 20, 14));
    expect(chosen.programs).toBe(1);
    expect(chosen.reason).toMatch(/20\.0 GiB available, 14\.5 GiB per program/);
    expect(
      chooseParallelism(9, {
        cores: 16,
        availableBytes: 3 * (4 * GiB + PER_PROGRAM_OVERHEAD_BYTES),
        heapLimitBytes: 4 * GiB,
      }).programs,
    ).toBe(3);
  });

  it("never more than there are programs, at least one, and --jobs over the machine's answer", () => {
    expect(chooseParallelism(2, machine(16, 64)).programs).toBe(2);
    expect(chooseParallelism(5, machine(2, 0.1)).programs).toBe(1);
    expect(chooseParallelism(5, machine(2, 22), 3)).toEqual({ programs: 3, reason: "--jobs 3" });
    expect(chooseParallelism(2, machine(2, 22), 8).programs).toBe(2);
  });
});

describe("the level of a cross-stack policy under a config", () => {
  it("is its own entry's, else all's, else its default", () => {
    expect(configuredLevel("agent-name-unique", "mandatory", undefined)).toBe("mandatory");
    expect(configuredLevel("agent-name-unique", "mandatory", { all: "advisory" })).toBe("advisory");
    expect(
      configuredLevel("agent-name-unique", "mandatory", { all: "advisory", "agent-name-unique": "disabled" }),
    ).toBe("disabled");
    expect(
      configuredLevel("federated-trust-pinned", "mandatory", {
        all: { enforcementLevel: "mandatory" },
        "federated-trust-pinned": { enforcementLevel: "advisory", azureAudiences: [] },
      }),
    ).toBe("advisory");
  });
});
