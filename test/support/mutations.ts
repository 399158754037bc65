import type { AnalyzerResource } from "../../src/gate/analyzer";
import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import { AGENTCORE_TYPES } from "../../src/model/contract";
import { isProductionEnvironment } from "../../src/model/risk/score";
import { DEPARTED_OWNER, SUBSCRIPTION, type AgentPlan, type JudgeableProgram } from "./compliant-programs";

/**
 * Mutation operators for the completeness property: each takes a compliant program (as the engine
 * hands it to a pack) and makes one resource of it insecure in one way, the way a hand edit, a
 * careless refactor or an attacker with write access to the program would. Each operator names the
 * policy that owns the problem; a mutant is killed when that policy reports a mandatory violation.
 *
 * An operator applies to every resource of the program it can change (every agent role, every
 * policy document attached to one, every federated credential …): one mutant per resource.
 */

/** One insecure variant of a program. */
export interface Mutant {
  readonly operator: string;
  /** The resource changed (or added). */
  readonly target: string;
  readonly analyze: AnalyzerResource[];
  readonly stack: AnalyzerResource[];
}

export interface MutationOperator {
  readonly name: string;
  /** The policy that must catch it. */
  readonly owner: string;
  readonly description: string;
  mutants(program: JudgeableProgram, context: MutationContext): Mutant[];
}

/** What operators may depend on: the pack config the run uses. */
export interface MutationContext {
  readonly maxSessionSeconds: number;
  readonly maxExpiryDays: number;
  /** A secret to plant (a generated credential of some format). */
  readonly secret: string;
}

const AGENT_TAG = "agent-iam:agent";
const AGENT_IDENTITY = "agent-iam:index:AgentIdentity";

type Props = Record<string, unknown>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The resources of the stack by URN. */
function index(program: JudgeableProgram): Map<string, AnalyzerResource> {
  return new Map(program.stack.map((resource) => [resource.urn, resource]));
}

/** The agent plan a resource was declared for (through its parents up to the AgentIdentity). */
export function agentOf(program: JudgeableProgram, resource: AnalyzerResource): AgentPlan | undefined {
  const byUrn = index(program);
  const seen = new Set<string>();
  let current: AnalyzerResource | undefined = resource;
  while (current && !seen.has(current.urn)) {
    seen.add(current.urn);
    if (current.type === AGENT_IDENTITY) return program.plan.agents.find((agent) => agent.name === current!.name);
    current = current.parent ? byUrn.get(current.parent) : undefined;
  }
  return undefined;
}

/** Changes one resource's properties in both phases (its inputs for `Analyze`, its outputs for `AnalyzeStack`). */
function mutate(
  program: JudgeableProgram,
  operator: string,
  urn: string,
  change: (props: Props, phase: "analyze" | "stack") => Props,
): Mutant {
  const apply = (list: readonly AnalyzerResource[], phase: "analyze" | "stack") =>
    list.map((resource) =>
      resource.urn === urn ? { ...resource, properties: change(clone(resource.properties), phase) } : resource,
    );
  return { operator, target: urn, analyze: apply(program.analyze, "analyze"), stack: apply(program.stack, "stack") };
}

/** Changes several resources at once. */
function mutateAll(
  program: JudgeableProgram,
  operator: string,
  target: string,
  change: (resource: AnalyzerResource, props: Props) => Props | undefined,
): Mutant {
  const apply = (list: readonly AnalyzerResource[]) =>
    list.map((resource) => {
      const changed = change(resource, clone(resource.properties));
      return changed === undefined ? resource : { ...resource, properties: changed };
    });
  return { operator, target, analyze: apply(program.analyze), stack: apply(program.stack) };
}

/** Adds resources (the same in both phases). */
function add(program: JudgeableProgram, operator: string, resources: readonly AnalyzerResource[]): Mutant {
  return {
    operator,
    target: resources[0]!.urn,
    analyze: [...program.analyze, ...resources],
    stack: [...program.stack, ...resources],
  };
}

function urnFor(program: JudgeableProgram, type: string, name: string): string {
  return `urn:pulumi:${program.recorded.stack}::${program.recorded.project}::${type}::${name}`;
}

function tags(props: Props): Record<string, string> {
  return (typeof props.tags === "object" && props.tags !== null ? props.tags : {}) as Record<string, string>;
}

// The identities of the program's agents.

const isAgentRole = (resource: AnalyzerResource) =>
  resource.type === "aws:iam/role:Role" && typeof tags(resource.properties)[AGENT_TAG] === "string";
const isAgentAccount = (program: JudgeableProgram, resource: AnalyzerResource) =>
  resource.type === "gcp:serviceaccount/account:Account" && agentOf(program, resource) !== undefined;
const isAgentManagedIdentity = (resource: AnalyzerResource) =>
  resource.type === "azure-native:managedidentity:UserAssignedIdentity" &&
  typeof tags(resource.properties)[AGENT_TAG] === "string";

/** Agent roles, service accounts and managed identities of agents that are not switched off. */
function enabledIdentities(program: JudgeableProgram): AnalyzerResource[] {
  return program.stack.filter(
    (resource) =>
      (isAgentRole(resource) || isAgentAccount(program, resource) || isAgentManagedIdentity(resource)) &&
      agentOf(program, resource)?.disabled === false,
  );
}

/** The web-identity trust of an enabled agent role, parsed. */
function trustOf(
  props: Props,
):
  | { Statement: { Effect: string; Action: unknown; Condition?: Record<string, Record<string, unknown>> }[] }
  | undefined {
  if (typeof props.assumeRolePolicy !== "string") return undefined;
  const document = JSON.parse(props.assumeRolePolicy) as {
    Statement: { Effect: string; Action: unknown; Condition?: Record<string, Record<string, unknown>> }[];
  };
  return document.Statement.some(
    (statement) => statement.Effect === "Allow" && statement.Action === "sts:AssumeRoleWithWebIdentity",
  )
    ? document
    : undefined;
}

function editTrust(props: Props, edit: (condition: Record<string, Record<string, unknown>>) => void): Props {
  const document = trustOf(props);
  if (!document) return props;
  for (const statement of document.Statement)
    if (statement.Effect === "Allow" && statement.Action === "sts:AssumeRoleWithWebIdentity" && statement.Condition)
      edit(statement.Condition);
  return { ...props, assumeRolePolicy: JSON.stringify(document) };
}

/** The condition key ending in `:sub` / `:aud` of a condition operator block. */
const keyEnding = (block: Record<string, unknown> | undefined, suffix: string) =>
  Object.keys(block ?? {}).find((key) => key.endsWith(suffix));

const webIdentityRoles = (program: JudgeableProgram) =>
  enabledIdentities(program).filter(
    (resource) => resource.type === "aws:iam/role:Role" && trustOf(resource.properties) !== undefined,
  );

/**
 * The IAM policy documents (managed policies attached by attachments) of the roles of enabled
 * agents. A switched-off agent's role carries a deny-all kill switch: widening what it is allowed
 * changes nothing it can do, so that is no insecure mutation.
 */
function agentPolicies(program: JudgeableProgram): AnalyzerResource[] {
  const roles = enabledIdentities(program).filter(isAgentRole);
  const names = new Set(
    roles.flatMap((role) =>
      [role.properties.name, role.properties.arn, role.properties.id].filter(
        (value): value is string => typeof value === "string",
      ),
    ),
  );
  const attached = new Set(
    program.stack
      .filter(
        (resource) =>
          resource.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
          names.has(String(resource.properties.role)),
      )
      .map((resource) => String(resource.properties.policyArn)),
  );
  return program.stack.filter(
    (resource) => resource.type === "aws:iam/policy:Policy" && attached.has(String(resource.properties.arn)),
  );
}

/** Every action an Allow statement of a policy document names. */
function policyActions(policy: AnalyzerResource): string[] {
  const document = JSON.parse(String(policy.properties.policy)) as {
    Statement: { Effect: string; Action?: string | string[] }[];
  };
  return document.Statement.filter((statement) => statement.Effect === "Allow").flatMap((statement) =>
    ([] as string[]).concat(statement.Action ?? []),
  );
}

function editStatements(props: Props, edit: (statement: Record<string, unknown>) => void): Props {
  const document = JSON.parse(String(props.policy)) as { Statement: Record<string, unknown>[] };
  const allow = document.Statement.find((statement) => statement.Effect === "Allow");
  if (allow) edit(allow);
  return { ...props, policy: JSON.stringify(document) };
}

/** A subject with its last part widened: `repo:acme/api:environment:prod` → `repo:acme/*`. */
function widenSubject(subject: string): string {
  const slash = subject.indexOf("/");
  if (slash > 0) return `${subject.slice(0, slash + 1)}*`;
  const colon = subject.lastIndexOf(":");
  return colon > 0 ? `${subject.slice(0, colon + 1)}*` : "*";
}

function inDaysFrom(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const setOwner =
  (owner: string | undefined) =>
  (props: Props, resource: AnalyzerResource): Props => {
    if (resource.type === "gcp:serviceaccount/account:Account") {
      const description = String(props.description ?? "");
      return {
        ...props,
        description:
          owner === undefined
            ? description.replace(/owner=[^;]*;\s*/, "")
            : description.replace(/owner=[^;]*/, `owner=${owner}`),
      };
    }
    const next = { ...tags(props) };
    if (owner === undefined) delete next.owner;
    else next.owner = owner;
    return { ...props, tags: next, ...(props.tagsAll ? { tagsAll: next } : {}) };
  };

const setMetadata =
  (field: "expires" | "environment", value: string) =>
  (props: Props, resource: AnalyzerResource): Props => {
    if (resource.type === "gcp:serviceaccount/account:Account")
      return {
        ...props,
        description: String(props.description ?? "").replace(new RegExp(`${field}=[^;]*`), `${field}=${value}`),
      };
    const next = { ...tags(props), [field]: value };
    return { ...props, tags: next, ...(props.tagsAll ? { tagsAll: next } : {}) };
  };

/** Mutants that change each identity of an enabled agent (role, service account, managed identity). */
const perIdentity =
  (
    name: string,
    change: (props: Props, resource: AnalyzerResource, context: MutationContext, program: JudgeableProgram) => Props,
  ) =>
  (program: JudgeableProgram, context: MutationContext): Mutant[] =>
    enabledIdentities(program).map((identity) =>
      mutate(program, name, identity.urn, (props) => change(props, identity, context, program)),
    );

function ofType(program: JudgeableProgram, type: string): AnalyzerResource[] {
  return program.stack.filter((resource) => resource.type === type);
}

/** The tool permits `AgentIdentity`'s tools made (not the forbids). */
function permits(program: JudgeableProgram): AnalyzerResource[] {
  return ofType(program, AGENTCORE_TYPES.policy).filter((policy) =>
    String((policy.properties.definition as { cedar?: { statement?: unknown } })?.cedar?.statement).startsWith(
      "permit",
    ),
  );
}

function withStatement(props: Props, change: (text: string) => string): Props {
  const cedar = (props.definition as { cedar: { statement: string } }).cedar;
  cedar.statement = change(cedar.statement);
  return props;
}

const GITHUB_ISSUER = "token.actions.githubusercontent.com";

/** The operators, each with the policy that owns what it breaks. */
export const OPERATORS: readonly MutationOperator[] = [
  {
    name: "widen-action-to-star",
    owner: "no-overbroad-aws-scopes",
    description: "an Allow statement of a policy an agent role holds grants Action *",
    mutants: (program) =>
      agentPolicies(program).map((policy) =>
        mutate(program, "widen-action-to-star", policy.urn, (props) =>
          editStatements(props, (statement) => void (statement.Action = "*")),
        ),
      ),
  },
  {
    name: "widen-action-to-service-star",
    owner: "no-overbroad-aws-scopes",
    description: "an Allow statement grants SERVICE:* for the service of its first action",
    mutants: (program) =>
      agentPolicies(program).map((policy) =>
        mutate(program, "widen-action-to-service-star", policy.urn, (props) =>
          editStatements(props, (statement) => {
            const first = ([] as unknown[]).concat(statement.Action)[0];
            statement.Action = `${String(first).split(":")[0]}:*`;
          }),
        ),
      ),
  },
  {
    name: "action-to-notaction",
    owner: "no-overbroad-aws-scopes",
    description: "an Allow statement turns its Action list into NotAction (everything else)",
    mutants: (program) =>
      agentPolicies(program).map((policy) =>
        mutate(program, "action-to-notaction", policy.urn, (props) =>
          editStatements(props, (statement) => {
            statement.NotAction = statement.Action;
            delete statement.Action;
          }),
        ),
      ),
  },
  {
    name: "add-passrole-on-star",
    owner: "no-overbroad-aws-scopes",
    description: "a policy of an agent role gains iam:PassRole on every role",
    mutants: (program) =>
      agentPolicies(program).map((policy) =>
        mutate(program, "add-passrole-on-star", policy.urn, (props) => {
          const document = JSON.parse(String(props.policy)) as { Statement: unknown[] };
          document.Statement.push({ Sid: "Handy", Effect: "Allow", Action: "iam:PassRole", Resource: "*" });
          return { ...props, policy: JSON.stringify(document) };
        }),
      ),
  },
  {
    name: "attach-administrator-access",
    owner: "no-overbroad-aws-scopes",
    description: "AdministratorAccess is attached to the role of an agent that is not switched off",
    mutants: (program) =>
      enabledIdentities(program)
        .filter(isAgentRole)
        .map((role) =>
          add(program, "attach-administrator-access", [
            {
              urn: urnFor(program, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${role.name}-admin`),
              type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
              name: `${role.name}-admin`,
              properties: { role: role.properties.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
            },
          ]),
        ),
  },
  {
    name: "attach-readonly-access",
    owner: "no-overbroad-aws-scopes",
    description: "ReadOnlyAccess (read every object, item, secret and log of the account) is attached to an agent role",
    mutants: (program) =>
      enabledIdentities(program)
        .filter(isAgentRole)
        .map((role) =>
          add(program, "attach-readonly-access", [
            {
              urn: urnFor(program, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${role.name}-read-all`),
              type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
              name: `${role.name}-read-all`,
              properties: { role: role.properties.name, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
            },
          ]),
        ),
  },
  {
    name: "resource-to-arn-wildcard",
    owner: "no-overbroad-aws-scopes",
    description: "a policy of an agent role gains s3:GetObject on arn:aws:s3:::*/* (every object of every bucket)",
    mutants: (program) =>
      agentPolicies(program).map((policy) =>
        mutate(program, "resource-to-arn-wildcard", policy.urn, (props) => {
          const document = JSON.parse(String(props.policy)) as { Statement: unknown[] };
          document.Statement.push({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" });
          return { ...props, policy: JSON.stringify(document) };
        }),
      ),
  },
  {
    name: "add-send-command-on-every-instance",
    owner: "no-overbroad-aws-scopes",
    description: "a policy of an agent role gains ssm:SendCommand on instance/* (lateral movement)",
    mutants: (program) =>
      agentPolicies(program).map((policy) =>
        mutate(program, "add-send-command-on-every-instance", policy.urn, (props) => {
          const document = JSON.parse(String(props.policy)) as { Statement: unknown[] };
          document.Statement.push({
            Effect: "Allow",
            Action: "ssm:SendCommand",
            Resource: [
              "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
              "arn:aws:ec2:us-east-1:123456789012:instance/*",
            ],
          });
          return { ...props, policy: JSON.stringify(document) };
        }),
      ),
  },
  {
    name: "trust-any-aws-principal",
    owner: "federated-trust-pinned",
    description: 'an agent role\'s trust gains an sts:AssumeRole statement for Principal {"AWS": "*"}',
    mutants: (program) =>
      webIdentityRoles(program).map((role) =>
        mutate(program, "trust-any-aws-principal", role.urn, (props) => {
          const document = JSON.parse(String(props.assumeRolePolicy)) as { Statement: unknown[] };
          document.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
          return { ...props, assumeRolePolicy: JSON.stringify(document) };
        }),
      ),
  },
  {
    name: "sub-to-pull-request",
    owner: "environment-isolation",
    description:
      "a production agent's GitHub trust moves to the repository's pull_request subject (code from any fork)",
    mutants: (program) =>
      isProductionEnvironment(program.plan.environment)
        ? webIdentityRoles(program)
            .filter((role) => String(role.properties.assumeRolePolicy).includes(`${GITHUB_ISSUER}:sub`))
            .map((role) =>
              mutate(program, "sub-to-pull-request", role.urn, (props) =>
                editTrust(props, (condition) => {
                  for (const block of Object.values(condition)) {
                    const key = keyEnding(block, `${GITHUB_ISSUER}:sub`);
                    if (key) block[key] = String(block[key]).replace(/^(repo:[^:]+):.*$/, "$1:pull_request");
                  }
                }),
              ),
            )
        : [],
  },
  {
    name: "drop-sub-condition",
    owner: "federated-trust-pinned",
    description: "the web-identity trust of an agent role loses its sub condition",
    mutants: (program) =>
      webIdentityRoles(program).map((role) =>
        mutate(program, "drop-sub-condition", role.urn, (props) =>
          editTrust(props, (condition) => {
            for (const block of Object.values(condition)) {
              const key = keyEnding(block, ":sub");
              if (key) delete block[key];
            }
          }),
        ),
      ),
  },
  {
    name: "drop-aud-condition",
    owner: "federated-trust-pinned",
    description: "the web-identity trust of an agent role loses its aud condition",
    mutants: (program) =>
      webIdentityRoles(program).map((role) =>
        mutate(program, "drop-aud-condition", role.urn, (props) =>
          editTrust(props, (condition) => {
            for (const block of Object.values(condition)) {
              const key = keyEnding(block, ":aud");
              if (key) delete block[key];
            }
          }),
        ),
      ),
  },
  {
    name: "sub-to-wildcard",
    owner: "federated-trust-pinned",
    description: "the sub condition becomes a StringLike pattern that spans repositories, projects or namespaces",
    mutants: (program) =>
      webIdentityRoles(program).map((role) =>
        mutate(program, "sub-to-wildcard", role.urn, (props) =>
          editTrust(props, (condition) => {
            const key = keyEnding(condition.StringEquals, ":sub");
            if (!key) return;
            const subject = String(condition.StringEquals![key]);
            delete condition.StringEquals![key];
            condition.StringLike = { ...(condition.StringLike ?? {}), [key]: widenSubject(subject) };
          }),
        ),
      ),
  },
  {
    name: "add-access-key",
    owner: "no-static-credentials",
    description:
      "a long-lived key is added for an agent (AWS access key, GCP service-account key, Entra ID application password)",
    mutants: (program) =>
      enabledIdentities(program).map((identity) => {
        const name = `${identity.name}-key`;
        if (identity.type === "aws:iam/role:Role")
          return add(program, "add-access-key", [
            {
              urn: urnFor(program, "aws:iam/accessKey:AccessKey", name),
              type: "aws:iam/accessKey:AccessKey",
              name,
              properties: { user: `${identity.name}-bot` },
            },
          ]);
        if (identity.type === "gcp:serviceaccount/account:Account")
          return add(program, "add-access-key", [
            {
              urn: urnFor(program, "gcp:serviceaccount/key:Key", name),
              type: "gcp:serviceaccount/key:Key",
              name,
              properties: { serviceAccountId: identity.properties.name },
            },
          ]);
        return add(program, "add-access-key", [
          {
            urn: urnFor(program, "azuread:index/applicationPassword:ApplicationPassword", name),
            type: "azuread:index/applicationPassword:ApplicationPassword",
            name,
            properties: { applicationId: `/applications/${identity.properties.clientId}` },
          },
        ]);
      }),
  },
  {
    name: "plant-literal-secret",
    owner: "no-static-credentials",
    description:
      "a credential is written in plain text into an input of a resource (a tag, a description, an environment variable)",
    mutants: (program, context) =>
      program.stack
        .filter((resource) => !resource.type.startsWith("pulumi:") && !resource.type.startsWith("agent-iam:"))
        .map((resource) =>
          mutate(program, "plant-literal-secret", resource.urn, (props) => {
            if (typeof props.tags === "object" && props.tags !== null)
              return { ...props, tags: { ...tags(props), note: context.secret } };
            if (typeof props.description === "string")
              return { ...props, description: `${props.description} ${context.secret}` };
            return { ...props, environment: { variables: { TOKEN: context.secret } } };
          }),
        ),
  },
  {
    name: "owner-departed",
    owner: "agent-must-have-owner",
    description: "an agent's owner becomes a person listed in departedOwners",
    mutants: perIdentity("owner-departed", (props, resource) => setOwner(DEPARTED_OWNER)(props, resource)),
  },
  {
    name: "owner-removed",
    owner: "agent-must-have-owner",
    description: "an agent's owner tag (or owner= in a service account's description) is removed",
    mutants: perIdentity("owner-removed", (props, resource) => setOwner(undefined)(props, resource)),
  },
  {
    name: "session-longer-than-allowed",
    owner: "short-lived-credentials",
    description: "an agent role's maxSessionDuration goes above the configured maximum",
    mutants: (program, context) =>
      context.maxSessionSeconds >= 43_200
        ? []
        : program.stack.filter(isAgentRole).map((role) =>
            mutate(program, "session-longer-than-allowed", role.urn, (props) => ({
              ...props,
              maxSessionDuration: Math.min(43_200, context.maxSessionSeconds * 2),
            })),
          ),
  },
  {
    name: "azure-assignment-to-subscription",
    owner: "no-overbroad-azure-scopes",
    description: "an agent's role assignment moves to subscription scope",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type === "azure-native:authorization:RoleAssignment" && agentOf(program, resource) !== undefined,
        )
        .map((assignment) =>
          mutate(program, "azure-assignment-to-subscription", assignment.urn, (props) => ({
            ...props,
            scope: `/subscriptions/${SUBSCRIPTION}`,
          })),
        ),
  },
  {
    name: "azure-blob-reader-at-subscription",
    owner: "no-overbroad-azure-scopes",
    description: "an agent's role assignment becomes Storage Blob Data Reader on the whole subscription",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type === "azure-native:authorization:RoleAssignment" && agentOf(program, resource) !== undefined,
        )
        .map((assignment) =>
          mutate(program, "azure-blob-reader-at-subscription", assignment.urn, (props) => ({
            ...props,
            // Storage Blob Data Reader (Azure built-in roles, learn.microsoft.com/azure/role-based-access-control/built-in-roles).
            roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
            scope: `/subscriptions/${SUBSCRIPTION}`,
          })),
        ),
  },
  {
    name: "azure-assignment-to-management-group",
    owner: "no-overbroad-azure-scopes",
    description: "an agent's role assignment moves to a management group",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type === "azure-native:authorization:RoleAssignment" && agentOf(program, resource) !== undefined,
        )
        .map((assignment) =>
          mutate(program, "azure-assignment-to-management-group", assignment.urn, (props) => ({
            ...props,
            scope: "/providers/Microsoft.Management/managementGroups/acme",
          })),
        ),
  },
  {
    name: "azure-role-to-owner",
    owner: "no-overbroad-azure-scopes",
    description: "an agent's role assignment gives Owner (or Contributor, User Access Administrator) instead",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type === "azure-native:authorization:RoleAssignment" && agentOf(program, resource) !== undefined,
        )
        .map((assignment, position) => {
          const guid = [
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "b24988ac-6180-42a0-ab88-20f7382dd24c",
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
          ][position % 3]!;
          return mutate(program, "azure-role-to-owner", assignment.urn, (props) => ({
            ...props,
            roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
          }));
        }),
  },
  {
    name: "azure-subject-to-wildcard",
    owner: "federated-trust-pinned",
    description: "a federated identity credential's subject becomes a pattern",
    mutants: (program) =>
      program.stack
        .filter((resource) => resource.type === "azure-native:managedidentity:FederatedIdentityCredential")
        .map((credential) =>
          mutate(program, "azure-subject-to-wildcard", credential.urn, (props) => ({
            ...props,
            subject: widenSubject(String(props.subject)),
          })),
        ),
  },
  {
    name: "azure-other-audience",
    owner: "federated-trust-pinned",
    description: "a federated identity credential accepts another audience",
    mutants: (program) =>
      program.stack
        .filter((resource) => resource.type === "azure-native:managedidentity:FederatedIdentityCredential")
        .map((credential) =>
          mutate(program, "azure-other-audience", credential.urn, (props) => ({
            ...props,
            audiences: ["api://AzureADTokenExchange", "https://management.azure.com/"],
          })),
        ),
  },
  {
    name: "gcp-drop-attribute-condition",
    owner: "federated-trust-pinned",
    description: "a workload identity pool provider loses its attributeCondition",
    mutants: (program) =>
      program.stack
        .filter((resource) => resource.type === "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
        .map((provider) =>
          mutate(program, "gcp-drop-attribute-condition", provider.urn, (props) => {
            const { attributeCondition: _dropped, ...rest } = props;
            return rest;
          }),
        ),
  },
  {
    name: "gcp-binding-to-whole-pool",
    owner: "federated-trust-pinned",
    description: "an agent's workloadIdentityUser binding names every identity of the pool (principalSet …/*)",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type === "gcp:serviceaccount/iAMMember:IAMMember" &&
            String(resource.properties.member).startsWith("principal://"),
        )
        .map((binding) =>
          mutate(program, "gcp-binding-to-whole-pool", binding.urn, (props) => ({
            ...props,
            member: String(props.member).replace(/^principal:\/\/(.+?)\/subject\/.*$/, "principalSet://$1/*"),
          })),
        ),
  },
  {
    name: "gcp-condition-owner-not-empty",
    owner: "federated-trust-pinned",
    description: "a provider's attributeCondition gains an || branch that only tests the owner claim is non-empty",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type === "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider" &&
            typeof resource.properties.attributeCondition === "string",
        )
        .map((provider) =>
          mutate(program, "gcp-condition-owner-not-empty", provider.urn, (props) => ({
            ...props,
            attributeCondition: `(${String(props.attributeCondition)}) || assertion.repository_owner != ''`,
          })),
        ),
  },
  {
    name: "gcp-object-reader-at-project",
    owner: "no-overbroad-gcp-scopes",
    description:
      "an agent's service account reads every object of the project (roles/storage.objectViewer at project level)",
    mutants: (program) =>
      enabledIdentities(program)
        .filter((resource) => resource.type === "gcp:serviceaccount/account:Account")
        .map((account) => {
          const name = `${account.name}-project-objects`;
          return add(program, "gcp-object-reader-at-project", [
            {
              urn: urnFor(program, "gcp:projects/iAMMember:IAMMember", name),
              type: "gcp:projects/iAMMember:IAMMember",
              name,
              properties: {
                project: account.properties.project,
                role: "roles/storage.objectViewer",
                member: account.properties.member ?? `serviceAccount:${String(account.properties.email)}`,
              },
            },
          ]);
        }),
  },
  {
    name: "gcp-basic-role",
    owner: "no-overbroad-gcp-scopes",
    description: "a grant to an agent's service account becomes the basic role roles/editor",
    mutants: (program) =>
      program.stack
        .filter(
          (resource) =>
            resource.type.startsWith("gcp:") &&
            /IAMMember$/.test(resource.type) &&
            String(resource.properties.member).startsWith("serviceAccount:") &&
            agentOf(program, resource) !== undefined,
        )
        .map((grant) => mutate(program, "gcp-basic-role", grant.urn, (props) => ({ ...props, role: "roles/editor" }))),
  },
  {
    name: "gcp-admin-at-project",
    owner: "no-overbroad-gcp-scopes",
    description: "an agent's service account is made a storage admin of the whole project",
    mutants: (program) =>
      enabledIdentities(program)
        .filter((resource) => resource.type === "gcp:serviceaccount/account:Account")
        .map((account) => {
          const name = `${account.name}-project-admin`;
          return add(program, "gcp-admin-at-project", [
            {
              urn: urnFor(program, "gcp:projects/iAMMember:IAMMember", name),
              type: "gcp:projects/iAMMember:IAMMember",
              name,
              properties: {
                project: account.properties.project,
                role: "roles/storage.admin",
                member: account.properties.member ?? `serviceAccount:${String(account.properties.email)}`,
              },
            },
          ]);
        }),
  },
  {
    name: "expiry-passed",
    owner: "agent-identity-expiry",
    description: "an agent's review date lies in the past",
    mutants: perIdentity("expiry-passed", (props, resource) => setMetadata("expires", inDaysFrom(-3))(props, resource)),
  },
  {
    name: "expiry-too-far",
    owner: "agent-identity-expiry",
    description: "an agent's review date lies beyond the configured horizon",
    mutants: perIdentity("expiry-too-far", (props, resource, context) =>
      setMetadata("expires", inDaysFrom(context.maxExpiryDays + 30))(props, resource),
    ),
  },
  {
    name: "environment-other-than-stack",
    owner: "environment-isolation",
    description: "an agent of another environment is declared in this stack",
    mutants: perIdentity("environment-other-than-stack", (props, resource, _context, program) =>
      setMetadata("environment", program.plan.environment === "sandbox" ? "prod" : "sandbox")(props, resource),
    ),
  },
  {
    name: "drop-approval",
    owner: "high-risk-requires-approval",
    description: "an agent that can change permissions on a cloud loses its approval (tag and AgentIdentity record)",
    mutants: (program) =>
      enabledIdentities(program)
        .filter((identity) => {
          const agent = agentOf(program, identity)!;
          const cloud = identity.type.startsWith("aws:") ? "aws" : identity.type.startsWith("gcp:") ? "gcp" : "azure";
          if (agent.approval === undefined) return false;
          // On AWS: the role's own documents hold a permissions-management action (IAM catalog level). On GCP
          // and Azure, permissions access always yields a role that changes permissions (else the spec refuses it).
          if (cloud === "aws")
            return agentPolicies(program).some(
              (policy) =>
                policy.parent !== undefined &&
                agentOf(program, policy)?.name === agent.name &&
                policyActions(policy).some((action) => awsActionInfo(action)?.accessLevel === "permissions"),
            );
          return agent.grants.some(
            (grant) => grant.form === "resource" && grant.ref.cloud === cloud && grant.access.includes("permissions"),
          );
        })
        .map((identity) => {
          const agent = agentOf(program, identity)!;
          return mutateAll(program, "drop-approval", identity.urn, (resource, props) => {
            if (resource.urn === identity.urn) {
              const next = { ...tags(props) };
              delete next.approval;
              return { ...props, ...(props.tags ? { tags: next } : {}), ...(props.tagsAll ? { tagsAll: next } : {}) };
            }
            if (resource.type === AGENT_IDENTITY && resource.name === agent.name) {
              for (const key of ["agent", "inventoryRecord"]) {
                const record = props[key];
                if (typeof record === "object" && record !== null) delete (record as Record<string, unknown>).approval;
              }
              return props;
            }
            return undefined;
          });
        }),
  },
  {
    name: "gateway-authorizer-none",
    owner: "tool-access-governed",
    description: "an AgentCore gateway lets anyone in (authorizer NONE)",
    mutants: (program) =>
      ofType(program, AGENTCORE_TYPES.gateway).map((gateway) =>
        mutate(program, "gateway-authorizer-none", gateway.urn, (props) => {
          const { authorizerConfiguration: _dropped, ...rest } = props;
          return { ...rest, authorizerType: "NONE" };
        }),
      ),
  },
  {
    name: "gateway-jwt-any-audience",
    owner: "tool-access-governed",
    description: "a gateway's JWT authorizer stops pinning its audiences",
    mutants: (program) =>
      ofType(program, AGENTCORE_TYPES.gateway).map((gateway) =>
        mutate(program, "gateway-jwt-any-audience", gateway.urn, (props) => {
          const jwt = (props.authorizerConfiguration as { customJwtAuthorizer: Props }).customJwtAuthorizer;
          delete jwt.allowedAudiences;
          delete jwt.allowedClients;
          return props;
        }),
      ),
  },
  {
    name: "gateway-engine-log-only",
    owner: "tool-access-governed",
    description: "a gateway serving production records its policy decisions without enforcing them (LOG_ONLY)",
    mutants: (program) =>
      ofType(program, AGENTCORE_TYPES.gateway).map((gateway) =>
        mutate(program, "gateway-engine-log-only", gateway.urn, (props) => ({
          ...props,
          tags: { ...(props.tags as Props), environment: "prod" },
          policyEngineConfiguration: { ...(props.policyEngineConfiguration as Props), mode: "LOG_ONLY" },
        })),
      ),
  },
  {
    name: "tool-permit-any-principal",
    owner: "tool-access-governed",
    description: "an agent's tool permit stops naming the agent (principal unconstrained)",
    mutants: (program) =>
      permits(program).map((policy) =>
        mutate(program, "tool-permit-any-principal", policy.urn, (props) =>
          withStatement(props, (text) =>
            text.replace(/principal == AgentCore::OAuthUser::"(?:[^"\\]|\\.)*"/, "principal"),
          ),
        ),
      ),
  },
  {
    name: "tool-permit-any-tool",
    owner: "tool-access-governed",
    description: "an agent's tool permit stops naming the tool (action unconstrained)",
    mutants: (program) =>
      permits(program).map((policy) =>
        mutate(program, "tool-permit-any-tool", policy.urn, (props) =>
          withStatement(props, (text) =>
            text
              .replace(/action == AgentCore::Action::"(?:[^"\\]|\\.)*"/, "action")
              .replace(/resource == AgentCore::Gateway::"(?:[^"\\]|\\.)*"/, "resource is AgentCore::Gateway"),
          ),
        ),
      ),
  },
  {
    name: "policy-ignores-findings",
    owner: "tool-access-governed",
    description: "an AgentCore policy is created even when validation finds it overly permissive",
    mutants: (program) =>
      ofType(program, AGENTCORE_TYPES.policy).map((policy) =>
        mutate(program, "policy-ignores-findings", policy.urn, (props) => ({
          ...props,
          validationMode: "IGNORE_ALL_FINDINGS",
        })),
      ),
  },
  {
    name: "literal-api-key",
    owner: "tool-access-governed",
    description: "an API-key credential provider gets its key as a literal",
    mutants: (program, context) =>
      ofType(program, AGENTCORE_TYPES.apiKeyProvider).map((provider) =>
        mutate(program, "literal-api-key", provider.urn, (props) => {
          const { apiKeySecretConfig: _config, apiKeySecretSource: _source, ...rest } = props;
          return { ...rest, apiKey: context.secret };
        }),
      ),
  },
  {
    name: "gateway-role-broad",
    owner: "tool-access-governed",
    description: "the role a gateway calls its Lambda and API Gateway tools as may invoke any function",
    mutants: (program) =>
      ofType(program, "aws:iam/rolePolicy:RolePolicy")
        .filter((policy) => policy.name.endsWith("-gateway-access"))
        .map((policy) =>
          mutate(program, "gateway-role-broad", policy.urn, (props) => {
            const document = JSON.parse(String(props.policy)) as { Statement: Props[] };
            document.Statement.push({ Sid: "Broad", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "*" });
            return { ...props, policy: JSON.stringify(document) };
          }),
        ),
  },
  {
    name: "drop-permissions-boundary",
    owner: "permissions-boundary-required",
    description: "an agent role loses the permissions boundary the stack requires",
    mutants: (program) =>
      program.stack.filter(isAgentRole).map((role) =>
        mutate(program, "drop-permissions-boundary", role.urn, (props) => {
          const { permissionsBoundary: _dropped, ...rest } = props;
          return rest;
        }),
      ),
  },
];
