import type { ResourceGrant } from "../../src/model/agent-spec";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AwsOidcProvider,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  githubActions,
  type AgentIdentityArgs,
} from "../../components";
import { awsStatementsForGrants } from "../../src/clouds/aws/actions";
import { budgetDenyAllPolicy } from "../../src/clouds/aws/budget-stop";
import { packPolicies } from "../../src/clouds/aws/policy-packing";
import { AgentSpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";
import { GCP_BUDGET_STOPPER_SOURCE } from "../../src/clouds/gcp/budget-stopper-source";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";

/**
 * Budgets that stop an agent, as the components register them under mocks, on every cloud; and the
 * GCP stopper's function source, run as it would run in Cloud Run functions.
 */

const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const PROJECT = "acme-agents-prod";
const BILLING = "01A2B3-C4D5E6-F7A8B9";
const BASE = {
  owner: "keisha@acme.example",
  purpose: "Triages support tickets and labels them",
  environment: "prod",
  expires: "2099-01-01",
  runsOn: githubActions({ repository: "acme/api" }),
};
const BUDGET = { monthly: 250, notify: ["keisha@acme.example", "finops@acme.example"], stopAt: 90 };

function of(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

function one(resources: RecordedResource[], type: string, name?: string): RecordedResource {
  const found = of(resources, type).filter((resource) => name === undefined || resource.name === name);
  expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
}

async function deploy(extra: Partial<AgentIdentityArgs>, options: { stopper?: boolean } = {}) {
  const { resources, thrown } = await attempt(extra, options);
  if (thrown) throw thrown;
  return resources;
}

/** Runs the program and catches what the component throws, as a program would see it. */
async function attempt(
  extra: Partial<AgentIdentityArgs>,
  options: { stopper?: boolean } = {},
): Promise<{ resources: RecordedResource[]; thrown?: unknown }> {
  let thrown: unknown;
  const resources = await recordResources(() => {
    try {
      declare(extra, options);
    } catch (error) {
      thrown = error;
    }
  });
  return { resources, thrown };
}

function declare(extra: Partial<AgentIdentityArgs>, options: { stopper?: boolean }): void {
  {
    const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
    const pool = new GcpWorkloadIdentityPool("agents", { project: PROJECT });
    const stopper = options.stopper
      ? new GcpBudgetStopper("stopper", { project: PROJECT, region: "europe-west1" })
      : undefined;
    new AgentIdentity("triage", {
      ...BASE,
      budget: BUDGET,
      aws: { oidcProvider: github },
      gcp: { project: PROJECT, pool, billingAccount: BILLING, ...(stopper ? { budgetStopper: stopper } : {}) },
      azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" },
      ...extra,
    });
  }
}

describe("AWS: a budget action stops the agent", () => {
  it("a monthly cost budget on the cost-allocation tag, told at 80 % and 100 %", async () => {
    const budget = one(await deploy({}), "aws:budgets/budget:Budget");
    expect(budget.inputs).toMatchObject({
      name: "agent-iam-triage-prod",
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "250.00",
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: ["user:agent-iam:agent$triage"] }],
    });
    expect(
      (
        budget.inputs.notifications as {
          threshold: number;
          notificationType: string;
          subscriberEmailAddresses: string[];
        }[]
      ).map((n) => [n.threshold, n.notificationType, n.subscriberEmailAddresses]),
    ).toEqual([
      [80, "ACTUAL", BUDGET.notify],
      [100, "ACTUAL", BUDGET.notify],
    ]);
  });

  it("attaches the deny-all policy to the agent's role at stopAt, automatically, run by a role that may do only that", async () => {
    const resources = await deploy({});
    const action = one(resources, "aws:budgets/budgetAction:BudgetAction");
    const stop = one(resources, "aws:iam/policy:Policy", "triage-budget-stop");
    const executionRole = one(resources, "aws:iam/role:Role", "triage-budget-action");
    expect(JSON.parse(stop.inputs.policy as string)).toEqual(budgetDenyAllPolicy());
    expect(action.inputs).toMatchObject({
      budgetName: "agent-iam-triage-prod",
      actionType: "APPLY_IAM_POLICY",
      approvalModel: "AUTOMATIC",
      notificationType: "ACTUAL",
      actionThreshold: { actionThresholdType: "PERCENTAGE", actionThresholdValue: 90 },
      definition: { iamActionDefinition: { policyArn: stop.state.arn, roles: ["agent-triage-prod"] } },
      executionRoleArn: executionRole.state.arn,
      subscribers: BUDGET.notify.map((address) => ({ address, subscriptionType: "EMAIL" })),
    });
    const trust = JSON.parse(executionRole.inputs.assumeRolePolicy as string);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "budgets.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      }),
    ]);
    // Not an agent: no agent tag, so no policy of the pack mistakes it for one.
    expect(executionRole.inputs.tags).not.toHaveProperty("agent-iam:agent");
    const inline = one(resources, "aws:iam/rolePolicy:RolePolicy", "triage-budget-action");
    expect(JSON.parse(inline.inputs.policy as string).Statement).toEqual([
      {
        Sid: "AttachOnlyTheStopPolicy",
        Effect: "Allow",
        Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        Resource: ["arn:aws:iam::123456789012:role/agents/agent-triage-prod"],
        Condition: { ArnEquals: { "iam:PolicyARN": stop.state.arn } },
      },
    ]);
    // Pulumi manages no attachment of the stop policy: an update or a refresh never lifts the stop.
    expect(
      of(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
        (attachment) => attachment.inputs.policyArn,
      ),
    ).not.toContain(stop.state.arn);
  });

  it("keeps a managed policy slot for the stop policy: grants that need ten policies fail with a budget, not without", async () => {
    // Grants that end on different days never merge: the fewest that need exactly ten policies.
    const grant = (index: number): ResourceGrant => ({
      resource: `arn:aws:dynamodb:us-east-1:123456789012:table/orders-${index}`,
      access: ["read", "write", "list", "tag"],
      until: `2030-01-${String(1 + (index % 28)).padStart(2, "0")}`,
    });
    const policiesFor = (count: number) => {
      const agent = planAgent("triage", {
        ...BASE,
        grants: Array.from({ length: count }, (_, index) => grant(index)),
        aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      });
      return packPolicies(awsStatementsForGrants(agent.grants, agent.accountWide).statements).length;
    };
    let count = 1;
    while (policiesFor(count) < 10) count += 1;
    const spec = {
      grants: Array.from({ length: count }, (_, index) => grant(index)),
      gcp: undefined,
      azure: undefined,
    };
    const without = await deploy({ ...spec, budget: undefined });
    expect(of(without, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(10);
    const withBudget = await attempt(spec);
    expect(withBudget.thrown).toBeInstanceOf(AgentSpecError);
    expect((withBudget.thrown as AgentSpecError).problems).toEqual([
      {
        path: "grants",
        message: expect.stringMatching(/a role holds at most 10 and 1 of them is kept for the budget stop policy/),
      },
    ]);
    expect(withBudget.resources.filter((resource) => resource.name.startsWith("triage"))).toEqual([]);
    const nine = await deploy({ ...spec, grants: spec.grants.slice(0, count - 1) });
    expect(of(nine, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length).toBeLessThanOrEqual(9);
  });
});

describe("GCP: a billing budget on the agent's label, published to Pub/Sub", () => {
  it("without a stopper: its own topic, email channels, thresholds at 80, 90 (stopAt) and 100 %", async () => {
    const resources = await deploy({});
    const budget = one(resources, "gcp:billing/budget:Budget");
    const channels = of(resources, "gcp:monitoring/notificationChannel:NotificationChannel");
    expect(
      channels.map((channel) => [channel.inputs.type, (channel.inputs.labels as Record<string, string>).email_address]),
    ).toEqual(BUDGET.notify.map((email) => ["email", email]));
    const topic = one(resources, "gcp:pubsub/topic:Topic", "triage-budget");
    expect(budget.inputs).toEqual({
      billingAccount: BILLING,
      displayName: "agent-iam triage-prod stop 90%",
      amount: { specifiedAmount: { currencyCode: "USD", units: "250", nanos: 0 } },
      budgetFilter: { labels: { "agent-iam-agent": "triage" }, calendarPeriod: "MONTH" },
      thresholdRules: [0.8, 0.9, 1].map((thresholdPercent) => ({ thresholdPercent, spendBasis: "CURRENT_SPEND" })),
      allUpdatesRule: {
        pubsubTopic: `projects/${PROJECT}/topics/${topic.inputs.name}`,
        schemaVersion: "1.0",
        monitoringNotificationChannels: channels.map((channel) => channel.id),
      },
    });
    expect(of(resources, "gcp:cloudfunctionsv2/function:Function")).toEqual([]);
  });

  it("with the stopper: its topic, and the one permission to disable this agent's account, on that account only", async () => {
    const resources = await deploy({}, { stopper: true });
    const budget = one(resources, "gcp:billing/budget:Budget");
    expect((budget.inputs.allUpdatesRule as { pubsubTopic: string }).pubsubTopic).toBe(
      `projects/${PROJECT}/topics/agent-iam-budget-stop`,
    );
    const role = one(resources, "gcp:projects/iAMCustomRole:IAMCustomRole", "stopper-disable");
    expect(role.inputs.permissions).toEqual(["iam.serviceAccounts.disable"]);
    const stopperAccount = one(resources, "gcp:serviceaccount/account:Account", "stopper");
    const agentAccount = one(resources, "gcp:serviceaccount/account:Account", "triage");
    const grant = one(resources, "gcp:serviceaccount/iAMMember:IAMMember", "stopper-may-stop-triage");
    expect(grant.inputs).toMatchObject({
      serviceAccountId: agentAccount.state.name,
      role: role.state.name,
      member: `serviceAccount:${stopperAccount.state.email}`,
    });
    // Nowhere else: no project-level grant and no key.
    expect(
      of(resources, "gcp:projects/iAMMember:IAMMember").filter((member) =>
        String(member.inputs.member).includes("budget-stopper"),
      ),
    ).toEqual([]);
    expect(of(resources, "gcp:serviceaccount/key:Key")).toEqual([]);
    const fn = one(resources, "gcp:cloudfunctionsv2/function:Function");
    expect(fn.inputs).toMatchObject({
      buildConfig: { runtime: "nodejs20", entryPoint: "stopAgent" },
      serviceConfig: {
        serviceAccountEmail: stopperAccount.state.email,
        ingressSettings: "ALLOW_INTERNAL_ONLY",
        environmentVariables: { AGENT_IAM_PROJECT: PROJECT },
      },
      eventTrigger: {
        eventType: "google.cloud.pubsub.topic.v1.messagePublished",
        pubsubTopic: `projects/${PROJECT}/topics/agent-iam-budget-stop`,
        serviceAccountEmail: stopperAccount.state.email,
      },
    });
    expect(one(resources, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember").inputs).toMatchObject({
      role: "roles/run.invoker",
      member: `serviceAccount:${stopperAccount.state.email}`,
    });
    const source = one(resources, "gcp:storage/bucketObject:BucketObject");
    const archive = source.inputs.source as { assets: Record<string, { text: string }> };
    expect(archive.assets["index.js"]!.text).toBe(GCP_BUDGET_STOPPER_SOURCE);
    expect(JSON.parse(archive.assets["package.json"]!.text).dependencies).toEqual({
      "@google-cloud/functions-framework": expect.any(String),
    });
  });
});

describe("Azure: a consumption budget on the agent's tag with an action group", () => {
  it("notifies the people and the action group at 80, 90 and 100 %", async () => {
    const resources = await deploy({});
    const group = one(resources, "azure-native:monitor:ActionGroup");
    expect(group.inputs).toMatchObject({
      resourceGroupName: "agents",
      groupShortName: "triage",
      location: "Global",
      enabled: true,
    });
    expect(
      (group.inputs.emailReceivers as { emailAddress: string }[]).map((receiver) => receiver.emailAddress),
    ).toEqual(BUDGET.notify);
    const budget = one(resources, "azure-native:consumption:Budget");
    expect(budget.inputs).toMatchObject({
      scope: `/subscriptions/${SUBSCRIPTION}`,
      amount: 250,
      category: "Cost",
      timeGrain: "Monthly",
      filter: { tags: { name: "agent-iam:agent", operator: "In", values: ["triage"] } },
    });
    expect((budget.inputs.timePeriod as { startDate: string }).startDate).toMatch(/^\d{4}-\d{2}-01T00:00:00Z$/);
    expect(budget.options.ignoreChanges).toEqual(["timePeriod"]);
    const notifications = budget.inputs.notifications as Record<
      string,
      { threshold: number; contactEmails: string[]; contactGroups: string[] }
    >;
    expect(
      Object.values(notifications)
        .map((notification) => [notification.threshold, notification.contactEmails, notification.contactGroups])
        .sort(([a], [b]) => Number(a) - Number(b)),
    ).toEqual([80, 90, 100].map((threshold) => [threshold, BUDGET.notify, [group.id]]));
  });

  it("registers no budget for an agent without one, on any cloud", async () => {
    const resources = await deploy({ budget: undefined });
    expect(resources.filter((resource) => /[Bb]udget/.test(resource.type))).toEqual([]);
  });
});

describe("the GCP stopper's function, as Cloud Run functions runs it", () => {
  /** Loads the shipped source with a Functions Framework and `fetch` that record what it does. */
  function load() {
    const registered: Record<string, (event: unknown) => Promise<void>> = {};
    const calls: { url: string; method: string; headers: Record<string, string> }[] = [];
    const exports: Record<string, unknown> = {};
    const fetch = async (url: string, init: { method?: string; headers?: Record<string, string> } = {}) => {
      calls.push({ url, method: init.method ?? "GET", headers: init.headers ?? {} });
      if (url.startsWith("http://metadata.google.internal/"))
        return { ok: true, status: 200, json: async () => ({ access_token: "ya29.token" }), text: async () => "" };
      return { ok: true, status: 200, json: async () => ({}), text: async () => "" };
    };
    const require = (name: string) => {
      if (name !== "@google-cloud/functions-framework") throw new Error(`the source requires ${name}`);
      return {
        cloudEvent: (entry: string, handler: (event: unknown) => Promise<void>) => (registered[entry] = handler),
      };
    };
    runInNewContext(GCP_BUDGET_STOPPER_SOURCE, {
      require,
      exports,
      fetch,
      Buffer,
      console: { log: () => undefined },
      process: { env: { AGENT_IAM_PROJECT: PROJECT } },
      encodeURIComponent,
      JSON,
      Number,
    });
    return {
      registered,
      calls,
      decide: exports.decide as (message: unknown, project: string) => unknown,
      decideExpiry: exports.decideExpiry as (message: unknown, project: string, now: Date) => unknown,
    };
  }

  const message = (data: Record<string, unknown>) => ({
    data: Buffer.from(JSON.stringify(data)).toString("base64"),
    attributes: { billingAccountId: BILLING },
  });
  const event = (data: Record<string, unknown>) => ({ data: { message: message(data) } });

  it("registers the entry point and decides from the notification alone", () => {
    const { registered, decide } = load();
    expect(Object.keys(registered)).toEqual(["stopAgent"]);
    expect(
      decide(
        message({
          budgetDisplayName: "agent-iam triage-prod stop 90%",
          costAmount: 225,
          budgetAmount: 250,
          currencyCode: "USD",
        }),
        PROJECT,
      ),
    ).toEqual({
      email: `triage-prod@${PROJECT}.iam.gserviceaccount.com`,
      cost: 225,
      amount: 250,
      stopAt: 90,
      currency: "USD",
    });
    expect(
      decide(
        message({ budgetDisplayName: "agent-iam triage-prod stop 90%", costAmount: 224.99, budgetAmount: 250 }),
        PROJECT,
      ),
    ).toBeNull();
    expect(
      decide(message({ budgetDisplayName: "team budget", costAmount: 1000, budgetAmount: 250 }), PROJECT),
    ).toBeNull();
    expect(
      decide(
        message({ budgetDisplayName: "agent-iam triage-prod stop 90%", costAmount: 1000, budgetAmount: 0 }),
        PROJECT,
      ),
    ).toBeNull();
    expect(decide({ data: "not base64 json" }, PROJECT)).toBeNull();
  });

  it("disables the agent's account with the function's own token once spend reaches stopAt, and does nothing below", async () => {
    const below = load();
    await below.registered.stopAgent!(
      event({ budgetDisplayName: "agent-iam triage-prod stop 90%", costAmount: 100, budgetAmount: 250 }),
    );
    expect(below.calls).toEqual([]);
    const reached = load();
    await reached.registered.stopAgent!(
      event({ budgetDisplayName: "agent-iam triage-prod stop 90%", costAmount: 240, budgetAmount: 250 }),
    );
    expect(reached.calls.map((call) => [call.method, call.url])).toEqual([
      ["GET", "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"],
      [
        "POST",
        `https://iam.googleapis.com/v1/projects/-/serviceAccounts/${encodeURIComponent(`triage-prod@${PROJECT}.iam.gserviceaccount.com`)}:disable`,
      ],
    ]);
    expect(reached.calls[0]!.headers).toEqual({ "Metadata-Flavor": "Google" });
    expect(reached.calls[1]!.headers.Authorization).toBe("Bearer ya29.token");
  });

  it("on an expiry message, disables the account once the review date has come in UTC, and never before", async () => {
    const { decideExpiry } = load();
    const expiry = (data: Record<string, unknown>) => message(data);
    const due = expiry({ kind: "agent-iam-expiry", accountId: "triage-prod", expires: "2027-02-01" });
    expect(decideExpiry(due, PROJECT, new Date("2027-01-31T23:59:59Z"))).toBeNull();
    expect(decideExpiry(due, PROJECT, new Date("2027-02-01T00:00:00Z"))).toEqual({
      email: `triage-prod@${PROJECT}.iam.gserviceaccount.com`,
      expires: "2027-02-01",
    });
    // Not an expiry message, or not one of agent-iam's account ids: nothing.
    expect(
      decideExpiry(expiry({ kind: "other", accountId: "triage-prod", expires: "2020-01-01" }), PROJECT, new Date()),
    ).toBeNull();
    expect(
      decideExpiry(expiry({ kind: "agent-iam-expiry", accountId: "x", expires: "2020-01-01" }), PROJECT, new Date()),
    ).toBeNull();
    expect(
      decideExpiry(
        expiry({ kind: "agent-iam-expiry", accountId: "triage-prod", expires: "soon" }),
        PROJECT,
        new Date(),
      ),
    ).toBeNull();

    const past = load();
    await past.registered.stopAgent!(
      event({ kind: "agent-iam-expiry", accountId: "triage-prod", expires: "2020-01-01" }),
    );
    expect(past.calls.map((call) => call.method)).toEqual(["GET", "POST"]);
    expect(past.calls[1]!.url).toContain(encodeURIComponent(`triage-prod@${PROJECT}.iam.gserviceaccount.com`));
    const future = load();
    await future.registered.stopAgent!(
      event({ kind: "agent-iam-expiry", accountId: "triage-prod", expires: "2099-01-01" }),
    );
    expect(future.calls).toEqual([]);
  });
});
