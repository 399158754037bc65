import { describe, expect, it } from "vitest";
import { AZURE_FORBIDDEN_ROLES } from "../src/azure/roles";
import { daysBetween } from "../src/dates";
import { recordResources, type RecordedResource } from "../src/program/record";
import { declareFleet, FLEET_DEFAULTS } from "../examples/fleet/fleet";

const FLEET_AGENTS = ["pr-reviewer", "deploy-bot", "ops-monitor", "report-reader", "support-refunds", "ticket-triage"];

function of(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The agent a cloud resource belongs to: its name starts with the agent's. */
function agentOf(resource: RecordedResource): string | undefined {
  return FLEET_AGENTS.find((agent) => resource.name === agent || resource.name.startsWith(`${agent}-`));
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
    const agent = agentOf(resource);
    if (cloud && agent) (clouds[agent] ??= []).push(cloud);
  }
  return clouds;
}

/** Checks a strict reading of the policy pack's rules can make on the recorded resources themselves. */
function expectCompliant(resources: RecordedResource[], environment: string): void {
  expect(of(resources, "aws:iam/accessKey:AccessKey")).toEqual([]);
  expect(of(resources, "gcp:serviceaccount/key:Key")).toEqual([]);
  expect(of(resources, "aws:iam/user:User")).toEqual([]);
  for (const role of of(resources, "aws:iam/role:Role")) {
    expect(role.inputs.maxSessionDuration).toBeLessThanOrEqual(3600);
    expect(role.inputs.permissionsBoundary).toMatch(/^arn:aws:iam::\d{12}:policy\/agent-iam-boundary$/);
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    const equals = trust.Statement[0].Condition.StringEquals as Record<string, string>;
    const sub = Object.entries(equals).find(([key]) => key.endsWith(":sub"))![1];
    expect(sub).not.toMatch(/[*?]/);
    if (sub.includes(":environment:")) expect(sub.endsWith(`:environment:${environment}`)).toBe(true);
    expect((role.inputs.tags as Record<string, string>).environment).toBe(environment);
  }
  for (const provider of of(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")) expect(provider.inputs.attributeCondition).toMatch(/==/);
  for (const binding of of(resources, "gcp:serviceaccount/iAMMember:IAMMember")) expect(binding.inputs.member).toMatch(/^principal:\/\/iam\.googleapis\.com\/.+\/subject\/[^*]+$/);
  for (const member of resources.filter((resource) => /^gcp:.*[Ii][Aa][Mm]Member:/.test(resource.type))) {
    expect(member.inputs.role).not.toMatch(/^roles\/(owner|editor|viewer)$|admin|tokenCreator/i);
    expect(member.inputs.condition).toBeDefined();
  }
  for (const assignment of of(resources, "azure-native:authorization:RoleAssignment")) {
    for (const forbidden of Object.values(AZURE_FORBIDDEN_ROLES)) expect(assignment.inputs.roleDefinitionId).not.toContain(forbidden);
    expect(assignment.inputs.scope).toMatch(/\/resourceGroups\/[^/]+\/providers\//);
  }
  for (const definition of of(resources, "azure-native:authorization:RoleDefinition"))
    for (const permission of definition.inputs.permissions as { actions: string[]; dataActions: string[] }[])
      for (const action of [...permission.actions, ...permission.dataActions]) expect(action).not.toContain("*");
  for (const credential of of(resources, "azure-native:managedidentity:FederatedIdentityCredential")) {
    expect(credential.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
    expect(credential.inputs.subject).not.toMatch(/[*?]/);
  }
  for (const component of of(resources, "agent-iam:index:AgentIdentity")) {
    const agent = component.inputs.agent as { owner: string; purpose: string; environment: string; expires: string; approval?: string; grants: { include: string[]; access: string[] }[] };
    expect(agent.owner).toMatch(/@acme\.example$/);
    expect(agent.environment).toBe(environment);
    // Within 90 days of the day this fleet was written (2026-11-23), as agent-identity-expiry requires.
    expect(daysBetween("2026-11-23", agent.expires)).toBeGreaterThan(0);
    expect(daysBetween("2026-11-23", agent.expires)).toBeLessThanOrEqual(90);
    if (agent.grants.some((grant) => grant.include.length > 0 || grant.access.includes("permissions"))) expect(agent.approval).toMatch(/^SEC-\d+$/);
  }
}

describe("examples/fleet", () => {
  it("the program (prod stack) registers six agents with identities on AWS, GCP and Azure", async () => {
    const resources = await recordResources(() => import("../examples/fleet/index"), { stack: "prod", project: "agent-fleet" });
    const agents = of(resources, "agent-iam:index:AgentIdentity").map((component) => component.name);
    expect(agents.sort()).toEqual([...FLEET_AGENTS].sort());
    const clouds = cloudsPerAgent(resources);
    const onAllThree = Object.entries(clouds).filter(([, list]) => ["aws", "gcp", "azure"].every((cloud) => list.includes(cloud)));
    expect(onAllThree.length).toBeGreaterThanOrEqual(3);
    expect(clouds["support-refunds"]!.sort()).toEqual(["aws", "azure"]);
    expect(clouds["ticket-triage"]!.sort()).toEqual(["aws", "azure", "gcp"]);
    const triage = of(resources, "azure-native:managedidentity:FederatedIdentityCredential").find((credential) => credential.name.startsWith("ticket-triage-"));
    expect(triage!.inputs.subject).toBe("system:serviceaccount:agents:ticket-triage");
    expectCompliant(resources, "prod");
  });

  it("the dev environment declares the same agents, isolated from prod", async () => {
    const resources = await recordResources(() => declareFleet(FLEET_DEFAULTS.dev), { stack: "dev", project: "agent-fleet" });
    expect(of(resources, "agent-iam:index:AgentIdentity")).toHaveLength(6);
    const accounts = of(resources, "gcp:serviceaccount/account:Account").map((account) => account.inputs.accountId);
    expect(accounts.every((id) => String(id).endsWith("-dev"))).toBe(true);
    const scopes = of(resources, "azure-native:authorization:RoleAssignment").map((assignment) => String(assignment.inputs.scope));
    expect(scopes.every((scope) => scope.startsWith(`/subscriptions/${FLEET_DEFAULTS.dev.azureSubscriptionId}/`))).toBe(true);
    expectCompliant(resources, "dev");
  });
});
