import type { Agent, ResolvedGrant } from "../../model/agent";
import { gcpExpiryCondition, gcpResourceNameCondition, type GcpIamCondition } from "./conditions";
import { gcpExpiryMechanism, gcpTypeWords, type GcpExpiryMechanism } from "./expiry";
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
  /**
   * The IAM condition that ends the binding; absent on resource types that refuse conditional
   * bindings (`GCP_EXPIRY_SUPPORT`), whose end is the stopper's disabling of the account.
   */
  readonly condition?: GcpIamCondition;
  /** How the review date ends this binding. */
  readonly expiry: GcpExpiryMechanism;
  /** A project-wide binding (logs, metrics: no resource-level IAM; BigQuery: conditioned on the dataset's name). */
  readonly projectWide: boolean;
}

/** A grant agent-iam cannot turn into GCP bindings, and why. */
export interface GcpGrantProblem {
  readonly grant: number;
  readonly message: string;
}

/**
 * The role a BigQuery grant needs on the dataset's project besides: a query or load is a job, and
 * `bigquery.jobs.create` is checked on the project that runs it (BigQuery docs, "Run a query":
 * required permissions; API reference, `jobs.insert`).
 */
export const GCP_BIGQUERY_JOB_ROLE = "agentIam.bigqueryJobUser";

/**
 * The IAM members of an agent's GCP grants: the narrowest roles per grant, each ending on the
 * review date (or the grant's end) the way the resource type allows (`GCP_EXPIRY_SUPPORT`).
 * Returns problems instead for grants no role fits, grants that must end before the review date
 * on a type that takes no condition, and Cloud Run deploys that name no runtime service account.
 */
export function gcpBindingsForGrants(
  agent: Pick<Agent, "id" | "expires" | "breakGlass">,
  grants: readonly ResolvedGrant[],
): { bindings: GcpBinding[]; problems: GcpGrantProblem[] } {
  const bindings: GcpBinding[] = [];
  const problems: GcpGrantProblem[] = [];
  const customRoleNeed = (role: string, project: string): GcpCustomRoleNeed => ({
    ...GCP_CUSTOM_ROLES[role]!,
    project,
    roleId: role,
    name: `projects/${project}/roles/${role}`,
  });
  grants.forEach((grant, index) => {
    if (grant.resource.cloud !== "gcp") return;
    const target = gcpIamTarget(grant.resource.nativeType, grant.resource.ref);
    if (!target)
      return void problems.push({
        grant: index,
        message: `agent-iam cannot grant access to a ${grant.resource.nativeType} on GCP`,
      });
    const expiry = gcpExpiryMechanism(grant.resource.nativeType);
    if (expiry === "disable-on-expiry" && (grant.until || grant.endsAt))
      return void problems.push({
        grant: index,
        message: `Google takes no IAM condition on ${gcpTypeWords(grant.resource.nativeType)} ("Resource types that accept conditional role bindings"), so this grant cannot end before the agent's review date; ${grant.endsAt ? "elevate on a resource that accepts conditions (Cloud Storage, Secret Manager, Cloud KMS, Cloud Run, BigQuery) or on AWS" : "remove until from this grant (the review date still applies: gcp.budgetStopper disables the agent's account then)"}`,
      });
    const choice = gcpRolesForGrant(grant);
    if ("error" in choice) return void problems.push({ grant: index, message: choice.error });
    const project = gcpTargetProject(target);
    for (const role of choice.roles) {
      if ((GCP_BASIC_ROLES as readonly string[]).includes(role))
        throw new Error(`basic role ${role} in the GCP role table`);
      if (GCP_CUSTOM_ROLES[role] && !project)
        return void problems.push({
          grant: index,
          message: `${grant.resource.ref} names no project for agent-iam's custom role ${role}`,
        });
      const customRole = GCP_CUSTOM_ROLES[role] ? customRoleNeed(role, project!) : undefined;
      const binding = { grant: index, ref: grant.resource.ref, role: customRole?.name ?? role, customRole, expiry };
      if (expiry === "project-condition")
        bindings.push({
          ...binding,
          target: { type: "project", project: project! },
          condition: gcpResourceNameCondition(agent, grant, gcpResourceAttributeName(grant.resource.ref)),
          projectWide: true,
        });
      else
        bindings.push({
          ...binding,
          target,
          ...(expiry === "condition" ? { condition: gcpExpiryCondition(agent, grant) } : {}),
          projectWide: target.type === "project",
        });
    }
    if (grant.resource.nativeType === "bigquery.googleapis.com/Dataset" && project) {
      const condition = gcpExpiryCondition(agent, grant);
      const jobRole = customRoleNeed(GCP_BIGQUERY_JOB_ROLE, project);
      const same = bindings.some(
        (binding) =>
          binding.role === jobRole.name &&
          binding.target.type === "project" &&
          binding.target.project === project &&
          binding.condition?.expression === condition.expression,
      );
      if (!same)
        bindings.push({
          grant: index,
          ref: grant.resource.ref,
          target: { type: "project", project },
          role: jobRole.name,
          customRole: jobRole,
          condition,
          expiry: "condition",
          projectWide: true,
        });
    }
  });
  problems.push(...cloudRunDeployProblems(grants));
  return { bindings, problems };
}

/** The name a service that recognises resource attributes reports to IAM: the full name without `//SERVICE/`. */
export function gcpResourceAttributeName(ref: string): string {
  return ref.replace(/^\/\/[^/]+\//, "");
}

/**
 * A Cloud Run service runs as its runtime service account, and deploying a revision needs
 * `iam.serviceAccounts.actAs` on that account (Cloud Run docs, "IAM roles: additional
 * configuration for deploying"; google-github-actions/deploy-cloudrun, "Authorization": Service
 * Account User on the runtime account): a grant that writes to a Cloud Run service needs the
 * service account named, so that the deployer may act as exactly that one.
 */
function cloudRunDeployProblems(grants: readonly ResolvedGrant[]): GcpGrantProblem[] {
  const writes = (nativeType: string) =>
    grants.findIndex((grant) => grant.resource.nativeType === nativeType && grant.access.includes("write"));
  const deploy = writes("run.googleapis.com/Service");
  if (deploy < 0 || writes("iam.googleapis.com/ServiceAccount") >= 0) return [];
  return [
    {
      grant: deploy,
      message:
        "deploying a Cloud Run service acts as its runtime service account: add that account (//iam.googleapis.com/projects/PROJECT/serviceAccounts/EMAIL) to the grant's resources",
    },
  ];
}

/** The agent's GCP grants whose review date only the stopper enforces (their types take no condition). */
export function gcpGrantsEndedByStopper(grants: readonly ResolvedGrant[]): ResolvedGrant[] {
  return grants.filter(
    (grant) => grant.resource.cloud === "gcp" && gcpExpiryMechanism(grant.resource.nativeType) === "disable-on-expiry",
  );
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
