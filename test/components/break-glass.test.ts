import type { AgentSpec, BreakGlassSpec } from "../../src/model/agent-spec";
import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AwsOidcProvider,
  GcpWorkloadIdentityPool,
  githubActions,
  type AgentIdentityArgs,
} from "../../components";
import { Attributor } from "../../src/reports/audit";
import type { CloudEvent } from "../../src/reports/audit/event";
import { inventoryCsv } from "../../src/reports/inventory/csv";
import { inventoryFromResources } from "../../src/reports/inventory/from-resources";
import { inventoryMarkdown } from "../../src/reports/inventory/markdown";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";
import { AgentSpecError } from "../../src/model/agent-spec";

/**
 * Break-glass as the components register it: the elevated grants end at `until` on AWS and GCP,
 * the elevation is recorded on the identity and in the inventory, and Azure refuses it.
 */

const PROJECT = "acme-agents-prod";
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const UNTIL = new Date(Date.now() + 5 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const ELEVATION: BreakGlassSpec = {
  grants: [
    { resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", access: "write" },
    { resource: "//storage.googleapis.com/projects/_/buckets/acme-prod-orders", access: ["read", "write"] },
  ],
  reason: "INC-4521: repair the orders table after the bad migration",
  approvedBy: "sam@acme.example",
  until: UNTIL,
};
const BASE: AgentSpec = {
  owner: "keisha@acme.example",
  purpose: "Repairs data after incidents and reports what it changed",
  environment: "prod",
  expires: "2099-01-01",
  runsOn: githubActions({ repository: "acme/api" }),
  grants: [{ resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", access: "read" }],
};

async function deploy(extra: Partial<AgentIdentityArgs>): Promise<{ resources: RecordedResource[]; thrown?: unknown }> {
  let thrown: unknown;
  const resources = await recordResources(() => {
    const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
    const pool = new GcpWorkloadIdentityPool("agents", { project: PROJECT });
    try {
      new AgentIdentity("repairer", {
        ...BASE,
        aws: { oidcProvider: github },
        gcp: { project: PROJECT, pool },
        breakGlass: ELEVATION,
        ...extra,
      });
    } catch (error) {
      thrown = error;
    }
  });
  return { resources, thrown };
}

describe("break-glass on the components", () => {
  it("AWS: the elevated statements say so and end at until; the agent's own grants do not", async () => {
    const { resources } = await deploy({});
    const statements = resources
      .filter((resource) => resource.type === "aws:iam/policy:Policy" && resource.name.startsWith("repairer-grants-"))
      .flatMap(
        (policy) =>
          JSON.parse(policy.inputs.policy as string).Statement as {
            Sid: string;
            Action: string[];
            Condition?: unknown;
          }[],
      );
    const elevated = statements.filter((statement) => statement.Sid.startsWith("BreakGlass"));
    expect(elevated.length).toBeGreaterThan(0);
    for (const statement of elevated)
      expect(statement.Condition).toEqual({ DateLessThan: { "aws:CurrentTime": UNTIL } });
    expect(elevated.flatMap((statement) => statement.Action)).toContain("dynamodb:UpdateItem");
    const own = statements.filter((statement) => !statement.Sid.startsWith("BreakGlass"));
    expect(own.length).toBeGreaterThan(0);
    for (const statement of own) {
      expect(statement.Condition).toBeUndefined();
      expect(statement.Action).not.toContain("dynamodb:UpdateItem");
    }
  });

  it("records the elevation on the role's tags, where the pack and people see it", async () => {
    const { resources } = await deploy({});
    const role = resources.find((resource) => resource.type === "aws:iam/role:Role" && resource.name === "repairer")!;
    expect(role.inputs.tags).toMatchObject({
      "agent-iam:break-glass-until": UNTIL,
      "agent-iam:break-glass-approved-by": "sam@acme.example",
      "agent-iam:break-glass-reason": "INC-4521: repair the orders table after the bad migration",
    });
  });

  it("GCP: the elevated binding's condition ends at until and names the approver and the reason", async () => {
    const { resources } = await deploy({});
    const members = resources.filter((resource) => resource.type === "gcp:storage/bucketIAMMember:BucketIAMMember");
    expect(members.length).toBeGreaterThan(0);
    for (const member of members)
      expect(member.inputs.condition).toEqual({
        title: `agent-iam break-glass until ${UNTIL}`,
        description: "approvedBy=sam@acme.example; reason=INC-4521: repair the orders table after the bad migration",
        expression: `request.time < timestamp("${UNTIL}")`,
      });
  });

  it("Azure refuses an elevation it cannot end, before registering anything of the agent", async () => {
    const { resources, thrown } = await deploy({
      azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" },
      breakGlass: {
        ...ELEVATION,
        grants: [
          {
            resource: `/subscriptions/${SUBSCRIPTION}/resourceGroups/data/providers/Microsoft.KeyVault/vaults/acme-prod`,
            access: "read",
          },
        ],
      },
    });
    expect(thrown).toBeInstanceOf(AgentSpecError);
    expect((thrown as AgentSpecError).problems).toEqual([
      {
        path: "breakGlass.grants[0]",
        message: expect.stringMatching(/Azure cannot end this role assignment by itself/),
      },
    ]);
    expect(resources.filter((resource) => resource.name.startsWith("repairer"))).toEqual([]);
  });

  it("an elevation longer than 24 hours registers nothing", async () => {
    const { resources, thrown } = await deploy({
      breakGlass: { ...ELEVATION, until: new Date(Date.now() + 25 * 3_600_000).toISOString() },
    });
    expect((thrown as AgentSpecError).problems).toEqual([
      { path: "breakGlass.until", message: expect.stringMatching(/more than 24 hours ahead/) },
    ]);
    expect(resources.filter((resource) => resource.name.startsWith("repairer"))).toEqual([]);
  });
});

describe("the inventory shows budget, break-glass and delegation", () => {
  it("offline, from the recorded program, and as the component exports it", async () => {
    let exported: unknown;
    const resources = await recordResources(() => {
      const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
      new AgentIdentity("deployer", {
        ...BASE,
        runsOn: githubActions({ repository: "acme/platform" }),
        aws: { oidcProvider: github },
      });
      const repairer = new AgentIdentity("repairer", {
        ...BASE,
        aws: { oidcProvider: github },
        breakGlass: { ...ELEVATION, grants: [ELEVATION.grants[0]!] },
        budget: { monthly: 120, notify: ["keisha@acme.example"], stopAt: 95 },
        delegatesTo: ["deployer"],
      });
      repairer.inventoryRecord.apply((record) => (exported = record));
    });
    const record = inventoryFromResources(resources).find((entry) => entry.id === "repairer")!;
    expect(record.budget).toEqual({ monthly: 120, currency: "USD", notify: ["keisha@acme.example"], stopAt: 95 });
    expect(record.breakGlass).toEqual({
      reason: ELEVATION.reason,
      approvedBy: "sam@acme.example",
      until: UNTIL,
      active: true,
      grants: [`write to the DynamoDB table orders (break-glass until ${UNTIL})`],
    });
    expect(record.delegatesTo).toEqual(["deployer"]);
    expect(record.canDo).toContain(`write to the DynamoDB table orders (break-glass until ${UNTIL})`);
    expect(exported).toEqual(record);
    const markdown = inventoryMarkdown([record]);
    expect(markdown).toContain(
      "- Budget: 120 USD a month; told at 80 % and 100 %, stopped at 95 % (keisha@acme.example)",
    );
    expect(markdown).toContain(
      `- **Break-glass** in force until ${UNTIL}, approved by sam@acme.example: ${ELEVATION.reason}`,
    );
    expect(markdown).toContain("- May act as: deployer");
    const [header, row] = inventoryCsv([record]).split("\r\n");
    const column = (name: string) => row!.split(",")[header!.split(",").indexOf(name)];
    expect([
      column("budget_monthly"),
      column("budget_stop_at_percent"),
      column("break_glass_until"),
      column("break_glass_approved_by"),
      column("delegates_to"),
    ]).toEqual(["120 USD", "95", UNTIL, "sam@acme.example", "deployer"]);
    const deployer = inventoryFromResources(resources).find((entry) => entry.id === "deployer")!;
    expect([deployer.budget, deployer.breakGlass, deployer.delegatesTo]).toEqual([null, null, []]);
  });
});

describe("the audit feed marks actions made under break-glass", () => {
  it("within the elevation's window only: not before it could have begun, not after it ended", async () => {
    const resources = await recordResources(() => {
      const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
      new AgentIdentity("repairer", {
        ...BASE,
        aws: { oidcProvider: github },
        breakGlass: { ...ELEVATION, grants: [ELEVATION.grants[0]!] },
      });
    });
    const attributor = new Attributor(inventoryFromResources(resources));
    const roleArn = "arn:aws:iam::123456789012:role/agents/agent-repairer-prod";
    const event = (offsetHours: number): CloudEvent => ({
      cloud: "aws",
      actionId: `event-${offsetHours}`,
      timestamp: new Date(Date.parse(UNTIL) + offsetHours * 3_600_000).toISOString(),
      action: "dynamodb:UpdateItem",
      resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
      principal: `arn:aws:sts::123456789012:assumed-role/agent-repairer-prod/repairer`,
      identity: {
        awsRoleArn: roleArn,
        awsRoleName: "agent-repairer-prod",
        awsAccountId: "123456789012",
        awsSessionName: "repairer",
      },
      decision: "allowed",
      result: "success",
      errorCode: null,
      requestedBy: null,
    });
    const marked = (offsetHours: number) =>
      attributor.attribute(event(offsetHours), { file: "trail.json", offset: 0 }).break_glass;
    expect(attributor.attribute(event(-1), { file: "trail.json", offset: 0 }).agent_id).toBe("repairer");
    expect(marked(-1)).toEqual({ until: UNTIL, approved_by: "sam@acme.example", reason: ELEVATION.reason });
    expect(marked(-23.9)).toBeDefined();
    expect(marked(-24.1)).toBeUndefined();
    expect(marked(0)).toBeUndefined();
    expect(marked(2)).toBeUndefined();
  });
});
