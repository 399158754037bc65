import { describe, expect, it } from "vitest";
import { AZURE_DOCUMENTED_WILDCARDS, AZURE_FORBIDDEN_ROLES } from "../../src/clouds/azure/roles";
import { daysBetween } from "../../src/model/dates";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";
import { declareFleet, FLEET_DEFAULTS } from "../../examples/fleet/fleet";

const FLEET_AGENTS = [
  "pr-reviewer",
  "deploy-bot",
  "ops-monitor",
  "report-reader",
  "support-refunds",
  "ticket-triage",
  "warehouse-analyst",
];

function of(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The agent a cloud resource belongs to: its name starts with the agent's. */
function _agentOf(resource: RecordedResource): string | undefined {
  return FLEET_AGENTS.find((agent) => resource.name === agent || resource.name.startsWith(`${agent}-`));
}

/** The agents' own identities (a budget's execution role or the budget stopper's account is no agent): named as the agent. */
function identities(resources: RecordedResource[], type: string): RecordedResource[] {
  return of(resources, type).filter((resource) => FLEET_AGENTS.includes(resource.name));
}

function cloudsPerAgent(resources: RecordedResource[]): Record<string, string[]> {
  const identityTypes: Record<string, string> = {
    "aws:iam/role:Role": "aws",
    "gcp:serviceaccount/account:Account": "gcp",
    "azure-native:managedidentity:UserAssignedIdentity": "azure",
  };
  const clouds: Record<string, string[]> = {};
  for (const resource of resources) {
    const cloud = identityTypes[resource.type];
    const agent = FLEET_AGENTS.find((name) => resource.name === name);
    if (cloud && agent) (clouds[agent] ??= []).push(cloud);
  }
  return clouds;
}

/** Checks a strict reading of the policy pack's rules can make on the recorded resources themselves. */
function expectCompliant(resources: RecordedResource[], environment: string): void {
  expect(of(resources, "aws:iam/accessKey:AccessKey")).toEqual([]);
  expect(of(resources, "gcp:serviceaccount/key:Key")).toEqual([]);
  expect(of(resources, "aws:iam/user:User")).toEqual([]);
  for (const role of identities(resources, "aws:iam/role:Role")) {
    expect(role.inputs.maxSessionDuration).toBeLessThanOrEqual(3600);
    expect(role.inputs.permissionsBoundary).toMatch(/^arn:aws:iam::\d{12}:policy\/agent-iam-boundary$/);
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    const equals = trust.Statement[0].Condition.StringEquals as Record<string, string>;
    expect((role.inputs.tags as Record<string, string>).environment).toBe(environment);
    // A role its AWS service assumes is pinned to the account the service acts for (confused deputy).
    if (trust.Statement[0].Principal.Service) {
      expect(equals["aws:SourceAccount"]).toMatch(/^\d{12}$/);
      continue;
    }
    const sub = Object.entries(equals).find(([key]) => key.endsWith(":sub"))![1];
    expect(sub).not.toMatch(/[*?]/);
    if (sub.includes(":environment:")) expect(sub.endsWith(`:environment:${environment}`)).toBe(true);
    expect((role.inputs.tags as Record<string, string>).environment).toBe(environment);
  }
  for (const provider of of(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"))
    expect(provider.inputs.attributeCondition).toMatch(/==/);
  // On a service account: the one federated principal, the delegation (ticket-triage may mint ops-monitor's tokens), or the budget stopper's disable role.
  for (const binding of of(resources, "gcp:serviceaccount/iAMMember:IAMMember")) {
    if (binding.name.endsWith("-delegates-to-ops-monitor"))
      expect([binding.inputs.role, binding.inputs.member]).toEqual([
        "roles/iam.serviceAccountTokenCreator",
        expect.stringMatching(/^serviceAccount:ticket-triage-/),
      ]);
    else if (binding.name.startsWith("budget-stopper-may-stop-"))
      expect(binding.inputs.role).toMatch(/roles\/agentIamBudgetStopper$/);
    // deploy-bot's Cloud Run service runs as web-runtime: the deploy acts as it, and as no other account.
    else if (binding.inputs.role === "roles/iam.serviceAccountUser")
      expect([binding.inputs.serviceAccountId, binding.inputs.member]).toEqual([
        expect.stringMatching(/\/serviceAccounts\/web-runtime@/),
        expect.stringMatching(/^serviceAccount:deploy-bot-/),
      ]);
    else
      expect(binding.inputs.member).toMatch(
        /^principal:\/\/iam\.googleapis\.com\/.+\/subject\/[^*]+$|^principalSet:\/\/iam\.googleapis\.com\/.+\/attribute\.aws_role\/arn:aws:sts::\d{12}:assumed-role\/[^/*]+$/,
      );
  }
  // Types whose allow policies take no conditional binding (Google, "Resource types that accept
  // conditional role bindings"): their members carry none, and the stopper ends them on the review date.
  const unconditional = [
    "gcp:pubsub/topicIAMMember:TopicIAMMember",
    "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
  ];
  for (const member of resources.filter(
    (resource) =>
      /^gcp:.*[Ii][Aa][Mm]Member:/.test(resource.type) &&
      !resource.name.endsWith("-delegates-to-ops-monitor") &&
      resource.name !== "budget-stopper-invoker",
  )) {
    expect(member.inputs.role).not.toMatch(/^roles\/(owner|editor|viewer)$|admin|tokenCreator/i);
    if (unconditional.includes(member.type)) expect(member.inputs.condition, member.name).toBeUndefined();
    else expect(member.inputs.condition, member.name).toBeDefined();
  }
  // Every agent with such a grant is protected by the stopper: a job publishes its expiry on its review date.
  const scheduled = of(resources, "gcp:cloudscheduler/job:Job").map((job) => job.name);
  for (const name of ["pr-reviewer", "deploy-bot", "ticket-triage"])
    expect(scheduled).toContain(`budget-stopper-expire-${name}`);
  for (const assignment of of(resources, "azure-native:authorization:RoleAssignment")) {
    for (const forbidden of Object.values(AZURE_FORBIDDEN_ROLES))
      expect(assignment.inputs.roleDefinitionId).not.toContain(forbidden);
    expect(assignment.inputs.scope).toMatch(/\/resourceGroups\/[^/]+\/providers\//);
  }
  for (const definition of of(resources, "azure-native:authorization:RoleDefinition"))
    for (const permission of definition.inputs.permissions as { actions: string[]; dataActions: string[] }[])
      for (const action of [...permission.actions, ...permission.dataActions])
        if (!AZURE_DOCUMENTED_WILDCARDS.includes(action)) expect(action).not.toContain("*");
  for (const credential of of(resources, "azure-native:managedidentity:FederatedIdentityCredential")) {
    expect(credential.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
    expect(credential.inputs.subject).not.toMatch(/[*?]/);
  }
  for (const component of of(resources, "agent-iam:index:AgentIdentity")) {
    const agent = component.inputs.agent as {
      owner: string;
      purpose: string;
      environment: string;
      expires: string;
      approval?: string;
      grants: { include: string[]; access: string[] }[];
    };
    expect(agent.owner).toMatch(/@acme\.example$/);
    expect(agent.environment).toBe(environment);
    // Within 90 days of the day this fleet was written (2026-11-23), as agent-identity-expiry requires.
    expect(daysBetween("2026-11-23", agent.expires)).toBeGreaterThan(0);
    expect(daysBetween("2026-11-23", agent.expires)).toBeLessThanOrEqual(90);
    if (agent.grants.some((grant) => grant.include.length > 0 || grant.access.includes("permissions")))
      expect(agent.approval).toMatch(/^SEC-\d+$/);
  }
}

describe("examples/fleet", () => {
  it("the program (prod stack) registers seven agents with identities on AWS, GCP and Azure", async () => {
    const resources = await recordResources(() => import("../../examples/fleet/index"), {
      stack: "prod",
      project: "agent-fleet",
    });
    const agents = of(resources, "agent-iam:index:AgentIdentity").map((component) => component.name);
    expect(agents.sort()).toEqual([...FLEET_AGENTS].sort());
    const clouds = cloudsPerAgent(resources);
    const onAllThree = Object.entries(clouds).filter(([, list]) =>
      ["aws", "gcp", "azure"].every((cloud) => list.includes(cloud)),
    );
    expect(onAllThree.length).toBeGreaterThanOrEqual(3);
    expect(clouds["support-refunds"]!.sort()).toEqual(["aws", "azure"]);
    expect(clouds["ticket-triage"]!.sort()).toEqual(["aws", "azure", "gcp"]);
    // The Lambda-hosted agent reaches BigQuery through its role: a provider of type aws, no key.
    expect(clouds["warehouse-analyst"]!.sort()).toEqual(["aws", "gcp"]);
    const awsProviders = of(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider").filter(
      (provider) => provider.inputs.aws !== undefined,
    );
    expect(awsProviders.map((provider) => provider.inputs.attributeCondition)).toEqual([
      "attribute.aws_role == 'arn:aws:sts::123456789012:assumed-role/agent-warehouse-analyst-prod'",
    ]);
    const triage = of(resources, "azure-native:managedidentity:FederatedIdentityCredential").find((credential) =>
      credential.name.startsWith("ticket-triage-"),
    );
    expect(triage!.inputs.subject).toBe("system:serviceaccount:agents:ticket-triage");
    expectCompliant(resources, "prod");
  });

  it("the dev environment declares the same agents, isolated from prod", async () => {
    const resources = await recordResources(() => declareFleet(FLEET_DEFAULTS.dev), {
      stack: "dev",
      project: "agent-fleet",
    });
    expect(of(resources, "agent-iam:index:AgentIdentity")).toHaveLength(7);
    const accounts = identities(resources, "gcp:serviceaccount/account:Account").map(
      (account) => account.inputs.accountId,
    );
    expect(accounts.every((id) => String(id).endsWith("-dev"))).toBe(true);
    const scopes = of(resources, "azure-native:authorization:RoleAssignment").map((assignment) =>
      String(assignment.inputs.scope),
    );
    expect(scopes.every((scope) => scope.startsWith(`/subscriptions/${FLEET_DEFAULTS.dev.azureSubscriptionId}/`))).toBe(
      true,
    );
    expectCompliant(resources, "dev");
  });

  it("caps every agent's spend on each of its clouds, ends a grant by date, and lets ticket-triage act as ops-monitor on AWS and GCP", async () => {
    const resources = await recordResources(() => declareFleet(FLEET_DEFAULTS.prod), {
      stack: "prod",
      project: "agent-fleet",
    });
    const clouds = cloudsPerAgent(resources);
    const budgets = {
      aws: of(resources, "aws:budgets/budget:Budget"),
      gcp: of(resources, "gcp:billing/budget:Budget"),
      azure: of(resources, "azure-native:consumption:Budget"),
    };
    for (const agent of FLEET_AGENTS)
      for (const cloud of clouds[agent]!)
        expect(
          budgets[cloud as keyof typeof budgets].filter((budget) => budget.name === `${agent}-budget`),
          `${agent} on ${cloud}`,
        ).toHaveLength(1);
    // On AWS the cloud stops each agent: a budget action per agent role; on GCP the stopper may disable each agent's account.
    const actions = of(resources, "aws:budgets/budgetAction:BudgetAction");
    expect(
      actions
        .map(
          (action) =>
            (action.inputs.definition as { iamActionDefinition: { roles: string[] } }).iamActionDefinition.roles[0],
        )
        .sort(),
    ).toEqual(FLEET_AGENTS.map((agent) => `agent-${agent}-prod`).sort());
    expect(actions.find((action) => action.name === "support-refunds-budget")!.inputs.actionThreshold).toEqual({
      actionThresholdType: "PERCENTAGE",
      actionThresholdValue: 90,
    });
    expect(
      of(resources, "gcp:serviceaccount/iAMMember:IAMMember")
        .filter((member) => member.name.startsWith("budget-stopper-may-stop-"))
        .map((member) => member.name.replace("budget-stopper-may-stop-", ""))
        .sort(),
    ).toEqual(FLEET_AGENTS.filter((agent) => clouds[agent]!.includes("gcp")).sort());

    const triagePolicies = of(resources, "aws:iam/policy:Policy").filter((policy) =>
      policy.name.startsWith("ticket-triage-grants-"),
    );
    const statements = triagePolicies.flatMap(
      (policy) => JSON.parse(policy.inputs.policy as string).Statement as { Resource: string[]; Condition?: unknown }[],
    );
    expect(
      statements.find((statement) => statement.Resource.some((arn) => arn.endsWith(":ticket-backfill")))!.Condition,
    ).toEqual({ DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } });

    const monitorRole = identities(resources, "aws:iam/role:Role").find((role) => role.name === "ops-monitor")!;
    const delegation = JSON.parse(monitorRole.inputs.assumeRolePolicy as string).Statement.find(
      (statement: { Sid: string }) => statement.Sid === "AgentDelegation",
    );
    expect(delegation.Principal.AWS).toEqual(["arn:aws:iam::123456789012:role/agents/agent-ticket-triage-prod"]);
    expect(of(resources, "aws:iam/rolePolicy:RolePolicy").map((policy) => policy.name)).toContain(
      "ticket-triage-delegates-to-ops-monitor",
    );
    expect(
      of(resources, "gcp:serviceaccount/iAMMember:IAMMember").find(
        (member) => member.name === "ticket-triage-delegates-to-ops-monitor",
      )!.inputs.serviceAccountId,
    ).toBe("projects/acme-agents-prod/serviceAccounts/ops-monitor-prod@acme-agents-prod.iam.gserviceaccount.com");
  });
});
