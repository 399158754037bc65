import { describe, expect, it } from "vitest";
import { ACCESS_LEVELS, accessRank, highestAccess, type AccessLevel } from "../../src/model/access";
import type { ResolvedGrant } from "../../src/model/agent";
import {
  azureActionLevel,
  azureActionMatches,
  azureActionRisks,
  AZURE_ACTION_VERBS,
} from "../../src/clouds/azure/action-levels";
import {
  AZURE_BUILT_IN_ROLES,
  AZURE_CUSTOM_ROLES,
  AZURE_DOCUMENTED_WILDCARDS,
  AZURE_FORBIDDEN_ROLES,
  AZURE_ROLE_CHOICES,
  azureRoleOperations,
  azureRolesForGrant,
} from "../../src/clouds/azure/roles";
import gcpCatalog from "../../src/clouds/gcp/role-catalog.json";
import azureCatalog from "../../src/clouds/azure/role-catalog.json";
import { gcpPermissionLevel, gcpPermissionVerb, GCP_VERB_LEVELS } from "../../src/clouds/gcp/permission-levels";
import {
  GCP_BASIC_ROLES,
  GCP_CUSTOM_ROLES,
  GCP_PREDEFINED_ROLES,
  GCP_ROLE_CHOICES,
  gcpRolePermissions,
  gcpRolesForGrant,
} from "../../src/clouds/gcp/roles";
import { highRiskClasses } from "../../src/model/action-classes";
import type { Cloud } from "../../src/model/resources";

/** The level of a permission from its verb alone, as the brief states the rule (independent of the tables). */
function gcpVerbRule(permission: string): AccessLevel {
  // Running a query job reads: what it reads and writes is checked on each table (BigQuery docs, "Run a query").
  if (permission === "bigquery.jobs.create") return "read";
  const verb = gcpPermissionVerb(permission);
  if (verb === "setIamPolicy") return "permissions";
  if (/^list/.test(verb)) return "list";
  if (
    /^(get|access|download|read|consume|validate|test|analyze|show|usePrivate)/.test(verb) &&
    verb !== "getAccessToken" &&
    verb !== "getOpenIdToken"
  )
    return "read";
  if (verb === "updateTag") return "tag";
  return GCP_VERB_LEVELS[verb] === "permissions" ? "permissions" : "write";
}

const SERVICE_OF_TYPE: Record<string, string> = {
  "storage.googleapis.com/Bucket": "storage",
  "secretmanager.googleapis.com/Secret": "secretmanager",
  "pubsub.googleapis.com/Topic": "pubsub",
  "pubsub.googleapis.com/Subscription": "pubsub",
  "bigquery.googleapis.com/Dataset": "bigquery",
  "run.googleapis.com/Service": "run",
  "artifactregistry.googleapis.com/Repository": "artifactregistry",
  "cloudkms.googleapis.com/CryptoKey": "cloudkms",
  "logging.googleapis.com/Project": "logging",
  "monitoring.googleapis.com/Project": "monitoring",
  "iam.googleapis.com/ServiceAccount": "iam",
};

function grantOn(
  cloud: Cloud,
  nativeType: string,
  access: AccessLevel[],
  include: ResolvedGrant["include"] = [],
): ResolvedGrant {
  return { resource: { cloud, ref: "x", nativeType }, access, include };
}

const gcpRows = Object.entries(GCP_ROLE_CHOICES).flatMap(([type, rows]) =>
  rows.map((row) => [type, row.role, row.covers] as const),
);
const azureRows = Object.entries(AZURE_ROLE_CHOICES).flatMap(([type, rows]) =>
  rows.map((row) => [type, row.role, row.covers] as const),
);

describe("GCP role catalog (src/clouds/gcp/role-catalog.json)", () => {
  it("names its source and holds only predefined and agent-iam custom roles, never a basic role", () => {
    expect(gcpCatalog.source).toMatch(/cloud\.google\.com\/iam\/docs/);
    for (const role of GCP_BASIC_ROLES) expect(GCP_PREDEFINED_ROLES[role]).toBeUndefined();
    for (const name of Object.keys(GCP_PREDEFINED_ROLES)) expect(name).toMatch(/^roles\/[a-z]+\.[A-Za-z]+$/);
    for (const name of Object.keys(GCP_CUSTOM_ROLES)) expect(name).toMatch(/^agentIam\.[A-Za-z]{3,60}$/);
  });

  it("every permission's verb has a level, and the table agrees with the verb rule", () => {
    const all = Object.values(GCP_PREDEFINED_ROLES).flatMap((role) => role.permissions);
    expect(all.length).toBeGreaterThan(100);
    for (const permission of all) {
      expect(GCP_VERB_LEVELS, permission).toHaveProperty(gcpPermissionVerb(permission));
      expect(gcpPermissionLevel(permission), permission).toBe(gcpVerbRule(permission));
    }
  });

  it("custom roles take each permission from the predefined roles they name, and drop what made those too broad", () => {
    for (const [id, role] of Object.entries(GCP_CUSTOM_ROLES)) {
      const source = new Set(role.basedOn.flatMap((name) => GCP_PREDEFINED_ROLES[name]!.permissions));
      for (const permission of role.permissions) expect(source.has(permission), `${id}: ${permission}`).toBe(true);
      expect(
        role.permissions.filter((permission) => highRiskClasses(permission).length > 0),
        id,
      ).toEqual([]);
    }
  });

  it.each(gcpRows)(
    "%s: %s holds no permission above the levels it covers, and each covered level is real",
    (type, role, covers) => {
      const permissions = gcpRolePermissions(role)!;
      const top = highestAccess(covers)!;
      for (const permission of permissions)
        expect(accessRank(gcpPermissionLevel(permission)), `${role}: ${permission}`).toBeLessThanOrEqual(
          accessRank(top),
        );
      const own = permissions.filter((permission) => permission.startsWith(`${SERVICE_OF_TYPE[type]}.`));
      for (const level of covers)
        expect(
          own.some((permission) => gcpPermissionLevel(permission) === level),
          `${role} covers ${level}`,
        ).toBe(true);
    },
  );

  const singleLevels = Object.keys(GCP_ROLE_CHOICES).flatMap((type) =>
    (["list", "read", "write"] as const).map((level) => [type, level] as const),
  );
  it.each(singleLevels)(
    "%s at %s maps to roles with no permission of a higher level and no delete/export",
    (type, level) => {
      const result = gcpRolesForGrant(grantOn("gcp", type, [level]));
      if ("error" in result) {
        // No role fits: the chooser refuses rather than over-grant; say so for the reader.
        expect(result.error).toMatch(/no role|cannot grant/);
        return;
      }
      for (const role of result.roles)
        for (const permission of gcpRolePermissions(role)!) {
          expect(accessRank(gcpPermissionLevel(permission)), `${role}: ${permission}`).toBeLessThanOrEqual(
            accessRank(level),
          );
          expect(highRiskClasses(permission), `${role}: ${permission}`).toEqual([]);
        }
    },
  );

  it("read and write on the data kinds do map to a role (the refusals are the exceptions named here)", () => {
    const refused: string[] = [];
    for (const type of Object.keys(GCP_ROLE_CHOICES))
      for (const level of ["read", "write"] as const)
        if ("error" in gcpRolesForGrant(grantOn("gcp", type, [level]))) refused.push(`${type} ${level}`);
    expect(refused).toEqual([
      "pubsub.googleapis.com/Subscription write",
      // A runtime identity is only acted as (deployment-agent: runtime write).
      "iam.googleapis.com/ServiceAccount read",
    ]);
  });

  it("delete comes only when the grant opts into it", () => {
    const withDelete = gcpRolesForGrant(
      grantOn("gcp", "storage.googleapis.com/Bucket", ["read", "list", "write"], ["delete"]),
    );
    expect(withDelete).toEqual({ roles: ["roles/storage.objectUser"] });
    const without = gcpRolesForGrant(grantOn("gcp", "storage.googleapis.com/Bucket", ["read", "list", "write"]));
    expect(without).toEqual({ roles: ["roles/storage.objectCreator", "roles/storage.objectViewer"] });
  });
});

describe("Azure role catalog (src/clouds/azure/role-catalog.json)", () => {
  it("names its source and carries the built-in role ids NOTES.md verified", () => {
    expect(azureCatalog.source).toMatch(/learn\.microsoft\.com\/azure\/role-based-access-control\/built-in-roles/);
    expect(AZURE_BUILT_IN_ROLES["Storage Blob Data Reader"]!.id).toBe("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1");
    expect(AZURE_FORBIDDEN_ROLES).toEqual({
      Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
      "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
      "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    });
  });

  it("no candidate role is forbidden, and custom roles hold exact actions (no wildcard but the documented ones)", () => {
    const forbiddenIds = new Set(Object.values(AZURE_FORBIDDEN_ROLES));
    for (const [, role] of azureRows) {
      if (AZURE_BUILT_IN_ROLES[role]) expect(forbiddenIds.has(AZURE_BUILT_IN_ROLES[role]!.id), role).toBe(false);
      else expect(AZURE_CUSTOM_ROLES[role], role).toBeDefined();
    }
    for (const [key, role] of Object.entries(AZURE_CUSTOM_ROLES))
      for (const action of [...role.actions, ...role.dataActions])
        if (!AZURE_DOCUMENTED_WILDCARDS.includes(action)) expect(action, key).not.toContain("*");
  });

  it("custom roles narrow the built-in role they name: every action is one of its actions", () => {
    for (const [key, role] of Object.entries(AZURE_CUSTOM_ROLES)) {
      if (!role.basedOn) continue;
      const base = AZURE_BUILT_IN_ROLES[role.basedOn]!;
      for (const action of role.actions)
        expect(
          base.actions.some((pattern) => azureActionMatches(pattern, action)),
          `${key}: ${action}`,
        ).toBe(true);
      for (const action of role.dataActions)
        expect(
          base.dataActions.some((pattern) => azureActionMatches(pattern, action)),
          `${key}: ${action}`,
        ).toBe(true);
    }
  });

  it("every operation of a candidate role is classified by its verb (read vs write/delete/action)", () => {
    for (const [, role] of azureRows)
      for (const operation of azureRoleOperations(role)!) {
        const last = operation.split("/").pop()!.toLowerCase();
        const verb = operation.split("/").at(-2)!;
        if (last === "read") expect(azureActionLevel(operation), operation).toBe("read");
        else if (last === "write" || last === "delete") expect(azureActionLevel(operation), operation).toBe("write");
        else {
          expect(last, operation).toBe("action");
          expect(
            Object.keys(AZURE_ACTION_VERBS).map((name) => name.toLowerCase()),
            operation,
          ).toContain(verb.toLowerCase());
        }
      }
    expect(azureActionLevel("Microsoft.Support/*")).toBe("permissions");
    expect(azureActionLevel("Microsoft.Authorization/roleAssignments/write")).toBe("permissions");
    expect(azureActionRisks("Microsoft.KeyVault/vaults/secrets/purge/action")).toContain("delete");
  });

  it.each(azureRows)("%s: %s holds no operation above the levels it covers", (_type, role, covers) => {
    const top = highestAccess(covers)!;
    const operations = azureRoleOperations(role)!;
    for (const operation of operations)
      expect(accessRank(azureActionLevel(operation)), `${role}: ${operation}`).toBeLessThanOrEqual(accessRank(top));
    // ARM's read operations also list: a role that reads covers list.
    for (const level of covers) {
      const wanted: AccessLevel = level === "list" ? "read" : level;
      expect(
        operations.some((operation) => azureActionLevel(operation) === wanted),
        `${role} covers ${level}`,
      ).toBe(true);
    }
  });

  const singleLevels = Object.keys(AZURE_ROLE_CHOICES).flatMap((type) =>
    (["read", "write"] as const).map((level) => [type, level] as const),
  );
  it.each(singleLevels)(
    "%s at %s maps to roles with no operation of a higher level and no delete/export",
    (type, level) => {
      const result = azureRolesForGrant(grantOn("azure", type, [level]));
      if ("error" in result) {
        expect(result.error).toMatch(/no role|cannot grant/);
        return;
      }
      for (const role of result.roles)
        for (const operation of azureRoleOperations(role)!) {
          expect(accessRank(azureActionLevel(operation)), `${role}: ${operation}`).toBeLessThanOrEqual(
            accessRank(level),
          );
          expect(azureActionRisks(operation), `${role}: ${operation}`).toEqual([]);
        }
    },
  );

  it("read maps to a role on every kind; write is refused only where it would need a broad role", () => {
    const refused: string[] = [];
    for (const type of Object.keys(AZURE_ROLE_CHOICES))
      for (const level of ["read", "write"] as const)
        if ("error" in azureRolesForGrant(grantOn("azure", type, [level]))) refused.push(`${type} ${level}`);
    expect(refused).toEqual([
      "Microsoft.OperationalInsights/workspaces write",
      // Runtime identities and environments are only deployed into (deployment-agent: runtime write).
      "Microsoft.ManagedIdentity/userAssignedIdentities read",
      "Microsoft.App/managedEnvironments read",
      "Microsoft.Resources/resourceGroups write",
    ]);
  });

  it("the permissions level is never granted on GCP or Azure", () => {
    for (const level of ACCESS_LEVELS.filter((candidate) => candidate === "permissions")) {
      expect("error" in gcpRolesForGrant(grantOn("gcp", "storage.googleapis.com/Bucket", [level]))).toBe(true);
      expect(
        "error" in
          azureRolesForGrant(grantOn("azure", "Microsoft.Storage/storageAccounts/blobServices/containers", [level])),
      ).toBe(true);
    }
  });
});
