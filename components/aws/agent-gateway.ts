import * as pulumi from "@pulumi/pulumi";
import { aws } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import { AWS_LIMITS } from "../../src/model/cloud-limits";
import { catalogOf, gatewayName, parseGatewayArgs, type GatewayTarget } from "../../src/model/gateway";
import {
  GatewaySpecError,
  type AgentGatewayArgs,
  type AgentGatewayLike,
  type ToolCatalog,
} from "../../src/model/tool-spec";
import {
  apiRouteArn,
  catalogProblems,
  gatewayAuthorizer,
  gatewayDescription,
  gatewayRolePolicy,
  gatewayRoleTrust,
  policyEngineName,
  targetConfiguration,
} from "../../src/clouds/aws/agentcore/gateway";

export type { AgentGatewayArgs } from "../../src/model/tool-spec";

/** The tag that names the gateway on each of its resources. */
export const GATEWAY_TAG = "agent-iam:gateway";

/** The outbound credentials of one target, as the target and the gateway's role need them. */
interface TargetCredentialsOut {
  readonly configuration: pulumi.Input<Record<string, unknown>>;
  readonly oauth2ProviderArn?: pulumi.Output<string>;
  readonly apiKeyProviderArn?: pulumi.Output<string>;
  readonly secretArns: pulumi.Input<string>[];
}

/**
 * One environment's tool gateway: an Amazon Bedrock AgentCore gateway (MCP) whose inbound authorizer
 * accepts only JWTs of the agents' issuer with the audiences pinned (`CUSTOM_JWT`, never `NONE`), with
 * a policy engine attached in `ENFORCE` mode (`LOG_ONLY` only when written, and never in production)
 * that evaluates the agents' Cedar policies on every tool call; its targets (Lambda, MCP servers,
 * OpenAPI, API Gateway) with their tool catalog; outbound credentials from AgentCore credential
 * providers (OAuth2, or an API key from Secrets Manager or write-only, never a literal); and an
 * execution role that may do only what the gateway needs. Pass it as `tools.gateway` of each
 * `AgentIdentity`: each agent's tools become policies in this gateway's engine.
 *
 * Invalid arguments throw one `GatewaySpecError` listing every problem with its field path, and
 * nothing is created.
 */
export class AgentGateway extends pulumi.ComponentResource implements AgentGatewayLike {
  /** The tools agents may be allowed, by target. */
  readonly catalog: ToolCatalog;
  /** The AgentCore gateway's ARN (every agent policy names it). */
  readonly gatewayArn: pulumi.Output<string>;
  readonly gatewayId: pulumi.Output<string>;
  /** The MCP endpoint the agents call. */
  readonly gatewayUrl: pulumi.Output<string>;
  /** The policy engine the agents' policies go to. */
  readonly policyEngineId: pulumi.Output<string>;
  readonly policyEngineArn: pulumi.Output<string>;
  /** The gateway's execution role. */
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: AgentGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = parseGatewayArgs(name, args);
    if (!parsed.args) throw new GatewaySpecError(String(name), parsed.problems);
    const problems = catalogProblems(parsed.args);
    if (problems.length > 0) throw new GatewaySpecError(name, problems);
    const spec = parsed.args;
    const catalog = catalogOf(name, spec);
    super(
      COMPONENT_TYPES.AgentGateway,
      name,
      { catalog, owner: spec.owner, environment: spec.environment, enforcement: spec.enforcement },
      opts,
    );
    this.catalog = catalog;
    const gateway = gatewayName(name, spec.environment);
    const tags = { ...spec.tags, [GATEWAY_TAG]: gateway, owner: spec.owner, environment: spec.environment };
    const parent = { parent: this };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    const role = new aws.iam.Role(
      `${name}-gateway-role`,
      {
        name: `agent-gateway-${gateway}`.slice(0, AWS_LIMITS.roleNameCharacters),
        path: "/agent-gateways/",
        description: `AgentCore gateway ${gateway} (${spec.environment}) runs as this role: it may evaluate its policy engine, invoke its own tools and fetch its own outbound credentials`,
        assumeRolePolicy: accountId.apply((account) => JSON.stringify(gatewayRoleTrust(account))),
        maxSessionDuration: 3600,
        tags,
      },
      parent,
    );
    const engine = new aws.bedrock.AgentcorePolicyEngine(
      `${name}-policies`,
      {
        name: policyEngineName(gateway),
        description: `agent-iam: the tool policies of the ${spec.environment} agents on gateway ${gateway} (owner ${spec.owner})`,
        tags,
      },
      parent,
    );
    // Reading the engine is needed while the engine is attached; the gateway's own ARN joins the policy once it exists.
    const engineAccess = new aws.iam.RolePolicy(
      `${name}-engine-access`,
      {
        name: "agent-gateway-policy-engine",
        role: role.name,
        policy: engine.policyEngineArn.apply((policyEngineArn) =>
          JSON.stringify(
            gatewayRolePolicy({
              policyEngineArn,
              lambdaArns: [],
              apiRoutes: [],
              oauth2ProviderArns: [],
              apiKeyProviderArns: [],
              secretArns: [],
            }),
          ),
        ),
      },
      parent,
    );
    const agentcoreGateway = new aws.bedrock.AgentcoreGateway(
      name,
      {
        name: gateway,
        description: gatewayDescription(
          spec.description ??
            `agent-iam tool gateway of the ${spec.environment} agents owner ${spec.owner.replace("@", " at ")}`,
        ),
        protocolType: "MCP",
        roleArn: role.arn,
        ...gatewayAuthorizer(spec),
        policyEngineConfiguration: { arn: engine.policyEngineArn, mode: spec.enforcement },
        tags,
      },
      { parent: this, dependsOn: [engineAccess] },
    );

    const region = spec.targets.some((target) => target.apiGateway)
      ? aws.getRegionOutput({}, parent).region
      : pulumi.output("");
    const credentials = spec.targets.map((target) => this.credentialsOf(name, gateway, target, tags));
    const routes: pulumi.Input<string>[] = [];
    spec.targets.forEach((target, index) => {
      const credentialsOut = credentials[index]!;
      new aws.bedrock.AgentcoreGatewayTarget(
        `${name}-${target.name}`,
        {
          name: target.name,
          description: target.description,
          gatewayIdentifier: agentcoreGateway.gatewayId,
          targetConfiguration: targetConfiguration(target, {
            lambdaArn: target.lambda?.functionArn,
            restApiId: target.apiGateway?.restApiId,
          }),
          credentialProviderConfiguration: credentialsOut.configuration,
        },
        parent,
      );
      if (target.apiGateway && target.credentials.kind === "gatewayRole")
        for (const tool of target.tools)
          routes.push(
            pulumi
              .all([region, accountId, target.apiGateway.restApiId])
              .apply(([regionName, account, api]) =>
                apiRouteArn(
                  regionName,
                  account,
                  String(api),
                  target.apiGateway!.stage,
                  tool.route!.method,
                  tool.route!.path,
                ),
              ),
          );
    });

    const lambdaArns = spec.targets.flatMap((target) =>
      target.lambda ? [target.lambda.functionArn as pulumi.Input<string>] : [],
    );
    new aws.iam.RolePolicy(
      `${name}-gateway-access`,
      {
        name: "agent-gateway",
        role: role.name,
        policy: pulumi
          .all([
            agentcoreGateway.gatewayArn,
            engine.policyEngineArn,
            agentcoreGateway.workloadIdentityDetails,
            pulumi.all(lambdaArns),
            pulumi.all(routes),
            pulumi.all(credentials.flatMap((entry) => (entry.oauth2ProviderArn ? [entry.oauth2ProviderArn] : []))),
            pulumi.all(credentials.flatMap((entry) => (entry.apiKeyProviderArn ? [entry.apiKeyProviderArn] : []))),
            pulumi.all(credentials.flatMap((entry) => entry.secretArns)),
          ])
          .apply(([gatewayArn, policyEngineArn, details, lambdaArns, apiRoutes, oauth2, apiKeys, secretArns]) =>
            JSON.stringify(
              gatewayRolePolicy({
                gatewayArn,
                policyEngineArn,
                lambdaArns,
                apiRoutes,
                oauth2ProviderArns: oauth2,
                apiKeyProviderArns: apiKeys,
                secretArns,
                workloadIdentityArn: Array.isArray(details) ? details[0]?.workloadIdentityArn : undefined,
              }),
            ),
          ),
      },
      parent,
    );

    this.gatewayArn = agentcoreGateway.gatewayArn;
    this.gatewayId = agentcoreGateway.gatewayId;
    this.gatewayUrl = agentcoreGateway.gatewayUrl;
    this.policyEngineId = engine.policyEngineId;
    this.policyEngineArn = engine.policyEngineArn;
    this.roleArn = role.arn;
    this.registerOutputs({
      gatewayArn: this.gatewayArn,
      gatewayId: this.gatewayId,
      gatewayUrl: this.gatewayUrl,
      policyEngineId: this.policyEngineId,
      policyEngineArn: this.policyEngineArn,
      roleArn: this.roleArn,
    });
  }

  /** A target's outbound credentials: the credential provider it names or the one made for it, and how the target uses it. */
  private credentialsOf(
    name: string,
    gateway: string,
    target: GatewayTarget,
    tags: Record<string, string>,
  ): TargetCredentialsOut {
    const credentials = target.credentials;
    const providerName = `${gateway}-${target.name}`;
    const resourceName = `${name}-${target.name}`;
    switch (credentials.kind) {
      case "gatewayRole":
        return {
          configuration: { gatewayIamRole: credentials.service ? { service: credentials.service } : {} },
          secretArns: [],
        };
      case "oauth2": {
        const provider = credentials.providerArn
          ? undefined
          : new aws.bedrock.AgentcoreOauth2CredentialProvider(
              `${resourceName}-oauth2`,
              {
                name: providerName,
                credentialProviderVendor: "CustomOauth2",
                oauth2ProviderConfig: {
                  customOauth2ProviderConfig: {
                    oauthDiscovery: { discoveryUrl: credentials.discoveryUrl },
                    clientId: credentials.clientId as pulumi.Input<string>,
                    // The client secret stays in the customer's Secrets Manager secret (EXTERNAL): no value in the program or the state.
                    clientSecretSource: "EXTERNAL",
                    clientSecretConfig: {
                      secretId: credentials.clientSecret!.secretArn as pulumi.Input<string>,
                      jsonKey: credentials.clientSecret!.jsonKey,
                    },
                  },
                },
                tags,
              },
              { parent: this },
            );
        const providerArn = provider
          ? provider.credentialProviderArn
          : pulumi.output(credentials.providerArn as pulumi.Input<string>);
        return {
          configuration: {
            oauth: { providerArn, scopes: [...credentials.scopes], grantType: "CLIENT_CREDENTIALS" },
          },
          oauth2ProviderArn: providerArn,
          secretArns: credentials.clientSecret ? [credentials.clientSecret.secretArn as pulumi.Input<string>] : [],
        };
      }
      case "apiKey": {
        const provider = credentials.providerArn
          ? undefined
          : new aws.bedrock.AgentcoreApiKeyCredentialProvider(
              `${resourceName}-api-key`,
              credentials.secret
                ? {
                    name: providerName,
                    apiKeySecretSource: "EXTERNAL",
                    apiKeySecretConfig: {
                      secretId: credentials.secret.secretArn as pulumi.Input<string>,
                      jsonKey: credentials.secret.jsonKey,
                    },
                    tags,
                  }
                : {
                    name: providerName,
                    // Write-only: sent to AWS once, never kept in the state or shown in a plan.
                    apiKeyWo: pulumi.secret(credentials.writeOnly!.value as pulumi.Input<string>),
                    apiKeyWoVersion: credentials.writeOnly!.version,
                    tags,
                  },
              { parent: this },
            );
        const providerArn = provider
          ? provider.credentialProviderArn
          : pulumi.output(credentials.providerArn as pulumi.Input<string>);
        const managedSecrets = provider && !credentials.secret ? provider.apiKeySecretArns : undefined;
        return {
          configuration: {
            apiKey: {
              providerArn,
              ...(credentials.location ? { credentialLocation: credentials.location } : {}),
              ...(credentials.parameterName ? { credentialParameterName: credentials.parameterName } : {}),
              ...(credentials.prefix ? { credentialPrefix: credentials.prefix } : {}),
            },
          },
          apiKeyProviderArn: providerArn,
          secretArns: credentials.secret
            ? [credentials.secret.secretArn as pulumi.Input<string>]
            : managedSecrets
              ? [
                  managedSecrets.apply(
                    (arns) =>
                      (Array.isArray(arns) ? arns : []).map((entry) => entry?.secretArn).find((arn) => !!arn) ?? "",
                  ),
                ]
              : [],
        };
      }
    }
  }
}
