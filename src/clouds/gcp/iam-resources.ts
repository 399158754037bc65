import { isUnknown } from "../../model/unknown";

/**
 * GCP IAM grants as Pulumi programs write them, whatever the resource: `…IAMMember` (one member),
 * `…IAMBinding` (a role's member list) and `…IAMPolicy` (a whole policy as JSON) on projects,
 * folders, organisations, service accounts or single resources (the `@pulumi/gcp` IAM resource
 * family: `gcp:projects/iAMMember:IAMMember`, `gcp:storage/bucketIAMMember:BucketIAMMember`, …).
 * Also reads Workload Identity Federation principals (cloud.google.com/iam/docs/principal-identifiers).
 */

/** Where a grant applies. */
export type GcpGrantLevel = "organization" | "folder" | "project" | "service-account" | "resource";

/** One role given to one member (a binding of N members is N grants). */
export interface GcpGrant {
  readonly level: GcpGrantLevel;
  /** The role, or the engine's unknown sentinel. */
  readonly role: string;
  /** The member (`serviceAccount:EMAIL`, `principal://…`), or the unknown sentinel. */
  readonly member: string;
  /** Whether the grant carries an IAM condition (unknown when the condition is not known yet). */
  readonly conditioned: boolean | "unknown";
  /** The condition's CEL expression, when it has one and it is known. */
  readonly condition?: string;
  /** The property members came from (`member`, `members`, `policyData`), for reference resolution. */
  readonly memberProperty: string;
}

/** Whether a type token is a GCP IAM member, binding or policy resource. */
export function isGcpIamResourceType(type: string): boolean {
  return type.startsWith("gcp:") && /:(\w*)IAM(Member|Binding|Policy)$/.test(type) && !/IAMMemberRemove$/.test(type);
}

/** The level a GCP IAM resource type grants at. */
export function gcpGrantLevel(type: string): GcpGrantLevel {
  const module = type.split(":")[1]?.split("/")[0] ?? "";
  switch (module) {
    case "organizations":
      return "organization";
    case "folder":
      return "folder";
    case "projects":
      return "project";
    case "serviceaccount":
      return "service-account";
    default:
      return "resource";
  }
}

function conditionExpression(condition: unknown): { condition?: string } {
  const expression =
    typeof condition === "object" && condition !== null ? (condition as Record<string, unknown>).expression : undefined;
  return typeof expression === "string" && !isUnknown(expression) && expression.trim() !== ""
    ? { condition: expression }
    : {};
}

function conditionState(condition: unknown): boolean | "unknown" {
  if (condition === undefined || condition === null) return false;
  if (isUnknown(condition)) return "unknown";
  if (typeof condition === "object") {
    const expression = (condition as Record<string, unknown>).expression;
    if (isUnknown(expression)) return "unknown";
    return typeof expression === "string" && expression.trim() !== "";
  }
  return false;
}

/** The grants one IAM resource makes. `policyData` that is unknown yields one unknown grant. */
export function gcpGrantsOf(type: string, props: Readonly<Record<string, unknown>>): GcpGrant[] {
  if (!isGcpIamResourceType(type)) return [];
  const level = gcpGrantLevel(type);
  const role = typeof props.role === "string" ? props.role : "";
  if (type.endsWith("IAMMember")) {
    const member = typeof props.member === "string" ? props.member : "";
    return [
      {
        level,
        role,
        member,
        conditioned: conditionState(props.condition),
        ...conditionExpression(props.condition),
        memberProperty: "member",
      },
    ];
  }
  if (type.endsWith("IAMBinding")) {
    if (isUnknown(props.members))
      return [
        {
          level,
          role,
          member: props.members as string,
          conditioned: conditionState(props.condition),
          ...conditionExpression(props.condition),
          memberProperty: "members",
        },
      ];
    const members = Array.isArray(props.members) ? props.members : [];
    return members.map((member) => ({
      level,
      role,
      member: typeof member === "string" ? member : "",
      conditioned: conditionState(props.condition),
      ...conditionExpression(props.condition),
      memberProperty: "members",
    }));
  }
  const data = props.policyData;
  if (isUnknown(data))
    return [
      { level, role: data as string, member: data as string, conditioned: "unknown", memberProperty: "policyData" },
    ];
  let policy: unknown = data;
  if (typeof data === "string") {
    try {
      policy = JSON.parse(data);
    } catch {
      return [];
    }
  }
  const bindings =
    typeof policy === "object" && policy !== null ? (policy as { bindings?: unknown }).bindings : undefined;
  if (!Array.isArray(bindings)) return [];
  return bindings.flatMap((binding: unknown) => {
    const entry = (typeof binding === "object" && binding !== null ? binding : {}) as Record<string, unknown>;
    const members = Array.isArray(entry.members) ? entry.members : [];
    const bindingRole = typeof entry.role === "string" ? entry.role : "";
    return members.map((member) => ({
      level,
      role: bindingRole,
      member: typeof member === "string" ? member : "",
      conditioned: conditionState(entry.condition),
      ...conditionExpression(entry.condition),
      memberProperty: "policyData",
    }));
  });
}

/** A Workload Identity Federation principal. */
export type PoolPrincipal =
  /** One subject: `principal://…/workloadIdentityPools/POOL/subject/SUBJECT`. */
  | { readonly kind: "subject"; readonly pool: string; readonly subject: string }
  /** Every identity of the pool: `principalSet://…/POOL/*`. */
  | { readonly kind: "pool"; readonly pool: string }
  /** Identities whose mapped attribute has a value: `principalSet://…/POOL/attribute.NAME/VALUE`. */
  | { readonly kind: "attribute"; readonly pool: string; readonly attribute: string; readonly value: string }
  /** Identities in a group: `principalSet://…/POOL/group/GROUP`. */
  | { readonly kind: "group"; readonly pool: string; readonly group: string };

const POOL = "(projects/[^/]+/locations/global/workloadIdentityPools/[^/]+)";

/** Reads a member as a Workload Identity Federation principal; undefined for any other member. */
export function readPoolPrincipal(member: string): PoolPrincipal | undefined {
  let match = new RegExp(`^principal://iam\\.googleapis\\.com/${POOL}/subject/(.+)$`).exec(member);
  if (match) return { kind: "subject", pool: match[1]!, subject: match[2]! };
  match = new RegExp(`^principalSet://iam\\.googleapis\\.com/${POOL}/\\*$`).exec(member);
  if (match) return { kind: "pool", pool: match[1]! };
  match = new RegExp(`^principalSet://iam\\.googleapis\\.com/${POOL}/attribute\\.([^/]+)/(.+)$`).exec(member);
  if (match) return { kind: "attribute", pool: match[1]!, attribute: match[2]!, value: match[3]! };
  match = new RegExp(`^principalSet://iam\\.googleapis\\.com/${POOL}/group/(.+)$`).exec(member);
  if (match) return { kind: "group", pool: match[1]!, group: match[2]! };
  return undefined;
}

/**
 * Mapped attributes whose value names one repository, project or namespace (the names agent-iam
 * maps, `src/clouds/gcp/workload-identity.ts`, and GitHub's and GitLab's claim names). Any other attribute
 * (`repository_owner`, `namespace_path`, `environment`, `ref`, …) spans repositories or namespaces.
 */
export const GCP_ONE_OWNER_ATTRIBUTES: readonly string[] = [
  "repository",
  "repository_id",
  "project_path",
  "project_id",
  "job_workflow_ref",
  "namespace",
  "sub",
  "subject",
  // One AWS role's sessions: Google's mapping for AWS providers (`arn:aws:sts::ACCOUNT:assumed-role/ROLE`).
  "aws_role",
];

/**
 * Members that are agents without a service account of the stack: Workload Identity Federation
 * principals bound directly, Vertex AI Agent Engine's agent identities
 * (`principal://agents.global.org-ORG.system.id.goog/resources/aiplatform/…/reasoningEngines/ID`,
 * Pulumi GCP provider docs, `agentidentity.AuthProvider`), and the Reasoning Engine service agent an
 * engine without its own service account runs as (`service-NUMBER@gcp-sa-aiplatform-re.iam.gserviceaccount.com`).
 */
export function agentMemberKind(
  member: string,
): "pool principal" | "agent identity" | "Agent Engine service agent" | undefined {
  if (readPoolPrincipal(member)) return "pool principal";
  if (/^principal:\/\/agents\.global\.org-[^/]+\.system\.id\.goog\/resources\/aiplatform\//.test(member))
    return "agent identity";
  if (/^serviceAccount:service-\d+@gcp-sa-aiplatform-re\.iam\.gserviceaccount\.com$/.test(member))
    return "Agent Engine service agent";
  return undefined;
}

/** The email a `serviceAccount:EMAIL` member names. */
export function serviceAccountEmailOf(member: string): string | undefined {
  const match = /^serviceAccount:(.+)$/.exec(member);
  return match ? match[1] : undefined;
}
