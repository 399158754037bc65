import fc from "fast-check";
import type { Cloud } from "../../src/model/resources";

/**
 * Audit-log files of each cloud, generated in the documented formats (AWS CloudTrail "record
 * contents" and "userIdentity element"; Cloud Audit Logs `LogEntry` with an `AuditLog` payload;
 * Azure Activity Log, REST `EventData` and the export to storage), with the agent each event
 * belongs to known in advance (or none), and the byte span of every record in the file.
 */

/** The identities of one inventory agent that logs can name. */
export interface KnownAgent {
  readonly id: string;
  readonly aws?: { readonly roleArn: string; readonly roleName: string };
  readonly gcp?: { readonly email: string };
  readonly azure?: { readonly clientId: string; readonly principalId: string };
}

/** One record of a generated log: its JSON, the agent it must be attributed to, whether it is an event at all. */
export interface LogRecord {
  readonly value: Record<string, unknown>;
  /** `null`: an identity outside the inventory; `undefined`: not an audit event (a record of no known format). */
  readonly agent: string | null | undefined;
}

/** A generated log file: its bytes, and each record with the byte offset just after it. */
export interface LogFile {
  readonly cloud: Cloud;
  readonly format: string;
  readonly bytes: Buffer;
  readonly records: readonly (LogRecord & { readonly start: number; readonly end: number })[];
  /** Whether a file cut after the last complete record still reads as complete (newline-delimited JSON). */
  readonly lineDelimited: boolean;
}

const time = fc
  .integer({ min: Date.parse("2026-01-01T00:00:00Z"), max: Date.parse("2026-12-31T00:00:00Z") })
  .map((ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"));
const word = fc.stringMatching(/^[a-z][a-z0-9-]{2,12}$/);
/** Names with characters of several bytes, so byte offsets and character offsets differ. */
const objectKey = fc.constantFrom("reports/2026/été.csv", "README.md", "data/日本.json", 'a"quoted".txt', "x\\y");

function awsRecord(agents: readonly KnownAgent[]): fc.Arbitrary<LogRecord> {
  const known = agents.filter((agent) => agent.aws);
  const who = fc.oneof(
    ...(known.length > 0
      ? [
          fc.constantFrom(...known).map((agent) => ({
            agent: agent.id as string | null,
            roleArn: agent.aws!.roleArn,
            roleName: agent.aws!.roleName,
          })),
        ]
      : []),
    word.map((name) => ({
      agent: null as string | null,
      roleArn: `arn:aws:iam::123456789012:role/other/${name}-outside`,
      roleName: `${name}-outside`,
    })),
  );
  return fc
    .record({
      who,
      at: time,
      id: fc.uuid(),
      denied: fc.boolean(),
      key: objectKey,
      session: word,
      keyId: fc.stringMatching(/^[A-Z0-9]{16}$/),
    })
    .map(({ who, at, id, denied, key, session, keyId }) => ({
      agent: who.agent,
      value: {
        eventVersion: "1.09",
        userIdentity: {
          type: "AssumedRole",
          principalId: `AROAEXAMPLEID:${session}`,
          arn: `arn:aws:sts::123456789012:assumed-role/${who.roleName}/${session}`,
          accountId: "123456789012",
          accessKeyId: `ASIA${keyId}`,
          sessionContext: {
            sessionIssuer: {
              type: "Role",
              principalId: "AROAEXAMPLEID",
              arn: who.roleArn,
              accountId: "123456789012",
              userName: who.roleName,
            },
            attributes: { creationDate: at, mfaAuthenticated: "false" },
          },
        },
        eventTime: at,
        eventSource: "s3.amazonaws.com",
        eventName: "GetObject",
        awsRegion: "us-east-1",
        requestParameters: { bucketName: "acme-prod-source", key },
        ...(denied ? { errorCode: "AccessDenied", errorMessage: "Access Denied" } : {}),
        eventID: id,
        readOnly: true,
        eventType: "AwsApiCall",
      },
    }));
}

function gcpRecord(agents: readonly KnownAgent[]): fc.Arbitrary<LogRecord> {
  const known = agents.filter((agent) => agent.gcp);
  const who = fc.oneof(
    ...(known.length > 0
      ? [fc.constantFrom(...known).map((agent) => ({ agent: agent.id as string | null, email: agent.gcp!.email }))]
      : []),
    word.map((name) => ({ agent: null as string | null, email: `${name}@other-project.iam.gserviceaccount.com` })),
    word.map((name) => ({ agent: null as string | null, email: `${name}@acme.example` })),
  );
  return fc
    .record({ who, at: time, id: fc.stringMatching(/^[a-z0-9]{12}$/), denied: fc.boolean(), key: objectKey })
    .map(({ who, at, id, denied, key }) => ({
      agent: who.agent,
      value: {
        insertId: id,
        logName: "projects/acme-agents-prod/logs/cloudaudit.googleapis.com%2Fdata_access",
        timestamp: at,
        severity: denied ? "ERROR" : "INFO",
        protoPayload: {
          "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
          status: denied ? { code: 7, message: "PERMISSION_DENIED" } : {},
          authenticationInfo: { principalEmail: who.email },
          serviceName: "storage.googleapis.com",
          methodName: "storage.objects.get",
          resourceName: `projects/_/buckets/acme-finance-reports/objects/${key}`,
          authorizationInfo: [{ permission: "storage.objects.get", granted: !denied }],
        },
        resource: {
          type: "gcs_bucket",
          labels: { bucket_name: "acme-finance-reports", project_id: "acme-agents-prod" },
        },
      },
    }));
}

function azureRecord(agents: readonly KnownAgent[], shape: "rest" | "export"): fc.Arbitrary<LogRecord> {
  const known = agents.filter((agent) => agent.azure);
  const who = fc.oneof(
    ...(known.length > 0
      ? [
          fc.constantFrom(...known).map((agent) => ({
            agent: agent.id as string | null,
            appid: agent.azure!.clientId,
            oid: agent.azure!.principalId,
          })),
        ]
      : []),
    fc.tuple(fc.uuid(), fc.uuid()).map(([appid, oid]) => ({ agent: null as string | null, appid, oid })),
  );
  const scope =
    "/subscriptions/5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/reports/providers/Microsoft.Storage/storageAccounts/acmereports";
  return fc.record({ who, at: time, id: fc.uuid(), denied: fc.boolean() }).map(({ who, at, id, denied }) => {
    const claims = { appid: who.appid, "http://schemas.microsoft.com/identity/claims/objectidentifier": who.oid };
    const action = "Microsoft.Storage/storageAccounts/listKeys/action";
    if (shape === "rest")
      return {
        agent: who.agent,
        value: {
          eventDataId: id,
          eventTimestamp: at,
          caller: who.oid,
          claims,
          authorization: { action, scope },
          operationName: { value: action, localizedValue: "List keys" },
          resourceId: scope,
          status: { value: denied ? "Failed" : "Succeeded" },
          subStatus: { value: denied ? "Forbidden" : "OK" },
        },
      };
    return {
      agent: who.agent,
      value: {
        time: at,
        resourceId: scope.toUpperCase(),
        operationName: action.toUpperCase(),
        category: "Administrative",
        resultType: denied ? "Failure" : "Success",
        resultSignature: denied ? "Forbidden" : "Succeeded.OK",
        callerIpAddress: "20.1.2.3",
        correlationId: id,
        identity: { authorization: { action, scope }, claims },
        properties: { eventDataId: id },
      },
    };
  });
}

/** A record no reader knows (a heartbeat, another log's line). */
const foreign: fc.Arbitrary<LogRecord> = fc
  .record({ kind: fc.constantFrom("heartbeat", "digest"), n: fc.integer() })
  .map((value) => ({ value, agent: undefined }));

/** Serialises records around a prefix and suffix, keeping each record's byte span. */
function layout(
  cloud: Cloud,
  format: string,
  records: readonly LogRecord[],
  prefix: string,
  separator: string,
  suffix: string,
  pretty: boolean,
  lineDelimited = false,
): LogFile {
  const parts: Buffer[] = [Buffer.from(prefix)];
  let offset = Buffer.byteLength(prefix);
  const spans: (LogRecord & { start: number; end: number })[] = [];
  records.forEach((record, index) => {
    if (index > 0) {
      parts.push(Buffer.from(separator));
      offset += Buffer.byteLength(separator);
    }
    const text = Buffer.from(JSON.stringify(record.value, null, pretty ? 2 : undefined));
    spans.push({ ...record, start: offset, end: offset + text.length });
    parts.push(text);
    offset += text.length;
  });
  parts.push(Buffer.from(suffix));
  return { cloud, format, bytes: Buffer.concat(parts), records: spans, lineDelimited };
}

/** A log file of one cloud, in one of the shapes that cloud writes. */
export function logFile(agents: readonly KnownAgent[]): fc.Arbitrary<LogFile> {
  const mix = (events: fc.Arbitrary<LogRecord>) =>
    fc.array(fc.oneof({ weight: 12, arbitrary: events }, { weight: 1, arbitrary: foreign }), {
      minLength: 1,
      maxLength: 30,
    });
  return fc.oneof(
    fc
      .tuple(mix(awsRecord(agents)), fc.boolean())
      .map(([records, pretty]) =>
        layout(
          "aws",
          "CloudTrail {Records}",
          records,
          pretty ? '{\n "Records": [\n' : '{"Records":[',
          pretty ? ",\n" : ",",
          pretty ? "\n ]\n}\n" : "]}",
          pretty,
        ),
      ),
    fc
      .tuple(mix(gcpRecord(agents)))
      .map(([records]) => layout("gcp", "Cloud Logging NDJSON", records, "", "\n", "\n", false, true)),
    fc
      .tuple(mix(gcpRecord(agents)), fc.boolean())
      .map(([records, pretty]) =>
        layout("gcp", "Cloud Logging JSON array", records, "[", pretty ? ",\n" : ",", "]\n", pretty),
      ),
    fc
      .tuple(mix(azureRecord(agents, "rest")))
      .map(([records]) =>
        layout("azure", "Activity Log REST {value}", records, '{"value":[', ",", '],"nextLink":null}', false),
      ),
    fc
      .tuple(mix(azureRecord(agents, "export")))
      .map(([records]) => layout("azure", "Activity Log export {records}", records, '{"records":[', ",", "]}", false)),
  );
}
