import { describe, expect, it } from "vitest";
import { planAgent } from "../../src/clouds/plan";
import { buildInventoryRecord } from "../../src/clouds/inventory-record";
import { awsWorkload, githubActions } from "../../src/model/runs-on";
import { Attributor } from "../../src/reports/audit/attribute";
import { gcpAuditLogEvent } from "../../src/reports/audit/gcp-audit-log";
import { azureActivityEvent } from "../../src/reports/audit/azure-activity-log";

/**
 * An agent on AWS that reaches GCP and Azure with no key: the inventory shows its home and the
 * clouds that trust it, and the audit feed attributes what it does there through its AWS role.
 * Log entries are written as the clouds document them (Cloud Audit Logs `AuditLog.authenticationInfo`;
 * Azure Activity Log `claims`), not from agent-iam's readers.
 */

const ACCOUNT = "123456789012";
const POOL = "projects/123456789012/locations/global/workloadIdentityPools/agent-iam";
const OBJECT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const agent = planAgent(
  "support-bot",
  {
    owner: "keisha@acme.example",
    purpose: "Answers support tickets from the warehouse data",
    environment: "prod",
    expires: "2099-01-01",
    runsOn: awsWorkload({ service: "lambda", accountId: ACCOUNT, functionName: "support-bot" }),
    aws: {},
    gcp: { project: "acme-prod", pool: { name: POOL, provider: `${POOL}/providers/aws-abc` } },
    azure: {
      subscriptionId: "11111111-2222-4333-8444-555555555555",
      resourceGroupName: "agents",
      location: "westeurope",
    },
  },
  { today: "2026-12-06" },
);
const record = buildInventoryRecord(
  agent,
  {
    aws: { roleArn: `arn:aws:iam::${ACCOUNT}:role/agents/agent-support-bot-prod`, roleName: "agent-support-bot-prod" },
    gcp: {
      serviceAccountEmail: "agent-support-bot-prod@acme-prod.iam.gserviceaccount.com",
      project: "acme-prod",
      uniqueId: "101",
    },
    azure: { clientId: "c1", principalId: OBJECT_ID, resourceId: null, tenantId: "t" },
  },
  { today: "2026-12-06" },
);

/** A Cloud Audit Log entry of a call made with a federated token directly (no impersonation). */
const gcpEntry = (subject: string) => ({
  insertId: "e1",
  timestamp: "2026-12-06T10:00:00Z",
  protoPayload: {
    serviceName: "bigquery.googleapis.com",
    methodName: "google.cloud.bigquery.v2.JobService.InsertJob",
    resourceName: "projects/acme-prod/datasets/tickets",
    authenticationInfo: { principalSubject: `principal://iam.googleapis.com/${POOL}/subject/${subject}` },
    status: {},
  },
});

describe("an AWS-home agent in the inventory and the audit feed", () => {
  it("the inventory shows the home identity and the clouds that federate from it", () => {
    expect(record.home).toEqual({
      cloud: "aws",
      service: "lambda",
      attachedTo: "lambda.amazonaws.com",
      federatedTo: ["gcp", "azure"],
    });
    expect(record.issuer.kind).toBe("aws-workload");
    expect(Object.keys(record.identities).sort()).toEqual(["aws", "azure", "gcp"]);
  });

  it("a GCP call made through the agent's AWS role is the agent's, whatever the session name", () => {
    const attributor = new Attributor([record]);
    const event = gcpAuditLogEvent(
      gcpEntry(`arn:aws:sts::${ACCOUNT}:assumed-role/agent-support-bot-prod/2026-12-06-abc`),
    );
    const action = attributor.attribute(event, { file: "gcp.json", offset: 0 });
    expect(action.agent_id).toBe("support-bot");
    expect(action.attributed_via).toBe("federated-role");
    expect(action.owner).toBe("keisha@acme.example");
  });

  it.each([
    ["another role of the account", `arn:aws:sts::${ACCOUNT}:assumed-role/agent-deployer-prod/s`],
    ["the same role name in another account", "arn:aws:sts::210987654321:assumed-role/agent-support-bot-prod/s"],
    ["a longer role name", `arn:aws:sts::${ACCOUNT}:assumed-role/agent-support-bot-prod-evil/s`],
  ])("a GCP call through %s is not the agent's", (_label, subject) => {
    const action = new Attributor([record]).attribute(gcpAuditLogEvent(gcpEntry(subject)), {
      file: "gcp.json",
      offset: 0,
    });
    expect(action.agent_id).toBeNull();
  });

  it("an Azure call by the managed identity the AWS role signs in as is the agent's", () => {
    const event = azureActivityEvent({
      eventDataId: "a1",
      eventTimestamp: "2026-12-06T10:00:00Z",
      operationName: { value: "Microsoft.Storage/storageAccounts/listKeys/action" },
      resourceId:
        "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/acme",
      status: { value: "Succeeded" },
      caller: OBJECT_ID,
      claims: { oid: OBJECT_ID, appid: "c1" },
    });
    const action = new Attributor([record]).attribute(event, { file: "azure.json", offset: 0 });
    expect(action.agent_id).toBe("support-bot");
  });

  it("an agent trusted from GitHub has no home", () => {
    const github = planAgent(
      "pr-reviewer",
      {
        owner: "keisha@acme.example",
        purpose: "Reviews pull requests and posts findings",
        environment: "prod",
        expires: "2099-01-01",
        runsOn: githubActions({ repository: "acme/api" }),
        aws: { oidcProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      },
      { today: "2026-12-06" },
    );
    expect(buildInventoryRecord(github, {}, { today: "2026-12-06" }).home).toBeNull();
  });
});
