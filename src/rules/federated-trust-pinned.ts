import { z } from "zod";
import type { ResourceRule } from "./support/rule";
import { judgeOtherTrustStatements, judgeTrustPolicy, subjectScope } from "../clouds/aws/trust-analysis";
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../model/cloud-limits";
import { judgeAttributeCondition } from "../clouds/gcp/attribute-condition";
import {
  GCP_ONE_OWNER_ATTRIBUTES,
  gcpGrantsOf,
  isGcpIamResourceType,
  readPoolPrincipal,
} from "../clouds/gcp/iam-resources";
import { AWS_ROLE_TYPE, AZURE_FEDERATED_CREDENTIAL_TYPE, awsRoleAgentStatus } from "./support/agents";
import type { CheckContext, Finding, PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { WORKLOAD_TRUST_ROWS } from "./support/workload-trusts";

/**
 * `federated-trust-pinned`: a federated trust names one audience and one exact subject.
 * AWS: `StringEquals` on `aud` and `sub` for `sts:AssumeRoleWithWebIdentity` (`src/clouds/aws/trust-analysis.ts`).
 * GCP: every pool provider has an `attributeCondition` (Google rejects GitHub and GitLab providers
 * without one); no grant to a whole pool or to an attribute that spans repositories or namespaces.
 * Azure: federated credentials with an exact subject and the token-exchange audience.
 */

export const GCP_PROVIDER_TYPE = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
export const AZUREAD_FEDERATED_CREDENTIAL_TYPE =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
export const AZUREAD_FLEXIBLE_CREDENTIAL_TYPE =
  "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential";

/** Audiences of Microsoft Entra token exchange: public cloud, US Government, China (Entra workload identity federation docs). */
export const AZURE_EXCHANGE_AUDIENCES: readonly string[] = [
  AZURE_TOKEN_EXCHANGE_AUDIENCE,
  "api://AzureADTokenExchangeUSGov",
  "api://AzureADTokenExchangeChina",
];

export const federatedTrustConfig = z
  .object({
    azureAudiences: z
      .array(z.string())
      .default([...AZURE_EXCHANGE_AUDIENCES])
      .describe("Audiences an Azure federated credential may accept"),
  })
  .strict();
export type FederatedTrustConfig = z.output<typeof federatedTrustConfig>;

function awsRole(resource: PolicyResource): Finding[] {
  const judgement = judgeTrustPolicy(resource.props.assumeRolePolicy);
  const status = awsRoleAgentStatus(resource);
  // Every statement of the trust: web identity ones for their claims, the others for who they let in.
  const problems = [
    ...(judgement.webIdentity === false ? [] : judgement.problems),
    ...judgeOtherTrustStatements(resource.props, { agent: status.agent !== false }),
  ];
  const findings = problems
    // A trust on accounts.google.com without its sub gets the Google-specific finding (workload-trusts.ts).
    .filter((problem) => !problem.message.includes("accounts.google.com:sub"))
    .map((problem) => ({
      ...(problem.kind === "unknown" ? { level: "advisory" as const } : {}),
      message: `role "${resource.name}": ${problem.message}`,
    }));
  // Another agent's session assuming this role through a trust that names it is judged as delegation; a role
  // that may be an agent only at apply gets its agent-only findings as advisories.
  return status.agent === "unknown"
    ? findings.map((finding) =>
        /anyone in any AWS account|Principal "\*"/.test(finding.message)
          ? finding
          : { ...finding, level: "advisory" as const },
      )
    : findings;
}

function gcpProvider(resource: PolicyResource): Finding[] {
  const condition = resource.props.attributeCondition;
  const name = `pool provider "${resource.name}"`;
  if (isUnknown(condition))
    return [{ level: "advisory", message: `${name}: its attributeCondition is not known until apply` }];
  if (typeof condition !== "string" || condition.trim() === "" || condition.trim() === "true")
    return [
      {
        message: `${name} has no attributeCondition, so every identity the issuer signs (any repository, project or cluster) can enter the pool; set attributeCondition to pin the owner, such as "assertion.repository_owner == 'acme'"`,
      },
    ];
  // Only OIDC providers carry an issuer's claims; AWS and SAML providers are pinned by their own fields.
  if (resource.props.oidc === undefined && (resource.props.aws !== undefined || resource.props.saml !== undefined))
    return [];
  const mapping = resource.props.attributeMapping;
  if (isUnknown(mapping))
    return [{ level: "advisory", message: `${name}: its attributeMapping is not known until apply` }];
  const judgement = judgeAttributeCondition(
    condition,
    typeof mapping === "object" && mapping !== null ? (mapping as Record<string, unknown>) : undefined,
  );
  if (judgement.pinned === "unreadable")
    return [
      {
        message: `${name}: agent-iam cannot read its attributeCondition (${judgement.error}), so it cannot show that the condition pins an owner; write it with ==, in, && and startsWith on the owner claim, such as "assertion.repository_owner == 'acme'"`,
      },
    ];
  if (judgement.pinned === false)
    return [
      {
        message: `${name}: its attributeCondition "${condition.length > 160 ? `${condition.slice(0, 160)}…` : condition}" does not pin the owner: ${judgement.reason}; require an equality on every path, such as "assertion.repository_owner == 'acme' && assertion.sub.startsWith('repo:acme/')"`,
      },
    ];
  return [];
}

function gcpPoolGrants(resource: PolicyResource): Finding[] {
  const findings: Finding[] = [];
  for (const grant of gcpGrantsOf(resource.type, resource.props)) {
    if (isUnknown(grant.member)) continue;
    const principal = readPoolPrincipal(grant.member);
    if (!principal) continue;
    const what = `${resource.type.split(":").pop()} "${resource.name}" gives ${grant.role || "a role"} to ${grant.member}`;
    if (principal.kind === "pool")
      findings.push({
        message: `${what}: every identity of the pool; grant it to one principal://…/subject/SUBJECT instead`,
      });
    else if (principal.kind === "group")
      findings.push({
        message: `${what}: a group the issuer's tokens claim, which agent-iam cannot bound; grant it to one principal://…/subject/SUBJECT instead`,
      });
    else if (principal.kind === "attribute" && !GCP_ONE_OWNER_ATTRIBUTES.includes(principal.attribute))
      findings.push({
        message: `${what}: attribute.${principal.attribute} spans repositories or namespaces; grant it to one principal://…/subject/SUBJECT (or attribute.repository/ORG/REPO) instead`,
      });
    else if (principal.kind === "attribute" && /[*?]/.test(principal.value))
      findings.push({ message: `${what}: the attribute value has a wildcard; name one exact value` });
  }
  return findings;
}

function azureCredential(resource: PolicyResource, config: FederatedTrustConfig): Finding[] {
  const findings: Finding[] = [];
  const name = `federated credential "${resource.name}"`;
  const subject = resource.props.subject;
  if (isUnknown(subject))
    findings.push({ level: "advisory", message: `${name}: its subject is not known until apply` });
  else if (typeof subject !== "string" || subject.trim() === "")
    findings.push({
      message: `${name} has no subject; set the exact subject of the agent's token, such as repo:ORG/REPO:environment:prod`,
    });
  else {
    const scope = subjectScope(subject);
    if (scope.scope !== "exact")
      findings.push({
        message: `${name}: ${scope.reason}; Azure compares subjects exactly, so a pattern either matches nothing or was meant to match many: name one exact subject`,
      });
  }
  const audiences = resource.props.audiences;
  if (isUnknown(audiences) || (Array.isArray(audiences) && audiences.some(isUnknown)))
    findings.push({ level: "advisory", message: `${name}: its audiences are not known until apply` });
  else {
    const list = Array.isArray(audiences)
      ? audiences.filter((audience): audience is string => typeof audience === "string")
      : [];
    const others = list.filter((audience) => !config.azureAudiences.includes(audience));
    if (list.length === 0)
      findings.push({ message: `${name} names no audience; set audiences to ["${AZURE_TOKEN_EXCHANGE_AUDIENCE}"]` });
    else if (others.length > 0)
      findings.push({
        message: `${name} accepts the audience ${others.map((audience) => `"${audience}"`).join(", ")}; accept only ${AZURE_TOKEN_EXCHANGE_AUDIENCE} (the token-exchange audience), so tokens minted for other services cannot be replayed`,
      });
  }
  const issuer = resource.props.issuer;
  if (typeof issuer === "string" && !isUnknown(issuer) && !issuer.startsWith("https://"))
    findings.push({
      message: `${name}: the issuer "${issuer}" is not an https URL; name the issuer's https URL exactly`,
    });
  return findings;
}

function azureFlexibleCredential(resource: PolicyResource): Finding[] {
  return [
    {
      message: `flexible federated credential "${resource.name}" matches subjects by expression (claimsMatchingExpression), so one credential admits many workflows; use a federated credential with one exact subject`,
    },
  ];
}

/**
 * The trust kinds this policy reads, one row per kind: which resources carry it and how it is
 * judged. A new kind of trust (another cloud's workload identity, a cross-cloud trust) is a new row.
 */
export const TRUST_READERS: readonly {
  readonly kind: string;
  readonly reads: (type: string) => boolean;
  readonly judge: (resource: PolicyResource, config: FederatedTrustConfig) => Finding[];
}[] = [
  { kind: "AWS role trust policy", reads: (type) => type === AWS_ROLE_TYPE, judge: awsRole },
  { kind: "GCP workload identity pool provider", reads: (type) => type === GCP_PROVIDER_TYPE, judge: gcpProvider },
  { kind: "GCP grants to pool principals", reads: isGcpIamResourceType, judge: gcpPoolGrants },
  {
    kind: "Azure federated identity credential",
    reads: (type) => type === AZURE_FEDERATED_CREDENTIAL_TYPE || type === AZUREAD_FEDERATED_CREDENTIAL_TYPE,
    judge: azureCredential,
  },
  {
    kind: "Entra flexible federated credential",
    reads: (type) => type === AZUREAD_FLEXIBLE_CREDENTIAL_TYPE,
    judge: azureFlexibleCredential,
  },
  // Cloud-hosted agents' trusts across clouds, each row with its source (support/workload-trusts.ts).
  ...WORKLOAD_TRUST_ROWS.map((row) => ({
    kind: row.trust,
    reads: (type: string) => row.types.includes(type),
    judge: (resource: PolicyResource) => row.check(resource),
  })),
];

export function checkFederatedTrust(
  resource: PolicyResource,
  config: FederatedTrustConfig,
  _context?: CheckContext,
): Finding[] {
  return TRUST_READERS.filter((reader) => reader.reads(resource.type)).flatMap((reader) =>
    reader.judge(resource, config),
  );
}

/** A federated trust names one audience and one exact subject. */
export const federatedTrustPinned: ResourceRule<typeof federatedTrustConfig> = {
  name: "federated-trust-pinned",
  description:
    "Blocks AWS trust policies for sts:AssumeRoleWithWebIdentity without StringEquals on both aud and sub, or with a sub pattern spanning repositories, projects or namespaces (GitHub's immutable repo:ORG@ID/REPO@ID form is accepted); GCP pool providers without attributeCondition and grants to a whole pool or to an attribute spanning repositories or namespaces; Azure federated credentials with a non-exact subject or another audience. For agents on a cloud's own compute: AWS trusts on accounts.google.com without accounts.google.com:sub (aud alone admits any Google account), agent roles trusting Lambda, ECS or EKS Pod Identity without aws:SourceAccount, GCP providers of type aws that pin no role, Azure credentials trusting an AWS account's outbound issuer with a subject that is not one role's ARN, and sts:GetWebIdentityToken allowed without an exact sts:IdentityTokenAudience.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Pin the exact subject (one repository and environment, one service account) with StringEquals, and the audience; on GCP grant one principal://…/subject/SUBJECT and set attributeCondition; on Azure use the exact subject and api://AzureADTokenExchange. Across clouds: pin accounts.google.com:sub to the service account's unique id, aws:SourceAccount on service trusts, attribute.aws_role on aws providers, the role ARN as the Azure subject, and sts:IdentityTokenAudience on outbound tokens.",
  config: federatedTrustConfig,
  scope: "resource",
  check: checkFederatedTrust,
};
