import { madeUnderBreakGlass } from "../../model/break-glass";
import type { InventoryRecord } from "../../model/inventory/record";
import { parseRoleArn } from "./aws-cloudtrail";
import type { CloudEvent } from "./event";
import type { ActionRecord } from "./schema";

type Via = NonNullable<ActionRecord["attributed_via"]>;

/** What attribution needs of an inventory record. */
export type AttributionAgent = Pick<
  InventoryRecord,
  "id" | "owner" | "environment" | "approval" | "issuer" | "clouds" | "identities"
> & {
  /** The agent's break-glass elevation (absent in inventories written before it existed). */
  readonly breakGlass?: InventoryRecord["breakGlass"];
};

/** The federated subject in a GCP principal: `principal://iam.googleapis.com/POOL/subject/SUBJECT` → `SUBJECT`. */
export function gcpSubjectOf(principal: string): string | undefined {
  const match = /^principal:\/\/iam\.googleapis\.com\/.+?\/subject\/(.+)$/.exec(principal);
  return match ? match[1] : undefined;
}

/**
 * Attributes cloud events to the agents of an inventory. It is stateful for one reason: to follow
 * AWS role chains, it remembers the access key ids that AssumeRole calls made by an agent handed
 * out, so later calls signed with them are the agent's too (events are read in log order).
 */
export class Attributor {
  private readonly byAwsRole = new Map<string, AttributionAgent>();
  private readonly byGcpEmail = new Map<string, AttributionAgent>();
  private readonly byAzureId = new Map<string, AttributionAgent>();
  private readonly byId = new Map<string, AttributionAgent>();
  private readonly bySubject = new Map<string, AttributionAgent[]>();
  /** AWS access key id → the agent whose session obtained it, and the role it is for. */
  private readonly chained = new Map<string, { agent: AttributionAgent; role: string | undefined }>();

  constructor(agents: readonly AttributionAgent[]) {
    for (const agent of agents) {
      this.byId.set(agent.id, agent);
      const { aws, gcp, azure } = agent.identities;
      // Identities not known yet (an inventory built before deploy) attribute nothing.
      if (aws?.roleArn) {
        const parsed = parseRoleArn(aws.roleArn);
        this.byAwsRole.set(aws.roleArn.toLowerCase(), agent);
        if (parsed) this.byAwsRole.set(`${parsed.accountId}:${parsed.roleName.toLowerCase()}`, agent);
      }
      if (gcp?.serviceAccountEmail) this.byGcpEmail.set(gcp.serviceAccountEmail.toLowerCase(), agent);
      if (azure)
        for (const id of [azure.clientId, azure.principalId, azure.resourceId])
          if (id) this.byAzureId.set(id.toLowerCase(), agent);
      const list = this.bySubject.get(agent.issuer.subject) ?? [];
      list.push(agent);
      this.bySubject.set(agent.issuer.subject, list);
    }
  }

  private awsAgent(event: CloudEvent): { agent: AttributionAgent; via: Via } | undefined {
    const { identity } = event;
    const byArn = identity.awsRoleArn ? this.byAwsRole.get(identity.awsRoleArn.toLowerCase()) : undefined;
    const byName =
      identity.awsRoleName && identity.awsAccountId
        ? this.byAwsRole.get(`${identity.awsAccountId}:${identity.awsRoleName.toLowerCase()}`)
        : undefined;
    const direct = byArn ?? byName;
    if (direct) return { agent: direct, via: "identity" };
    const source = identity.awsSourceIdentity ? this.byId.get(identity.awsSourceIdentity) : undefined;
    if (source) return { agent: source, via: "source-identity" };
    const chain = identity.awsAccessKeyId ? this.chained.get(identity.awsAccessKeyId) : undefined;
    if (chain) return { agent: chain.agent, via: "role-chain" };
    return undefined;
  }

  private gcpAgent(event: CloudEvent): { agent: AttributionAgent; via: Via } | undefined {
    const { identity } = event;
    const direct = identity.gcpPrincipalEmail
      ? this.byGcpEmail.get(identity.gcpPrincipalEmail.toLowerCase())
      : undefined;
    if (direct) return { agent: direct, via: "identity" };
    for (const delegate of identity.gcpDelegation ?? []) {
      const agent = this.byGcpEmail.get(delegate.toLowerCase());
      if (agent) return { agent, via: "delegation" };
    }
    for (const principal of [identity.gcpPrincipalSubject, ...(identity.gcpDelegation ?? [])]) {
      const subject = principal ? gcpSubjectOf(principal) : undefined;
      const role = subject ? this.federatedAwsRole(subject) : undefined;
      if (role) return { agent: role, via: "federated-role" };
      const candidates = subject
        ? (this.bySubject.get(subject) ?? []).filter((agent) => agent.clouds.includes("gcp"))
        : [];
      // A subject trusted by several agents does not say which one acted.
      if (candidates.length === 1) return { agent: candidates[0]!, via: "subject" };
    }
    return undefined;
  }

  /**
   * The agent whose AWS role a federated GCP subject names: an AWS provider maps `google.subject` to the
   * caller's ARN, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (Google Cloud, "Configure Workload
   * Identity Federation with AWS or Azure"), whatever the session is called.
   */
  private federatedAwsRole(subject: string): AttributionAgent | undefined {
    const match = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(subject);
    return match ? this.byAwsRole.get(`${match[1]}:${match[2]!.toLowerCase()}`) : undefined;
  }

  private azureAgent(event: CloudEvent): { agent: AttributionAgent; via: Via } | undefined {
    for (const id of event.identity.azureIds ?? []) {
      const agent = this.byAzureId.get(id.toLowerCase());
      if (agent) return { agent, via: "identity" };
    }
    return undefined;
  }

  /** The action record of one event read at `source`. */
  attribute(event: CloudEvent, source: ActionRecord["source"]): ActionRecord {
    const found =
      event.cloud === "aws"
        ? this.awsAgent(event)
        : event.cloud === "gcp"
          ? this.gcpAgent(event)
          : this.azureAgent(event);
    const agent = found?.agent;
    if (agent && event.issuedAccessKeyId && event.result === "success")
      this.chained.set(event.issuedAccessKeyId, { agent, role: event.issuedForRole });
    const requestedBy =
      event.requestedBy !== null && event.requestedBy !== agent?.id
        ? event.requestedBy
        : (agent?.issuer.subject ?? event.requestedBy);
    return {
      action_id: event.actionId,
      agent_id: agent?.id ?? null,
      requested_by: requestedBy,
      owner: agent?.owner ?? null,
      action: event.action,
      resource: event.resource,
      policy_decision: event.decision,
      approval: agent?.approval ?? null,
      timestamp: event.timestamp,
      result: event.result,
      cloud: event.cloud,
      environment: agent?.environment ?? null,
      principal: event.principal,
      error_code: event.errorCode,
      attributed_via: found?.via ?? null,
      source,
      ...(agent?.breakGlass && madeUnderBreakGlass(agent.breakGlass, event.timestamp)
        ? {
            break_glass: {
              until: agent.breakGlass.until,
              approved_by: agent.breakGlass.approvedBy,
              reason: agent.breakGlass.reason,
            },
          }
        : {}),
    };
  }
}
