import { obj, str, type CloudEvent } from "./event";

/**
 * Google Cloud Audit Logs entries (Cloud Logging `LogEntry` with a `protoPayload` of type
 * `google.cloud.audit.AuditLog`): `insertId`, `timestamp`, `protoPayload.serviceName`,
 * `methodName`, `resourceName`, `status.code` (google.rpc.Code: 7 = PERMISSION_DENIED),
 * `authenticationInfo.principalEmail` / `principalSubject`, `authenticationInfo.
 * serviceAccountDelegationInfo[]` (`firstPartyPrincipal.principalEmail` or `principalSubject`,
 * original caller first), `authorizationInfo[].granted`.
 */

/** google.rpc.Code names (googleapis, google/rpc/code.proto). */
export const GOOGLE_RPC_CODES: Readonly<Record<number, string>> = {
  1: "CANCELLED",
  2: "UNKNOWN",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  6: "ALREADY_EXISTS",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  10: "ABORTED",
  11: "OUT_OF_RANGE",
  12: "UNIMPLEMENTED",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  15: "DATA_LOSS",
  16: "UNAUTHENTICATED",
};

const PERMISSION_DENIED = 7;

/** Whether a record is a Cloud Audit Logs entry. */
export function isGcpAuditLogEntry(record: Record<string, unknown>): boolean {
  const payload = obj(record.protoPayload);
  return (
    payload !== undefined &&
    (String(payload["@type"] ?? "").endsWith("google.cloud.audit.AuditLog") || typeof payload.methodName === "string")
  );
}

/** `projects/_/buckets/B/objects/O` → `gs://B/O`; other names as Google full resource names. */
export function gcpResourceName(serviceName: string | undefined, resourceName: string | undefined): string | null {
  if (!resourceName) return null;
  const storage = /^projects\/_\/buckets\/([^/]+)(?:\/objects\/(.+))?$/.exec(resourceName);
  if (storage) return storage[2] ? `gs://${storage[1]}/${storage[2]}` : `gs://${storage[1]}`;
  if (resourceName.startsWith("//")) return resourceName;
  return serviceName ? `//${serviceName}/${resourceName}` : resourceName;
}

/** One Cloud Audit Logs entry as a {@link CloudEvent}. */
export function gcpAuditLogEvent(record: Record<string, unknown>): CloudEvent {
  const payload = obj(record.protoPayload) ?? {};
  const authentication = obj(payload.authenticationInfo) ?? {};
  const status = obj(payload.status);
  const code = typeof status?.code === "number" ? status.code : 0;
  const authorization = Array.isArray(payload.authorizationInfo) ? payload.authorizationInfo.map(obj) : [];
  const delegation = (
    Array.isArray(authentication.serviceAccountDelegationInfo) ? authentication.serviceAccountDelegationInfo : []
  )
    .map((entry) => {
      const item = obj(entry) ?? {};
      return str(obj(item.firstPartyPrincipal)?.principalEmail) ?? str(item.principalSubject);
    })
    .filter((value): value is string => value !== undefined);
  const email = str(authentication.principalEmail);
  const subject = str(authentication.principalSubject);
  const denied = code === PERMISSION_DENIED || authorization.some((entry) => entry?.granted === false);
  const action = str(payload.methodName) ?? str(authorization[0]?.permission) ?? "unknown";
  return {
    cloud: "gcp",
    actionId: str(record.insertId) ?? `${String(record.timestamp)}:${action}`,
    timestamp: str(record.timestamp) ?? str(record.receiveTimestamp) ?? "",
    action,
    resource: gcpResourceName(str(payload.serviceName), str(payload.resourceName)),
    principal: email ?? subject ?? "unknown",
    identity: { gcpPrincipalEmail: email, gcpPrincipalSubject: subject, gcpDelegation: delegation },
    decision: denied ? "denied" : "allowed",
    result: code === 0 ? "success" : "failure",
    errorCode: code === 0 ? null : (GOOGLE_RPC_CODES[code] ?? String(code)),
    requestedBy: delegation[0] ?? null,
  };
}
