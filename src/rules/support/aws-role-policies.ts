import { awsManagedPolicy } from "../../clouds/aws/managed-policies";
import { readPolicyDocument, type PolicyDocumentReading } from "../../clouds/aws/policy-document";
import {
  analyzePermissions,
  type PermissionAnalysis,
  type PermissionOptions,
  type SourcedStatement,
} from "../../clouds/aws/permission-analysis";
import { type StackIndex, knownString, type PolicyResource } from "./stack";
import { isUnknown } from "../../model/unknown";

/**
 * Every policy an IAM role holds in a stack, wherever the program wrote it: the role's own
 * `inlinePolicies` and `managedPolicyArns`, `aws.iam.RolePolicy`, `aws.iam.RolePolicyAttachment`,
 * `aws.iam.PolicyAttachment` and `aws.iam.RolePolicyAttachmentsExclusive`, with the documents of
 * `aws.iam.Policy` resources they attach. Links follow names, ARNs and the engine's property
 * dependencies, so a role named only at apply is still found.
 */

export const ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";
export const ROLE_POLICY_ATTACHMENT_TYPE = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const POLICY_ATTACHMENT_TYPE = "aws:iam/policyAttachment:PolicyAttachment";
export const ROLE_POLICY_ATTACHMENTS_EXCLUSIVE_TYPE =
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
export const POLICY_TYPE = "aws:iam/policy:Policy";

/** One policy a role holds. */
export interface RolePolicySource {
  /** In words: `inline policy "grants"`, `policy "reviewer-grants-1"`, `AWS managed policy AdministratorAccess`. */
  readonly what: string;
  /** The resource that attaches or holds it. */
  readonly urn: string;
  /** The document, when the policy's text is in the stack. */
  readonly document?: PolicyDocumentReading;
  /** The attached ARN, when a managed policy is attached. */
  readonly policyArn?: string;
  /** For an AWS managed policy: whether agent-iam's table holds its document (AWS publishes every one). */
  readonly awsManaged?: "known" | "not-in-table";
  /** `unknown`: the ARN is not known yet; `external`: a customer policy outside this stack. */
  readonly unresolved?: "unknown" | "external";
}

/** Keys a reference to a role may use: its name, id or ARN. */
export function roleKeys(role: PolicyResource): string[] {
  return ["name", "id", "arn"]
    .map((key) => knownString(role.props[key]))
    .filter((key): key is string => key !== undefined);
}

function policyKeys(policy: PolicyResource): string[] {
  return ["arn", "id"].map((key) => knownString(policy.props[key])).filter((key): key is string => key !== undefined);
}

/** `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` → `job-function/ViewOnlyAccess`; undefined for customer policies. */
export function awsManagedPolicyName(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
}

const publishedReadings = new Map<string, PolicyDocumentReading>();

/** The reading of an AWS managed policy's published document, made once per process (the table never changes). */
function publishedReading(name: string, document: unknown): PolicyDocumentReading {
  let reading = publishedReadings.get(name);
  if (!reading) publishedReadings.set(name, (reading = readPolicyDocument(document)));
  return reading;
}

function fromArn(index: StackIndex, holder: PolicyResource, arn: unknown, property: string): RolePolicySource {
  const managedName = typeof arn === "string" && !isUnknown(arn) ? awsManagedPolicyName(arn) : undefined;
  if (managedName) {
    // AWS managed policies are read like any other: by the document AWS publishes for them.
    const published = awsManagedPolicy(managedName);
    return {
      what: `AWS managed policy ${managedName}`,
      urn: holder.urn,
      policyArn: arn as string,
      ...(published
        ? { document: publishedReading(managedName, published.document), awsManaged: "known" as const }
        : { awsManaged: "not-in-table" as const }),
    };
  }
  const policies = index.ofType(POLICY_TYPE);
  const probe: PolicyResource = {
    ...holder,
    props: { [property]: arn },
    propertyDependencies: holder.propertyDependencies,
  };
  const { targets, unknown } = index.references(probe, property, policies, policyKeys);
  const policy = targets[0];
  if (policy)
    return {
      what: `policy "${policy.name}"`,
      urn: policy.urn,
      document: readPolicyDocument(policy.props.policy),
      policyArn: knownString(policy.props.arn),
    };
  if (unknown || isUnknown(arn))
    return {
      what: `a policy attached by ${holder.type.split(":").pop()} "${holder.name}"`,
      urn: holder.urn,
      unresolved: "unknown",
    };
  if (typeof arn !== "string")
    return {
      what: `the policy attached by ${holder.type.split(":").pop()} "${holder.name}" (its ${property} is ${JSON.stringify(arn) ?? String(arn)}, not an ARN)`,
      urn: holder.urn,
      unresolved: "external",
    };
  return { what: `customer policy ${arn}`, urn: holder.urn, policyArn: arn, unresolved: "external" };
}

/** The policies a role holds (read once per index; do not modify the list). */
export function rolePolicySources(role: PolicyResource, index: StackIndex): RolePolicySource[] {
  return index.memoFor(role, "rolePolicySources", () => readRolePolicySources(role, index));
}

function readRolePolicySources(role: PolicyResource, index: StackIndex): RolePolicySource[] {
  const sources: RolePolicySource[] = [];
  const inline = role.props.inlinePolicies;
  if (isUnknown(inline))
    sources.push({ what: "the role's inline policies", urn: role.urn, document: { kind: "unknown" } });
  else if (Array.isArray(inline))
    for (const entry of inline) {
      const record = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
      sources.push({
        what: `inline policy "${knownString(record.name) ?? "(unnamed)"}"`,
        urn: role.urn,
        document: readPolicyDocument(record.policy),
      });
    }
  const managed = role.props.managedPolicyArns;
  if (isUnknown(managed)) sources.push({ what: "the role's managedPolicyArns", urn: role.urn, unresolved: "unknown" });
  else if (Array.isArray(managed))
    for (const arn of managed) sources.push(fromArn(index, role, arn, "managedPolicyArns"));

  // The resources of a type whose property names the role (looked up by key: a stack holds thousands of roles).
  const linked = (type: string, property: string) => index.referencing([type], property, role, roleKeys);
  for (const resource of linked(ROLE_POLICY_TYPE, "role"))
    sources.push({
      what: `inline policy "${knownString(resource.props.name) ?? resource.name}"`,
      urn: resource.urn,
      document: readPolicyDocument(resource.props.policy),
    });
  for (const resource of linked(ROLE_POLICY_ATTACHMENT_TYPE, "role"))
    sources.push(fromArn(index, resource, resource.props.policyArn, "policyArn"));
  for (const resource of linked(POLICY_ATTACHMENT_TYPE, "roles"))
    sources.push(fromArn(index, resource, resource.props.policyArn, "policyArn"));
  for (const resource of linked(ROLE_POLICY_ATTACHMENTS_EXCLUSIVE_TYPE, "roleName")) {
    const arns = resource.props.policyArns;
    if (isUnknown(arns))
      sources.push({ what: `the policies of ${resource.name}`, urn: resource.urn, unresolved: "unknown" });
    else if (Array.isArray(arns)) for (const arn of arns) sources.push(fromArn(index, resource, arn, "policyArns"));
  }
  return sources;
}

/**
 * Attachments of a managed policy to a role that cannot be linked yet (the role reference is not
 * known until apply and no property dependency names a role of the stack).
 */
export function unlinkedAttachments(index: StackIndex): { attachment: PolicyResource; policyArn: unknown }[] {
  const roles = index.ofType("aws:iam/role:Role");
  const found: { attachment: PolicyResource; policyArn: unknown }[] = [];
  for (const resource of index.ofType(ROLE_POLICY_ATTACHMENT_TYPE, POLICY_ATTACHMENT_TYPE)) {
    const property = resource.type === POLICY_ATTACHMENT_TYPE ? "roles" : "role";
    const { targets, unknown } = index.references(resource, property, roles, roleKeys);
    if (targets.length === 0 && unknown) found.push({ attachment: resource, policyArn: resource.props.policyArn });
  }
  return found;
}

/** The statements of every readable document among the sources. */
export function statementsOf(sources: readonly RolePolicySource[]): SourcedStatement[] {
  return sources.flatMap((source) =>
    source.document?.kind === "document"
      ? source.document.statements.map((statement) => ({ statement, source: source.what, urn: source.urn }))
      : [],
  );
}

/**
 * What the policies a role holds allow, analysed once per index and options: `no-overbroad-aws-scopes`
 * and `high-risk-requires-approval` both read it, and in one `AnalyzeStack` they share the index.
 */
export function rolePermissions(
  role: PolicyResource,
  index: StackIndex,
  options: PermissionOptions = {},
): PermissionAnalysis {
  const key = `rolePermissions ${JSON.stringify([options.allowedEscalationMethods ?? [], options.allowedCredentialActions ?? []])}`;
  return index.memoFor(role, key, () => analyzePermissions(statementsOf(rolePolicySources(role, index)), options));
}
