import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PolicyPackProcess, type AnalyzerDiagnostic } from "../../src/gate/analyzer";
import { FIXTURES, type PolicyCase } from "../fixtures/policy";
import { npmInstall, REPO } from "../support/package";

/**
 * The pack as a security team publishes it and as the Pulumi CLI of whoever runs `pulumi up`
 * gets it: `npm pack` of the pack's folder alone (what `pulumi policy publish` uploads), extracted
 * into an empty folder, its dependencies installed from the registry with `npm install
 * --omit=dev`, then started as `pulumi preview --policy-pack DIR` starts it (the CLI's
 * `@pulumi/pulumi/cmd/run-policy-pack`, resolved from that folder) and driven through the
 * analyzer protocol over the whole fixture corpus: it must answer exactly as the pack in this
 * repository answers.
 */

const IN_REPO = join(REPO, "policy-pack");
let standaloneDir: string;
let files: string[];
const started: PolicyPackProcess[] = [];

beforeAll(() => {
  const tarball = inject("packTarball");
  const root = mkdtempSync(join(tmpdir(), "agent-iam-published-pack-"));
  execFileSync("tar", ["-xzf", tarball, "-C", root]);
  standaloneDir = join(root, "package");
  files = [];
  const walk = (dir: string, prefix = "") => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.push(`${prefix}${entry.name}`);
  };
  walk(standaloneDir);
  npmInstall(standaloneDir, ["--omit=dev"]);
}, 600_000);

afterAll(async () => {
  await Promise.all(started.map((pack) => pack.close()));
});

async function start(dir: string, stack: PolicyCase["stack"]): Promise<PolicyPackProcess> {
  const pack = await PolicyPackProcess.start(
    dir,
    stack ? { stack: { name: stack.name, project: "fixtures", config: stack.config } } : {},
  );
  started.push(pack);
  return pack;
}

async function judge(pack: PolicyPackProcess, policy: string, testCase: PolicyCase): Promise<AnalyzerDiagnostic[]> {
  await pack.configure({ all: "mandatory", ...(testCase.config ? { [policy]: testCase.config } : {}) });
  const diagnostics: AnalyzerDiagnostic[] = [];
  for (const resource of testCase.resources) diagnostics.push(...(await pack.analyze(resource)));
  diagnostics.push(...(await pack.analyzeStack([...testCase.resources])));
  return diagnostics;
}

describe("the policy pack published on its own", () => {
  it("the tarball is the pack alone: its bundle, manifest, readme and changelog, and no TypeScript or path outside the folder", () => {
    expect(files.sort()).toEqual(["CHANGELOG.md", "PulumiPolicy.yaml", "README.md", "dist/index.js", "package.json"]);
    const bundle = readFileSync(join(standaloneDir, "dist", "index.js"), "utf8");
    expect(bundle).not.toMatch(/require\("\.\.?\//);
    expect(bundle).not.toContain("tsx");
  });

  it("installs from the registry with --omit=dev and has what the CLI resolves from the folder", () => {
    expect(existsSync(join(standaloneDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"))).toBe(true);
    expect(existsSync(join(standaloneDir, "node_modules", "@pulumi", "policy"))).toBe(true);
  });

  it("starts as pulumi preview --policy-pack starts it and names itself as the pack in this repository does", async () => {
    const [published, inRepo] = await Promise.all([start(standaloneDir, undefined), start(IN_REPO, undefined)]);
    expect(published.startInfo).toEqual(inRepo.startInfo);
    expect(published.startInfo.version).toBe(JSON.parse(readFileSync(join(IN_REPO, "package.json"), "utf8")).version);
  });

  it("answers every case of the fixture corpus exactly as the pack in this repository does", async () => {
    const packs = new Map<string, [PolicyPackProcess, PolicyPackProcess]>();
    let cases = 0;
    for (const fixture of FIXTURES)
      for (const testCase of fixture.cases) {
        const key = JSON.stringify(testCase.stack ?? null);
        let pair = packs.get(key);
        if (!pair) {
          pair = await Promise.all([start(standaloneDir, testCase.stack), start(IN_REPO, testCase.stack)]);
          packs.set(key, pair);
        }
        const [published, inRepo] = pair;
        const expected = await judge(inRepo, fixture.policy, testCase);
        expect(await judge(published, fixture.policy, testCase), `${fixture.policy}: ${testCase.name}`).toEqual(
          expected,
        );
        cases += 1;
      }
    expect(cases).toBeGreaterThan(100);
  }, 600_000);
});
