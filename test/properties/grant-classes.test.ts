import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccessLevel } from "../../src/model/access";
import {
  ACTION_CLASSES,
  azureOperationClasses,
  gcpPermissionClasses,
  type ActionClass,
} from "../../src/model/action-classes";
import { AZURE_ROLE_CHOICES, azureRoleOperations, azureRolesForGrant } from "../../src/clouds/azure/roles";
import { GCP_ROLE_CHOICES, gcpRolePermissions, gcpRolesForGrant } from "../../src/clouds/gcp/roles";
import type { RoleChoiceResult } from "../../src/clouds/role-choice";
import { runs } from "../support/property";

/**
 * Property: on GCP and Azure, the roles agent-iam chooses for any grant hold no permission of an
 * action class (destructive, data export, configuration tampering, credential exposure: the
 * independent table of src/model/action-classes.ts) the grant did not opt into, and an opt-in adds
 * that class and no other. Roles are judged by their permission lists in the clouds' catalogs (for
 * Azure, every action and data action, wildcards matched against the class table).
 */

const LEVELS: readonly AccessLevel[] = ["list", "read", "write"];

interface Cloud {
  readonly name: string;
  readonly types: readonly string[];
  readonly choose: (grant: {
    resource: { cloud: "gcp" | "azure"; ref: string; nativeType: string };
    access: AccessLevel[];
    include: ActionClass[];
  }) => RoleChoiceResult;
  readonly classesOfRole: (role: string) => Set<ActionClass>;
  readonly cloud: "gcp" | "azure";
}

function classesOf(operations: readonly string[], classify: (operation: string) => ActionClass[]): Set<ActionClass> {
  return new Set(operations.flatMap(classify));
}

const CLOUDS: readonly Cloud[] = [
  {
    name: "GCP",
    cloud: "gcp",
    types: Object.keys(GCP_ROLE_CHOICES),
    choose: gcpRolesForGrant,
    classesOfRole: (role) => classesOf(gcpRolePermissions(role)!, gcpPermissionClasses),
  },
  {
    name: "Azure",
    cloud: "azure",
    types: Object.keys(AZURE_ROLE_CHOICES),
    choose: azureRolesForGrant,
    classesOfRole: (role) => classesOf(azureRoleOperations(role)!, azureOperationClasses),
  },
];

describe.each(CLOUDS)("$name: the roles chosen for a grant hold exactly the classes it opted into", (cloud) => {
  const grants = fc.record({
    nativeType: fc.constantFrom(...cloud.types),
    access: fc.subarray([...LEVELS], { minLength: 1 }),
    include: fc.subarray([...ACTION_CLASSES]),
  });

  it("no class without its opt-in; every opted-in class comes from some chosen role", () => {
    let chosen = 0;
    fc.assert(
      fc.property(grants, ({ nativeType, access, include }) => {
        const result = cloud.choose({
          resource: { cloud: cloud.cloud, ref: "x", nativeType },
          access,
          include,
        });
        if ("error" in result) return;
        chosen++;
        const held = new Set<ActionClass>();
        for (const role of result.roles) for (const kind of cloud.classesOfRole(role)) held.add(kind);
        for (const kind of held) expect(include, `${nativeType} ${access} → ${result.roles}: ${kind}`).toContain(kind);
        for (const kind of include) expect([...held], `${nativeType} include ${kind}`).toContain(kind);
      }),
      runs(400),
    );
    expect(chosen).toBeGreaterThan(0);
  });

  it("every role of the table is judged: each candidate's classes are known, and the opt-in-free ones hold none", () => {
    for (const type of cloud.types)
      for (const access of LEVELS) {
        const result = cloud.choose({
          resource: { cloud: cloud.cloud, ref: "x", nativeType: type },
          access: [access],
          include: [],
        });
        if ("error" in result) continue;
        for (const role of result.roles)
          expect([...cloud.classesOfRole(role)], `${type} ${access}: ${role}`).toEqual([]);
      }
  });
});

describe("the opt-ins that do exist, each adding its class only", () => {
  it.each([
    ["gcp", "storage.googleapis.com/Bucket", ["read", "list", "write"], "delete"],
    ["azure", "Microsoft.Storage/storageAccounts/blobServices/containers", ["read", "list", "write"], "delete"],
    ["azure", "Microsoft.Storage/storageAccounts/tableServices/tables", ["read", "write"], "delete"],
    ["azure", "Microsoft.KeyVault/vaults", ["write"], "delete"],
  ] as const)("%s %s %s with %s", (cloudName, nativeType, access, kind) => {
    const cloud = CLOUDS.find((candidate) => candidate.cloud === cloudName)!;
    const result = cloud.choose({
      resource: { cloud: cloudName, ref: "x", nativeType },
      access: [...access],
      include: [kind],
    });
    expect(result).toHaveProperty("roles");
    const held = new Set<ActionClass>();
    for (const role of (result as { roles: string[] }).roles)
      for (const found of cloud.classesOfRole(role)) held.add(found);
    expect([...held]).toEqual([kind]);
  });
});
