import { readPolicyDocument, statementCoversAction, type PolicyStatement } from "../../clouds/aws/policy-document";
import { AGENT_RUNTIME_SERVICE_PRINCIPALS } from "../../clouds/aws/trust-analysis";
import { AWS_WORKLOAD_PRINCIPALS } from "../../model/issuers";
import { isUnknown } from "../../model/unknown";
import {
  AWS_ROLE_TYPE,
  AZURE_FEDERATED_CREDENTIAL_TYPE,
  awsRoleAgentStatus,
  gcpImpersonators,
  type AgentIdentityResource,
} from "./agents";
import { knownString, type Finding, type PolicyResource, type StackIndex } from "./stack";

/**
 * The trusts between clouds that an agent running on a cloud's own compute relies on, judged in
 * hand-written code as in agent-iam's own: one row per kind of trust, each with the resource types it
 * reads, its check and its source. `federated-trust-pinned` runs every row.
 */

const GCP_PROVIDER_TYPE = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
const AZUREAD_FEDERATED_CREDENTIAL_TYPE =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const POLICY_TYPES = [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
];

/** One kind of cross-cloud trust. */
export interface WorkloadTrustRow {
  readonly trust: string;
  readonly types: readonly string[];
  readonly check: (resource: PolicyResource) => Finding[];
  /** The documentation the check follows. */
  readonly source: string;
}

/** The statements of a policy or trust document, or none when it cannot be read now. */
function statementsOf(document: unknown): readonly PolicyStatement[] {
  const reading = readPolicyDocument(document);
  return reading.kind === "document" ? reading.statements : [];
}

/** The values of a condition key under the operators given (case-insensitive names, as IAM reads them). */
function conditionValues(statement: PolicyStatement, operators: readonly string[], key: string): unknown[] {
  const values: unknown[] = [];
  for (const [operator, block] of Object.entries(statement.condition)) {
    if (!operators.includes(operator.toLowerCase())) continue;
    for (const [name, value] of Object.entries(block))
      if (name.toLowerCase() === key.toLowerCase()) values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values;
}

const EXACT = ["stringequals", "forallvalues:stringequals", "foranyvalue:stringequals"];
const exactValue = (value: unknown) => typeof value === "string" && value !== "" && !/[*?]/.test(value);

function federatedPrincipals(statement: PolicyStatement): string[] {
  const principal = statement.principal;
  if (typeof principal !== "object" || principal === null) return [];
  const federated = (principal as Record<string, unknown>).Federated;
  return (Array.isArray(federated) ? federated : [federated]).filter(
    (item): item is string => typeof item === "string",
  );
}

function servicePrincipals(statement: PolicyStatement): string[] {
  const principal = statement.principal;
  if (typeof principal !== "object" || principal === null) return [];
  const service = (principal as Record<string, unknown>).Service;
  return (Array.isArray(service) ? service : [service]).filter((item): item is string => typeof item === "string");
}

/**
 * An AWS trust on `accounts.google.com` must pin `accounts.google.com:sub`, the service account's
 * unique id: the audience (`:aud`, or `:oaud`) is whatever the caller asks Google for, so an
 * audience-only trust lets any Google account in the world assume the role.
 */
function googleTrust(resource: PolicyResource): Finding[] {
  return statementsOf(resource.props.assumeRolePolicy)
    .filter(
      (statement) =>
        statement.effect === "Allow" &&
        statementCoversAction(statement, "sts:AssumeRoleWithWebIdentity") &&
        federatedPrincipals(statement).includes("accounts.google.com"),
    )
    .filter((statement) => {
      const subjects = conditionValues(statement, EXACT, "accounts.google.com:sub");
      return subjects.length === 0 || !subjects.every(exactValue);
    })
    .map((statement) => ({
      message: `role "${resource.name}": statement ${statement.sid ? `"${statement.sid}"` : statement.index} trusts accounts.google.com without "StringEquals": { "accounts.google.com:sub": "<the service account's unique id>" }; the audience is the caller's choice, so any Google account in the world can assume the role`,
    }));
}

/**
 * The AWS services that run agents whose trust this row judges; agent runtimes (AgentCore) are judged
 * with every other statement of the trust (`judgeOtherTrustStatements`, `src/clouds/aws/trust-analysis.ts`).
 */
const WORKLOAD_SERVICES: readonly string[] = Object.values(AWS_WORKLOAD_PRINCIPALS).filter(
  (service) => !AGENT_RUNTIME_SERVICE_PRINCIPALS.includes(service),
);

/**
 * An agent role its AWS service assumes must pin `aws:SourceAccount` to one account (IAM User Guide,
 * "The confused deputy problem"): otherwise the service may assume it on behalf of any account's
 * function, task, pod or runtime that names it.
 */
function serviceTrust(resource: PolicyResource): Finding[] {
  if (awsRoleAgentStatus(resource).agent !== true) return [];
  const findings: Finding[] = [];
  for (const statement of statementsOf(resource.props.assumeRolePolicy)) {
    if (statement.effect !== "Allow" || !statementCoversAction(statement, "sts:AssumeRole")) continue;
    const services = servicePrincipals(statement).filter((service) =>
      WORKLOAD_SERVICES.includes(service.toLowerCase()),
    );
    if (services.length === 0) continue;
    if (statement.hasUnknown) {
      findings.push({
        level: "advisory",
        message: `role "${resource.name}": its trust's conditions are not known until apply`,
      });
      continue;
    }
    const accounts = conditionValues(statement, ["stringequals"], "aws:SourceAccount");
    if (accounts.length === 0 || !accounts.every((value) => typeof value === "string" && /^\d{12}$/.test(value)))
      findings.push({
        message: `role "${resource.name}": the agent's role trusts ${services.join(", ")} without "StringEquals": { "aws:SourceAccount": "<your account>" }, so the service may assume it for another account's workload (cross-service confused deputy)`,
      });
  }
  return findings;
}

/** AWS's outbound identity federation issuers: `https://ID.tokens.sts.global.api.aws` (IAM User Guide, "Understanding token claims"). */
const AWS_OUTBOUND_ISSUER = /^https:\/\/[A-Za-z0-9-]+\.tokens\.sts\.global\.api\.aws\/?$/;
/** The `sub` of an outbound token: the calling role's ARN. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[^*?\s]+$/;

/** An Azure credential that trusts an AWS account's issuer must name one role's ARN, exactly. */
function azureAwsIssuer(resource: PolicyResource): Finding[] {
  const issuer = knownString(resource.props.issuer);
  if (!issuer || !AWS_OUTBOUND_ISSUER.test(issuer)) return [];
  const subject = resource.props.subject;
  if (isUnknown(subject)) return [];
  if (typeof subject === "string" && ROLE_ARN.test(subject)) return [];
  return [
    {
      message: `federated credential "${resource.name}" trusts the AWS account issuer ${issuer} with ${typeof subject === "string" ? `the subject "${subject.slice(0, 200)}"` : "no subject"}, which is not one role's ARN; AWS writes the calling role's ARN as sub, so name that one role exactly (arn:aws:iam::ACCOUNT:role/NAME)`,
    },
  ];
}

/** A provider of type `aws` must pin the role: by default it admits every role and user of the account. */
const ROLE_PIN =
  /attribute\.aws_role\s*==\s*['"]arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^'"/*]+['"]|assertion\.arn\.startsWith\(\s*['"]arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^'"/*]+\/['"]\s*\)/;

function gcpAwsProvider(resource: PolicyResource): Finding[] {
  const aws = resource.props.aws;
  if (typeof aws !== "object" || aws === null) return [];
  const condition = resource.props.attributeCondition;
  if (isUnknown(condition)) return [];
  const account = knownString((aws as Record<string, unknown>).accountId) ?? "its account";
  // An || can admit a caller on its other branch; agent-iam reads only a condition that is one pin.
  if (typeof condition === "string" && ROLE_PIN.test(condition) && !condition.includes("||")) return [];
  return [
    {
      message: `pool provider "${resource.name}" of type aws does not pin a role: every role and user of ${account} can enter the pool; set attributeCondition to "attribute.aws_role == 'arn:aws:sts::ACCOUNT:assumed-role/ROLE'"`,
    },
  ];
}

/** The policy documents a resource carries: a policy's `policy`, a role's inline policies. */
function documentsOf(resource: PolicyResource): unknown[] {
  if (resource.type === AWS_ROLE_TYPE)
    return (Array.isArray(resource.props.inlinePolicies) ? resource.props.inlinePolicies : []).map(
      (inline) => (inline as Record<string, unknown>)?.policy,
    );
  return [resource.props.policy];
}

/**
 * Outbound identity federation: a principal allowed `sts:GetWebIdentityToken` must be limited to named
 * audiences with `sts:IdentityTokenAudience` (IAM User Guide, "Controlling access with IAM policies" for
 * outbound identity federation): otherwise it can mint tokens for any service that trusts the account.
 */
function outboundAudience(resource: PolicyResource): Finding[] {
  const findings: Finding[] = [];
  for (const document of documentsOf(resource))
    for (const statement of statementsOf(document)) {
      if (statement.effect !== "Allow" || !statementCoversAction(statement, "sts:GetWebIdentityToken")) continue;
      const audiences = conditionValues(statement, EXACT, "sts:IdentityTokenAudience");
      if (audiences.some(isUnknown)) continue;
      if (audiences.length === 0 || !audiences.every(exactValue))
        findings.push({
          message: `${resource.type.split(":").pop()} "${resource.name}" allows sts:GetWebIdentityToken without "StringEquals" on sts:IdentityTokenAudience (exact audiences): it can mint tokens for any service that trusts the account; add "ForAllValues:StringEquals": { "sts:IdentityTokenAudience": ["api://AzureADTokenExchange"] } and "NumericLessThanEquals": { "sts:DurationSeconds": "300" }`,
        });
    }
  return findings;
}

/** The rows `federated-trust-pinned` adds for cloud-hosted agents. */
export const WORKLOAD_TRUST_ROWS: readonly WorkloadTrustRow[] = [
  {
    trust: "AWS role trusting Google service accounts",
    types: [AWS_ROLE_TYPE],
    check: googleTrust,
    source:
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
  },
  {
    trust: "AWS role assumed by an AWS service",
    types: [AWS_ROLE_TYPE],
    check: serviceTrust,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
  },
  {
    trust: "Azure credential trusting an AWS account's outbound issuer",
    types: [AZURE_FEDERATED_CREDENTIAL_TYPE, AZUREAD_FEDERATED_CREDENTIAL_TYPE],
    check: azureAwsIssuer,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound_token_claims.html",
  },
  {
    trust: "GCP pool provider of type aws",
    types: [GCP_PROVIDER_TYPE],
    check: gcpAwsProvider,
    source: "https://cloud.google.com/iam/docs/workload-identity-federation-with-other-clouds",
  },
  {
    trust: "AWS outbound identity federation token policy",
    types: [...POLICY_TYPES, AWS_ROLE_TYPE],
    check: outboundAudience,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound_policies.html",
  },
];

/**
 * The AWS roles a GCP or Azure identity trusts, as ARNs: GCP bindings to
 * `principalSet://…/attribute.aws_role/ARN`, Azure credentials whose subject is a role ARN.
 */
export function trustedAwsRoleName(subjectOrAttribute: string): string | undefined {
  return /^arn:aws[a-z-]*:(?:sts::\d{12}:assumed-role|iam::\d{12}:role(?:\/[^/]+)*)\/([^/]+)$/.exec(
    subjectOrAttribute,
  )?.[1];
}

/**
 * The AWS roles an agent's GCP or Azure identity trusts, named for another environment than the
 * agent's: agent-iam names a role `agent-ID-ENV`, and a hand-written role's last `-` part is read the
 * same way when it is one of the pack's environment names.
 */
export function crossEnvironmentRoles(
  agent: Pick<AgentIdentityResource, "cloud" | "resource" | "subjects">,
  index: StackIndex,
  expected: string,
  environments: readonly string[],
): { role: string; environment: string }[] {
  const trusted =
    agent.cloud === "gcp"
      ? gcpImpersonators(agent.resource, index).flatMap(({ principal }) =>
          principal.kind === "attribute" && principal.attribute === "aws_role" ? [principal.value] : [],
        )
      : agent.cloud === "azure"
        ? [...agent.subjects]
        : [];
  const names = new Set(environments.map((name) => name.toLowerCase()));
  return trusted.flatMap((arn) => {
    const role = trustedAwsRoleName(arn);
    const environment = role?.split("-").pop()?.toLowerCase();
    return role && environment && names.has(environment) && environment !== expected
      ? [{ role: arn, environment }]
      : [];
  });
}
