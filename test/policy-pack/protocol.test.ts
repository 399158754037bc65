import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PackConfigError,
  PolicyPackError,
  PolicyPackProcess,
  secretValue,
  UNKNOWN,
  type AnalyzerResource,
} from "../../src/gate/analyzer";
import packageJson from "../../policy-pack/package.json";
import { agentRole, resource } from "../fixtures/policy/build";

/**
 * The analyzer protocol itself: what the pack says about itself, how Configure changes it, how
 * unknowns and secrets arrive, and how the harness fails.
 */

/** The table: every name and its default level. */
const POLICY_TABLE: Record<string, "mandatory" | "advisory"> = {
  "no-static-credentials": "mandatory",
  "agent-must-have-owner": "mandatory",
  "agent-identity-registered": "advisory",
  "no-overbroad-aws-scopes": "mandatory",
  "no-overbroad-gcp-scopes": "mandatory",
  "no-overbroad-azure-scopes": "mandatory",
  "federated-trust-pinned": "mandatory",
  "short-lived-credentials": "mandatory",
  "agent-identity-expiry": "mandatory",
  "environment-isolation": "mandatory",
  "high-risk-requires-approval": "mandatory",
  "permissions-boundary-required": "advisory",
  // Issue 7: cost caps, break-glass and delegation.
  "agent-has-budget": "advisory",
  "break-glass-time-bound": "mandatory",
  "delegation-within-approval": "mandatory",
  // Issue 20: tools behind a gateway.
  "tool-access-governed": "mandatory",
  // Issue 17: grants that do the job.
  "grants-take-effect": "mandatory",
};

const ACCESS_KEY: AnalyzerResource = resource("aws:iam/accessKey:AccessKey", "bot-key", { user: "bot" });

let pack: PolicyPackProcess;

beforeAll(async () => {
  pack = await PolicyPackProcess.start("policy-pack");
});

afterAll(async () => {
  await pack.close();
});

describe("GetAnalyzerInfo", () => {
  it("names the pack and its version from package.json", async () => {
    const info = await pack.info();
    expect(info.name).toBe("agent-iam");
    expect(info.version).toBe(packageJson.version);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.supportsConfig).toBe(true);
  });

  it("lists the twelve policies of the issue, at their default levels (later issues may add more)", async () => {
    const levels = Object.fromEntries(
      (await pack.info()).policies.map((policy) => [policy.name, policy.enforcementLevel]),
    );
    expect(Object.fromEntries(Object.keys(POLICY_TABLE).map((name) => [name, levels[name]]))).toEqual(POLICY_TABLE);
  });

  it("describes every policy, with a config schema that never declares enforcementLevel", async () => {
    for (const policy of (await pack.info()).policies) {
      expect(policy.description.length, policy.name).toBeGreaterThan(80);
      expect(policy.remediationSteps?.length, policy.name).toBeGreaterThan(30);
      expect(policy.configSchema, policy.name).toBeDefined();
      expect(Object.keys(policy.configSchema!.properties), policy.name).not.toContain("enforcementLevel");
      expect(policy.configSchema!.properties, policy.name).not.toHaveProperty("all");
    }
  });

  it("publishes safe defaults for the thresholds", async () => {
    const schemas = Object.fromEntries(
      (await pack.info()).policies.map((policy) => [policy.name, policy.configSchema!.properties]),
    );
    expect(schemas["short-lived-credentials"]!.maxSessionSeconds!.default).toBe(3600);
    expect(schemas["agent-identity-expiry"]!.maxExpiryDays!.default).toBe(90);
    expect(schemas["agent-must-have-owner"]!.departedOwners!.default).toEqual([]);
    expect(schemas["environment-isolation"]).toHaveProperty("environment");
    expect(schemas["permissions-boundary-required"]).toHaveProperty("permissionsBoundaryArn");
  });

  it("runs per-resource checks on Analyze and cross-resource checks on AnalyzeStack", async () => {
    const types = Object.fromEntries((await pack.info()).policies.map((policy) => [policy.name, policy.type]));
    expect(types["no-static-credentials"]).toBe("resource");
    expect(types["federated-trust-pinned"]).toBe("resource");
    expect(types["agent-identity-registered"]).toBe("stack");
    expect(types["no-overbroad-aws-scopes"]).toBe("stack");
  });
});

describe("Configure", () => {
  it("a disabled policy reports nothing; the default config blocks", async () => {
    await pack.configure({ "no-static-credentials": "disabled" });
    expect(await pack.analyze(ACCESS_KEY)).toEqual([]);
    await pack.configure({});
    expect(
      (await pack.analyze(ACCESS_KEY)).map((diagnostic) => [diagnostic.policyName, diagnostic.enforcementLevel]),
    ).toEqual([["no-static-credentials", "mandatory"]]);
  });

  it("all sets every level, and a policy's own entry wins", async () => {
    await pack.configure({ all: "advisory", "no-static-credentials": { enforcementLevel: "mandatory" } });
    expect((await pack.analyze(ACCESS_KEY))[0]!.enforcementLevel).toBe("mandatory");
    await pack.configure({ all: "advisory" });
    expect((await pack.analyze(ACCESS_KEY))[0]!.enforcementLevel).toBe("advisory");
    await pack.configure({});
  });

  it("the boundary policy is advisory, and mandatory once the team names a boundary", async () => {
    const role = agentRole("bot");
    expect(
      (await pack.analyze(role))
        .filter((d) => d.policyName === "permissions-boundary-required")
        .map((d) => d.enforcementLevel),
    ).toEqual(["advisory"]);
    await pack.configure({
      "permissions-boundary-required": {
        permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/agent-iam-boundary",
      },
    });
    expect(
      (await pack.analyze(role))
        .filter((d) => d.policyName === "permissions-boundary-required")
        .map((d) => d.enforcementLevel),
    ).toEqual(["mandatory"]);
    await pack.configure({});
  });

  it.each([
    [
      { "no-such-policy": "mandatory" },
      /"no-such-policy" is not a policy of this pack; its policies are .*no-static-credentials/,
    ],
    [
      { "short-lived-credentials": { maxSessionSeconds: "an hour" } },
      /short-lived-credentials\.maxSessionSeconds: expected integer, got string/,
    ],
    [
      { "short-lived-credentials": { maxSessionSeconds: 60 } },
      /short-lived-credentials\.maxSessionSeconds: must be at least 900/,
    ],
    [
      { "agent-identity-expiry": { maxExpiryDay: 30 } },
      /agent-identity-expiry\.maxExpiryDay: is not a known property \(known: maxExpiryDays\)/,
    ],
    [{ "agent-must-have-owner": "strict" }, /"strict" is not an enforcement level/],
    [{ all: { maxExpiryDays: 1 } }, /all: takes only an enforcement level/],
  ])("refuses %j with a message naming the field", async (config, message) => {
    await expect(pack.configure(config)).rejects.toThrow(PackConfigError);
    await expect(pack.configure(config)).rejects.toThrow(message);
  });
});

describe("values as the engine sends them", () => {
  it("an unknown value never crashes a policy and never passes silently: it is an advisory", async () => {
    const diagnostics = await pack.analyze(
      agentRole("bot", { maxSessionDuration: UNKNOWN, assumeRolePolicy: UNKNOWN }),
    );
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((diagnostic) => diagnostic.enforcementLevel === "advisory")).toBe(true);
    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toEqual(
      expect.arrayContaining(["federated-trust-pinned", "short-lived-credentials"]),
    );
  });

  it("a stack whose every reference is unknown still gets an answer", async () => {
    const diagnostics = await pack.analyzeStack([
      agentRole("bot", { name: UNKNOWN, tags: UNKNOWN }),
      resource("aws:iam/rolePolicy:RolePolicy", "p", { role: UNKNOWN, policy: UNKNOWN }),
    ]);
    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toEqual(
      expect.arrayContaining(["agent-must-have-owner", "agent-identity-expiry"]),
    );
    expect(diagnostics.every((diagnostic) => diagnostic.enforcementLevel === "advisory")).toBe(true);
  });

  it("a secret input is judged by its value", async () => {
    const key = ["AKIA", "Q3EGRZN7VWBTX2HK"].join("");
    const diagnostics = await pack.analyze(
      resource("aws:lambda/function:Function", "sync", { environment: { variables: { KEY: secretValue(key) } } }),
    );
    expect(diagnostics.map((diagnostic) => diagnostic.policyName)).toEqual(["no-static-credentials"]);
    expect(diagnostics[0]!.message).not.toContain(key);
  });
});

describe("the harness's errors", () => {
  it("an unknown folder", async () => {
    await expect(PolicyPackProcess.start("no/such/pack")).rejects.toThrow(
      new PolicyPackError('policy pack "no/such/pack" not found: no such folder'),
    );
  });

  it("a folder that is not a pack", async () => {
    await expect(PolicyPackProcess.start("test")).rejects.toThrow(
      '"test" is not a policy pack: it has no PulumiPolicy.yaml',
    );
  });

  it("a pack of another runtime", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pack-"));
    writeFileSync(join(dir, "PulumiPolicy.yaml"), "runtime: python\n");
    await expect(PolicyPackProcess.start(dir)).rejects.toThrow(
      /has runtime "python"; this harness runs nodejs packs only/,
    );
  });

  it("a pack whose dependencies are not installed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pack-"));
    writeFileSync(join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    writeFileSync(join(dir, "package.json"), '{ "name": "p", "version": "1.0.0" }');
    await expect(PolicyPackProcess.start(dir)).rejects.toThrow(
      /are not installed \(no @pulumi\/pulumi\); run npm install in/,
    );
  });

  it("a pack that fails to start, with its own error in one message", async () => {
    const error = await PolicyPackProcess.start("test/fixtures/policy-broken-pack").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyPackError);
    expect((error as Error).message).toMatch(
      /^policy pack "test\/fixtures\/policy-broken-pack" failed to start: it exited with code \d+/,
    );
    expect((error as Error).message).toContain("the team's policy table is missing a column");
  });

  it("a closed pack says so", async () => {
    const other = await PolicyPackProcess.start("policy-pack");
    await other.close();
    await expect(other.analyze(ACCESS_KEY)).rejects.toThrow(/is closed/);
  });
});

describe("another team's pack", () => {
  it("runs a TypeScript pack written like Pulumi's template (index.ts, no main), the CLI's way", async () => {
    const team = await PolicyPackProcess.start("test/fixtures/policy-team-pack", {
      config: { "bucket-names-start-with-acme": { prefix: "acme-prod-" } },
    });
    try {
      const info = await team.info();
      expect([info.name, info.version]).toEqual(["acme-buckets", "1.2.3"]);
      const bucket = (name: string) => resource("aws:s3/bucket:Bucket", name, { bucket: name });
      expect(await team.analyze(bucket("acme-prod-logs"))).toEqual([]);
      const [violation] = await team.analyze(bucket("acme-dev-logs"));
      expect([violation!.policyName, violation!.enforcementLevel]).toEqual([
        "bucket-names-start-with-acme",
        "mandatory",
      ]);
      expect(violation!.message).toMatch(/must start with acme-prod-/);
      const stack = await team.analyzeStack([bucket("a"), bucket("b"), bucket("c")]);
      expect(stack.map((diagnostic) => [diagnostic.policyName, diagnostic.enforcementLevel])).toEqual([
        ["at-most-two-buckets", "advisory"],
      ]);
    } finally {
      await team.close();
    }
  });
});
