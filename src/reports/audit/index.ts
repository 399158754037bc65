/** The audit trail: cloud audit logs read as a stream and attributed to agents through the inventory. */
export * from "./schema";
export { ACTION_RECORD_SCHEMA_FILE, actionRecordJsonSchema } from "./json-schema";
export { RECORD_ARRAY_KEYS, RecordScanError, RecordScanner, type ScannedRecord } from "./record-scanner";
export { AuditFileError, readLogRecords } from "./read-log";
export type { CloudEvent, EventIdentity } from "./event";
export {
  AWS_DENIED_ERROR_CODES,
  cloudTrailEvent,
  isCloudTrailRecord,
  parseAssumedRoleArn,
  parseRoleArn,
} from "./aws-cloudtrail";
export { GOOGLE_RPC_CODES, gcpAuditLogEvent, gcpResourceName, isGcpAuditLogEntry } from "./gcp-audit-log";
export { AZURE_IDENTITY_CLAIMS, azureActivityEvent, isAzureActivityRecord } from "./azure-activity-log";
export { Attributor, gcpSubjectOf, type AttributionAgent } from "./attribute";
export { actionLevel, feedLine } from "./feed";
export {
  InventoryFileError,
  auditFiles,
  auditInventorySchema,
  cloudEventOf,
  loadInventoryFile,
  type AuditSummary,
} from "./run-audit";
