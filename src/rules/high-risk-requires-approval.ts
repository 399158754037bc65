import { z } from "zod";
import { ACTION_CLASS_WORDS, ACTION_CLASSES } from "../model/action-classes";
import type { StackRule } from "./support/rule";
import { managedPolicyRule } from "../clouds/aws/managed-policies";
import { agentSpecSchema } from "../model/spec";
import { TAG_KEYS } from "../model/tags";
import { describeIdentity, findAgentIdentities, type AgentIdentityResource } from "./support/agents";
import { SELF_SCOPED_TOKEN_ACTIONS } from "../clouds/aws/privilege-escalation";
import { awsManagedPolicyName, rolePermissions, rolePolicySources } from "./support/aws-role-policies";
import { azureAssignmentsTo, gcpGrantsToAccount } from "./support/cloud-grants";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { forIdentity, listed } from "./support/common";

/**
 * `high-risk-requires-approval`: an agent that can change permissions, or holds an action of one of
 * the action classes (`src/model/action-classes.ts`: destructive, data export, configuration
 * tampering, credential exposure), carries a reference to the security team's approval:
 * `AgentIdentity`'s `approval`, or an `approval` tag (on a GCP service account, `approval=…` in its
 * description). The classes are the pack's own table, independent of the grants the components
 * generate, so a hand-written role is judged action by action. A scoped read of a named resource
 * is not an export.
 */

export const RISK_CLASSES = ["permissions", ...ACTION_CLASSES] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** What each class lets an agent do, and the class's name, as messages say them. */
const RISK_WORDS: Record<RiskClass, { readonly name: string; readonly does: string }> = {
  permissions: { name: "permissions management", does: "change permissions" },
  ...ACTION_CLASS_WORDS,
};

const WIDE_GCP_LEVELS = new Set(["project", "folder", "organization"]);

function noneFound(): Record<RiskClass, string[]> {
  return Object.fromEntries(RISK_CLASSES.map((risk) => [risk, []])) as unknown as Record<RiskClass, string[]>;
}

export const approvalConfig = z
  .object({
    requireFor: z
      .array(z.enum(RISK_CLASSES))
      .default([...RISK_CLASSES])
      .describe("Which kinds of high-risk access need an approval"),
  })
  .strict();
export type ApprovalConfig = z.output<typeof approvalConfig>;

interface RiskReading {
  readonly found: Record<RiskClass, string[]>;
  readonly undecided: string[];
}

function awsRisks(agent: AgentIdentityResource, index: StackIndex): RiskReading {
  const found = noneFound();
  const undecided: string[] = [];
  const sources = rolePolicySources(agent.resource, index);
  for (const source of sources) {
    const name = source.policyArn ? awsManagedPolicyName(source.policyArn) : undefined;
    const rule = name ? managedPolicyRule(name) : undefined;
    if (rule) for (const risk of rule.risks) found[risk].push(name!);
    if (source.unresolved || source.document?.kind === "unknown") undecided.push(source.what);
  }
  // Only the high-risk classes are read here, which no option changes: asked with the options
  // no-overbroad-aws-scopes has by default, the analysis it made in the same request is reused.
  const analysis = rolePermissions(agent.resource, index, { allowedCredentialActions: SELF_SCOPED_TOKEN_ACTIONS });
  for (const risk of RISK_CLASSES) found[risk].push(...analysis.highRisk[risk]);
  undecided.push(...analysis.unknownSources);
  return { found, undecided };
}

function gcpRisks(agent: AgentIdentityResource, index: StackIndex): RiskReading {
  const found = noneFound();
  const undecided: string[] = [];
  for (const { grant, judgement, resource } of gcpGrantsToAccount(agent.resource, index)) {
    if (!judgement) {
      undecided.push(`the role granted by ${resource.name}`);
      continue;
    }
    // Acting as the one service account it is bound on is scoped, as iam:PassRole to a named role;
    // on a project, folder or organisation it reaches every account there.
    const actsAsMany = judgement.class === "act-as" && WIDE_GCP_LEVELS.has(grant.level);
    if (
      judgement.level === "permissions" ||
      judgement.class === "iam-admin" ||
      judgement.class === "token-creator" ||
      judgement.class === "basic" ||
      actsAsMany
    )
      found.permissions.push(judgement.role);
    for (const risk of judgement.risks) found[risk].push(judgement.role);
    if (!judgement.fromPermissions && judgement.class === "write")
      undecided.push(`${judgement.role} (its permissions are not in agent-iam's catalog)`);
  }
  return { found, undecided };
}

function azureRisks(agent: AgentIdentityResource, index: StackIndex): RiskReading {
  const found = noneFound();
  const undecided: string[] = [];
  for (const { assignment, judgement } of azureAssignmentsTo(agent.resource, index)) {
    if (!judgement) {
      undecided.push(`the role of assignment ${assignment.name}`);
      continue;
    }
    const name = judgement.name ?? String(assignment.props.roleDefinitionId);
    if (!judgement.known) {
      undecided.push(`${name} (not in agent-iam's catalog)`);
      continue;
    }
    if (judgement.level === "permissions") found.permissions.push(name);
    for (const risk of judgement.risks) found[risk].push(name);
  }
  return { found, undecided };
}

const READERS: Record<
  AgentIdentityResource["cloud"],
  (agent: AgentIdentityResource, index: StackIndex) => RiskReading
> = { aws: awsRisks, gcp: gcpRisks, azure: azureRisks };

export function checkApproval(
  resources: readonly PolicyResource[],
  config: ApprovalConfig,
  _context?: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  return findAgentIdentities(index).flatMap((agent) => {
    if (agent.disabled) return [];
    const name = describeIdentity(agent);
    const { found, undecided } = READERS[agent.cloud](agent, index);
    const risky = config.requireFor.filter((risk) => found[risk].length > 0);
    const approval = agent.metadata.approval;
    const findings: Finding[] = [];
    const where =
      agent.metadataWhere === "tags" ? `an "${TAG_KEYS.approval}" tag` : `"approval=REF;" in its description`;
    if (approval.state === "unknown") {
      if (risky.length > 0 || undecided.length > 0)
        findings.push({ level: "advisory", message: `${name}: its approval is not known until apply` });
    } else if (approval.state === "value") {
      if (
        (risky.length > 0 || undecided.length > 0) &&
        !agentSpecSchema.shape.approval.safeParse(approval.value).success
      )
        findings.push({
          message: `${name}: approval "${approval.value}" is not a ticket reference; use the approval ticket's id (SEC-1234) or an https link to it`,
        });
    } else {
      if (risky.length > 0)
        findings.push({
          message: `${name} can ${risky.map((risk) => `${RISK_WORDS[risk].does} (${RISK_WORDS[risk].name}: ${listed([...new Set(found[risk])], 3)})`).join("; ")} without an approval; record the security team's approval ticket as AgentIdentity's approval (or ${where}), or remove that access`,
        });
      else if (undecided.length > 0)
        findings.push({
          level: "advisory",
          message: `${name}: whether ${listed(undecided, 3)} can change permissions or do anything destructive, exporting, tampering or credential-exposing is only known at apply or not from agent-iam's catalog; review it, or record an approval`,
        });
    }
    return forIdentity(agent, findings);
  });
}

/** Permission changes, deletes and exports need a recorded approval. */
export const highRiskRequiresApproval: StackRule<typeof approvalConfig> = {
  name: "high-risk-requires-approval",
  description:
    "Blocks agents granted permissions-management actions or actions of a class (destructive; data export: exports, snapshots or backups shared out, unscoped reads of objects and secrets; configuration tampering: encryption, retention, lifecycle, logging, replication, access policies; credential exposure) without an approval reference: AgentIdentity's approval, or an approval tag on hand-written resources. Classes come from the pack's own table on AWS, GCP and Azure, and messages name them. A scoped read of a named resource is not an export.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Record the security team\'s approval ticket (approval: "SEC-1234" on AgentIdentity, or an approval tag), or remove the high-risk access.',
  config: approvalConfig,
  scope: "stack",
  check: checkApproval,
};
