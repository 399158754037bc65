import { describe, expect, it } from "vitest";
import { planAgent } from "../../src/clouds/plan";
import { AgentSpecError } from "../../src/model/agent-spec";
import { awsWorkload, azureWorkload, gcpWorkload, type RunsOn } from "../../src/model/runs-on";

/** A workload agent's spec: its home block is required, each pair's needs are named, and nothing is silently ignored. */

const BASE = {
  owner: "keisha@acme.example",
  purpose: "Answers support tickets from the warehouse data",
  environment: "prod",
  expires: "2099-01-01",
};
const POOL = {
  name: "projects/123/locations/global/workloadIdentityPools/agent-iam",
  provider: "projects/123/locations/global/workloadIdentityPools/agent-iam/providers/aws-1",
};
const PROVIDER =
  "arn:aws:iam::123456789012:oidc-provider/login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0";
const AZURE = {
  subscriptionId: "11111111-2222-4333-8444-555555555555",
  resourceGroupName: "agents",
  location: "westeurope",
};
const TENANT = "00000000-0000-4000-8000-000000000000";

function problems(runsOn: RunsOn, blocks: Record<string, unknown>): { path: string; message: string }[] {
  try {
    planAgent("support-bot", { ...BASE, runsOn, ...blocks }, { today: "2026-12-06" });
    return [];
  } catch (error) {
    if (error instanceof AgentSpecError) return [...error.problems];
    throw error;
  }
}

describe("workload specs", () => {
  it.each<[string, RunsOn, Record<string, unknown>]>([
    ["lambda on AWS", awsWorkload({ service: "lambda", accountId: "123456789012", functionName: "bot" }), { aws: {} }],
    [
      "lambda reaching GCP and Azure",
      awsWorkload({ service: "lambda", accountId: "123456789012", functionName: "bot" }),
      { aws: {}, gcp: { project: "acme-prod", pool: POOL }, azure: AZURE },
    ],
    [
      "Cloud Run reaching AWS without a provider",
      gcpWorkload({ service: "cloud-run", project: "acme-prod" }),
      { gcp: { project: "acme-prod" }, aws: {} },
    ],
    [
      "a Container App reaching AWS",
      azureWorkload({ service: "container-apps", tenantId: TENANT, audience: "api://acme-agents" }),
      { azure: AZURE, aws: { oidcProvider: PROVIDER } },
    ],
  ])("accepts %s", (_label, runsOn, blocks) => {
    expect(problems(runsOn, blocks)).toEqual([]);
  });

  it.each<[string, RunsOn, Record<string, unknown>, string, RegExp]>([
    [
      "a home cloud without its block",
      awsWorkload({ service: "lambda", accountId: "123456789012", functionName: "bot" }),
      { gcp: { project: "acme-prod", pool: POOL } },
      "aws",
      /add the "aws" block/,
    ],
    [
      "an OIDC provider on a service's role",
      awsWorkload({ service: "lambda", accountId: "123456789012", functionName: "bot" }),
      { aws: { oidcProvider: PROVIDER } },
      "aws.oidcProvider",
      /remove aws.oidcProvider/,
    ],
    [
      "a Lambda without its function",
      { kind: "aws-workload", service: "lambda", accountId: "123456789012" } as RunsOn,
      { aws: {} },
      "runsOn.functionName",
      /required for lambda/,
    ],
    [
      "a field the service cannot pin",
      awsWorkload({ service: "lambda", accountId: "123456789012", functionName: "bot", namespace: "x" }),
      { aws: {} },
      "runsOn.namespace",
      /does not use namespace/,
    ],
    [
      "an EKS pod without its namespace",
      awsWorkload({
        service: "eks-pod-identity",
        accountId: "123456789012",
        region: "us-east-1",
        cluster: "c",
        serviceAccount: "bot",
      }),
      { aws: {} },
      "runsOn.namespace",
      /required/,
    ],
    [
      "a short account id",
      awsWorkload({ service: "lambda", accountId: "12345", functionName: "bot" }),
      { aws: {} },
      "runsOn.accountId",
      /12 digits/,
    ],
    [
      "an Entra identity reaching AWS without an audience",
      azureWorkload({ service: "functions", tenantId: TENANT }),
      { azure: AZURE, aws: { oidcProvider: PROVIDER } },
      "runsOn.audience",
      /application ID URI/,
    ],
    [
      "an Entra identity reaching AWS without a provider",
      azureWorkload({ service: "functions", tenantId: TENANT, audience: "api://acme-agents" }),
      { azure: AZURE, aws: {} },
      "aws.oidcProvider",
      /login\.microsoftonline\.com/,
    ],
    [
      "an Agent Engine reaching AWS",
      gcpWorkload({
        service: "agent-engine",
        project: "acme-prod",
        organizationId: "1",
        projectNumber: "2",
        location: "us-central1",
        reasoningEngineId: "3",
      }),
      { gcp: { project: "acme-prod" }, aws: {} },
      "aws",
      /no documented token/,
    ],
    [
      "a GitHub agent on GCP without a pool",
      { kind: "github-actions", repository: "acme/api" } as RunsOn,
      { gcp: { project: "acme-prod" } },
      "gcp.pool",
      /required/,
    ],
    [
      "a GitHub agent on AWS without a provider",
      { kind: "github-actions", repository: "acme/api" } as RunsOn,
      { aws: {} },
      "aws.oidcProvider",
      /required/,
    ],
    [
      "a workload as an additional Azure subject",
      azureWorkload({ service: "container-apps", tenantId: TENANT }),
      {
        azure: {
          ...AZURE,
          additionalSubjects: [awsWorkload({ service: "lambda", accountId: "123456789012", functionName: "bot" })],
        },
      },
      "azure.additionalSubjects[0]",
      /OIDC issuers/,
    ],
  ])("refuses %s, naming the field", (_label, runsOn, blocks, path, message) => {
    const found = problems(runsOn, blocks);
    expect(found.map((problem) => problem.path)).toContain(path);
    expect(found.find((problem) => problem.path === path)!.message).toMatch(message);
  });
});
