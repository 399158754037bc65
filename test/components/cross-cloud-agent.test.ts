import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AwsOidcProvider,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  githubActions,
} from "../../components";
import { accessRank, highestAccess, type AccessLevel } from "../../src/model/access";
import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import { azureActionLevel, azureActionRisks } from "../../src/clouds/azure/action-levels";
import { AZURE_BUILT_IN_ROLES } from "../../src/clouds/azure/roles";
import { gcpPermissionLevel, gcpPermissionRisks } from "../../src/clouds/gcp/permission-levels";
import { GCP_PREDEFINED_ROLES } from "../../src/clouds/gcp/roles";
import { highRiskClasses, type HighRiskClass } from "../../src/model/action-classes";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";
import { parseGcpDescription } from "../../src/model/tags";

/**
 * One spec with aws, gcp and azure blocks gives three identities that agree on who owns the agent,
 * what it is for, where it runs, when it expires, and what each grant allows. What a grant allows is
 * read back from the registered resources (policy documents, IAM members, role assignments) and
 * the clouds' own catalogs, not from the tables that chose the roles.
 */

const SUB = "11111111-2222-4333-8444-555555555555";
const AZ = `/subscriptions/${SUB}/resourceGroups/data/providers`;
const EXPIRES = "2099-01-01";

interface Row {
  readonly what: string;
  readonly grant: { role: string } | { access: AccessLevel[] };
  readonly aws: string;
  readonly gcp: string;
  readonly gcpService: string;
  readonly azure: string;
  /** The highest level every cloud must give, and nothing above it. */
  readonly highest: AccessLevel;
}

const ROWS: Row[] = [
  {
    what: "data-reader on a bucket",
    grant: { role: "data-reader" },
    aws: "arn:aws:s3:::acme-prod-reports",
    gcp: "//storage.googleapis.com/projects/_/buckets/acme-prod-reports",
    gcpService: "storage",
    azure: `${AZ}/Microsoft.Storage/storageAccounts/acmeprod/blobServices/default/containers/reports`,
    highest: "read",
  },
  {
    what: "data-reader on a table",
    grant: { role: "data-reader" },
    aws: "arn:aws:dynamodb:us-east-1:123456789012:table/sales",
    gcp: "//bigquery.googleapis.com/projects/acme-prod/datasets/sales",
    gcpService: "bigquery",
    azure: `${AZ}/Microsoft.Storage/storageAccounts/acmeprod/tableServices/default/tables/sales`,
    highest: "read",
  },
  {
    what: "code-reviewer on a topic",
    grant: { role: "code-reviewer" },
    aws: "arn:aws:sns:us-east-1:123456789012:reviews",
    gcp: "//pubsub.googleapis.com/projects/acme-prod/topics/reviews",
    gcpService: "pubsub",
    azure: `${AZ}/Microsoft.ServiceBus/namespaces/acme-prod/topics/reviews`,
    highest: "write",
  },
  {
    what: "deployment-agent on a container registry",
    grant: { role: "deployment-agent" },
    aws: "arn:aws:ecr:us-east-1:123456789012:repository/app",
    gcp: "//artifactregistry.googleapis.com/projects/acme-prod/locations/europe-west1/repositories/app",
    gcpService: "artifactregistry",
    azure: `${AZ}/Microsoft.ContainerRegistry/registries/acmeprod`,
    highest: "write",
  },
  {
    what: "read on a secret",
    grant: { access: ["read"] },
    aws: "arn:aws:secretsmanager:us-east-1:123456789012:secret:review-token-AbCdEf",
    gcp: "//secretmanager.googleapis.com/projects/acme-prod/secrets/review-token",
    gcpService: "secretmanager",
    azure: `${AZ}/Microsoft.KeyVault/vaults/acme-prod-kv`,
    highest: "read",
  },
];

interface Allowed {
  readonly levels: Set<AccessLevel>;
  readonly risks: Set<HighRiskClass>;
}

function awsAllowed(resources: RecordedResource[], arn: string): Allowed {
  const levels = new Set<AccessLevel>();
  const risks = new Set<HighRiskClass>();
  for (const policy of resources.filter((resource) => resource.type === "aws:iam/policy:Policy")) {
    const document = JSON.parse(policy.inputs.policy as string) as {
      Statement: { Action: string[]; Resource: string[] }[];
    };
    for (const statement of document.Statement) {
      if (!statement.Resource.some((resource) => resource === arn || resource.startsWith(`${arn}/`))) continue;
      for (const action of statement.Action) {
        levels.add(awsActionInfo(action)!.accessLevel);
        for (const risk of highRiskClasses(action)) risks.add(risk);
      }
    }
  }
  return { levels, risks };
}

function gcpAllowed(resources: RecordedResource[], service: string): Allowed {
  const levels = new Set<AccessLevel>();
  const risks = new Set<HighRiskClass>();
  const custom = new Map(
    resources
      .filter((resource) => resource.type === "gcp:projects/iAMCustomRole:IAMCustomRole")
      .map((role) => [role.state.name as string, role.inputs.permissions as string[]]),
  );
  const members = resources.filter(
    (resource) =>
      /gcp:[a-z0-9]+\/[A-Za-z]*[Ii][Aa][Mm]Member:/.test(resource.type) &&
      resource.type !== "gcp:serviceaccount/iAMMember:IAMMember" &&
      String(resource.inputs.member).startsWith("serviceAccount:fleet-agent-"),
  );
  for (const member of members) {
    const role = member.inputs.role as string;
    const permissions = GCP_PREDEFINED_ROLES[role]?.permissions ?? custom.get(role);
    expect(permissions, role).toBeDefined();
    for (const permission of permissions!) {
      for (const risk of gcpPermissionRisks(permission)) risks.add(risk);
      if (permission.startsWith(`${service}.`)) levels.add(gcpPermissionLevel(permission));
    }
  }
  return { levels, risks };
}

function azureAllowed(resources: RecordedResource[], scope: string): Allowed {
  const levels = new Set<AccessLevel>();
  const risks = new Set<HighRiskClass>();
  const definitions = new Map(
    resources
      .filter((resource) => resource.type === "azure-native:authorization:RoleDefinition")
      .map((definition) => {
        const [permission] = definition.inputs.permissions as { actions: string[]; dataActions: string[] }[];
        return [definition.inputs.roleDefinitionId as string, [...permission!.actions, ...permission!.dataActions]];
      }),
  );
  const builtIns = new Map(
    Object.values(AZURE_BUILT_IN_ROLES).map((role) => [role.id, [...role.actions, ...role.dataActions]]),
  );
  for (const assignment of resources.filter(
    (resource) => resource.type === "azure-native:authorization:RoleAssignment" && resource.inputs.scope === scope,
  )) {
    const guid = (assignment.inputs.roleDefinitionId as string).split("/").pop()!;
    const operations = builtIns.get(guid) ?? definitions.get(guid);
    expect(operations, guid).toBeDefined();
    for (const operation of operations!) {
      levels.add(azureActionLevel(operation));
      for (const risk of azureActionRisks(operation)) risks.add(risk);
    }
  }
  return { levels, risks };
}

async function deployRow(row: Row) {
  let identity: AgentIdentity | undefined;
  const resources = await recordResources(() => {
    const provider = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
    const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod" });
    // Pub/Sub and Artifact Registry take no IAM condition: the stopper ends access there on the review date.
    const budgetStopper = new GcpBudgetStopper("stopper", { project: "acme-prod", region: "europe-west1" });
    const refs = [row.aws, row.gcp, row.azure];
    identity = new AgentIdentity("fleet-agent", {
      owner: "keisha@acme.example",
      purpose: "Does one job on three clouds with the same rights",
      environment: "prod",
      expires: EXPIRES,
      costCenter: "cc-1234",
      runsOn: githubActions({ repository: "acme/agents" }),
      grants:
        "role" in row.grant
          ? [{ role: row.grant.role as "data-reader", resources: refs }]
          : refs.map((resource) => ({ resource, access: (row.grant as { access: AccessLevel[] }).access })),
      aws: { oidcProvider: provider },
      gcp: { project: "acme-prod", pool, budgetStopper },
      azure: { subscriptionId: SUB, resourceGroupName: "agents", location: "westeurope" },
    });
  });
  return { resources, identity: identity! };
}

describe("one spec, three clouds", () => {
  it.each(ROWS)("$what: every cloud allows up to $highest and nothing above, with no delete or export", async (row) => {
    const { resources } = await deployRow(row);
    const allowed = {
      aws: awsAllowed(resources, row.aws),
      gcp: gcpAllowed(resources, row.gcpService),
      azure: azureAllowed(resources, row.azure),
    };
    for (const [cloud, { levels, risks }] of Object.entries(allowed)) {
      expect(levels.size, `${cloud} grants something`).toBeGreaterThan(0);
      expect(highestAccess(levels), cloud).toBe(row.highest);
      for (const level of levels)
        expect(accessRank(level), `${cloud}: ${level}`).toBeLessThanOrEqual(accessRank(row.highest));
      expect([...risks], cloud).toEqual([]);
    }
  });

  it("the three identities agree on owner, purpose, environment and expiry", async () => {
    const { resources } = await deployRow(ROWS[0]!);
    const [role] = resources.filter((resource) => resource.type === "aws:iam/role:Role");
    const [account] = resources.filter(
      (resource) => resource.type === "gcp:serviceaccount/account:Account" && resource.name === "fleet-agent",
    );
    const [managed] = resources.filter(
      (resource) => resource.type === "azure-native:managedidentity:UserAssignedIdentity",
    );
    const aws = role!.inputs.tags as Record<string, string>;
    const gcp = parseGcpDescription(account!.inputs.description as string);
    const azure = managed!.inputs.tags as Record<string, string>;
    const expected = {
      owner: "keisha@acme.example",
      purpose: "Does one job on three clouds with the same rights",
      environment: "prod",
      expires: EXPIRES,
    };
    for (const metadata of [aws, gcp, azure])
      expect({
        owner: metadata.owner,
        purpose: metadata.purpose,
        environment: metadata.environment,
        expires: metadata.expires,
      }).toEqual(expected);
    expect(azure).toEqual(aws);
  });

  it("each cloud trusts the same subject and no static credential exists anywhere", async () => {
    const { resources } = await deployRow(ROWS[0]!);
    const subject = "repo:acme/agents:environment:prod";
    const trust = JSON.parse(
      resources.find((resource) => resource.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy as string,
    );
    expect(trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe(subject);
    expect(
      resources.find(
        (resource) =>
          resource.type === "gcp:serviceaccount/iAMMember:IAMMember" &&
          resource.inputs.role === "roles/iam.workloadIdentityUser",
      )!.inputs.member,
    ).toMatch(new RegExp(`/subject/${subject.replace(/[/.]/g, "\\$&")}$`));
    expect(
      resources.find((resource) => resource.type === "azure-native:managedidentity:FederatedIdentityCredential")!.inputs
        .subject,
    ).toBe(subject);
    const secrets = resources.filter((resource) =>
      ["aws:iam/accessKey:AccessKey", "gcp:serviceaccount/key:Key", "aws:iam/user:User"].includes(resource.type),
    );
    expect(secrets).toEqual([]);
  });
});
