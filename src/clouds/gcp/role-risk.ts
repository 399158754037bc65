import { accessRank, highestAccess, type AccessLevel } from "../../model/access";
import type { HighRiskClass } from "../../model/action-classes";
import { gcpPermissionLevel, gcpPermissionRisks, gcpPermissionVerb } from "./permission-levels";
import { GCP_BASIC_ROLES, gcpRolePermissions } from "./roles";

/**
 * How dangerous a GCP IAM role is when bound to an agent, for the policy pack: basic roles,
 * IAM administration, minting tokens for (impersonating) service accounts, acting as service
 * accounts (`actAs`: running resources as them), other administration, write, read. Roles in `src/clouds/gcp/role-catalog.json` (and custom roles whose permissions the stack
 * declares) are judged by their permissions; other roles by the tables and name rules below
 * (cloud.google.com/iam/docs/roles-permissions, "IAM roles" and "Service account roles").
 */
export type GcpRoleClass = "basic" | "iam-admin" | "token-creator" | "act-as" | "admin" | "write" | "read";

/** Roles that change who may do what on a project, folder or organisation. */
export const GCP_IAM_ADMIN_ROLES: readonly string[] = [
  "roles/resourcemanager.projectIamAdmin",
  "roles/resourcemanager.folderIamAdmin",
  "roles/resourcemanager.folderAdmin",
  "roles/resourcemanager.organizationAdmin",
  "roles/iam.securityAdmin",
  "roles/iam.roleAdmin",
  "roles/iam.organizationRoleAdmin",
  "roles/iam.serviceAccountAdmin",
  "roles/iam.serviceAccountKeyAdmin",
  "roles/iam.workloadIdentityPoolAdmin",
  "roles/iam.denyAdmin",
];

/** Roles that let their holder mint credentials for (impersonate) service accounts. */
export const GCP_TOKEN_CREATOR_ROLES: readonly string[] = [
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.serviceAccountOpenIdTokenCreator",
  "roles/iam.workloadIdentityUser",
];

/**
 * Roles that let their holder run resources as a service account (`iam.serviceAccounts.actAs`)
 * without minting its tokens. Bound on one runtime account a deploy names, this is what AWS
 * `iam:PassRole` on one named role is; bound on a project, it reaches every account in it.
 */
export const GCP_ACT_AS_ROLES: readonly string[] = ["roles/iam.serviceAccountUser"];

/** Permission verbs that impersonate a service account. */
const TOKEN_VERBS = new Set(["getAccessToken", "getOpenIdToken", "signBlob", "signJwt", "implicitDelegation"]);

/** Predefined roles whose name says they only read (`…viewer`, `…Reader`, `roles/browser`). */
const READ_ONLY_NAME = /(viewer|reader|browser)$/i;
/** Predefined roles whose name says they administer (`roles/storage.admin`, `roles/compute.instanceAdmin`). */
const ADMIN_NAME = /(\.admin|Admin)$/;

/** A role judged. */
export interface GcpRoleJudgement {
  readonly role: string;
  readonly class: GcpRoleClass;
  /** The highest access level, when the role's permissions are known. */
  readonly level?: AccessLevel;
  /** Delete/export classes of its permissions (known permissions only). */
  readonly risks: readonly HighRiskClass[];
  /** Whether the judgement comes from the role's permission list (else from its name). */
  readonly fromPermissions: boolean;
}

/**
 * Judges a role. `customPermissions` gives the permissions of custom roles the stack declares
 * (`projects/P/roles/ID` → permissions).
 */
export function judgeGcpRole(
  role: string,
  customPermissions: ReadonlyMap<string, readonly string[]> = new Map(),
): GcpRoleJudgement {
  if ((GCP_BASIC_ROLES as readonly string[]).includes(role))
    return { role, class: "basic", level: "permissions", risks: ["delete", "export"], fromPermissions: false };
  if (GCP_IAM_ADMIN_ROLES.includes(role))
    return { role, class: "iam-admin", level: "permissions", risks: [], fromPermissions: false };
  if (GCP_TOKEN_CREATOR_ROLES.includes(role))
    return { role, class: "token-creator", level: "permissions", risks: [], fromPermissions: false };
  if (GCP_ACT_AS_ROLES.includes(role))
    return { role, class: "act-as", level: "write", risks: [], fromPermissions: false };
  const customId = /\/roles\/([^/]+)$/.exec(role)?.[1];
  const permissions =
    customPermissions.get(role) ?? gcpRolePermissions(role) ?? (customId ? gcpRolePermissions(customId) : undefined);
  if (permissions) {
    const risks = new Set<HighRiskClass>();
    for (const permission of permissions) for (const risk of gcpPermissionRisks(permission)) risks.add(risk);
    const level = highestAccess(permissions.map(gcpPermissionLevel)) ?? "list";
    const verbs = permissions.map(gcpPermissionVerb);
    const cls: GcpRoleClass = verbs.includes("setIamPolicy")
      ? "iam-admin"
      : verbs.some((verb) => TOKEN_VERBS.has(verb))
        ? "token-creator"
        : verbs.includes("actAs")
          ? "act-as"
          : ADMIN_NAME.test(role)
            ? "admin"
            : accessRank(level) >= accessRank("write")
              ? "write"
              : "read";
    return { role, class: cls, level, risks: [...risks], fromPermissions: true };
  }
  if (ADMIN_NAME.test(role))
    return { role, class: "admin", level: "permissions", risks: ["delete"], fromPermissions: false };
  if (READ_ONLY_NAME.test(role)) return { role, class: "read", level: "read", risks: [], fromPermissions: false };
  return { role, class: "write", risks: [], fromPermissions: false };
}

/** Whether the class is one the pack never lets an agent hold at project, folder or organisation level. */
export function isPrivilegedGcpClass(cls: GcpRoleClass): boolean {
  return cls === "basic" || cls === "iam-admin" || cls === "token-creator" || cls === "act-as" || cls === "admin";
}
