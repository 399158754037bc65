import { z } from "zod";
import { ACTION_CLASS_WORDS } from "../model/action-classes";
import type { StackRule } from "./support/rule";
import {
  GCP_ACT_AS_EVERY_ACCOUNT_ROLES,
  GCP_PROJECT_ONLY_ROLES,
  gcpDataReadOf,
  gcpLateralOf,
} from "../clouds/gcp/broad-roles";
import { conditionResources } from "../clouds/gcp/iam-condition";
import { agentMemberKind, gcpGrantsOf, isGcpIamResourceType, type GcpGrant } from "../clouds/gcp/iam-resources";
import { isPrivilegedGcpClass, judgeGcpRole, type GcpRoleJudgement } from "../clouds/gcp/role-risk";
import { GCP_BASIC_ROLES } from "../clouds/gcp/roles";
import { describeIdentity, findAgentIdentities } from "./support/agents";
import { gcpCustomRoles, gcpGrantsToAccount } from "./support/cloud-grants";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity, stringList } from "./support/common";

/**
 * `no-overbroad-gcp-scopes`: no basic roles and no act-as-every-service-account roles at project
 * level or above for anyone; for agents, no blanket data readers or lateral-movement roles there
 * unless a condition names the resources, no admin, token-creator or IAM-admin roles there, no
 * project-wide write without a condition (`src/clouds/gcp/broad-roles.ts` holds the tables);
 * messages name the action classes a role holds. Agents
 * are service accounts that pool principals or Agent Engines act as, and such principals bound directly.
 */

export const gcpScopesConfig = z
  .object({
    allowedProjectRoles: stringList("allowedProjectRoles").describe(
      "Roles accepted for agents at project, folder or organisation level without a condition",
    ),
  })
  .strict();
export type GcpScopesConfig = z.output<typeof gcpScopesConfig>;

const WIDE_LEVELS = new Set(["project", "folder", "organization"]);

/** What a privileged class lets its holder do, as messages say it. */
const PRIVILEGED_WORDS: Partial<Record<GcpRoleJudgement["class"], string>> = {
  "iam-admin": "IAM administration",
  "token-creator": "minting tokens for service accounts",
  "act-as": "acting as every service account there",
  admin: "administration",
};

/** The action classes a role's permissions are in, named as the pack names them (empty when none). */
function classWords(judgement: GcpRoleJudgement): string {
  if (judgement.risks.length === 0) return "";
  return ` (${judgement.risks.map((risk) => ACTION_CLASS_WORDS[risk].name).join(", ")})`;
}

/** `resource.name` in the condition, or why the binding reaches every resource of its level. */
function narrowed(grant: GcpGrant): "named" | "unknown" | "every" {
  if (grant.conditioned === "unknown") return "unknown";
  if (!grant.condition) return "every";
  const resources = conditionResources(grant.condition);
  return Array.isArray(resources) ? "named" : "every";
}

function wideGrantFindings(
  who: string,
  grant: GcpGrant,
  judgement: GcpRoleJudgement | undefined,
  config: GcpScopesConfig,
  custom: ReadonlyMap<string, readonly string[]>,
): Finding[] {
  if (!WIDE_LEVELS.has(grant.level)) return [];
  if (!judgement)
    return [
      {
        level: "advisory",
        message: `${who}: the role of a ${grant.level}-level grant is not known until apply; it is judged then`,
      },
    ];
  if (judgement.class === "basic" || config.allowedProjectRoles.includes(judgement.role)) return [];
  // Reported for any member, agent or not (checkAnyMember).
  if (GCP_ACT_AS_EVERY_ACCOUNT_ROLES.includes(judgement.role)) return [];
  // A role that exists only at project level is as narrow as it gets there.
  if (grant.level === "project" && GCP_PROJECT_ONLY_ROLES.includes(judgement.role)) return [];
  const reach = narrowed(grant);
  const data = gcpDataReadOf(judgement.role, custom);
  const lateral = gcpLateralOf(judgement.role, custom);
  if ((data || lateral) && reach === "unknown")
    return [
      {
        level: "advisory",
        message: `${who}: the condition of ${judgement.role} at ${grant.level} level is not known until apply`,
      },
    ];
  if (data && reach === "every")
    return [
      {
        message: `${who} holds ${judgement.role} on the whole ${grant.level}: it reads the ${data} of every resource there, whatever their owner or sensitivity (blanket read); bind it on the named bucket, dataset, secret or subscription, or add a condition on resource.name`,
      },
    ];
  if (lateral && reach === "every")
    return [
      {
        message: `${who} holds ${judgement.role} on the whole ${grant.level}: it can ${lateral} (lateral movement); bind it on the named instance or cluster, or add a condition on resource.name`,
      },
    ];
  if (isPrivilegedGcpClass(judgement.class))
    return [
      {
        message: `${who} holds ${judgement.role} (${PRIVILEGED_WORDS[judgement.class] ?? "administration"}) at ${grant.level} level; grant a narrower role on the named resource instead`,
      },
    ];
  if (judgement.class === "write") {
    if (grant.conditioned === "unknown")
      return [
        {
          level: "advisory",
          message: `${who}: the condition of ${judgement.role} at ${grant.level} level is not known until apply`,
        },
      ];
    if (!grant.conditioned)
      return [
        {
          message: `${who} holds ${judgement.role}${judgement.fromPermissions ? classWords(judgement) : " (not known to be read-only)"} on the whole ${grant.level} without a condition; bind it on the named resource, or add a condition (resource names, an expiry) to the binding`,
        },
      ];
  }
  return [];
}

/**
 * Roles that act as every service account of a project, folder or organisation, for any member
 * (CIS GCP 1.6; Checkov CKV_GCP_41 and CKV_GCP_49): agent or not, the holder becomes whatever
 * those accounts can do. A condition that names the service accounts narrows it.
 */
function anyMemberFindings(resource: PolicyResource, grant: GcpGrant): Finding[] {
  if (!WIDE_LEVELS.has(grant.level) || !GCP_ACT_AS_EVERY_ACCOUNT_ROLES.includes(grant.role)) return [];
  const reach = narrowed(grant);
  const member = isUnknown(grant.member) ? "a member not known yet" : grant.member;
  const what = `${resource.type.split(":").pop()} "${resource.name}" gives ${member} ${grant.role} on the whole ${grant.level}`;
  if (reach === "unknown")
    return [{ urn: resource.urn, level: "advisory", message: `${what}; its condition is not known until apply` }];
  if (reach === "named") return [];
  return [
    {
      urn: resource.urn,
      message: `${what}: it can act as every service account there, and hold whatever they can do (CIS GCP 1.6, Checkov CKV_GCP_41/49); grant it on the one service account it needs (a serviceaccount IAM member)`,
    },
  ];
}

export function checkGcpScopes(
  resources: readonly PolicyResource[],
  config: GcpScopesConfig,
  _context?: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  const findings: Finding[] = [];
  const custom = gcpCustomRoles(index);
  for (const resource of index.resources) {
    if (!isGcpIamResourceType(resource.type)) continue;
    for (const grant of gcpGrantsOf(resource.type, resource.props)) {
      if (isUnknown(grant.role)) {
        if (grant.memberProperty === "policyData")
          findings.push({
            urn: resource.urn,
            level: "advisory",
            message: `${resource.name}: the IAM policy is not known until apply; basic roles in it are judged then`,
          });
        continue;
      }
      if ((GCP_BASIC_ROLES as readonly string[]).includes(grant.role))
        findings.push({
          urn: resource.urn,
          message: `${resource.type.split(":").pop()} "${resource.name}" grants the basic role ${grant.role} to ${isUnknown(grant.member) ? "a member not known yet" : grant.member}; basic roles span every service, so grant a predefined role on the named resource instead`,
        });
      findings.push(...anyMemberFindings(resource, grant));
      // Agents without a service account of the stack (pool principals bound directly, Agent Engine identities).
      const kind = isUnknown(grant.member) ? undefined : agentMemberKind(grant.member);
      if (kind)
        for (const finding of wideGrantFindings(
          `${kind} ${grant.member}`,
          grant,
          judgeGcpRole(grant.role, custom.byName),
          config,
          custom.byName,
        ))
          findings.push({ urn: resource.urn, ...finding });
    }
  }
  for (const agent of findAgentIdentities(index).filter((candidate) => candidate.cloud === "gcp")) {
    const agentFindings = gcpGrantsToAccount(agent.resource, index).flatMap(({ grant, resource, judgement }) =>
      wideGrantFindings(describeIdentity(agent), grant, judgement, config, custom.byName).map((finding) => ({
        ...finding,
        urn: resource.urn,
      })),
    );
    findings.push(...forIdentity(agent, agentFindings));
  }
  return findings;
}

/** No basic roles, no project-wide administration or unconditioned writes for agents on GCP. */
export const noOverbroadGcpScopes: StackRule<typeof gcpScopesConfig> = {
  name: "no-overbroad-gcp-scopes",
  description:
    "Blocks basic roles (roles/owner, roles/editor, roles/viewer) and project-, folder- or organisation-level roles that act as every service account (serviceAccountTokenCreator, serviceAccountUser, workloadIdentityUser, serviceAccountKeyAdmin) for any member; for agent service accounts, pool principals and Agent Engine identities: data readers (roles/storage.objectViewer, roles/bigquery.dataViewer, roles/secretmanager.secretAccessor …) and roles that log in to or run code on every VM or pod at those levels without a condition naming the resources, admin, token-creator and IAM-admin roles there, and other write roles there without a condition, naming the action classes the role holds. Roles that exist only at project level (roles/bigquery.jobUser) pass there.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Bind the narrowest predefined role on the named resource (AgentIdentity grants), with an expiry condition; project-wide roles only with a condition.",
  config: gcpScopesConfig,
  scope: "stack",
  check: checkGcpScopes,
};
