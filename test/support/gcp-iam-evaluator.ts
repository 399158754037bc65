import catalog from "../../src/clouds/gcp/role-catalog.json";
import { CelTimestamp, evaluateCel } from "./cel";

/**
 * An independent evaluator of Google Cloud IAM allow policies, for the scenario tests: whether a
 * principal holding some bindings may use a permission on a resource at an instant. Written from
 * Google's documentation, not from agent-iam's planner:
 * - a binding on a resource applies to it and to every resource under it (a bucket's objects, a
 *   dataset's tables, a project's resources: "Resource hierarchy" and "Policy inheritance");
 * - a role grants the permissions its definition lists; predefined and agent-iam's custom roles are
 *   read from src/clouds/gcp/role-catalog.json as data (copies of Google's published definitions);
 * - a conditional binding applies only when its CEL condition is exactly true ("Overview of IAM
 *   Conditions"); `resource.name` is the resource's name without `//SERVICE/` for the services
 *   that recognise resource attributes, and empty for the others ("Resource attributes for IAM
 *   Conditions": other services do not recognise them);
 * - only the resource types of "Resource types that accept conditional role bindings" take a
 *   condition: a conditional binding anywhere else is one Google rejects at apply.
 */

/** Services whose resources report `resource.name` to IAM Conditions (cloud.google.com/iam/docs/conditions-resource-attributes). */
const RECOGNISE_RESOURCE_ATTRIBUTES = new Set([
  "bigquery.googleapis.com",
  "cloudkms.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "run.googleapis.com",
  "secretmanager.googleapis.com",
  "storage.googleapis.com",
]);

/**
 * The resource types whose own allow policies take conditional bindings, as full resource name
 * patterns (cloud.google.com/iam/help/conditions/resource-policies, for the services agent-iam
 * binds on): Cloud Storage buckets, Secret Manager secrets, Cloud KMS keys, Cloud Run services,
 * projects. Pub/Sub, BigQuery datasets, Artifact Registry and IAM service accounts are not on it.
 */
const ACCEPT_CONDITIONS: readonly RegExp[] = [
  /^\/\/storage\.googleapis\.com\/projects\/_\/buckets\/[^/]+$/,
  /^\/\/secretmanager\.googleapis\.com\/projects\/[^/]+\/secrets\/[^/]+$/,
  /^\/\/cloudkms\.googleapis\.com\/projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
  /^\/\/run\.googleapis\.com\/projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+$/,
  /^\/\/cloudresourcemanager\.googleapis\.com\/projects\/[^/]+$/,
];

/** One binding as the principal holds it: where it is, the role it names, its condition. */
export interface GcpBindingUnderTest {
  /** The full resource name of the resource whose allow policy holds the binding. */
  readonly resource: string;
  /** `roles/…`, or `projects/P/roles/ID` for a custom role. */
  readonly role: string;
  readonly condition?: string;
}

/** The permissions of a role, from the catalog's published lists; undefined for a role it does not hold. */
export function permissionsOfRole(role: string): readonly string[] | undefined {
  const predefined = (catalog.predefined as Record<string, { permissions: string[] }>)[role];
  if (predefined) return predefined.permissions;
  const custom = /^projects\/[^/]+\/roles\/([^/]+)$/.exec(role)?.[1];
  return custom ? (catalog.custom as Record<string, { permissions: string[] }>)[custom]?.permissions : undefined;
}

/** Whether Google accepts a conditional binding in this resource's allow policy. */
export function acceptsConditions(resource: string): boolean {
  return ACCEPT_CONDITIONS.some((pattern) => pattern.test(resource));
}

/** The project a full resource name lives in, when its name says. */
function projectOf(resource: string): string | undefined {
  const project = /^\/\/[^/]+\/projects\/([^/]+)/.exec(resource)?.[1];
  return project && project !== "_" ? project : undefined;
}

/** Whether a binding on `holder` reaches `resource`: the same resource, one under it, or one in its project. */
function reaches(holder: string, resource: string): boolean {
  if (holder === resource || resource.startsWith(`${holder}/`)) return true;
  const project = /^\/\/cloudresourcemanager\.googleapis\.com\/projects\/([^/]+)$/.exec(holder)?.[1];
  return project !== undefined && projectOf(resource) === project;
}

/** The `resource.name` IAM reports for a resource: its name without `//SERVICE/`, or empty where not recognised. */
function attributeName(resource: string): string {
  const match = /^\/\/([^/]+)\/(.*)$/.exec(resource);
  return match && RECOGNISE_RESOURCE_ATTRIBUTES.has(match[1]!) ? match[2]! : "";
}

/** Whether the bindings allow `permission` on `resource` at `at` (ISO 8601). */
export function gcpAllows(
  bindings: readonly GcpBindingUnderTest[],
  permission: string,
  resource: string,
  at: string,
): boolean {
  const variables = {
    request: { time: new CelTimestamp(Date.parse(at)) },
    resource: { name: attributeName(resource), service: /^\/\/([^/]+)\//.exec(resource)?.[1] ?? "" },
  };
  return bindings.some((binding) => {
    if (!reaches(binding.resource, resource)) return false;
    if (!(permissionsOfRole(binding.role) ?? []).includes(permission)) return false;
    if (binding.condition === undefined) return true;
    const verdict = evaluateCel(binding.condition, variables);
    return "value" in verdict && verdict.value === true;
  });
}
