import { z } from "zod";
import type { StackRule } from "./support/rule";
import { EKS_ADMIN_ACCESS_POLICIES } from "../clouds/aws/lateral-movement";
import { AWS_MANAGED_POLICY_SOURCE, awsManagedPolicy, managedPolicyRule } from "../clouds/aws/managed-policies";
import { analyzePermissions } from "../clouds/aws/permission-analysis";
import { actionMatches, readPolicyDocument, statementCoversAction } from "../clouds/aws/policy-document";
import { SELF_SCOPED_TOKEN_ACTIONS } from "../clouds/aws/privilege-escalation";
import { AWS_ROLE_TYPE, describeIdentity, findAgentIdentities, type AgentIdentityResource } from "./support/agents";
import {
  awsManagedPolicyName,
  roleKeys,
  rolePermissions,
  rolePolicySources,
  statementsOf,
  unlinkedAttachments,
} from "./support/aws-role-policies";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { isUnknown } from "../model/unknown";
import { forIdentity, listed, stringList } from "./support/common";

/**
 * `no-overbroad-aws-scopes`: an agent role holds exactly what its job needs. Every policy it holds
 * is read by its document, AWS managed policies by the document AWS publishes
 * (`src/clouds/aws/managed-policies.json`). Blocks wildcard actions, NotAction allows, scopable
 * writes and data reads on every resource of their type (`src/clouds/aws/resource-reach.ts`),
 * lateral movement (`lateral-movement.ts`), and the privilege-escalation methods cloudsplaining
 * publishes (`privilege-escalation.ts`).
 */

export const awsScopesConfig = z
  .object({
    productionEnvironments: z
      .array(z.string())
      .default(["prod", "production"])
      .describe("Environments where any *FullAccess managed policy is refused"),
    allowedEscalationMethods: stringList("allowedEscalationMethods").describe(
      "cloudsplaining escalation method names the team accepts (e.g. EditExistingLambdaFunctionWithRole)",
    ),
    allowedCredentialActions: z
      .array(z.string())
      .default([...SELF_SCOPED_TOKEN_ACTIONS])
      .describe(
        "Credential-returning actions accepted on every resource (registry logins that carry only the caller's own rights)",
      ),
  })
  .strict();
export type AwsScopesConfig = z.output<typeof awsScopesConfig>;

const LAMBDA_FUNCTION_TYPE = "aws:lambda/function:Function";
const EKS_ACCESS_POLICY_ASSOCIATION_TYPE = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const EKS_ACCESS_ENTRY_TYPE = "aws:eks/accessEntry:AccessEntry";
/** Actions that change what a function runs (its code, or its layers and environment). */
const CODE_REPLACING_ACTIONS = ["lambda:updatefunctioncode", "lambda:updatefunctionconfiguration"];

function roleFindings(agent: AgentIdentityResource, index: StackIndex, config: AwsScopesConfig): Finding[] {
  const name = describeIdentity(agent);
  const findings: Finding[] = [];
  const sources = rolePolicySources(agent.resource, index);
  const environment = agent.metadata.environment;
  const production = config.productionEnvironments.map((entry) => entry.toLowerCase());
  for (const source of sources) {
    if (source.awsManaged === "not-in-table") {
      // AWS managed policies are judged by their published documents; one newer than agent-iam's copy by its name.
      const policyName = awsManagedPolicyName(source.policyArn!)!;
      const rule = managedPolicyRule(policyName);
      if (rule && !rule.prodOnly)
        findings.push({
          urn: source.urn,
          message: `${name} has the AWS managed policy ${policyName}, which allows ${rule.gives}; detach it and grant the named resources the agent needs`,
        });
      else if (rule && environment.state === "value" && production.includes(environment.value.toLowerCase()))
        findings.push({
          urn: source.urn,
          message: `${name} is a ${environment.value} agent with the AWS managed policy ${policyName}, which allows ${rule.gives}; detach it and grant the named resources the agent needs`,
        });
      else
        findings.push({
          urn: source.urn,
          level: "advisory",
          message: `${name} has the AWS managed policy ${policyName}, which is not in agent-iam's copy of AWS's managed policies (${AWS_MANAGED_POLICY_SOURCE}), so its statements cannot be judged; review it, or grant the named resources the agent needs instead`,
        });
    } else if (source.unresolved === "unknown" || source.document?.kind === "unknown") {
      findings.push({
        urn: source.urn,
        level: "advisory",
        message: `${name}: ${source.what} is not known until apply; its statements are judged then`,
      });
    } else if (source.unresolved === "external") {
      findings.push({
        urn: source.urn,
        level: "advisory",
        message: `${name}: ${source.what} is not part of this stack, so its statements cannot be judged; manage it in the stack or review it by hand`,
      });
    } else if (source.document?.kind === "invalid") {
      findings.push({
        urn: source.urn,
        message: `${name}: ${source.what} cannot be read (${source.document.error}); fix the policy document`,
      });
    }
  }
  const analysis = rolePermissions(agent.resource, index, {
    allowedEscalationMethods: config.allowedEscalationMethods,
    allowedCredentialActions: config.allowedCredentialActions,
  });
  for (const problem of [
    ...analysis.serviceWildcards,
    ...analysis.notActionAllows,
    ...analysis.unscopedWrites,
    ...analysis.blanketReads,
    ...analysis.lateralMovement,
    ...analysis.roleHopping,
    ...analysis.credentialsExposure,
  ])
    findings.push({ ...(problem.urn ? { urn: problem.urn } : {}), message: `${name}: ${problem.message}` });
  if (analysis.escalations.length > 0)
    findings.push({
      message: `${name} can escalate its own privileges by ${listed(
        analysis.escalations.map((method) => `${method.name} (${method.actions.join(" + ")})`),
        4,
      )} (methods published by cloudsplaining); remove those actions, or name an accepted method in allowedEscalationMethods`,
    });
  findings.push(...privilegedFunctionFindings(agent, index));
  findings.push(...eksAdminFindings(agent, index));
  for (const source of analysis.unknownSources)
    findings.push({
      level: "advisory",
      message: `${name}: parts of ${source} are not known until apply; they are judged then`,
    });
  return findings;
}

/** Whether a role holds more than an ordinary job: service wildcards, NotAction, permissions management or an escalation path. */
function privilegedRoleWhy(role: PolicyResource, index: StackIndex): string | undefined {
  const analysis = rolePermissions(role, index);
  if (analysis.serviceWildcards.length > 0 || analysis.notActionAllows.length > 0)
    return "every action of a service or more";
  if (analysis.highRisk.permissions.length > 0)
    return `permissions management (${listed(analysis.highRisk.permissions, 3)})`;
  if (analysis.escalations.length > 0) return `privilege escalation (${analysis.escalations[0]!.name})`;
  return undefined;
}

/** The name a Lambda function has in ARNs (its `name`, else the resource's). */
function functionName(fn: PolicyResource): string {
  return knownString(fn.props.name) ?? fn.name;
}

/**
 * Replacing the code of a function that runs as a more privileged role runs the agent's code with
 * that role's rights (AWS Lambda Developer Guide, "Lambda execution role"): blocked even when the
 * team accepts EditExistingLambdaFunctionWithRole in general, naming the function and its role.
 */
function privilegedFunctionFindings(agent: AgentIdentityResource, index: StackIndex): Finding[] {
  const functions = index.ofType(LAMBDA_FUNCTION_TYPE);
  if (functions.length === 0) return [];
  const statements = statementsOf(rolePolicySources(agent.resource, index)).filter(
    ({ statement }) =>
      statement.effect === "Allow" && CODE_REPLACING_ACTIONS.some((action) => statementCoversAction(statement, action)),
  );
  if (statements.length === 0) return [];
  const roles = index.ofType(AWS_ROLE_TYPE);
  const findings: Finding[] = [];
  for (const fn of functions) {
    const name = functionName(fn);
    const reached = statements.some(({ statement }) =>
      statement.resources.some((pattern) => {
        if (isUnknown(pattern)) return false;
        const arn = knownString(fn.props.arn);
        if (arn && actionMatches(pattern, arn)) return true;
        const named = /:function:([^:]+)(:[^:]*)?$/.exec(pattern)?.[1];
        return pattern.trim() === "*" || (named !== undefined && actionMatches(named, name));
      }),
    );
    if (!reached) continue;
    const { targets } = index.references(fn, "role", roles, roleKeys);
    const roleArn = knownString(fn.props.role);
    const role =
      targets.find((candidate) => candidate !== agent.resource) ??
      roles.find(
        (candidate) =>
          candidate !== agent.resource &&
          roleArn !== undefined &&
          /^arn:aws[a-z-]*:iam::\d{12}:role\//.test(roleArn) &&
          roleArn.endsWith(`/${knownString(candidate.props.name) ?? candidate.name}`),
      );
    if (!role) continue;
    const why = privilegedRoleWhy(role, index);
    if (!why) continue;
    findings.push({
      urn: fn.urn,
      message: `${describeIdentity(agent)} can replace the code of function "${name}", which runs as role "${role.name}" (${why}): the agent's code would run with that role's rights; let a deployment pipeline with its own identity update the function, or remove lambda:UpdateFunctionCode`,
    });
  }
  return findings;
}

/** EKS access policy associations that make the agent's role administrator of a cluster. */
function eksAdminFindings(agent: AgentIdentityResource, index: StackIndex): Finding[] {
  const findings: Finding[] = [];
  for (const association of index.referencing(
    [EKS_ACCESS_POLICY_ASSOCIATION_TYPE],
    "principalArn",
    agent.resource,
    roleKeys,
  )) {
    const policy = association.props.policyArn;
    if (typeof policy !== "string" || !EKS_ADMIN_ACCESS_POLICIES.includes(policy)) continue;
    findings.push({
      urn: association.urn,
      message: `${describeIdentity(agent)} is given ${policy.split("/").pop()} on an EKS cluster by "${association.name}": administrator of every workload and secret in it, and of the service accounts they run as; associate AmazonEKSViewPolicy or AmazonEKSEditPolicy scoped to the namespaces it needs`,
    });
  }
  for (const entry of index.referencing([EKS_ACCESS_ENTRY_TYPE], "principalArn", agent.resource, roleKeys)) {
    const groups = entry.props.kubernetesGroups;
    if (Array.isArray(groups) && groups.includes("system:masters"))
      findings.push({
        urn: entry.urn,
        message: `${describeIdentity(agent)} is put in the Kubernetes group system:masters by access entry "${entry.name}": cluster-admin that no RBAC rule can limit; use a group bound to a namespaced role`,
      });
  }
  return findings;
}

/** What an AWS managed policy's document alone would be refused for, in words (for roles not known yet). */
function publishedPolicyProblems(name: string, document: unknown): string[] {
  const reading = readPolicyDocument(document);
  if (reading.kind !== "document") return [];
  const analysis = analyzePermissions(
    reading.statements.map((statement) => ({ statement, source: `AWS managed policy ${name}` })),
    { allowedCredentialActions: [...SELF_SCOPED_TOKEN_ACTIONS] },
  );
  return [
    ...analysis.serviceWildcards,
    ...analysis.notActionAllows,
    ...analysis.unscopedWrites,
    ...analysis.blanketReads,
    ...analysis.lateralMovement,
  ].map((problem) => problem.message);
}

export function checkAwsScopes(
  resources: readonly PolicyResource[],
  config: AwsScopesConfig,
  _context?: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  const findings = findAgentIdentities(index)
    .filter((agent) => agent.cloud === "aws")
    .flatMap((agent) => forIdentity(agent, roleFindings(agent, index, config)));
  for (const { attachment, policyArn } of unlinkedAttachments(index)) {
    const name = typeof policyArn === "string" && !isUnknown(policyArn) ? awsManagedPolicyName(policyArn) : undefined;
    const published = name ? awsManagedPolicy(name) : undefined;
    const rule = name ? managedPolicyRule(name) : undefined;
    const problems = published ? publishedPolicyProblems(name!, published.document) : [];
    if (problems.length > 0 || (!published && rule && !rule.prodOnly))
      findings.push({
        urn: attachment.urn,
        level: "advisory",
        message: `${attachment.name} attaches ${name} (${problems[0] ?? rule!.gives}) to a role not known until apply; if that role is an agent's, it will be refused`,
      });
  }
  return findings;
}

/** Agent roles hold exactly what their job needs, with no path to more. */
export const noOverbroadAwsScopes: StackRule<typeof awsScopesConfig> = {
  name: "no-overbroad-aws-scopes",
  description:
    "Blocks, on agent roles, every policy read by its document (AWS managed policies included: ReadOnlyAccess, PowerUserAccess, *FullAccess): '*' or 'service:*' actions, NotAction allows, write or permissions-management actions on every resource of their type ('*' or an ARN pattern such as table/*, function:*, arn:aws:s3:::*/*) when they can be scoped, reads of stored data (objects, items, messages, secrets, parameters, log events) on every resource whatever the approval, running code on or logging in to every instance, task or function, code changes to functions that run as more privileged roles, EKS cluster-admin access, iam:PassRole or sts:AssumeRole on every role (or on a role in every account), credential-returning actions on every resource, and every privilege-escalation method cloudsplaining publishes.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Grant named resources with the actions the job needs (AgentIdentity grants); keep '*' only for actions AWS offers without resource scoping.",
  config: awsScopesConfig,
  scope: "stack",
  check: checkAwsScopes,
};
