import { describe, expect, it } from "vitest";
import { AgentSpecError } from "../../src/model/agent-spec";
import { planAgent } from "../../src/clouds/plan";
import { githubActions } from "../../src/model/runs-on";
import { breakGlassProblems, normalizeInstant } from "../../src/model/break-glass";
import { budgetThresholds, stopAmount } from "../../src/model/budget";
import { delegationClouds, delegationCycle, reachableAgents } from "../../src/model/delegation";

const NOW = "2026-11-23T10:00:00Z";
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const BASE = {
  owner: "keisha@acme.example",
  purpose: "Restores tables after incidents and reports on them",
  environment: "prod",
  expires: "2027-02-01",
  runsOn: githubActions({ repository: "acme/api" }),
  aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
};
const BREAK_GLASS = {
  grants: [{ resource: "arn:aws:s3:::acme-prod-orders", access: "write" }],
  reason: "INC-4521: restore the orders table",
  approvedBy: "sam@acme.example",
  until: "2026-11-24T06:00:00Z",
};

function problems(spec: Record<string, unknown>): { path: string; message: string }[] {
  try {
    planAgent("restorer", { ...BASE, ...spec }, { now: NOW });
  } catch (error) {
    expect(error).toBeInstanceOf(AgentSpecError);
    return [...(error as AgentSpecError).problems];
  }
  return [];
}

describe("budget", () => {
  it("defaults the currency to USD and the stop to 100 %, and keeps each email once", () => {
    const agent = planAgent(
      "restorer",
      { ...BASE, budget: { monthly: 250, notify: ["keisha@acme.example", "keisha@acme.example"] } },
      { now: NOW },
    );
    expect(agent.budget).toEqual({ monthly: 250, currency: "USD", notify: ["keisha@acme.example"], stopAt: 100 });
    expect(budgetThresholds(agent.budget!)).toEqual([80, 100]);
    expect(budgetThresholds({ stopAt: 90 })).toEqual([80, 90, 100]);
    expect(stopAmount({ monthly: 99.5, stopAt: 90 })).toBe(89.55);
  });

  it.each([
    [{ monthly: 0, notify: ["a@acme.example"] }, "budget.monthly", /more than 0/],
    [{ monthly: 10.555, notify: ["a@acme.example"] }, "budget.monthly", /two decimals/],
    [{ notify: ["a@acme.example"] }, "budget.monthly", /is required/],
    [{ monthly: 10, notify: [] }, "budget.notify", /at least one email/],
    [{ monthly: 10, notify: ["finops"] }, "budget.notify[0]", /email address/],
    [
      {
        monthly: 10,
        notify: [
          "a@acme.example",
          "b@acme.example",
          "c@acme.example",
          "d@acme.example",
          "e@acme.example",
          "f@acme.example",
        ],
      },
      "budget.notify",
      /at most 5/,
    ],
    [
      { monthly: 10, notify: ["a@acme.example"], stopAt: 120 },
      "budget.stopAt",
      /at most 100: an agent stops when it reaches its budget/,
    ],
    [{ monthly: 10, notify: ["a@acme.example"], stopAt: 0 }, "budget.stopAt", /from 1 to 100/],
    [{ monthly: 10, notify: ["a@acme.example"], currency: "usd" }, "budget.currency", /ISO 4217/],
    [{ monthly: 10, notify: ["a@acme.example"], limit: 3 }, "budget", /limit/],
  ])("%j is refused at %s", (budget, path, message) => {
    const found = problems({ budget });
    expect(found.find((problem) => problem.path === path)?.message ?? JSON.stringify(found)).toMatch(message);
  });

  it("on GCP needs the billing account; a stopper without a budget ends the review date only", () => {
    const gcp = {
      project: "acme-agents-prod",
      pool: {
        name: "projects/123456789012/locations/global/workloadIdentityPools/agents",
        provider: "projects/123456789012/locations/global/workloadIdentityPools/agents/providers/github-acme",
      },
    };
    expect(problems({ gcp, budget: { monthly: 10, notify: ["a@acme.example"] } })).toContainEqual({
      path: "gcp.billingAccount",
      message: expect.stringMatching(/billing account/),
    });
    expect(problems({ gcp: { ...gcp, billingAccount: "not-an-account" } })).toContainEqual({
      path: "gcp.billingAccount",
      message: expect.stringMatching(/01A2B3-C4D5E6-F7A8B9/),
    });
    expect(problems({ gcp: { ...gcp, budgetStopper: { protect: () => undefined } } })).toEqual([]);
  });
});

describe("GCP grants that only the stopper can end, and deploys that name their runtime", () => {
  const gcp = {
    project: "acme-agents-prod",
    pool: {
      name: "projects/123456789012/locations/global/workloadIdentityPools/agents",
      provider: "projects/123456789012/locations/global/workloadIdentityPools/agents/providers/github-acme",
    },
  };
  const stopper = { protect: () => undefined };
  const topic = "//pubsub.googleapis.com/projects/acme-agents-prod/topics/findings";
  const service = "//run.googleapis.com/projects/acme-agents-prod/locations/europe-west1/services/web";
  const runtime =
    "//iam.googleapis.com/projects/acme-agents-prod/serviceAccounts/web-runtime@acme-agents-prod.iam.gserviceaccount.com";

  it("a grant on a type that takes no IAM condition needs gcp.budgetStopper, named in the message", () => {
    expect(problems({ gcp, grants: [{ resource: topic, access: "write" }] })).toEqual([
      {
        path: "gcp.budgetStopper",
        message: expect.stringMatching(/no IAM condition on a Pub\/Sub topic.*set gcp\.budgetStopper/),
      },
    ]);
    expect(
      problems({ gcp: { ...gcp, budgetStopper: stopper }, grants: [{ resource: topic, access: "write" }] }),
    ).toEqual([]);
    // A disabled agent has no binding to end.
    expect(problems({ gcp, disabled: true, grants: [{ resource: topic, access: "write" }] })).toEqual([]);
  });

  it("such a grant cannot end before the review date: until and break-glass are refused there", () => {
    expect(
      problems({
        gcp: { ...gcp, budgetStopper: stopper },
        grants: [{ resource: topic, access: "write", until: "2027-01-15" }],
      }),
    ).toEqual([
      { path: "grants[0]", message: expect.stringMatching(/no IAM condition on a Pub\/Sub topic.*remove until/) },
    ]);
    expect(
      problems({
        gcp: { ...gcp, budgetStopper: stopper },
        breakGlass: { ...BREAK_GLASS, grants: [{ resource: topic, access: "write" }] },
      }),
    ).toEqual([
      { path: "breakGlass.grants[0]", message: expect.stringMatching(/elevate on a resource that accepts conditions/) },
    ]);
  });

  it("a Cloud Run deploy names the runtime service account it acts as", () => {
    const deploy = (resources: string[]) =>
      problems({ gcp: { ...gcp, budgetStopper: stopper }, grants: [{ role: "deployment-agent", resources }] });
    expect(deploy([service])).toEqual([
      { path: "grants[0]", message: expect.stringMatching(/acts as its runtime service account: add that account/) },
    ]);
    expect(deploy([service, runtime])).toEqual([]);
  });

  it("a Container Apps deploy names the environment it joins", () => {
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/web-prod/providers`;
    const azure = { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" };
    const deploy = (resources: string[]) => problems({ azure, grants: [{ role: "deployment-agent", resources }] });
    expect(deploy([`${group}/Microsoft.App/containerApps/web`])).toEqual([
      {
        path: "grants[0]",
        message: expect.stringMatching(/joins it to its environment again: add the Container Apps environment/),
      },
    ]);
    expect(
      deploy([`${group}/Microsoft.App/containerApps/web`, `${group}/Microsoft.App/managedEnvironments/web-prod`]),
    ).toEqual([]);
  });
});

describe("breakGlass", () => {
  it("marks its grants, which end at until, and records the elevation", () => {
    const agent = planAgent("restorer", { ...BASE, breakGlass: BREAK_GLASS }, { now: NOW });
    expect(agent.breakGlass).toEqual({
      reason: BREAK_GLASS.reason,
      approvedBy: "sam@acme.example",
      until: "2026-11-24T06:00:00Z",
    });
    expect(agent.grants).toEqual([
      expect.objectContaining({
        resource: expect.objectContaining({ ref: "arn:aws:s3:::acme-prod-orders" }),
        endsAt: "2026-11-24T06:00:00Z",
        breakGlass: true,
      }),
    ]);
  });

  it("takes any ISO 8601 date-time with a zone and keeps it in UTC", () => {
    const agent = planAgent(
      "restorer",
      { ...BASE, breakGlass: { ...BREAK_GLASS, until: "2026-11-24T08:30+02:00" } },
      { now: NOW },
    );
    expect(agent.breakGlass!.until).toBe("2026-11-24T06:30:00Z");
    expect(normalizeInstant("2026-02-30T10:00:00Z")).toBeUndefined();
    expect(normalizeInstant("2026-11-24")).toBeUndefined();
    expect(normalizeInstant("2026-11-24T10:00:00")).toBeUndefined();
  });

  it.each([
    [
      "until more than 24 hours ahead",
      { until: "2026-11-24T10:00:01Z" },
      "breakGlass.until",
      /more than 24 hours ahead \(now is 2026-11-23T10:00:00Z\); end the elevation by 2026-11-24T10:00:00Z/,
    ],
    ["until passed", { until: "2026-11-23T09:59:59Z" }, "breakGlass.until", /ended at 2026-11-23T09:59:59Z/],
    ["until without a zone", { until: "2026-11-24T06:00:00" }, "breakGlass.until", /ISO 8601 date-time with a zone/],
    [
      "until after the review date",
      { until: "2026-11-24T06:00:00Z" },
      "breakGlass.until",
      /outlives the identity/,
      { expires: "2026-11-24" },
    ],
    ["no reason", { reason: " " }, "breakGlass.reason", /needs a reason/],
    [
      "the owner approving",
      { approvedBy: "Keisha@acme.example" },
      "breakGlass.approvedBy",
      /owner \(keisha@acme\.example\) cannot approve/,
    ],
    [
      "an approver who is not an email",
      { approvedBy: "sam" },
      "breakGlass.approvedBy",
      /email of the person who approved/,
    ],
    [
      "a grant with its own until",
      { grants: [{ resource: "arn:aws:s3:::acme-prod-orders", access: "write", until: "2026-11-24" }] },
      "breakGlass.grants[0].until",
      /ends at breakGlass.until/,
    ],
    ["no grants", { grants: [] }, "breakGlass.grants", /at least one grant/],
    [
      "a grant on a cloud the agent is not on",
      { grants: [{ resource: "//storage.googleapis.com/projects/_/buckets/acme", access: "read" }] },
      "breakGlass.grants[0].resource",
      /no "gcp" block/,
    ],
  ] as [string, Record<string, unknown>, string, RegExp, Record<string, unknown>?][])(
    "%s is refused at the field",
    (_label, change, path, message, extra) => {
      const found = problems({ ...extra, breakGlass: { ...BREAK_GLASS, ...change } });
      expect(found.find((problem) => problem.path === path)?.message ?? JSON.stringify(found)).toMatch(message);
    },
  );

  it("reports the elevation's rules even when another field fails to parse", () => {
    const found = problems({
      purpose: "short",
      breakGlass: { ...BREAK_GLASS, until: "2026-11-26T00:00:00Z", approvedBy: "keisha@acme.example" },
    });
    expect(found.map((problem) => problem.path).sort()).toEqual([
      "breakGlass.approvedBy",
      "breakGlass.until",
      "purpose",
    ]);
  });

  it("on Azure is refused, saying why the API cannot end it", () => {
    const found = problems({
      aws: undefined,
      azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" },
      breakGlass: {
        ...BREAK_GLASS,
        grants: [
          {
            resource: `/subscriptions/${SUBSCRIPTION}/resourceGroups/data/providers/Microsoft.KeyVault/vaults/acme-prod`,
            access: "read",
          },
        ],
      },
    });
    expect(found).toEqual([
      {
        path: "breakGlass.grants[0]",
        message: expect.stringMatching(
          /roleAssignmentScheduleRequests.*pulumi-azure-native#2073.*Elevate the agent on AWS or GCP/,
        ),
      },
    ]);
  });

  it("judges a hand-written elevation by the same rules, without naming the current time when asked", () => {
    const found = breakGlassProblems({ until: "2026-11-25T10:00:00Z" }, { now: NOW, mentionNow: false });
    expect(found.map((problem) => problem.field)).toEqual(["reason", "approvedBy", "until"]);
    expect(found[2]!.message).not.toContain("2026-11-23");
  });
});

describe("delegatesTo", () => {
  it("takes ids, components and { agent, clouds }", () => {
    const other = { agentId: "deployer", agent: { clouds: ["aws"] } };
    const agent = planAgent(
      "restorer",
      { ...BASE, delegatesTo: ["reporter", other, { agent: "auditor", clouds: ["aws"] }] },
      { now: NOW },
    );
    expect(agent.delegatesTo).toEqual([
      { agent: "reporter" },
      { agent: "deployer" },
      { agent: "auditor", clouds: ["aws"] },
    ]);
    expect(planAgent("restorer", BASE, { now: NOW }).delegatesTo).toEqual([]);
  });

  it.each([
    ["itself", ["restorer"], "delegatesTo[0]", /cannot delegate to itself/],
    ["twice the same agent", ["deployer", "deployer"], "delegatesTo[1]", /listed twice/],
    ["not an id", ["Deploy Bot"], "delegatesTo[0]", /by its id/],
    [
      "Azure named",
      [{ agent: "deployer", clouds: ["azure"] }],
      "delegatesTo[0].clouds[0]",
      /delegation works on aws and gcp only: Azure has no native way/,
    ],
    ["an unknown key", [{ agent: "deployer", via: "aws" }], "delegatesTo[0]", /via/],
  ])("%s is refused at the field", (_label, delegatesTo, path, message) => {
    const found = problems({ delegatesTo });
    expect(found.find((problem) => problem.path === path)?.message ?? JSON.stringify(found)).toMatch(message);
  });

  it("refuses an agent that is only on Azure, and a pair that shares Azure unless the entry leaves it out", () => {
    const azure = { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" };
    expect(problems({ aws: undefined, azure, delegatesTo: ["deployer"] })).toEqual([
      { path: "delegatesTo[0]", message: expect.stringMatching(/no identity on aws or gcp.*Azure has no native way/) },
    ]);
    const onBoth = { agentId: "deployer", agent: { clouds: ["aws", "azure"] } };
    expect(problems({ azure, delegatesTo: [onBoth] })).toEqual([
      { path: "delegatesTo[0]", message: expect.stringMatching(/both agents are on Azure.*clouds: \["aws"\]/) },
    ]);
    expect(problems({ azure, delegatesTo: [{ agent: onBoth, clouds: ["aws"] }] })).toEqual([]);
  });

  it("plans the clouds of one delegation", () => {
    expect(delegationClouds(["aws", "gcp"], ["aws", "gcp", "azure"], { agent: "b" })).toEqual({
      clouds: ["aws", "gcp"],
    });
    expect(delegationClouds(["aws"], ["gcp"], { agent: "b" })).toEqual({
      problem: expect.stringMatching(/shares no cloud/),
    });
    expect(delegationClouds(["aws", "gcp"], ["aws"], { agent: "b", clouds: ["gcp"] })).toEqual({
      problem: expect.stringMatching(/need an identity on gcp/),
    });
  });

  it("finds cycles and chains on the graph", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
    ]);
    expect(delegationCycle(graph, "a")).toEqual(["a", "b", "c", "a"]);
    expect(delegationCycle(graph, "d")).toBeUndefined();
    expect(
      delegationCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["b"]],
        ]),
        "a",
      ),
    ).toBeUndefined();
    expect(reachableAgents(graph, "a")).toEqual(
      new Map([
        ["b", ["a", "b"]],
        ["c", ["a", "b", "c"]],
        ["d", ["a", "b", "c", "d"]],
      ]),
    );
  });
});
