/**
 * Why agent-iam cannot end an Azure grant at a set time, in the words every error and document uses.
 *
 * Azure ends an active role assignment by itself only through Privileged Identity Management: a
 * role assignment schedule request (`Microsoft.Authorization/roleAssignmentScheduleRequests`,
 * `requestType: AdminAssign`, `scheduleInfo.expiration.type: AfterDateTime`; Azure REST API
 * reference, "Role Assignment Schedule Requests - Create"), which needs Microsoft Entra ID P2 or
 * ID Governance. `@pulumi/azure-native` 3.28, the provider agent-iam builds on, has no resource for
 * it (pulumi/pulumi-azure-native#2073): it offers `RoleAssignment`, which has no end, and
 * `PimRoleEligibilitySchedule`, which only makes an identity eligible: the access exists only after
 * someone activates it, and a managed identity cannot approve its own activation. A plain role
 * assignment would outlive `until` unless Pulumi runs again, which is exactly what a time-bound
 * grant must not depend on; so agent-iam refuses rather than pretend.
 */
export const AZURE_TIME_BOUND_LIMIT =
  "Azure cannot end this role assignment by itself: only a PIM role assignment schedule (Microsoft.Authorization/roleAssignmentScheduleRequests with an AfterDateTime expiration, Microsoft Entra ID P2) ends at a set time, and @pulumi/azure-native 3.28 has no resource for it (pulumi/pulumi-azure-native#2073); a plain role assignment would outlive the end date unless Pulumi runs again";

/** What to do instead, for a grant with `until` or a break-glass grant. */
export function azureTimeBoundProblem(breakGlass: boolean): string {
  return breakGlass
    ? `${AZURE_TIME_BOUND_LIMIT}. Elevate the agent on AWS or GCP, or assign the Azure role by hand through PIM with an end time`
    : `${AZURE_TIME_BOUND_LIMIT}. Remove until from this grant (the review date still applies), or grant it on AWS or GCP`;
}
