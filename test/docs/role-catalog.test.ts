import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { roleCatalogTable } from "../../scripts/role-catalog-table";
import { awsActionsFor } from "../../src/clouds/aws/actions";
import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import { azureActionLevel } from "../../src/clouds/azure/action-levels";
import { azureRoleOperations, azureRolesForGrant } from "../../src/clouds/azure/roles";
import { gcpPermissionLevel } from "../../src/clouds/gcp/permission-levels";
import { gcpRolePermissions, gcpRolesForGrant } from "../../src/clouds/gcp/roles";
import { AWS_RESOURCE_KINDS, AZURE_RESOURCE_PATTERNS, GCP_RESOURCE_PATTERNS } from "../../src/clouds/resources";
import type { AccessLevel } from "../../src/model/access";
import { highRiskClasses } from "../../src/model/action-classes";
import { CATALOG_ROLE_NAMES, ROLE_CATALOG, type CatalogRole } from "../../src/model/role-catalog";
import type { Cloud, ResourceKind } from "../../src/model/resources";

/**
 * What the README promises about each catalog role is the catalog's table, and every cloud's grants
 * keep the promise: no action of a level the role never reaches, none of any action class.
 */
const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("the README's role catalog", () => {
  it("is the table generated from src/model/role-catalog.ts (npx tsx scripts/role-catalog-table.ts)", () => {
    const section = /<!-- role-catalog:start -->\n([\s\S]*?)\n<!-- role-catalog:end -->/.exec(README)?.[1];
    expect(section).toBe(roleCatalogTable());
  });
});

interface Held {
  readonly cloud: Cloud;
  readonly nativeType: string;
  readonly action: string;
  readonly level: AccessLevel;
}

/** Every action one role's grant holds on one native type, with its level as the cloud's catalog says. */
function heldBy(role: CatalogRole, cloud: Cloud, nativeType: string, kind: ResourceKind): Held[] | undefined {
  const levels = (role.access as Partial<Record<ResourceKind, readonly AccessLevel[]>>)[kind];
  if (!levels) return undefined;
  const resource = { cloud, ref: "", nativeType, kind };
  if (cloud === "aws") {
    const [service, type] = nativeType.split(":") as [string, string];
    const found = awsActionsFor(service, type, levels);
    return [...found.actions, ...found.accountWide].map((action) => ({
      cloud,
      nativeType,
      action,
      level: awsActionInfo(action)!.accessLevel,
    }));
  }
  const choice =
    cloud === "gcp"
      ? gcpRolesForGrant({ resource, access: levels, include: [] })
      : azureRolesForGrant({ resource, access: levels, include: [] });
  if ("error" in choice) return undefined;
  const levelOf = cloud === "gcp" ? gcpPermissionLevel : azureActionLevel;
  return choice.roles.flatMap((chosen) =>
    ((cloud === "gcp" ? gcpRolePermissions(chosen) : azureRoleOperations(chosen)) ?? []).map(
      (action): Held => ({ cloud, nativeType, action, level: levelOf(action) }),
    ),
  );
}

const TYPES: [Cloud, string, ResourceKind][] = [
  ...Object.entries(AWS_RESOURCE_KINDS).map(([type, kind]) => ["aws", type, kind] as [Cloud, string, ResourceKind]),
  ...GCP_RESOURCE_PATTERNS.map((row) => ["gcp", row.nativeType, row.kind] as [Cloud, string, ResourceKind]),
  ...AZURE_RESOURCE_PATTERNS.map((row) => ["azure", row.nativeType, row.kind] as [Cloud, string, ResourceKind]),
];

describe.each(CATALOG_ROLE_NAMES)("%s keeps its promise on every cloud", (name) => {
  const role: CatalogRole = ROLE_CATALOG[name];
  const held = TYPES.flatMap(([cloud, type, kind]) => heldBy(role, cloud, type, kind) ?? []);

  it("holds something on every cloud it applies to", () => {
    expect(new Set(held.map((entry) => entry.cloud)).size).toBeGreaterThan(0);
  });

  it(`holds no action of the levels it never reaches (${role.never.join(", ")})`, () => {
    const breaking = held.filter((entry) => role.never.includes(entry.level));
    expect(breaking.map((entry) => `${entry.cloud} ${entry.nativeType}: ${entry.action} (${entry.level})`)).toEqual([]);
  });

  it("holds no action of any class (destructive, export, tampering, credential exposure)", () => {
    const classed = held.filter((entry) => highRiskClasses(entry.action).length > 0);
    expect(
      classed.map((entry) => `${entry.cloud} ${entry.nativeType}: ${entry.action} (${highRiskClasses(entry.action)})`),
    ).toEqual([]);
  });
});
