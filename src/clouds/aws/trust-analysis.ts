import { isUnknown } from "../../model/unknown";
import {
  readPolicyDocument,
  statementCoversAction,
  type PolicyDocumentReading,
  type PolicyStatement,
} from "./policy-document";

/**
 * Judges AWS role trust policies that let an OIDC issuer's tokens assume a role
 * (`sts:AssumeRoleWithWebIdentity`): whether the trust is pinned to one audience and one exact
 * subject, or lets a whole organisation, group or cluster in.
 *
 * Subject formats (issuers' documentation, see `src/model/issuers.ts`): GitHub
 * `repo:ORG/REPO:…` and the immutable form `repo:ORG@OWNER_ID/REPO@REPO_ID:…`; GitLab
 * `project_path:GROUP/PROJECT:…`; Kubernetes `system:serviceaccount:NAMESPACE:NAME`.
 * Condition operators follow the IAM User Guide ("IAM JSON policy elements: Condition operators"):
 * `StringEquals` compares exactly; `StringLike` expands `*` and `?`; `ForAllValues:` is true when
 * the key is missing, so it pins nothing.
 */

export const WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity";

/**
 * Federated principals that are end-user identity brokers rather than workload issuers: a role
 * trusting them serves an app's users, not an agent (Amazon Cognito identity pools).
 */
export const END_USER_FEDERATION_HOSTS: readonly string[] = ["cognito-identity.amazonaws.com"];

/** Operators that compare a claim exactly (for `aud` a token may carry several values). */
const EXACT_OPERATORS = { sub: ["stringequals"], aud: ["stringequals", "foranyvalue:stringequals"] } as const;

/** One statement that allows web-identity federation, with what it pins. */
export interface WebIdentityStatement {
  readonly statement: PolicyStatement;
  /** Federated principals (provider ARNs or hosts); unknown sentinels kept. */
  readonly providers: readonly string[];
  /** Issuer hosts of the providers (`token.actions.githubusercontent.com`), when known. */
  readonly issuerHosts: readonly string[];
  /** Whether the principal is `*` (any identity provider). */
  readonly anyPrincipal: boolean;
}

/** `arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com` → the host (lower case). */
export function issuerHostOfProvider(provider: string): string | undefined {
  if (isUnknown(provider)) return undefined;
  const match = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(provider);
  if (match) return match[1]!.toLowerCase();
  if (!provider.startsWith("arn:") && provider.includes(".")) return provider.toLowerCase();
  return undefined;
}

function federatedPrincipals(principal: unknown): { providers: string[]; any: boolean } {
  if (principal === "*") return { providers: [], any: true };
  if (isUnknown(principal)) return { providers: [principal as string], any: false };
  if (typeof principal !== "object" || principal === null) return { providers: [], any: false };
  const entry = Object.entries(principal).find(([key]) => key.toLowerCase() === "federated");
  if (!entry) return { providers: [], any: false };
  const list = Array.isArray(entry[1]) ? entry[1] : [entry[1]];
  const providers = list.map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
  return { providers, any: providers.includes("*") };
}

/** The statements of a trust policy that allow `sts:AssumeRoleWithWebIdentity` from a workload issuer. */
export function webIdentityStatements(reading: PolicyDocumentReading): WebIdentityStatement[] {
  if (reading.kind !== "document") return [];
  const found: WebIdentityStatement[] = [];
  for (const statement of reading.statements) {
    if (statement.effect !== "Allow" || !statementCoversAction(statement, WEB_IDENTITY_ACTION)) continue;
    const { providers, any } = federatedPrincipals(statement.principal);
    const issuerHosts = providers.map(issuerHostOfProvider).filter((host): host is string => host !== undefined);
    const endUserOnly =
      !any &&
      providers.length > 0 &&
      issuerHosts.length === providers.length &&
      issuerHosts.every((host) => END_USER_FEDERATION_HOSTS.includes(host));
    if (endUserOnly) continue;
    found.push({ statement, providers, issuerHosts, anyPrincipal: any });
  }
  return found;
}

/** Whether a trust policy lets an OIDC workload issuer assume the role: true, false, or unknown (not known yet). */
export function trustAllowsWebIdentity(trust: unknown): boolean | "unknown" {
  const reading = readPolicyDocument(trust);
  if (reading.kind === "unknown") return "unknown";
  if (reading.kind !== "document") return false;
  if (webIdentityStatements(reading).length > 0) return true;
  // A statement whose effect or actions are not known yet might allow it.
  return reading.statements.some(
    (statement) =>
      statement.effect === "unknown" || (statement.effect === "Allow" && statement.actions.some(isUnknown)),
  )
    ? "unknown"
    : false;
}

/** How far a subject pattern reaches. */
export type SubjectScope =
  /** No wildcard: one subject. */
  | "exact"
  /** A wildcard inside one repository, project or namespace (any branch, any environment, any service account). */
  | "one-owner"
  /** A wildcard that spans repositories, projects, namespaces, or a format we cannot read. */
  | "spans";

/** What a subject pattern reaches, and in words why. */
export interface SubjectScopeReading {
  readonly scope: SubjectScope;
  readonly reason: string;
}

const WILDCARD = /[*?]/;

function firstWildcard(text: string): number {
  const match = WILDCARD.exec(text);
  return match ? match.index : -1;
}

/**
 * Classifies a subject (as written in a `StringLike` condition, a GCP attribute or an Azure
 * federated credential) by where its first wildcard falls. GitHub's immutable form
 * (`repo:acme@123456/api@456789:…`) reads like the classic one.
 */
export function subjectScope(subject: string): SubjectScopeReading {
  const at = firstWildcard(subject);
  if (at < 0) return { scope: "exact", reason: "names one subject" };
  const github = /^repo:([^/:]*)(\/([^:]*))?(:|$)/.exec(subject);
  if (subject.startsWith("repo:") && github) {
    const repositoryEnd = "repo:".length + github[1]!.length + (github[2]?.length ?? 0);
    if (github[2] === undefined || at < repositoryEnd)
      return { scope: "spans", reason: `"${subject}" matches every repository of the organisation (or more)` };
    return {
      scope: "one-owner",
      reason: `"${subject}" matches any branch, tag, environment or pull request of one repository`,
    };
  }
  const gitlab = /^project_path:([^:]*)(:|$)/.exec(subject);
  if (gitlab) {
    const projectEnd = "project_path:".length + gitlab[1]!.length;
    if (at < projectEnd)
      return { scope: "spans", reason: `"${subject}" matches every project of a GitLab group (or more)` };
    return { scope: "one-owner", reason: `"${subject}" matches any ref of one GitLab project` };
  }
  const kubernetes = /^system:serviceaccount:([^:]*)(:|$)/.exec(subject);
  if (kubernetes) {
    const namespaceEnd = "system:serviceaccount:".length + kubernetes[1]!.length;
    if (at < namespaceEnd)
      return { scope: "spans", reason: `"${subject}" matches service accounts in every namespace` };
    return { scope: "one-owner", reason: `"${subject}" matches every service account of one namespace` };
  }
  return { scope: "spans", reason: `"${subject}" has a wildcard in a subject format agent-iam cannot bound` };
}

/**
 * The environment a subject names, when its format carries one: GitHub
 * `repo:ORG/REPO:environment:NAME` (classic or immutable form).
 */
export function subjectEnvironment(subject: string): string | undefined {
  const match = /^repo:[^:]+:environment:([^:]+)$/.exec(subject);
  return match ? match[1] : undefined;
}

/** One condition on a claim: the operator as written and its values. */
export interface ClaimCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** The conditions of a statement on one claim (`sub`, `aud`) of the statement's issuers. */
export function claimConditions(entry: WebIdentityStatement, claim: "sub" | "aud"): ClaimCondition[] {
  const hosts = new Set(entry.issuerHosts);
  const found: ClaimCondition[] = [];
  for (const [operator, block] of Object.entries(entry.statement.condition)) {
    for (const [key, value] of Object.entries(block)) {
      const lower = key.toLowerCase();
      if (!lower.endsWith(`:${claim}`)) continue;
      const host = lower.slice(0, -(claim.length + 1));
      // When the principal is known, only its own keys count (IAM only sets those); otherwise any.
      if (hosts.size > 0 && !hosts.has(host)) continue;
      const values = (Array.isArray(value) ? value : [value]).map((item) =>
        typeof item === "string" ? item : JSON.stringify(item),
      );
      found.push({ operator, key, values });
    }
  }
  return found;
}

/** A finding on a web-identity trust: a violation, or a decision that must wait for apply. */
export interface TrustProblem {
  readonly kind: "violation" | "unknown";
  readonly message: string;
}

/** The exact subjects a statement pins with `StringEquals` (empty when it pins none). */
export function pinnedSubjects(entry: WebIdentityStatement): string[] {
  return claimConditions(entry, "sub")
    .filter((condition) => (EXACT_OPERATORS.sub as readonly string[]).includes(condition.operator.toLowerCase()))
    .flatMap((condition) => condition.values)
    .filter((value) => !isUnknown(value));
}

/**
 * Judges one web-identity statement: `StringEquals` on `aud` and on `sub` (Checkov's OIDC checks
 * look at neither `aud` nor an organisation-wide `sub`), no `sub` pattern spanning repositories,
 * projects or namespaces, and a principal that names the issuer.
 */
export function judgeWebIdentityStatement(entry: WebIdentityStatement): TrustProblem[] {
  const problems: TrustProblem[] = [];
  const where = entry.statement.sid ? `statement "${entry.statement.sid}"` : `statement ${entry.statement.index}`;
  if (entry.anyPrincipal)
    problems.push({
      kind: "violation",
      message: `${where} lets any identity provider assume the role (Principal "*"); name the issuer's IAM OIDC provider ARN as Principal.Federated`,
    });
  if (entry.providers.some(isUnknown))
    problems.push({
      kind: "unknown",
      message: `${where}: the federated principal is not known until apply; its conditions are judged against every issuer until then`,
    });

  for (const claim of ["aud", "sub"] as const) {
    const conditions = claimConditions(entry, claim);
    const exact = conditions.filter((condition) =>
      (EXACT_OPERATORS[claim] as readonly string[]).includes(condition.operator.toLowerCase()),
    );
    const unknownValues = conditions.some((condition) => condition.values.some(isUnknown));
    if (unknownValues)
      problems.push({
        kind: "unknown",
        message: `${where}: the ${claim} condition is not known until apply; the trust is judged again then`,
      });
    const exactValues = exact.flatMap((condition) => condition.values).filter((value) => !isUnknown(value));
    if (exactValues.length > 0 || unknownValues) {
      continue;
    }
    const elsewhere = foreignClaimKeys(entry, claim);
    if (elsewhere.length > 0) {
      problems.push({
        kind: "violation",
        message: `${where} checks ${elsewhere.join(", ")}, but its principal is the provider of ${entry.issuerHosts.join(", ")}: the condition names another issuer, so the trust is wrong either way; use the IAM OIDC provider of the issuer the conditions name`,
      });
      continue;
    }
    if (claim === "aud") {
      problems.push({
        kind: "violation",
        message: `${where} does not check the token's audience: add "StringEquals": { "${keyFor(entry, "aud")}": "sts.amazonaws.com" } (or your issuer's audience)`,
      });
      continue;
    }
    const patterns = conditions.flatMap((condition) =>
      condition.values.map((value) => ({ operator: condition.operator, value })),
    );
    if (patterns.length === 0) {
      problems.push({
        kind: "violation",
        message: `${where} does not check the token's subject: any workflow, project or pod of the issuer can assume the role; add "StringEquals": { "${keyFor(entry, "sub")}": "<exact subject>" } such as "repo:ORG/REPO:environment:prod"`,
      });
      continue;
    }
    for (const pattern of patterns) {
      const reading = subjectScope(pattern.value);
      const operatorLower = pattern.operator.toLowerCase();
      if (operatorLower.startsWith("forallvalues:")) {
        problems.push({
          kind: "violation",
          message: `${where} checks sub with ${pattern.operator}, which passes when the claim is missing; use StringEquals with the exact subject`,
        });
      } else if (reading.scope === "spans") {
        problems.push({
          kind: "violation",
          message: `${where}: ${reading.reason}; pin one repository, project or namespace with StringEquals on the exact subject`,
        });
      } else {
        problems.push({
          kind: "violation",
          message: `${where} matches sub with ${pattern.operator} "${pattern.value}" (${reading.scope === "exact" ? "not an exact comparison" : reading.reason}); use StringEquals with the exact subject, such as one GitHub environment`,
        });
      }
    }
  }
  return problems;
}

/** Condition keys on a claim that belong to another issuer than the statement's principal. */
function foreignClaimKeys(entry: WebIdentityStatement, claim: "sub" | "aud"): string[] {
  if (entry.issuerHosts.length === 0) return [];
  const hosts = new Set(entry.issuerHosts);
  const keys = Object.values(entry.statement.condition).flatMap((block) => Object.keys(block));
  return keys.filter(
    (key) => key.toLowerCase().endsWith(`:${claim}`) && !hosts.has(key.toLowerCase().slice(0, -(claim.length + 1))),
  );
}

function keyFor(entry: WebIdentityStatement, claim: string): string {
  return `${entry.issuerHosts[0] ?? "ISSUER_HOST"}:${claim}`;
}

/** The result of judging a whole trust policy. */
export interface TrustJudgement {
  /** Whether the trust allows web-identity federation (true/false), or it cannot be read yet. */
  readonly webIdentity: boolean | "unknown";
  readonly problems: readonly TrustProblem[];
  /** Exact subjects the trust pins (for environment isolation). */
  readonly subjects: readonly string[];
}

/** Reads and judges a role's trust policy (`assumeRolePolicy`). */
export function judgeTrustPolicy(trust: unknown): TrustJudgement {
  const reading = readPolicyDocument(trust);
  if (reading.kind === "unknown")
    return {
      webIdentity: "unknown",
      problems: [{ kind: "unknown", message: "the trust policy is not known until apply; it is judged again then" }],
      subjects: [],
    };
  // An unreadable trust policy is refused by IAM itself; it lets no one in.
  if (reading.kind !== "document") return { webIdentity: false, problems: [], subjects: [] };
  const entries = webIdentityStatements(reading);
  const webIdentity = trustAllowsWebIdentity(trust);
  return {
    webIdentity,
    problems: entries.flatMap(judgeWebIdentityStatement),
    subjects: entries.flatMap(pinnedSubjects),
  };
}

/**
 * The STS actions a trust policy grants besides web identity: assuming the role from another
 * principal, from SAML, and the session options that go with it (IAM User Guide, "Role trust
 * policies"; STS API reference).
 */
export const TRUST_ACTIONS: readonly string[] = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:TagSession",
  "sts:SetSourceIdentity",
  "sts:SetContext",
];

/**
 * Service principals of managed agent runtimes (their execution roles are agent identities):
 * Amazon Bedrock AgentCore (runtimes, gateways, code interpreters, browsers) assumes roles as
 * `bedrock-agentcore.amazonaws.com` (AgentCore Developer Guide, "Permissions for AgentCore Runtime").
 */
export const AGENT_RUNTIME_SERVICE_PRINCIPALS: readonly string[] = ["bedrock-agentcore.amazonaws.com"];

/**
 * Condition keys that pin who may use a trust to one account, organisation or source (IAM User
 * Guide, "AWS global condition context keys"; "The confused deputy problem"): compared with an
 * exact operator, on a value without wildcards where the account would be.
 */
const PINNING_KEYS: Readonly<Record<string, "account" | "organisation" | "source">> = {
  "aws:principalaccount": "account",
  "aws:sourceaccount": "account",
  "aws:principalorgid": "organisation",
  "aws:principalorgpaths": "organisation",
  "aws:sourceorgid": "organisation",
  "aws:sourceorgpaths": "organisation",
  "aws:principalarn": "source",
  "aws:sourcearn": "source",
};

/** Operators that compare exactly, or by pattern (only for ARNs and org paths). */
const EXACT = new Set(["stringequals", "stringequalsignorecase", "arnequals"]);
const PATTERN = new Set(["stringlike", "arnlike"]);

/** Whether a condition value pins: known, not a wildcard where the account or organisation is. */
function pinningValue(key: string, value: string, operator: string): boolean {
  if (isUnknown(value) || value.trim() === "" || value.trim() === "*") return false;
  if (!PATTERN.has(operator)) return !/[*?]/.test(value);
  if (key.endsWith("arn")) {
    const account = value.split(":")[4];
    return account !== undefined && /^\d{12}$/.test(account);
  }
  if (key.endsWith("orgpaths")) return /^o-[a-z0-9]+\//.test(value);
  return !/[*?]/.test(value);
}

/**
 * The condition keys a statement requires, with their values and base operator: exact or pattern
 * operators only, and not ForAllValues (passes when the key is missing) nor IfExists (passes when it
 * is absent) (IAM User Guide, condition operators).
 */
function requiredConditions(statement: PolicyStatement): { key: string; operator: string; values: string[] }[] {
  const required: { key: string; operator: string; values: string[] }[] = [];
  for (const [operator, block] of Object.entries(statement.condition)) {
    const lower = operator.toLowerCase();
    if (lower.startsWith("forallvalues:") || lower.endsWith("ifexists")) continue;
    const base = lower.replace(/^foranyvalue:/, "");
    if (!EXACT.has(base) && !PATTERN.has(base)) continue;
    for (const [key, raw] of Object.entries(block))
      required.push({
        key,
        operator: base,
        values: (Array.isArray(raw) ? raw : [raw]).map((item) => (typeof item === "string" ? item : "")),
      });
  }
  return required;
}

/** What a statement's conditions pin (account, organisation or source), with the key that does. */
export function trustPins(statement: PolicyStatement): { key: string; kind: "account" | "organisation" | "source" }[] {
  const pins: { key: string; kind: "account" | "organisation" | "source" }[] = [];
  for (const { key, operator, values } of requiredConditions(statement)) {
    const kind = PINNING_KEYS[key.toLowerCase()];
    if (kind && values.length > 0 && values.every((value) => pinningValue(key.toLowerCase(), value, operator)))
      pins.push({ key, kind });
  }
  return pins;
}

/** Whether a statement requires `sts:ExternalId` (exactly, not IfExists). */
function requiresExternalId(statement: PolicyStatement): boolean {
  return Object.entries(statement.condition).some(
    ([operator, block]) =>
      EXACT.has(operator.toLowerCase()) &&
      Object.entries(block).some(([key, value]) => key.toLowerCase() === "sts:externalid" && value !== undefined),
  );
}

/** The principals of one kind (`AWS`, `Service`, `Federated`) a statement names, as strings. */
function principalsOf(principal: unknown, kind: string): string[] {
  if (typeof principal !== "object" || principal === null) return [];
  const entry = Object.entries(principal).find(([key]) => key.toLowerCase() === kind.toLowerCase());
  if (!entry) return [];
  return (Array.isArray(entry[1]) ? entry[1] : [entry[1]]).map((value) =>
    typeof value === "string" ? value : JSON.stringify(value),
  );
}

/** The account an AWS principal names: `123456789012`, `arn:aws:iam::123456789012:root|role/…|user/…`. */
export function principalAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/** Whether an AWS principal is a whole account (its root): every principal its admins allow. */
function isAccountRoot(principal: string): boolean {
  return /^\d{12}$/.test(principal) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(principal);
}

/** The accounts a role lives in, as far as its own inputs say: its ARN, its issuers' providers, its boundary. */
export function ownAccounts(role: Readonly<Record<string, unknown>>, reading: PolicyDocumentReading): string[] {
  const accounts = new Set<string>();
  for (const value of [role.arn, role.permissionsBoundary])
    if (typeof value === "string" && !isUnknown(value)) {
      const account = principalAccount(value) ?? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(value)?.[1];
      if (account) accounts.add(account);
    }
  if (reading.kind === "document")
    for (const statement of reading.statements)
      for (const provider of principalsOf(statement.principal, "Federated")) {
        const account = /^arn:aws[a-z-]*:iam::(\d{12}):(oidc|saml)-provider\//.exec(provider)?.[1];
        if (account) accounts.add(account);
      }
  return [...accounts];
}

/**
 * Judges every statement of a role's trust that is not web identity (those are
 * {@link judgeWebIdentityStatement}'s): `Principal "*"` (or `NotPrincipal`) without a condition that
 * pins an account, organisation or source is anyone in any account; and, on an agent's role, an
 * account root without `sts:ExternalId` (the confused deputy every AWS guide warns about), a role
 * or user of another account without it, and an agent runtime's service principal without
 * `aws:SourceAccount` or `aws:SourceArn` (cross-service confused deputy).
 */
export function judgeOtherTrustStatements(
  role: Readonly<Record<string, unknown>>,
  options: { readonly agent: boolean },
): TrustProblem[] {
  const reading = readPolicyDocument(role.assumeRolePolicy);
  if (reading.kind !== "document") return [];
  const own = ownAccounts(role, reading);
  const problems: TrustProblem[] = [];
  for (const statement of reading.statements) {
    if (statement.effect !== "Allow") continue;
    const actions = TRUST_ACTIONS.filter((action) => statementCoversAction(statement, action));
    if (actions.length === 0) continue;
    const where = statement.sid ? `statement "${statement.sid}"` : `statement ${statement.index}`;
    const pins = trustPins(statement);
    const aws = principalsOf(statement.principal, "AWS");
    const anyone =
      statement.principal === "*" ||
      statement.notPrincipal !== undefined ||
      aws.includes("*") ||
      principalsOf(statement.principal, "Federated").includes("*") ||
      principalsOf(statement.principal, "Service").includes("*");
    if (anyone) {
      if (pins.length === 0)
        problems.push({
          kind: "violation",
          message: `${where} lets anyone in any AWS account ${actions.join(", ")} (${statement.notPrincipal !== undefined ? "NotPrincipal" : 'Principal "*"'}) with no condition that pins an account, organisation or source; name the principal that may assume the role, or pin it with StringEquals on aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceArn`,
        });
      continue;
    }
    if (aws.some(isUnknown) || statement.hasUnknown)
      problems.push({
        kind: "unknown",
        message: `${where}: its principal or conditions are not known until apply; they are judged then`,
      });
    if (!options.agent) continue;
    const external = requiresExternalId(statement) || pins.some((pin) => pin.kind === "source");
    for (const principal of aws) {
      if (isUnknown(principal)) continue;
      const account = principalAccount(principal);
      if (external || !account) continue;
      if (isAccountRoot(principal))
        problems.push({
          kind: "violation",
          message: `${where} lets account ${account} (its root: every principal its administrators allow) assume the agent's role without sts:ExternalId; if it is a vendor's account, require "StringEquals": { "sts:ExternalId": "<the id the vendor gave you>" } (the confused deputy); if it is your own, name the one role that may assume the agent`,
        });
      else if (own.length > 0 && !own.includes(account))
        problems.push({
          kind: "violation",
          message: `${where} lets ${principal} of account ${account}, another account, assume the agent's role without sts:ExternalId; require "StringEquals": { "sts:ExternalId": "<the id the other party gave you>" }`,
        });
    }
    for (const service of principalsOf(statement.principal, "Service"))
      if (
        AGENT_RUNTIME_SERVICE_PRINCIPALS.includes(service.toLowerCase()) &&
        !pins.some((pin) => pin.kind !== "organisation")
      )
        problems.push({
          kind: "violation",
          message: `${where} lets ${service} assume the agent's role for any account's runtime; add "StringEquals": { "aws:SourceAccount": "<your account>" } and "ArnLike": { "aws:SourceArn": "arn:aws:bedrock-agentcore:<region>:<your account>:*" } (cross-service confused deputy)`,
        });
  }
  return problems;
}

/**
 * AgentCore resources whose execution role serves agents rather than runs one: a gateway assumes its
 * role to call the tools its agents are allowed (AgentCore Developer Guide, "AgentCore Gateway and
 * Policy in AgentCore IAM Permissions"). A trust statement whose `aws:SourceArn` names only such
 * resources (`arn:aws:bedrock-agentcore:REGION:ACCOUNT:gateway/ID`) is not an agent runtime's.
 */
export const AGENTCORE_SERVING_RESOURCE_TYPES: readonly string[] = ["gateway"];

/** The `aws:SourceArn` values a statement requires, or none. */
function sourceArns(statement: PolicyStatement): string[] {
  return requiredConditions(statement)
    .filter(({ key }) => key.toLowerCase() === "aws:sourcearn")
    .flatMap(({ values }) => values);
}

/** Whether a statement lets AgentCore in only for resources that serve agents (a gateway's role). */
function onlyForServingResources(statement: PolicyStatement): boolean {
  const arns = sourceArns(statement);
  return (
    arns.length > 0 &&
    arns.every((arn) => {
      const resource = arn.split(":").slice(5).join(":");
      return AGENTCORE_SERVING_RESOURCE_TYPES.some((type) => resource.startsWith(`${type}/`));
    })
  );
}

/** Whether a role's trust lets an agent runtime's service assume it (an AgentCore execution role). */
export function trustAllowsAgentRuntime(trust: unknown): boolean {
  const reading = readPolicyDocument(trust);
  if (reading.kind !== "document") return false;
  return reading.statements.some(
    (statement) =>
      statement.effect === "Allow" &&
      statementCoversAction(statement, "sts:AssumeRole") &&
      principalsOf(statement.principal, "Service").some((service) =>
        AGENT_RUNTIME_SERVICE_PRINCIPALS.includes(service.toLowerCase()),
      ) &&
      !onlyForServingResources(statement),
  );
}
