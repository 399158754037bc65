import { z } from "zod";
import { ACTION_CLASS_WORDS } from "../model/action-classes";
import type { StackRule } from "./support/rule";
import { gcpGrantsOf, isGcpIamResourceType, readPoolPrincipal, type GcpGrant } from "../clouds/gcp/iam-resources";
import { isPrivilegedGcpClass, judgeGcpRole, type GcpRoleJudgement } from "../clouds/gcp/role-risk";
import { GCP_BASIC_ROLES } from "../clouds/gcp/roles";
import { describeIdentity, findAgentIdentities } from "./support/agents";
import { gcpCustomRoles, gcpGrantsToAccount } from "./support/cloud-grants";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity, stringList } from "./support/common";

/**
 * `no-overbroad-gcp-scopes`: no basic roles for anyone; no admin, token-creator, act-as or IAM-admin
 * roles at project, folder or organisation level for agents; no project-wide write without a
 * condition (the message names the action classes the role holds).
 * Agents are service accounts that pool principals act as, and pool principals bound directly.
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

function wideGrantFindings(
  who: string,
  grant: GcpGrant,
  judgement: GcpRoleJudgement | undefined,
  config: GcpScopesConfig,
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
      // Pool principals bound directly (Workload Identity Federation without a service account) are agents too.
      if (!isUnknown(grant.member) && readPoolPrincipal(grant.member))
        for (const finding of wideGrantFindings(
          `pool principal ${grant.member}`,
          grant,
          judgeGcpRole(grant.role, custom.byName),
          config,
        ))
          findings.push({ urn: resource.urn, ...finding });
    }
  }
  for (const agent of findAgentIdentities(index).filter((candidate) => candidate.cloud === "gcp")) {
    const agentFindings = gcpGrantsToAccount(agent.resource, index).flatMap(({ grant, resource, judgement }) =>
      wideGrantFindings(describeIdentity(agent), grant, judgement, config).map((finding) => ({
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
    "Blocks basic roles (roles/owner, roles/editor, roles/viewer) for any member; admin, token-creator, act-as (roles/iam.serviceAccountUser) and IAM-admin roles at project, folder or organisation level for agent service accounts and pool principals; and their project-wide write bindings without a condition, naming the action classes the role holds.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Bind the narrowest predefined role on the named resource (AgentIdentity grants), with an expiry condition; project-wide roles only with a condition.",
  config: gcpScopesConfig,
  scope: "stack",
  check: checkGcpScopes,
};
