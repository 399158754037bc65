import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AgentIdentity, AwsOidcProvider, GcpWorkloadIdentityPool, githubActions, kubernetes } from "../../components";
import { todayUtc } from "../../src/model/dates";
import {
  INVENTORY_SCHEMA_FILE,
  buildInventoryRecord,
  csvCell,
  describeGrant,
  expiringSoon,
  inventoryCsv,
  inventoryDocumentSchema,
  inventoryFromResources,
  inventoryJsonSchema,
  inventoryMarkdown,
  inventoryRecordSchema,
  resourceShortName,
  schemaFileText,
  type InventoryRecord,
} from "../../src/reports/inventory";
import { recordResources } from "../../src/gate/program/record";
import { planAgent } from "../../src/clouds/plan";

const TODAY = todayUtc();
const inDays = (days: number) =>
  new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const EKS_PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123";

function fleet(components: AgentIdentity[] = []) {
  return () => {
    const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
    components.push(
      new AgentIdentity("pr-reviewer", {
        owner: "keisha@acme.example",
        team: "platform",
        costCenter: "cc-1234",
        purpose: "Reviews pull requests and posts findings",
        environment: "prod",
        expires: inDays(120),
        runsOn: githubActions({ repository: "acme/api" }),
        grants: [
          {
            role: "code-reviewer",
            resources: ["arn:aws:s3:::acme-prod-source", "arn:aws:sqs:us-east-1:123456789012:reviews"],
          },
        ],
        aws: { oidcProvider: github },
      }),
      new AgentIdentity("customer-reader", {
        owner: "ravi@acme.example",
        purpose: "Reads customer records to answer support tickets",
        environment: "dev",
        expires: inDays(10),
        runsOn: kubernetes({
          issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123",
          namespace: "support",
          serviceAccount: "reader",
        }),
        grants: [
          { resource: "arn:aws:dynamodb:us-east-1:123456789012:table/customers", access: "read", dataClass: "pii" },
        ],
        aws: { oidcProvider: EKS_PROVIDER_ARN },
      }),
      new AgentIdentity("report-reader", {
        owner: "lena@acme.example",
        purpose: "Reads the finance reports on Google Cloud and Azure every night",
        environment: "prod",
        expires: inDays(90),
        runsOn: githubActions({ repository: "acme/reports" }),
        grants: [
          {
            role: "data-reader",
            resources: [
              "//storage.googleapis.com/projects/_/buckets/acme-reports",
              `/subscriptions/${SUBSCRIPTION}/resourceGroups/agents/providers/Microsoft.Storage/storageAccounts/acmereports/blobServices/default/containers/reports`,
            ],
          },
        ],
        gcp: { project: "acme-prod-123", pool: new GcpWorkloadIdentityPool("agents", { project: "acme-prod-123" }) },
        azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" },
      }),
    );
  };
}

describe("inventory from a recorded program run", () => {
  it("has one record per AgentIdentity with its exact issuer, subject and role ARN", async () => {
    const records = inventoryFromResources(await recordResources(fleet()), { today: TODAY });
    expect(records.map((record) => record.id)).toEqual(["customer-reader", "pr-reviewer", "report-reader"]);
    const [reader, reviewer, reports] = records as [InventoryRecord, InventoryRecord, InventoryRecord];
    expect(reports.clouds).toEqual(["gcp", "azure"]);
    expect(reports.identities.gcp).toMatchObject({
      serviceAccountEmail: expect.stringMatching(/^report-reader[-a-z]*@acme-prod-123\.iam\.gserviceaccount\.com$/),
      project: "acme-prod-123",
    });
    expect(reports.identities.azure).toMatchObject({
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      principalId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resourceId: expect.stringMatching(/^\/subscriptions\//),
    });
    expect(reviewer).toMatchObject({
      owner: "keisha@acme.example",
      team: "platform",
      costCenter: "cc-1234",
      environment: "prod",
      created: null,
      expires: inDays(120),
      daysToExpiry: 120,
      status: "active",
      issuer: {
        kind: "github-actions",
        url: "https://token.actions.githubusercontent.com",
        subject: "repo:acme/api:environment:prod",
        audience: null,
      },
      clouds: ["aws"],
      identities: {
        aws: {
          roleArn: "arn:aws:iam::123456789012:role/agents/agent-pr-reviewer-prod",
          roleName: "agent-pr-reviewer-prod",
        },
      },
      writesProd: true,
      touchesSensitiveData: false,
      risk: { tier: "high" },
    });
    expect(reviewer.canDo).toEqual([
      "read and list the S3 bucket acme-prod-source (role code-reviewer)",
      "write to the SQS queue reviews (role code-reviewer)",
    ]);
    expect(reader).toMatchObject({
      issuer: { kind: "kubernetes", subject: "system:serviceaccount:support:reader" },
      identities: { aws: { roleArn: "arn:aws:iam::123456789012:role/agents/agent-customer-reader-dev" } },
      writesProd: false,
      touchesSensitiveData: true,
      risk: {
        tier: "high",
        reasons: [
          expect.objectContaining({ rule: "lists-sensitive" }),
          expect.objectContaining({ rule: "reads-sensitive" }),
        ],
      },
    });
    expect(reader.canDo).toEqual(["read the DynamoDB table customers (holds PII)"]);
    for (const record of records) expect(inventoryRecordSchema.safeParse(record).success).toBe(true);
  });

  it("equals the inventoryRecord output each component exports", async () => {
    const components: AgentIdentity[] = [];
    const resources = await recordResources(fleet(components));
    const exported = await Promise.all(
      components.map(
        (component) => new Promise<InventoryRecord>((resolve) => component.inventoryRecord.apply(resolve)),
      ),
    );
    const byId = (a: InventoryRecord, b: InventoryRecord) => a.id.localeCompare(b.id);
    expect(exported.sort(byId)).toEqual(inventoryFromResources(resources, { today: TODAY }));
  });

  it("records the agent model as the component input, so recorded runs and state carry it", async () => {
    const resources = await recordResources(fleet());
    const component = resources.find(
      (resource) => resource.type === "agent-iam:index:AgentIdentity" && resource.name === "pr-reviewer",
    );
    expect(component?.inputs).toMatchObject({
      agent: { id: "pr-reviewer", owner: "keisha@acme.example" },
      ownerDeparted: false,
    });
  });

  it("names the component that carries no agent model instead of guessing", () => {
    const foreign = [{ urn: "urn:x", type: "agent-iam:index:AgentIdentity", name: "old-bot", inputs: {}, state: {} }];
    expect(() => inventoryFromResources(foreign)).toThrow(/AgentIdentity "old-bot" registered no agent model/);
  });

  it("takes the agent's own identity, not another resource of that type under its component", () => {
    const agent = planAgent("bot", {
      owner: "keisha@acme.example",
      purpose: "Reads the reports bucket nightly",
      environment: "dev",
      expires: inDays(30),
      runsOn: githubActions({ repository: "acme/bot" }),
      grants: [{ resource: "arn:aws:s3:::acme-dev-reports", access: "read" }],
      aws: { oidcProvider: PROVIDER_ARN },
    });
    const role = (name: string, tags: Record<string, string>) => ({
      arn: `arn:aws:iam::123456789012:role/agents/${name}`,
      name,
      tags,
    });
    const resources = [
      {
        urn: "urn:c",
        type: "agent-iam:index:AgentIdentity",
        name: "bot",
        inputs: { agent, ownerDeparted: false },
        state: {},
      },
      {
        urn: "urn:b",
        parent: "urn:c",
        type: "aws:iam/role:Role",
        name: "bot-action",
        inputs: {},
        state: role("agent-bot-dev-budget-action", { "agent-iam:budget-of": "bot" }),
      },
      {
        urn: "urn:r",
        parent: "urn:c",
        type: "aws:iam/role:Role",
        name: "bot",
        inputs: {},
        state: role("agent-bot-dev", { "agent-iam:agent": "bot" }),
      },
      {
        urn: "urn:s1",
        parent: "urn:c",
        type: "gcp:serviceaccount/account:Account",
        name: "stopper",
        inputs: {},
        state: {
          email: "agent-iam-budget-stopper@p.iam.gserviceaccount.com",
          description: "Disables an agent's service account",
        },
      },
      {
        urn: "urn:s2",
        parent: "urn:c",
        type: "gcp:serviceaccount/account:Account",
        name: "bot",
        inputs: {},
        state: {
          email: "bot-dev@p.iam.gserviceaccount.com",
          description: "owner=keisha@acme.example; environment=dev; expires=2030-01-01; purpose=x",
        },
      },
    ];
    const [record] = inventoryFromResources(resources, { today: TODAY });
    expect(record!.identities.aws?.roleName).toBe("agent-bot-dev");
    expect(record!.identities.gcp?.serviceAccountEmail).toBe("bot-dev@p.iam.gserviceaccount.com");
  });

  it("writes a value a preview does not know yet as null, with the reason, and keeps the agent", () => {
    const agent = planAgent("bot", {
      owner: "keisha@acme.example",
      purpose: "Reads the reports bucket nightly",
      environment: "dev",
      expires: inDays(30),
      runsOn: githubActions({ repository: "acme/bot" }),
      grants: [{ resource: "arn:aws:s3:::acme-dev-reports", access: "read" }],
      aws: { oidcProvider: PROVIDER_ARN },
    });
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const resources = [
      {
        urn: "urn:c",
        type: "agent-iam:index:AgentIdentity",
        name: "bot",
        inputs: { agent, ownerDeparted: false },
        state: {},
      },
      {
        urn: "urn:r",
        parent: "urn:c",
        type: "aws:iam/role:Role",
        name: "bot",
        inputs: {},
        state: { arn: unknown, name: "agent-bot-dev" },
      },
    ];
    const [record] = inventoryFromResources(resources, { today: TODAY });
    expect(record!.identities).toEqual({ aws: { roleArn: null, roleName: "agent-bot-dev" } });
    expect(record!.clouds).toEqual(["aws"]);
    expect(record!.unknownValues.map((value) => value.field)).toEqual(["identities.aws.roleArn", "created"]);
    expect(record!.unknownValues[0]!.reason).toMatch(/AWS writes the account id into the role's ARN/);
  });
});

describe("inventory record details", () => {
  const base = {
    owner: "keisha@acme.example",
    purpose: "Refunds orders after a support agent approves",
    environment: "prod",
    runsOn: githubActions({ repository: "acme/refunds" }),
    aws: { oidcProvider: PROVIDER_ARN },
  };

  it("marks the disabled reason: the spec's kill switch or a departed owner", () => {
    const agent = planAgent("refunds", { ...base, expires: inDays(60), disabled: true });
    expect(buildInventoryRecord(agent, {}, { today: TODAY })).toMatchObject({
      status: "disabled",
      disabledReason: "disabled",
    });
    expect(buildInventoryRecord(agent, {}, { today: TODAY, ownerDeparted: true })).toMatchObject({
      status: "disabled",
      disabledReason: "owner-departed",
    });
    const active = planAgent("refunds", { ...base, expires: inDays(60) });
    expect(buildInventoryRecord(active, {}, { today: TODAY })).toMatchObject({
      status: "active",
      disabledReason: null,
    });
  });

  it("puts high-risk includes, data class, deadline and approval into plain words", () => {
    const agent = planAgent("refunds", {
      ...base,
      expires: inDays(60),
      approval: "SEC-1234",
      grants: [
        {
          resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
          access: ["read", "write"],
          include: ["delete"],
          dataClass: "financial",
          until: inDays(30),
        },
      ],
    });
    expect(describeGrant(agent.grants[0]!)).toBe(
      `write to and read the DynamoDB table orders (holds financial data, may also delete, until ${inDays(30)})`,
    );
    const record = buildInventoryRecord(agent, {}, { today: TODAY });
    expect(record.approval).toBe("SEC-1234");
    expect(record.risk.tier).toBe("critical");
  });

  it("describes account-wide grants by their role", () => {
    const agent = planAgent("monitor", { ...base, expires: inDays(60), grants: [{ role: "read-only-monitor" }] });
    const record = buildInventoryRecord(agent, {}, { today: TODAY });
    expect(record.grants).toEqual([
      expect.objectContaining({
        resource: "*",
        resourceType: "account",
        role: "read-only-monitor",
        actions: expect.arrayContaining(["cloudwatch:GetMetricStatistics"]),
      }),
    ]);
    expect(record.canDo[0]).toMatch(/^account-wide on AWS: watches services/);
  });

  it.each([
    ["arn:aws:s3:::acme-prod-source", "acme-prod-source"],
    ["arn:aws:s3:::acme-prod-source/*", "acme-prod-source/*"],
    ["arn:aws:dynamodb:us-east-1:123456789012:table/customers", "customers"],
    ["arn:aws:sqs:us-east-1:123456789012:reviews", "reviews"],
    ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api", "/aws/lambda/api"],
    ["//storage.googleapis.com/projects/_/buckets/acme-data", "acme-data"],
    ["/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/acme-kv", "acme-kv"],
  ])("short name of %s is %s", (ref, name) => {
    expect(resourceShortName(ref)).toBe(name);
  });
});

describe("inventory formats", () => {
  async function records() {
    return inventoryFromResources(await recordResources(fleet()), { today: TODAY });
  }

  it("CSV: a header and one row per agent, RFC 4180 quoting, formulas neutralised", async () => {
    const csv = inventoryCsv(await records());
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]!.split(",").slice(0, 7)).toEqual([
      "id",
      "owner",
      "team",
      "cost_center",
      "environment",
      "status",
      "risk",
    ]);
    expect(lines[2]).toMatch(/^pr-reviewer,keisha@acme\.example,platform,cc-1234,prod,active,high,/);
    expect(csvCell('say "hi", then leave')).toBe('"say ""hi"", then leave"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(null)).toBe("");
  });

  it("Markdown: a table row per agent and the agents expiring soon", async () => {
    const rows = await records();
    const markdown = inventoryMarkdown(rows);
    expect(markdown).toContain("| pr-reviewer | keisha@acme.example | prod | high | active | AWS |");
    expect(markdown).toMatch(
      /## Expiring within 30 days\n\n- \*\*customer-reader\*\* \(owner ravi@acme\.example\): expires .*, in 10 days/,
    );
    expect(expiringSoon(rows).map((record) => record.id)).toEqual(["customer-reader"]);
  });

  it("JSON: the document validates against its zod schema", async () => {
    expect(inventoryDocumentSchema.safeParse({ agents: await records() }).success).toBe(true);
    expect(inventoryDocumentSchema.safeParse({ agents: [{ id: "x" }] }).success).toBe(false);
  });
});

describe("inventory JSON Schema", () => {
  it("the checked-in file is generated from the zod schema (run `npx tsx src/model/inventory/json-schema.ts` to refresh it)", () => {
    expect(readFileSync(INVENTORY_SCHEMA_FILE, "utf8")).toBe(schemaFileText(inventoryJsonSchema()));
  });

  it("requires every field of a record", () => {
    const schema = inventoryJsonSchema() as {
      properties: { agents: { items: { required: string[]; additionalProperties: boolean } } };
    };
    const item = schema.properties.agents.items;
    expect(item.required).toEqual(
      expect.arrayContaining([
        "id",
        "owner",
        "purpose",
        "environment",
        "created",
        "expires",
        "issuer",
        "identities",
        "grants",
        "risk",
      ]),
    );
    expect(item.additionalProperties).toBe(false);
  });
});
