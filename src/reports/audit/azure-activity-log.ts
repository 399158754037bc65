import { obj, str, type CloudEvent } from "./event";

/**
 * Azure Activity Log records, in the two shapes Azure writes them (Azure Monitor, "Azure Activity
 * Log event schema"):
 * - the REST API / portal shape (`EventData`): `eventDataId`, `eventTimestamp`, `caller`, `claims`,
 *   `authorization.action`, `operationName.value`, `resourceId`, `status.value`, `subStatus.value`;
 * - the export to a storage account or Event Hubs: `time`, `operationName`, `resourceId`,
 *   `resultType`, `resultSignature`, `identity.authorization`, `identity.claims`, `properties`.
 * Managed identities show as `claims.appid` (client id), the object id claim (principal id) and
 * `claims.xms_mirid` (the managed identity's resource id).
 */

/** Claims that identify the calling principal. */
export const AZURE_IDENTITY_CLAIMS: readonly string[] = [
  "appid",
  "azp",
  "oid",
  "http://schemas.microsoft.com/identity/claims/objectidentifier",
  "xms_mirid",
];

/** Status words of each result. */
const RESULTS: Readonly<Record<string, CloudEvent["result"]>> = {
  succeeded: "success",
  success: "success",
  failed: "failure",
  failure: "failure",
  started: "started",
  start: "started",
  accepted: "started",
};

/** Whether a record is an Activity Log event (either shape). */
export function isAzureActivityRecord(record: Record<string, unknown>): boolean {
  const hasOperation = typeof record.operationName === "string" || typeof obj(record.operationName)?.value === "string";
  return (
    hasOperation &&
    (typeof record.resourceId === "string" ||
      record.authorization !== undefined ||
      record.identity !== undefined ||
      record.caller !== undefined)
  );
}

function text(value: unknown): string | undefined {
  return str(value) ?? str(obj(value)?.value);
}

/** The resource id, in its original case: the storage export upper-cases `resourceId` but keeps `authorization.scope`. */
function resourceOf(resourceId: string | undefined, scope: string | undefined): string | null {
  if (resourceId && scope && resourceId.toLowerCase() === scope.toLowerCase()) return scope;
  return resourceId ?? scope ?? null;
}

/** One Activity Log record as a {@link CloudEvent}. */
export function azureActivityEvent(record: Record<string, unknown>): CloudEvent {
  const identityBlock = obj(record.identity) ?? {};
  const claims = obj(record.claims) ?? obj(identityBlock.claims) ?? {};
  const authorization = obj(record.authorization) ?? obj(identityBlock.authorization) ?? {};
  const properties = obj(record.properties) ?? {};
  const caller = str(record.caller);
  const ids = [caller, ...AZURE_IDENTITY_CLAIMS.map((claim) => str(claims[claim]))].filter(
    (value): value is string => value !== undefined,
  );
  const statusWord = (text(record.status) ?? str(record.resultType) ?? "").toLowerCase();
  const result = RESULTS[statusWord] ?? "success";
  const subStatus = text(record.subStatus) ?? str(record.resultSignature) ?? str(properties.statusCode) ?? "";
  const message = str(properties.statusMessage) ?? "";
  const denied =
    result === "failure" &&
    (/forbidden/i.test(subStatus) ||
      /AuthorizationFailed/.test(message) ||
      /forbidden/i.test(String(properties.statusCode ?? "")));
  const action = str(authorization.action) ?? text(record.operationName) ?? "unknown";
  return {
    cloud: "azure",
    actionId:
      str(record.eventDataId) ??
      str(properties.eventDataId) ??
      `${str(record.correlationId) ?? ""}:${text(record.eventTimestamp) ?? str(record.time) ?? ""}:${action}`,
    timestamp: str(record.eventTimestamp) ?? str(record.time) ?? "",
    action,
    resource: resourceOf(str(record.resourceId), str(authorization.scope)),
    principal: caller ?? str(claims.appid) ?? "unknown",
    identity: { azureIds: ids },
    decision: denied ? "denied" : "allowed",
    result,
    errorCode:
      result === "failure"
        ? subStatus || (/AuthorizationFailed/.test(message) ? "AuthorizationFailed" : "Failed")
        : null,
    requestedBy: null,
  };
}
