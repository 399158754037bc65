import { z } from "zod";
import type { StackRule } from "./support/rule";
import { AGENTCORE_TYPES } from "../model/contract";
import { PRODUCTION_ENVIRONMENTS } from "../model/risk/rules";
import { isUnknown, containsUnknown } from "../model/unknown";
import { readCedarPolicies, unconstrainedParts } from "../clouds/aws/agentcore/cedar-reading";
import { AWS_ROLE_TYPE, readTags, tagValue } from "./support/agents";
import { roleKeys, rolePolicySources, statementsOf } from "./support/aws-role-policies";
import { DEFAULT_ENVIRONMENTS, stackEnvironment } from "./environment-isolation";
import { StackIndex, knownString, type CheckContext, type Finding, type PolicyResource } from "./support/stack";
import { listed } from "./support/common";

/**
 * `tool-access-governed`: agents' tools behind an Amazon Bedrock AgentCore gateway are governed on
 * every call, also in code written without `AgentGateway`:
 * - a gateway authenticates its callers: authorizer `NONE` is refused, and a `CUSTOM_JWT` authorizer
 *   pins its audiences or clients (an issuer such as GitHub signs tokens for every repository);
 * - in a production stack, a gateway has a policy engine attached in `ENFORCE` mode (`LOG_ONLY`
 *   records decisions and enforces none);
 * - a Cedar `permit` pins who calls (its principal, in the scope or a condition on the principal) and
 *   which tool (its action: `==` a tool, or `in` a list of tools, not `action` alone nor a group);
 * - an AgentCore policy keeps validation on (`validationMode` `IGNORE_ALL_FINDINGS` is refused);
 * - a credential provider holds no literal secret (`apiKey`, a `clientSecret` in the program and the
 *   state): write-only values or Secrets Manager;
 * - a target whose outbound credentials are the gateway's own IAM role (`gatewayIamRole`) is refused
 *   when that role is broad (a wildcard action or resource, or an AWS managed policy).
 */

export const toolAccessConfig = z
  .object({
    productionEnvironments: z
      .array(z.string())
      .default([...PRODUCTION_ENVIRONMENTS])
      .describe("Environment names whose gateways must enforce their policy engine"),
  })
  .strict();
export type ToolAccessConfig = z.output<typeof toolAccessConfig>;

const gatewayKeys = (gateway: PolicyResource) =>
  ["gatewayId", "id", "gatewayArn", "name"]
    .map((key) => knownString(gateway.props[key]))
    .filter((key): key is string => key !== undefined);

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const describe = (resource: PolicyResource) => `${resource.type.split(":").pop()} "${resource.name}"`;

/** The environment a gateway serves: its `environment` tag (as `AgentGateway` writes it), else the stack's. */
function gatewayEnvironment(gateway: PolicyResource, context: CheckContext): string | "unknown" | undefined {
  const tag = tagValue(readTags(gateway.props), "environment");
  if (tag.state === "value") return tag.value.toLowerCase();
  if (tag.state === "unknown") return "unknown";
  return stackEnvironment({ environments: [...DEFAULT_ENVIRONMENTS] }, context);
}

function checkAuthorizer(gateway: PolicyResource): Finding[] {
  const name = describe(gateway);
  const type = gateway.props.authorizerType;
  if (isUnknown(type))
    return [{ urn: gateway.urn, level: "advisory", message: `${name}: its authorizer type is not known until apply` }];
  if (type === "NONE")
    return [
      {
        urn: gateway.urn,
        message: `${name} has authorizer NONE: anyone who can reach it may call its tools; use CUSTOM_JWT with the agents' issuer and audience (AgentGateway does)`,
      },
    ];
  if (type !== "CUSTOM_JWT") return [];
  const jwt = record(record(gateway.props.authorizerConfiguration)?.customJwtAuthorizer);
  if (
    isUnknown(gateway.props.authorizerConfiguration) ||
    (jwt && (containsUnknown(jwt.allowedAudiences) || containsUnknown(jwt.allowedClients)))
  )
    return [{ urn: gateway.urn, level: "advisory", message: `${name}: its JWT authorizer is not known until apply` }];
  const pinned = (list: unknown) => Array.isArray(list) && list.length > 0;
  if (!jwt || (!pinned(jwt.allowedAudiences) && !pinned(jwt.allowedClients)))
    return [
      {
        urn: gateway.urn,
        message: `${name}'s JWT authorizer pins no audience and no client: every token of its issuer is accepted (for GitHub, any repository's workflow); set allowedAudiences to the audience the agents ask for`,
      },
    ];
  return [];
}

function checkPolicyEngine(gateway: PolicyResource, config: ToolAccessConfig, context: CheckContext): Finding[] {
  const name = describe(gateway);
  const environment = gatewayEnvironment(gateway, context);
  const production = config.productionEnvironments.map((env) => env.toLowerCase());
  if (environment === undefined || (environment !== "unknown" && !production.includes(environment))) return [];
  const engine = gateway.props.policyEngineConfiguration;
  const mode = record(engine)?.mode;
  if (environment === "unknown" || isUnknown(engine) || isUnknown(mode))
    return [
      {
        urn: gateway.urn,
        level: "advisory",
        message: `${name}: its environment or policy engine is not known until apply`,
      },
    ];
  if (!record(engine))
    return [
      {
        urn: gateway.urn,
        message: `${name} serves the ${environment} environment with no policy engine: any authenticated caller may call any tool; attach a policy engine in ENFORCE mode (AgentGateway does)`,
      },
    ];
  if (mode !== "ENFORCE")
    return [
      {
        urn: gateway.urn,
        message: `${name} serves the ${environment} environment with its policy engine in ${String(mode)} mode: decisions are recorded, not enforced; set policyEngineConfiguration.mode to ENFORCE`,
      },
    ];
  return [];
}

function checkPolicy(policy: PolicyResource): Finding[] {
  const name = describe(policy);
  const findings: Finding[] = [];
  const mode = policy.props.validationMode;
  if (isUnknown(mode))
    findings.push({
      urn: policy.urn,
      level: "advisory",
      message: `${name}: its validation mode is not known until apply`,
    });
  else if (mode === "IGNORE_ALL_FINDINGS")
    findings.push({
      urn: policy.urn,
      message: `${name} ignores validation findings (IGNORE_ALL_FINDINGS): AgentCore accepts it even when it is overly permissive or never applies; set validationMode to FAIL_ON_ANY_FINDINGS`,
    });
  const definition = policy.props.definition;
  const statement = record(record(definition)?.cedar)?.statement;
  if (isUnknown(definition) || isUnknown(statement)) {
    findings.push({
      urn: policy.urn,
      level: "advisory",
      message: `${name}: its Cedar statement is not known until apply`,
    });
    return findings;
  }
  if (typeof statement !== "string") return findings;
  const reading = readCedarPolicies(statement);
  if (reading.kind === "invalid") {
    findings.push({
      urn: policy.urn,
      message: `${name}'s statement does not read as Cedar (${reading.error}); write one Cedar policy whose principal and action name exactly the agent and the tool`,
    });
    return findings;
  }
  for (const head of reading.policies) {
    const open = unconstrainedParts(head);
    if (open.length > 0)
      findings.push({
        urn: policy.urn,
        message: `${name} permits ${open.join(" and ")}: name the agent (principal == AgentCore::OAuthUser::"<its JWT sub>") and the tool (action == AgentCore::Action::"<Target>___<tool>")`,
      });
  }
  return findings;
}

/** Vendor blocks of an OAuth2 provider that hold a literal `clientSecret`. */
function literalClientSecrets(provider: PolicyResource): string[] {
  const config = record(provider.props.oauth2ProviderConfig) ?? {};
  return Object.entries(config)
    .filter(([, block]) => {
      const secret = record(block)?.clientSecret;
      return secret !== undefined && secret !== null && secret !== "";
    })
    .map(([key]) => key);
}

function checkCredentials(provider: PolicyResource): Finding[] {
  const name = describe(provider);
  if (provider.type === AGENTCORE_TYPES.apiKeyProvider) {
    const key = provider.props.apiKey;
    if (key === undefined || key === null || key === "") return [];
    return [
      {
        urn: provider.urn,
        message: `${name} holds a literal API key (apiKey): it is in the plan and the state; pass it write-only (apiKeyWo with apiKeyWoVersion) or from Secrets Manager (apiKeySecretSource EXTERNAL with apiKeySecretConfig)`,
      },
    ];
  }
  const blocks = literalClientSecrets(provider);
  return blocks.length > 0
    ? [
        {
          urn: provider.urn,
          message: `${name} holds a literal OAuth2 client secret (${blocks.join(", ")}.clientSecret): pass it write-only (clientSecretWo) or from Secrets Manager (clientSecretSource EXTERNAL with clientSecretConfig)`,
        },
      ]
    : [];
}

/** A named Lambda function's qualifiers (`…:function:NAME:*`) are one function; any other wildcard is broad. */
function broadResource(resource: string): boolean {
  if (isUnknown(resource)) return false;
  if (resource === "*") return true;
  const qualified = /^arn:[^:*]+:lambda:[^:*]+:\d{12}:function:[^:*]+:\*$/.test(resource);
  return !qualified && resource.includes("*");
}

/** Why a gateway's role is broad, in words; `unknown` when its policies are not known yet; empty when it is narrow. */
function roleBreadth(role: PolicyResource, index: StackIndex): string[] | "unknown" {
  const sources = rolePolicySources(role, index);
  const reasons: string[] = [];
  if (sources.some((source) => source.unresolved === "unknown" || source.document?.kind === "unknown"))
    return "unknown";
  for (const source of sources)
    if (source.policyArn && /^arn:aws[a-z-]*:iam::aws:policy\//.test(source.policyArn))
      reasons.push(`${source.what} (made for many resources)`);
    else if (source.unresolved === "external") reasons.push(`${source.what} (not in this stack)`);
  for (const { statement, source } of statementsOf(sources)) {
    if (statement.effect !== "Allow") continue;
    if (statement.hasUnknown) return "unknown";
    const actions = statement.actions.filter((action) => action.includes("*"));
    const resources = statement.resources.filter(broadResource);
    if (actions.length > 0 || statement.notActions.length > 0)
      reasons.push(`${source} allows ${listed([...actions, ...statement.notActions.map((a) => `all but ${a}`)], 3)}`);
    if (resources.length > 0 || statement.notResources.length > 0)
      reasons.push(
        `${source} allows it on ${listed([...resources, ...statement.notResources.map((r) => `all but ${r}`)], 3)}`,
      );
  }
  return reasons;
}

function checkTarget(target: PolicyResource, index: StackIndex): Finding[] {
  const name = describe(target);
  const credentials = target.props.credentialProviderConfiguration;
  if (isUnknown(credentials))
    return [
      { urn: target.urn, level: "advisory", message: `${name}: its outbound credentials are not known until apply` },
    ];
  if (record(credentials)?.gatewayIamRole === undefined) return [];
  const { targets: gateways, unknown } = index.references(
    target,
    "gatewayIdentifier",
    index.ofType(AGENTCORE_TYPES.gateway),
    gatewayKeys,
  );
  const gateway = gateways[0];
  if (!gateway)
    return unknown
      ? [{ urn: target.urn, level: "advisory", message: `${name}: its gateway is not known until apply` }]
      : [
          {
            urn: target.urn,
            level: "advisory",
            message: `${name} calls its tools as its gateway's IAM role, and the gateway is not in this stack: review that role; it must only invoke the gateway's own tools`,
          },
        ];
  const { targets: roles, unknown: roleUnknown } = index.references(
    gateway,
    "roleArn",
    index.ofType(AWS_ROLE_TYPE),
    roleKeys,
  );
  const role = roles[0];
  if (!role)
    return [
      {
        urn: target.urn,
        level: "advisory",
        message: roleUnknown
          ? `${name}: the IAM role of ${describe(gateway)} is not known until apply`
          : `${name} calls its tools as the IAM role of ${describe(gateway)}, which is not in this stack: review it; it must only invoke the gateway's own tools`,
      },
    ];
  const breadth = roleBreadth(role, index);
  if (breadth === "unknown")
    return [
      {
        urn: target.urn,
        level: "advisory",
        message: `${name}: the policies of its gateway's role "${role.name}" are not known until apply`,
      },
    ];
  return breadth.length > 0
    ? [
        {
          urn: target.urn,
          message: `${name} calls its tools as ${describe(gateway)}'s own IAM role "${role.name}", which is broad (${listed(breadth, 3)}): any agent that may call one of its tools acts with all of it; give the role only lambda:InvokeFunction or execute-api:Invoke on this gateway's targets, or use an OAuth2 credential provider`,
        },
      ]
    : [];
}

export function checkToolAccess(
  resources: readonly PolicyResource[],
  config: ToolAccessConfig,
  context: CheckContext,
): Finding[] {
  const index = StackIndex.of(resources);
  return [
    ...index
      .ofType(AGENTCORE_TYPES.gateway)
      .flatMap((gateway) => [...checkAuthorizer(gateway), ...checkPolicyEngine(gateway, config, context)]),
    ...index.ofType(AGENTCORE_TYPES.policy).flatMap(checkPolicy),
    ...index.ofType(AGENTCORE_TYPES.apiKeyProvider, AGENTCORE_TYPES.oauth2Provider).flatMap(checkCredentials),
    ...index.ofType(AGENTCORE_TYPES.target).flatMap((target) => checkTarget(target, index)),
  ];
}

/** Tool calls through AgentCore gateways are authenticated, decided by enforced policies that pin agent and tool, and made with narrow credentials. */
export const toolAccessGoverned: StackRule<typeof toolAccessConfig> = {
  name: "tool-access-governed",
  description:
    "Blocks Amazon Bedrock AgentCore gateways with authorizer NONE or a JWT authorizer that pins no audience or client; in production environments, gateways without a policy engine or with it in LOG_ONLY mode; Cedar permits whose principal or action is unconstrained; policies that ignore validation findings; credential providers holding a literal API key or client secret; and targets whose outbound credentials are the gateway's own broad IAM role.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Declare the gateway with AgentGateway and each agent's tools with AgentIdentity's tools (CUSTOM_JWT pinned to the agents' issuer and audience, a policy engine in ENFORCE mode, one permit per agent and tool, credentials from Secrets Manager or write-only), or fix the named field on the hand-written resource.",
  config: toolAccessConfig,
  scope: "stack",
  check: checkToolAccess,
};
