import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWithConfig } from "../../src/gate/cli/commands/offboard";
import { programFolder } from "../support/cli";
import {
  inventoryFromResources,
  offboardConfigChange,
  offboardingChanges,
  parseDepartedOwners,
  type InventoryDocument,
} from "../../src/reports/inventory";
import { loadProject, type ProgramProject } from "../../src/gate/program/project";
import type { RecordedResource } from "../../src/gate/program/record";

/**
 * Offboarding: `agent-iam:departedOwners` disables every identity of a departed owner on every
 * cloud (each cloud's kill switch), leaves everyone else's alone, and `agent-iam offboard` prints
 * the agents and the exact config change, which, applied, does it.
 */

const ROOT = join(__dirname, "..", "..");
const SUBSCRIPTION = "5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const KEISHA = "keisha@acme.example";
const LENA = "lena@acme.example";

/** The program under test: two owners, agents on all three clouds. */
const PROGRAM = `
import { AgentIdentity, AwsOidcProvider, GcpWorkloadIdentityPool, githubActions, kubernetes } from "@agent-iam/pulumi";
const SUBSCRIPTION = ${JSON.stringify(SUBSCRIPTION)};
const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-data-prod" });
const everywhere = (id: string, owner: string, purpose: string) =>
  new AgentIdentity(id, {
    owner,
    purpose,
    environment: "prod",
    expires: "2099-01-01",
    runsOn: kubernetes({ issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123", namespace: "agents", serviceAccount: id }),
    grants: [
      { role: "data-reader", resources: ["arn:aws:s3:::acme-reports", "//storage.googleapis.com/projects/_/buckets/acme-reports"] },
      { role: "data-reader", resources: [\`/subscriptions/\${SUBSCRIPTION}/resourceGroups/reports/providers/Microsoft.Storage/storageAccounts/acmereports/blobServices/default/containers/finance\`] },
    ],
    aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123" },
    gcp: { project: "acme-data-prod", pool },
    azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" },
  });
everywhere("report-reader", "${KEISHA}", "Reads the finance reports on every cloud");
everywhere("metrics-reader", "${LENA}", "Reads the metrics exports on every cloud");
new AgentIdentity("pr-reviewer", {
  owner: "Keisha@ACME.example",
  purpose: "Reviews pull requests and posts findings",
  environment: "prod",
  expires: "2099-01-01",
  runsOn: githubActions({ repository: "acme/api" }),
  grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source"] }],
  aws: { oidcProvider: github },
});
`;
const STACK_FILE = "config:\n  agent-iam:departedOwners:\n    - omar@acme.example\n";

let dir: string;
let project: ProgramProject;

beforeAll(() => {
  dir = programFolder("agent-iam-offboard-");
  writeFileSync(join(dir, "Pulumi.yaml"), "name: offboard-test\nruntime: nodejs\n");
  writeFileSync(join(dir, "Pulumi.prod.yaml"), STACK_FILE);
  writeFileSync(join(dir, "index.ts"), PROGRAM);
  project = loadProject(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the program offline with `departedOwners` set to `owners`. */
async function run(owners: unknown): Promise<RecordedResource[]> {
  return (await runWithConfig(project, { ...project.config, "agent-iam:departedOwners": JSON.stringify(owners) }))
    .resources;
}

/** Every resource under an agent's component. */
function resourcesOf(resources: readonly RecordedResource[], agentId: string): RecordedResource[] {
  const root = resources.find(
    (resource) => resource.type === "agent-iam:index:AgentIdentity" && resource.name === agentId,
  )!;
  const inside = new Set([root.urn]);
  return resources.filter(
    (resource) => resource.parent !== undefined && inside.has(resource.parent) && inside.add(resource.urn),
  );
}

const ofType = (resources: readonly RecordedResource[], type: string) =>
  resources.filter((resource) => resource.type === type);

/** The kill switch of each cloud, read from the registered resources. */
function killSwitches(resources: readonly RecordedResource[]) {
  const role = ofType(resources, "aws:iam/role:Role")[0]!;
  const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as { Statement: { Effect: string }[] };
  const inline = ofType(resources, "aws:iam/rolePolicy:RolePolicy").map(
    (policy) => JSON.parse(policy.inputs.policy as string) as { Statement: { Effect: string; Action: string[] }[] },
  );
  return {
    awsTrustDenies: trust.Statement.every((statement) => statement.Effect === "Deny"),
    awsDenyAll: inline.some((policy) =>
      policy.Statement.some((statement) => statement.Effect === "Deny" && statement.Action.includes("*")),
    ),
    gcpAccountDisabled: ofType(resources, "gcp:serviceaccount/account:Account")[0]?.inputs.disabled === true,
    gcpFederation: ofType(resources, "gcp:serviceaccount/iAMMember:IAMMember").length,
    gcpGrants: resources.filter(
      (resource) => /IAMMember$/.test(resource.type) && resource.type !== "gcp:serviceaccount/iAMMember:IAMMember",
    ).length,
    azureCredentials: ofType(resources, "azure-native:managedidentity:FederatedIdentityCredential").length,
    azureAssignments: ofType(resources, "azure-native:authorization:RoleAssignment").length,
  };
}

describe("departedOwners under mocks", () => {
  let before: RecordedResource[];
  let after: RecordedResource[];

  beforeAll(async () => {
    before = await run([]);
    after = await run([KEISHA]);
  });

  it("turns on the kill switch of every cloud for every identity the departed owner has (emails compare case-insensitively)", () => {
    for (const id of ["report-reader", "pr-reviewer"]) {
      const open = killSwitches(resourcesOf(before, id));
      const closed = killSwitches(resourcesOf(after, id));
      expect(open.awsTrustDenies, id).toBe(false);
      expect(closed, id).toMatchObject({ awsTrustDenies: true, awsDenyAll: true });
      if (id === "report-reader") {
        expect(open).toMatchObject({ gcpAccountDisabled: false, gcpFederation: 1 });
        expect(open.gcpGrants).toBeGreaterThan(0);
        expect(open.azureCredentials).toBeGreaterThan(0);
        expect(open.azureAssignments).toBeGreaterThan(0);
        expect(closed).toMatchObject({
          gcpAccountDisabled: true,
          gcpFederation: 0,
          gcpGrants: 0,
          azureCredentials: 0,
          azureAssignments: 0,
        });
      }
    }
  });

  it("leaves the other owners' agents as they were", () => {
    const strip = (resources: RecordedResource[]) =>
      resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
    expect(strip(resourcesOf(after, "metrics-reader"))).toEqual(strip(resourcesOf(before, "metrics-reader")));
    expect(killSwitches(resourcesOf(after, "metrics-reader"))).toMatchObject({
      awsTrustDenies: false,
      gcpAccountDisabled: false,
      gcpFederation: 1,
    });
  });

  it("the inventory and the component's input say why", () => {
    const records = inventoryFromResources(after);
    expect(records.map((record) => [record.id, record.status, record.disabledReason])).toEqual([
      ["metrics-reader", "active", null],
      ["pr-reviewer", "disabled", "owner-departed"],
      ["report-reader", "disabled", "owner-departed"],
    ]);
  });

  it("lists the resource changes a preview would show", () => {
    const urn = before.find(
      (resource) => resource.name === "report-reader" && resource.type === "agent-iam:index:AgentIdentity",
    )!.urn;
    const changes = offboardingChanges(before, after, urn);
    expect(
      changes
        .filter((change) => change.change === "update")
        .map((change) => `${change.type} ${change.properties.join(",")}`),
    ).toEqual(
      expect.arrayContaining(["aws:iam/role:Role assumeRolePolicy", "gcp:serviceaccount/account:Account disabled"]),
    );
    expect(
      changes.some((change) => change.change === "create" && change.type === "aws:iam/rolePolicy:RolePolicy"),
    ).toBe(true);
    expect(changes.filter((change) => change.change === "delete").map((change) => change.type)).toEqual(
      expect.arrayContaining([
        "azure-native:managedidentity:FederatedIdentityCredential",
        "azure-native:authorization:RoleAssignment",
        "gcp:serviceaccount/iAMMember:IAMMember",
      ]),
    );
  });

  it("a malformed departedOwners stops the program with the key and what to write", async () => {
    await expect(run("keisha@acme.example")).rejects.toThrow(
      /agent-iam:departedOwners must be a list of email addresses/,
    );
    await expect(run(["keisha"])).rejects.toThrow(
      /agent-iam:departedOwners\[0\]: owner must be a person's email address/,
    );
  });
});

describe("the config change", () => {
  it.each<[string[], string, number, boolean]>([
    [[], KEISHA, 0, false],
    [["omar@acme.example"], KEISHA, 1, false],
    [["omar@acme.example", "keisha@ACME.example"], KEISHA, 1, true],
  ])("with %j, offboarding %s sets index %i", (current, owner, index, listed) => {
    const change = offboardConfigChange(owner, current, "prod");
    expect(change.alreadyListed).toBe(listed);
    expect(change.command).toBe(`pulumi config set --path 'agent-iam:departedOwners[${index}]' ${owner} --stack prod`);
    expect(parseDepartedOwners(JSON.parse(JSON.stringify(listed ? current : [...current, owner])))).toHaveLength(
      listed ? current.length : current.length + 1,
    );
  });

  it("quotes an owner for the shell when it must", () => {
    expect(offboardConfigChange("o'brien@acme.example", []).command).toBe(
      `pulumi config set --path 'agent-iam:departedOwners[0]' 'o'\\''brien@acme.example'`,
    );
  });
});

describe("agent-iam offboard (the command)", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin", "agent-iam.js"), ...args], { encoding: "utf8", cwd: ROOT });

  it("prints the owner's agents, their resource changes and the exact change", () => {
    const result = cli("offboard", KEISHA, dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "2 agents are owned by keisha@acme.example and will be disabled on the next pulumi up:",
    );
    expect(result.stdout).toMatch(/ {2}pr-reviewer \(prod; AWS\): Reviews pull requests/);
    expect(result.stdout).toMatch(/ {2}report-reader \(prod; AWS, Google Cloud, Azure\)/);
    expect(result.stdout).not.toContain("metrics-reader");
    expect(result.stdout).toContain("    + aws:iam/rolePolicy:RolePolicy report-reader-kill-switch");
    expect(result.stdout).toContain("    ~ gcp:serviceaccount/account:Account report-reader (disabled)");
    expect(result.stdout).toContain(
      "  pulumi config set --path 'agent-iam:departedOwners[1]' keisha@acme.example --stack prod",
    );
    expect(result.stdout).toContain(
      "  config:\n    agent-iam:departedOwners:\n      - omar@acme.example\n      - keisha@acme.example",
    );
  });

  it("the printed YAML, applied, disables exactly those agents", () => {
    const printed = cli("offboard", KEISHA, dir, "--json");
    const plan = JSON.parse(printed.stdout) as {
      yaml: string;
      agents: { id: string; disabledAfter: boolean }[];
      command: string;
    };
    expect(plan.agents.map((agent) => [agent.id, agent.disabledAfter])).toEqual([
      ["pr-reviewer", true],
      ["report-reader", true],
    ]);
    writeFileSync(join(dir, "Pulumi.prod.yaml"), `${plan.yaml}\n`);
    try {
      const inventory = JSON.parse(cli("inventory", dir, "--format", "json").stdout) as InventoryDocument;
      expect(inventory.agents.map((agent) => [agent.id, agent.status])).toEqual([
        ["metrics-reader", "active"],
        ["pr-reviewer", "disabled"],
        ["report-reader", "disabled"],
      ]);
      expect(cli("offboard", KEISHA, dir).stdout).toContain(
        "keisha@acme.example is already in agent-iam:departedOwners of stack prod; there is nothing to change.",
      );
    } finally {
      writeFileSync(join(dir, "Pulumi.prod.yaml"), STACK_FILE);
    }
  });

  it("an owner without agents: nothing to disable, said plainly", () => {
    const result = cli("offboard", "nobody@acme.example", dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("No agent in this program is owned by nobody@acme.example");
  });

  it("a malformed owner or program is a usage error with one clear line", () => {
    const bad = cli("offboard", "keisha", dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("OWNER keisha: owner must be a person's email address");
    const missing = cli("offboard", KEISHA, join(dir, "nope"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});
