import type { Agent, ResolvedGrant } from "../../model/agent";
import { gcpExpiryCondition, type GcpIamCondition } from "./conditions";
import { gcpIamTarget, gcpTargetProject, type GcpIamTarget } from "./resource-names";
import { GCP_BASIC_ROLES, GCP_CUSTOM_ROLES, gcpRolesForGrant, type GcpCustomRole } from "./roles";
import { GCP_SUBJECT_LIMIT } from "./workload-identity";

/** A custom role a binding needs, created once per project. */
export interface GcpCustomRoleNeed extends GcpCustomRole {
  readonly project: string;
  readonly roleId: string;
  /** `projects/PROJECT/roles/ROLE_ID`, the name bindings refer to. */
  readonly name: string;
}

/** One IAM member agent-iam adds for an agent's grant. */
export interface GcpBinding {
  /** Index of the grant in `agent.grants`. */
  readonly grant: number;
  readonly ref: string;
  readonly target: GcpIamTarget;
  /** `roles/…`, or `projects/P/roles/agentIam.…` for a custom role. */
  readonly role: string;
  readonly customRole?: GcpCustomRoleNeed;
  readonly condition: GcpIamCondition;
  /** A project-wide binding (logs, metrics: no resource-level IAM). */
  readonly projectWide: boolean;
}

/** A grant agent-iam cannot turn into GCP bindings, and why. */
export interface GcpGrantProblem {
  readonly grant: number;
  readonly message: string;
}

/**
 * The resource-level IAM members of an agent's GCP grants: the narrowest roles per grant, each with
 * the expiry condition. Returns problems instead for grants no role fits.
 */
export function gcpBindingsForGrants(
  agent: Pick<Agent, "id" | "expires" | "breakGlass">,
  grants: readonly ResolvedGrant[],
): { bindings: GcpBinding[]; problems: GcpGrantProblem[] } {
  const bindings: GcpBinding[] = [];
  const problems: GcpGrantProblem[] = [];
  grants.forEach((grant, index) => {
    if (grant.resource.cloud !== "gcp") return;
    const target = gcpIamTarget(grant.resource.nativeType, grant.resource.ref);
    if (!target)
      return void problems.push({
        grant: index,
        message: `agent-iam cannot grant access to a ${grant.resource.nativeType} on GCP`,
      });
    const choice = gcpRolesForGrant(grant);
    if ("error" in choice) return void problems.push({ grant: index, message: choice.error });
    for (const role of choice.roles) {
      if ((GCP_BASIC_ROLES as readonly string[]).includes(role))
        throw new Error(`basic role ${role} in the GCP role table`);
      const custom = GCP_CUSTOM_ROLES[role];
      let customRole: GcpCustomRoleNeed | undefined;
      if (custom) {
        const project = gcpTargetProject(target);
        if (!project)
          return void problems.push({
            grant: index,
            message: `${grant.resource.ref} names no project for agent-iam's custom role ${role}`,
          });
        customRole = { ...custom, project, roleId: role, name: `projects/${project}/roles/${role}` };
      }
      bindings.push({
        grant: index,
        ref: grant.resource.ref,
        target,
        role: customRole?.name ?? role,
        customRole,
        condition: gcpExpiryCondition(agent, grant),
        projectWide: target.type === "project",
      });
    }
  });
  return { bindings, problems };
}

/** Spec-level problems of an agent's GCP side that do not belong to a grant. */
export function gcpTrustProblems(agent: Pick<Agent, "trust">): { path: string; message: string }[] {
  const bytes = Buffer.byteLength(agent.trust.subject, "utf8");
  if (bytes > GCP_SUBJECT_LIMIT)
    return [
      {
        path: "runsOn",
        message: `the subject "${agent.trust.subject}" has ${bytes} bytes; Google's google.subject holds at most ${GCP_SUBJECT_LIMIT}: use a shorter repository, branch or environment name`,
      },
    ];
  return [];
}
