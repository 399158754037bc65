import type { Cloud } from "../../model/resources";

/**
 * One audit-log event, read from any cloud's log into the same shape: what was done, to what, by
 * which identity (every key the log gives that could name an agent), and what the cloud decided.
 */
export interface CloudEvent {
  readonly cloud: Cloud;
  readonly actionId: string;
  readonly timestamp: string;
  /** The API operation (`s3:GetObject`, `storage.objects.get`, `Microsoft.Storage/storageAccounts/read`). */
  readonly action: string;
  readonly resource: string | null;
  /** The identity as the log names it, for people. */
  readonly principal: string;
  readonly identity: EventIdentity;
  readonly decision: "allowed" | "denied";
  readonly result: "success" | "failure" | "started";
  readonly errorCode: string | null;
  /** On whose behalf, when the log says (AWS source identity, GCP federated subject, the web-identity subject). */
  readonly requestedBy: string | null;
  /** Credentials this event handed out (AWS AssumeRole*: the new session's access key id), for following role chains. */
  readonly issuedAccessKeyId?: string;
  /** The role those credentials are for (AWS AssumeRole*: `requestParameters.roleArn`). */
  readonly issuedForRole?: string;
}

/** Everything in an event that could identify an agent. Values as the log writes them. */
export interface EventIdentity {
  /** AWS: the role whose session made the call (`sessionContext.sessionIssuer.arn`), or the role asked for in AssumeRoleWithWebIdentity. */
  readonly awsRoleArn?: string;
  /** AWS: that role's name and account. */
  readonly awsRoleName?: string;
  readonly awsAccountId?: string;
  /** AWS: the role session name (`assumed-role/ROLE/SESSION`); agent-iam roles pin it to the agent id. */
  readonly awsSessionName?: string;
  /** AWS: the temporary access key id the call was signed with. */
  readonly awsAccessKeyId?: string;
  /** AWS: `sts:SourceIdentity` of the session, which survives role chaining. */
  readonly awsSourceIdentity?: string;
  /** GCP: the authenticated principal's email (a service account for agents). */
  readonly gcpPrincipalEmail?: string;
  /** GCP: the federated principal (`principal://iam.googleapis.com/POOL/subject/SUBJECT`). */
  readonly gcpPrincipalSubject?: string;
  /** GCP: the delegation chain, first (original) caller first: emails or principal subjects. */
  readonly gcpDelegation?: readonly string[];
  /** Azure: caller, app id, object id and managed identity resource id, as the log gives them. */
  readonly azureIds?: readonly string[];
}

/** A record that is not one this reader understands. */
export class UnknownEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnknownEventError";
  }
}

/** A string field, or undefined when absent or empty. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** An object field, or undefined. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
