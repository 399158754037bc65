import { z } from "zod";
import type { StackRule } from "./support/rule";
import { agentSpecSchema, ownerSchema } from "../model/spec";
import { TAG_KEYS } from "../model/tags";
import { describeIdentity, findAgentIdentities, type AgentIdentityResource, type FieldValue } from "./support/agents";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { forIdentity, stringList } from "./support/common";

/**
 * `agent-must-have-owner`: every agent identity names the person accountable for it, what it is
 * for, its environment and its review date, and that person is a current employee with a mailbox
 * of their own.
 */

/** Mailbox names that belong to a team or a system, not a person. */
export const NON_PERSON_MAILBOXES: readonly string[] = [
  "admin",
  "administrator",
  "root",
  "noreply",
  "no-reply",
  "donotreply",
  "do-not-reply",
  "team",
  "devops",
  "ops",
  "sre",
  "platform",
  "security",
  "info",
  "support",
  "bot",
  "ci",
];

export const ownershipConfig = z
  .object({
    allowedOwnerDomains: stringList("allowedOwnerDomains").describe(
      "Email domains owners must belong to (subdomains included); empty allows any domain",
    ),
    departedOwners: stringList("departedOwners").describe(
      "Owners who have left; their agents must be handed over (the stack config agent-iam:departedOwners counts too)",
    ),
    nonPersonMailboxes: z
      .array(z.string())
      .default([...NON_PERSON_MAILBOXES])
      .describe("Mailbox names that belong to a team or a system, not a person"),
  })
  .strict();
export type OwnershipConfig = z.output<typeof ownershipConfig>;

/** The departed owners named in the stack configuration (`agent-iam:departedOwners`, a list or a JSON list). */
export function departedFromStackConfig(stackConfig: Readonly<Record<string, unknown>>): string[] {
  let value: unknown = stackConfig["agent-iam:departedOwners"];
  if (typeof value === "string") {
    const text = value;
    try {
      value = JSON.parse(text);
    } catch {
      value = text.split(",");
    }
  }
  return Array.isArray(value)
    ? value
        .filter((item): item is string => typeof item === "string")
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

const WHERE: Record<AgentIdentityResource["metadataWhere"], (field: string) => string> = {
  tags: (field) => `the tag "${field}"`,
  description: (field) =>
    `"${field}=…" in its description (owner=EMAIL; environment=ENV; expires=YYYY-MM-DD; purpose=TEXT)`,
};

function domainAllowed(email: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return domains.some((allowed) => {
    const wanted = allowed.toLowerCase().replace(/^@/, "");
    return domain === wanted || domain.endsWith(`.${wanted}`);
  });
}

/** The findings on one agent's metadata. */
export function ownershipFindings(
  agent: AgentIdentityResource,
  config: OwnershipConfig,
  departed: readonly string[],
): Finding[] {
  const name = describeIdentity(agent);
  const findings: Finding[] = [];
  const fields: [
    keyof Pick<AgentIdentityResource["metadata"], "owner" | "purpose" | "environment" | "expires">,
    string,
  ][] = [
    ["owner", "the email of the person accountable for it"],
    ["purpose", "what it does, in plain words"],
    ["environment", "the environment it serves (dev, staging, prod …)"],
    ["expires", "its review date, YYYY-MM-DD"],
  ];
  const missing = fields.filter(([field]) => agent.metadata[field].state === "missing");
  if (missing.length > 0)
    findings.push({
      message: `${name} is an agent identity (${agent.why}) without ${missing.map(([field]) => field).join(", ")}; add ${missing.map(([field, what]) => `${WHERE[agent.metadataWhere](TAG_KEYS[field])} (${what})`).join(", ")}, or declare it with AgentIdentity`,
    });
  const unknown = fields.filter(([field]) => agent.metadata[field].state === "unknown");
  if (unknown.length > 0)
    findings.push({
      level: "advisory",
      message: `${name}: ${unknown.map(([field]) => field).join(", ")} not known until apply; ownership is judged again then`,
    });

  const owner = agent.metadata.owner;
  if (owner.state === "value") {
    const email = owner.value;
    if (!ownerSchema.safeParse(email).success)
      findings.push({
        message: `${name}: owner "${email}" is not an email address; set it to the email of the person accountable for the agent`,
      });
    else {
      const local = email.slice(0, email.indexOf("@")).toLowerCase();
      if (config.nonPersonMailboxes.map((mailbox) => mailbox.toLowerCase()).includes(local))
        findings.push({
          message: `${name}: owner "${email}" is a shared mailbox, not a person; name the one person accountable for the agent`,
        });
      if (!domainAllowed(email, config.allowedOwnerDomains))
        findings.push({
          message: `${name}: owner "${email}" is outside the allowed domains (${config.allowedOwnerDomains.join(", ")}); name an owner with an address in one of them`,
        });
      if (departed.some((person) => person.toLowerCase() === email.toLowerCase()))
        findings.push({
          ...(agent.disabled ? { level: "advisory" as const } : {}),
          message: `${name}: owner "${email}" has left${agent.disabled ? " (the agent is disabled)" : ""}; hand the agent to a current owner, or disable and remove it`,
        });
    }
  }
  const purpose = agent.metadata.purpose;
  if (purpose.state === "value" && !agentSpecSchema.shape.purpose.safeParse(purpose.value).success)
    findings.push({
      message: `${name}: purpose "${purpose.value}" does not say what the agent does; write at least 10 characters, such as "Reviews pull requests and posts findings"`,
    });
  const environment = agent.metadata.environment;
  if (environment.state === "value" && !agentSpecSchema.shape.environment.safeParse(environment.value).success)
    findings.push({
      message: `${name}: environment "${environment.value}" is not an environment name; use lower-case letters, digits and '-', such as prod`,
    });
  return findings;
}

/** Text of a field for messages. */
export function fieldText(field: FieldValue): string | undefined {
  return field.state === "value" ? field.value : undefined;
}

/** Judges every agent identity of a stack. */
export function checkOwnership(
  resources: readonly PolicyResource[],
  config: OwnershipConfig,
  context: CheckContext,
): Finding[] {
  const departed = [...config.departedOwners, ...departedFromStackConfig(context.stackConfig)];
  return findAgentIdentities(StackIndex.of(resources)).flatMap((agent) =>
    forIdentity(agent, ownershipFindings(agent, config, departed)),
  );
}

/** Every agent identity names an accountable person, its purpose, environment and review date. */
export const agentMustHaveOwner: StackRule<typeof ownershipConfig> = {
  name: "agent-must-have-owner",
  description:
    "Blocks agent identities (AgentIdentity, or any IAM role, GCP service account or Azure managed identity that trusts an OIDC issuer) without owner, purpose, environment and expires; an owner that is not a person's email in the allowed domains; an owner who has left.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Declare the agent with AgentIdentity, or tag the identity with owner (a person's email), purpose, environment and expires (YYYY-MM-DD); for a GCP service account write them in its description. Hand agents of departed owners to a current owner.",
  config: ownershipConfig,
  scope: "stack",
  check: checkOwnership,
};
