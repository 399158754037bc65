import { z } from "zod";
import { azureRoleGuid } from "../clouds/azure/role-risk";
import { AZURE_BUILT_IN_ROLES } from "../clouds/azure/roles";
import { gcpGrantsOf } from "../clouds/gcp/iam-resources";
import { isUnknown } from "../model/unknown";
import { AZURE_ROLE_ASSIGNMENT_TYPE, azureCustomDefinitions } from "./support/cloud-grants";
import type { StackRule } from "./support/rule";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";

/**
 * `grants-take-effect`: a grant the cloud would reject or ignore, on a resource declared in the same
 * stack, is a grant nobody has; its agent fails at its job or at `pulumi up`.
 * - GCP: a conditional IAM binding on a Cloud Storage bucket needs uniform bucket-level access on
 *   the bucket; Google rejects it otherwise (HTTP 400; "Resource types that accept conditional
 *   role bindings", note on Cloud Storage buckets). agent-iam's bucket grants carry the review date
 *   as a condition.
 * - Azure: a Key Vault only honours role assignments for its secrets, keys and certificates in the
 *   "Azure role-based access control" permission model (`enableRbacAuthorization: true`); in the
 *   access-policy model it ignores them (Key Vault docs, "Azure RBAC for Key Vault data plane";
 *   the Key Vault built-in roles' own descriptions). azure-native creates a vault with `false` when
 *   the property is not set.
 * Buckets and vaults that are not in the stack are not judged (the README says to check them).
 */

export const grantsTakeEffectConfig = z.object({}).strict();
export type GrantsTakeEffectConfig = z.output<typeof grantsTakeEffectConfig>;

const BUCKET_TYPE = "gcp:storage/bucket:Bucket";
const BUCKET_IAM_TYPES = [
  "gcp:storage/bucketIAMMember:BucketIAMMember",
  "gcp:storage/bucketIAMBinding:BucketIAMBinding",
  "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
];
const VAULT_TYPE = "azure-native:keyvault:Vault";

/** The names a bucket is referred to by: its name, and the `b/NAME` form of its id. */
function bucketKeys(bucket: PolicyResource): string[] {
  const name = knownString(bucket.props.name);
  const id = knownString(bucket.props.id);
  return [name, id, name ? `b/${name}` : undefined].filter((key): key is string => key !== undefined);
}

function bucketFindings(index: StackIndex): Finding[] {
  const findings: Finding[] = [];
  for (const bucket of index.ofType(BUCKET_TYPE)) {
    const conditional = index
      .referencing(BUCKET_IAM_TYPES, "bucket", bucket, bucketKeys)
      .filter((binding) => gcpGrantsOf(binding.type, binding.props).some((grant) => grant.conditioned !== false));
    if (conditional.length === 0) continue;
    const uniform = bucket.props.uniformBucketLevelAccess;
    const names = conditional.map((binding) => `${binding.type.split(":").pop()} "${binding.name}"`).join(", ");
    if (isUnknown(uniform))
      findings.push({
        urn: bucket.urn,
        level: "advisory",
        message: `bucket "${bucket.name}": whether it has uniform bucket-level access, which the conditional bindings ${names} need, is not known until apply`,
      });
    else if (uniform !== true)
      findings.push({
        urn: bucket.urn,
        message: `bucket "${bucket.name}" has no uniform bucket-level access, and Google rejects a conditional IAM binding on such a bucket (HTTP 400), so ${names} cannot be applied; set uniformBucketLevelAccess: true on the bucket`,
      });
  }
  return findings;
}

/** The data actions of a role definition id: a built-in role of the catalog, or a custom role of the stack. */
function dataActionsOf(assignment: PolicyResource, index: StackIndex): string[] | "unknown" {
  const id = assignment.props.roleDefinitionId;
  const custom = azureCustomDefinitions(index);
  if (typeof id === "string" && !isUnknown(id)) {
    const guid = azureRoleGuid(id);
    const builtIn = Object.values(AZURE_BUILT_IN_ROLES).find((role) => role.id.toLowerCase() === guid);
    if (builtIn) return [...builtIn.dataActions];
    const definition = guid ? custom.byGuid.get(guid) : undefined;
    return definition ? [...definition.operations] : [];
  }
  const definition = (assignment.propertyDependencies?.roleDefinitionId ?? [])
    .map((urn) => custom.byUrn.get(urn))
    .find((entry) => entry !== undefined);
  return definition ? [...definition.operations] : "unknown";
}

const VAULT_IN_SCOPE = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)/i;

function vaultFindings(index: StackIndex): Finding[] {
  const findings: Finding[] = [];
  const vaults = index.ofType(VAULT_TYPE);
  if (vaults.length === 0) return findings;
  for (const assignment of index.ofType(AZURE_ROLE_ASSIGNMENT_TYPE)) {
    const scope = knownString(assignment.props.scope);
    const named = scope ? VAULT_IN_SCOPE.exec(scope) : null;
    const dependsOn = new Set(assignment.propertyDependencies?.scope ?? []);
    const vault = vaults.find((candidate) => {
      if (dependsOn.has(candidate.urn)) return true;
      if (!named) return false;
      const name = knownString(candidate.props.vaultName) ?? candidate.name;
      const group = knownString(candidate.props.resourceGroupName);
      return name.toLowerCase() === named[2]!.toLowerCase() && group?.toLowerCase() === named[1]!.toLowerCase();
    });
    if (!vault) continue;
    const actions = dataActionsOf(assignment, index);
    if (actions !== "unknown" && !actions.some((action) => /^Microsoft\.KeyVault\//i.test(action))) continue;
    const properties = (vault.props.properties ?? {}) as Record<string, unknown>;
    const rbac = isUnknown(vault.props.properties) ? vault.props.properties : properties.enableRbacAuthorization;
    if (isUnknown(rbac) || actions === "unknown")
      findings.push({
        urn: assignment.urn,
        level: "advisory",
        message: `role assignment "${assignment.name}" on vault "${vault.name}": whether the vault uses Azure RBAC for its data, which the assignment needs, is not known until apply`,
      });
    else if (rbac !== true)
      findings.push({
        urn: assignment.urn,
        message: `vault "${vault.name}" uses access policies (enableRbacAuthorization is not true), so Azure ignores role assignment "${assignment.name}" for its secrets and keys; set properties.enableRbacAuthorization: true on the vault`,
      });
  }
  return findings;
}

export function checkGrantsTakeEffect(
  resources: readonly PolicyResource[],
  _config: GrantsTakeEffectConfig,
  _context?: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  return [...bucketFindings(index), ...vaultFindings(index)];
}

/** Grants that the cloud would reject or ignore, on resources of the same stack. */
export const grantsTakeEffect: StackRule<typeof grantsTakeEffectConfig> = {
  name: "grants-take-effect",
  description:
    "Blocks grants the cloud rejects or ignores, on resources declared in the same stack: a conditional IAM binding (agent-iam's expiry) on a Cloud Storage bucket without uniform bucket-level access, which Google rejects with HTTP 400; a Key Vault data role assigned on a vault that uses access policies (enableRbacAuthorization not true), which Azure ignores.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set uniformBucketLevelAccess: true on the bucket; set properties.enableRbacAuthorization: true on the Key Vault.",
  config: grantsTakeEffectConfig,
  scope: "stack",
  check: checkGrantsTakeEffect,
};
