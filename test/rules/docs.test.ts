import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../policy-pack/policies";
import packageJson from "../../policy-pack/package.json";

/** The pack's README and CHANGELOG document every policy and every config property it publishes. */
const README = readFileSync("policy-pack/README.md", "utf8");
const CHANGELOG = readFileSync("policy-pack/CHANGELOG.md", "utf8");

describe("the pack's documentation", () => {
  it.each(POLICIES.map((policy) => [policy.name, policy] as const))(
    "README documents %s and each of its config properties",
    (name, policy) => {
      expect(README, `add a "### \`${name}\`" section to policy-pack/README.md`).toContain(`### \`${name}\``);
      for (const property of Object.keys(policy.configSchema?.properties ?? {}))
        expect(README, `document ${name}'s config property ${property} in policy-pack/README.md`).toContain(
          `\`${property}\``,
        );
    },
  );

  it("the CHANGELOG has an entry for the current version, and every policy was added in an entry", () => {
    const entries = CHANGELOG.split(/^## /m).slice(1);
    expect(
      // Parallel branches head their entry "## VERSION (short name)" until the release merges them.
      entries.some((entry) => new RegExp(`^${packageJson.version.replaceAll(".", "\\.")}( \\(.+\\))?\\n`).test(entry)),
      `add a "## ${packageJson.version}" entry to policy-pack/CHANGELOG.md`,
    ).toBe(true);
    for (const policy of POLICIES)
      expect(
        entries.some((entry) => entry.includes(`\`${policy.name}\``)),
        `list ${policy.name} in a version entry of policy-pack/CHANGELOG.md`,
      ).toBe(true);
  });

  it("README shows CI for GitHub Actions and GitLab CI with the pack", () => {
    expect(README).toMatch(/GitHub Actions:[\s\S]*--policy-pack/);
    expect(README).toMatch(/GitLab CI:[\s\S]*--policy-pack/);
  });
});
