import { obj, str, type CloudEvent, type EventIdentity } from "./event";

/**
 * AWS CloudTrail records (AWS CloudTrail User Guide, "CloudTrail record contents" and "CloudTrail
 * userIdentity element"): `eventID`, `eventTime`, `eventSource`, `eventName`, `userIdentity`
 * (`type` AssumedRole with `arn` `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, `accessKeyId`,
 * `sessionContext.sessionIssuer` = the role, `sessionContext.sourceIdentity`; `type`
 * WebIdentityUser for AssumeRoleWithWebIdentity, `userName` = the token's subject),
 * `requestParameters`, `responseElements`, `resources[].ARN`, `errorCode`.
 */

/** Error codes that mean the authorization said no (CloudTrail writes the service's error code). */
export const AWS_DENIED_ERROR_CODES: readonly RegExp[] = [
  /AccessDenied/i,
  /UnauthorizedOperation/i,
  /^Unauthorized/i,
  /Forbidden/i,
  /AuthorizationError/i,
  /NotAuthorized/i,
];

/** Request parameters that name the resource of a call, when the record has no `resources`. */
const RESOURCE_PARAMETERS: readonly string[] = [
  "roleArn",
  "policyArn",
  "topicArn",
  "queueUrl",
  "secretId",
  "functionName",
  "logGroupArn",
  "keyId",
  "tableArn",
];

/** Whether a record is a CloudTrail event. */
export function isCloudTrailRecord(record: Record<string, unknown>): boolean {
  return (
    typeof record.eventSource === "string" &&
    typeof record.eventName === "string" &&
    typeof record.eventTime === "string"
  );
}

/** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` → its parts. */
export function parseAssumedRoleArn(
  arn: string,
): { accountId: string; roleName: string; sessionName: string } | undefined {
  const match = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return match ? { accountId: match[1]!, roleName: match[2]!, sessionName: match[3]! } : undefined;
}

/** `arn:aws:iam::ACCOUNT:role/PATH/NAME` → account and name. */
export function parseRoleArn(arn: string): { accountId: string; roleName: string } | undefined {
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match ? { accountId: match[1]!, roleName: match[2]! } : undefined;
}

function resourceOf(record: Record<string, unknown>, service: string): string | null {
  const parameters = obj(record.requestParameters) ?? {};
  const bucket = str(parameters.bucketName);
  if (service === "s3" && bucket) {
    const key = str(parameters.key);
    return key ? `s3://${bucket}/${key}` : `s3://${bucket}`;
  }
  const resources = Array.isArray(record.resources) ? record.resources : [];
  for (const entry of resources) {
    const arn = str(obj(entry)?.ARN);
    if (arn) return arn;
  }
  for (const key of RESOURCE_PARAMETERS) {
    const value = str(parameters[key]);
    if (value) return value;
  }
  return null;
}

/** One CloudTrail record as a {@link CloudEvent}. */
export function cloudTrailEvent(record: Record<string, unknown>): CloudEvent {
  const service = String(record.eventSource).replace(/\.amazonaws\.com$/, "");
  const action = `${service}:${String(record.eventName)}`;
  const user = obj(record.userIdentity) ?? {};
  const session = obj(user.sessionContext) ?? {};
  const issuer = obj(session.sessionIssuer) ?? {};
  const parameters = obj(record.requestParameters) ?? {};
  const response = obj(record.responseElements) ?? {};
  const errorCode = str(record.errorCode) ?? null;
  const type = str(user.type);

  let identity: EventIdentity = {};
  let requestedBy: string | null = null;
  const sourceIdentity = str(session.sourceIdentity) ?? str(user.sourceIdentity);
  if (type === "AssumedRole") {
    const assumed = str(user.arn) ? parseAssumedRoleArn(String(user.arn)) : undefined;
    const roleArn = str(issuer.arn);
    identity = {
      awsRoleArn: roleArn,
      awsRoleName: str(issuer.userName) ?? assumed?.roleName ?? (roleArn ? parseRoleArn(roleArn)?.roleName : undefined),
      awsAccountId: str(issuer.accountId) ?? str(user.accountId) ?? assumed?.accountId,
      awsSessionName: assumed?.sessionName ?? str(user.principalId)?.split(":")[1],
      awsAccessKeyId: str(user.accessKeyId),
      awsSourceIdentity: sourceIdentity,
    };
    requestedBy = sourceIdentity ?? null;
  } else if (type === "WebIdentityUser") {
    // AssumeRoleWithWebIdentity: the caller is the token's subject, asking for a role.
    const roleArn = str(parameters.roleArn);
    const parsed = roleArn ? parseRoleArn(roleArn) : undefined;
    identity = {
      awsRoleArn: roleArn,
      awsRoleName: parsed?.roleName,
      awsAccountId: parsed?.accountId,
      awsSessionName: str(parameters.roleSessionName),
      awsSourceIdentity: sourceIdentity,
    };
    requestedBy = str(user.userName) ?? str(response.subjectFromWebIdentityToken) ?? null;
  } else {
    identity = { awsAccessKeyId: str(user.accessKeyId), awsSourceIdentity: sourceIdentity };
  }

  const credentials = obj(response.credentials);
  const denied = errorCode !== null && AWS_DENIED_ERROR_CODES.some((pattern) => pattern.test(errorCode));
  return {
    cloud: "aws",
    actionId: str(record.eventID) ?? `${String(record.eventTime)}:${action}`,
    timestamp: String(record.eventTime),
    action,
    resource: resourceOf(record, service),
    principal: str(user.arn) ?? str(user.principalId) ?? str(user.invokedBy) ?? type ?? "unknown",
    identity,
    decision: denied ? "denied" : "allowed",
    result: errorCode ? "failure" : "success",
    errorCode,
    requestedBy,
    issuedAccessKeyId: str(credentials?.accessKeyId),
    issuedForRole: str(parameters.roleArn),
  };
}
