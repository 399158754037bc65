import type { AwsStatement } from "../actions";
import type { AwsPolicyDocument } from "../policy-packing";
import { AGENTCORE_LIMITS } from "../../../model/cloud-limits";
import type { GatewayArgs, GatewayTarget } from "../../../model/gateway";
import type { ToolSpec } from "../../../model/tool-spec";

/**
 * An AgentCore gateway's inputs from `AgentGateway`'s validated arguments: the inbound `CUSTOM_JWT`
 * authorizer, the policy engine's attachment, each target's configuration (a Lambda target carries
 * the catalog's tools as its inline schema), and the gateway's execution role, which may do exactly
 * what the gateway needs: evaluate its policy engine's policies, invoke its Lambda and API Gateway
 * tools, and fetch the outbound credentials of its own credential providers. Sources:
 * - `policyEngineConfiguration.mode` `ENFORCE` | `LOG_ONLY` and `authorizerType` `CUSTOM_JWT`
 *   (`aws.bedrock.AgentcoreGateway`, `@pulumi/aws` 7.48);
 * - the execution role's policy-engine actions `bedrock-agentcore:AuthorizeAction`,
 *   `PartiallyAuthorizeActions` and `GetPolicyEngine`, and its trust in `bedrock-agentcore.amazonaws.com`
 *   (devguide, "AgentCore Gateway and Policy in AgentCore IAM Permissions");
 * - `lambda:InvokeFunction` on the function and its qualifiers (devguide, "Adding Lambda targets");
 * - credential providers' token actions scoped to the workload identity and the providers, not `*`
 *   (devguide, "Scope down access to credential providers by workload identity").
 */

/** The service principal AgentCore gateways assume their execution role as. */
export const AGENTCORE_SERVICE_PRINCIPAL = "bedrock-agentcore.amazonaws.com";

/** The gateway's description, in the characters AgentCore accepts (letters, digits, `_`, `-`, spaces; at most 200). */
export function gatewayDescription(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_ -]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, AGENTCORE_LIMITS.gatewayDescriptionCharacters);
}

/** The policy engine's name (`^[A-Za-z][A-Za-z0-9_]*$`, at most 48): the gateway's name with `_`. */
export function policyEngineName(gateway: string): string {
  return `${gateway.replace(/[^A-Za-z0-9]+/g, "_")}_policies`
    .replace(/^[^A-Za-z]+/, "")
    .slice(0, AGENTCORE_LIMITS.policyNameCharacters);
}

/** The inbound authorizer: JWTs of the agents' issuer, with its audiences (and clients) pinned. */
export function gatewayAuthorizer(args: Pick<GatewayArgs, "issuer">): {
  authorizerType: "CUSTOM_JWT";
  authorizerConfiguration: {
    customJwtAuthorizer: { discoveryUrl: string; allowedAudiences: string[]; allowedClients?: string[] };
  };
} {
  return {
    authorizerType: "CUSTOM_JWT",
    authorizerConfiguration: {
      customJwtAuthorizer: {
        // The discovery document of an OIDC issuer is at ISSUER/.well-known/openid-configuration (OpenID Connect Discovery 1.0, section 4).
        discoveryUrl: `${args.issuer.url}/.well-known/openid-configuration`,
        allowedAudiences: [...args.issuer.audiences],
        ...(args.issuer.clients ? { allowedClients: [...args.issuer.clients] } : {}),
      },
    },
  };
}

/** A tool's input schema as a Lambda target's inline payload declares it. */
function lambdaInputSchema(tool: ToolSpec) {
  const inputs = Object.entries(tool.inputs ?? {});
  return {
    type: "object",
    ...(inputs.length > 0
      ? {
          properties: inputs.map(([name, input]) => ({
            name,
            type: input.type,
            ...(input.description ? { description: input.description } : {}),
            ...(input.required ? { required: true } : {}),
          })),
        }
      : {}),
  };
}

/** The target's configuration (`targetConfiguration.mcp`), with the values only the program knows passed in. */
export function targetConfiguration<T>(
  target: GatewayTarget,
  inputs: { readonly lambdaArn?: T; readonly restApiId?: T },
): Record<string, unknown> {
  if (target.lambda)
    return {
      mcp: {
        lambda: {
          lambdaArn: inputs.lambdaArn,
          toolSchema: {
            inlinePayloads: target.tools.map((tool) => ({
              name: tool.name,
              description: tool.description,
              inputSchema: lambdaInputSchema(tool),
            })),
          },
        },
      },
    };
  if (target.mcpServer) return { mcp: { mcpServer: { endpoint: target.mcpServer.endpoint } } };
  if (target.openApi)
    return {
      mcp: {
        openApiSchema: target.openApi.inlineSchema
          ? { inlinePayload: { payload: target.openApi.inlineSchema } }
          : { s3: { uri: target.openApi.s3Uri } },
      },
    };
  return {
    mcp: {
      apiGateway: {
        restApiId: inputs.restApiId,
        stage: target.apiGateway!.stage,
        apiGatewayToolConfiguration: {
          toolOverrides: target.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            method: tool.route!.method,
            path: tool.route!.path,
          })),
        },
      },
    },
  };
}

/** The operations an OpenAPI document names (`operationId`), when it is JSON; undefined when it cannot be read here. */
export function openApiOperations(document: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  const paths = (parsed as { paths?: unknown }).paths;
  if (typeof paths !== "object" || paths === null) return [];
  const operations: string[] = [];
  for (const item of Object.values(paths as Record<string, unknown>))
    if (typeof item === "object" && item !== null)
      for (const operation of Object.values(item as Record<string, unknown>)) {
        const id = (operation as { operationId?: unknown } | null)?.operationId;
        if (typeof id === "string") operations.push(id);
      }
  return operations;
}

/** Tools of inline OpenAPI targets that their document does not define: the catalog would promise a tool the gateway has not. */
export function catalogProblems(args: GatewayArgs): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  args.targets.forEach((target, targetIndex) => {
    const inline = target.openApi?.inlineSchema;
    const operations = inline === undefined ? undefined : openApiOperations(inline);
    if (!operations) return;
    target.tools.forEach((tool, toolIndex) => {
      if (!operations.includes(tool.name))
        problems.push({
          path: `targets[${targetIndex}].tools[${toolIndex}].name`,
          message: `the OpenAPI document has no operation "${tool.name}" (its operationIds: ${operations.join(", ") || "none"})`,
        });
    });
  });
  return problems;
}

/** The gateway execution role's trust: the AgentCore service, for this account only (confused-deputy protection). */
export function gatewayRoleTrust(accountId: string | undefined) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AgentCoreGatewayAssumesThisRole",
        Effect: "Allow",
        Principal: { Service: AGENTCORE_SERVICE_PRINCIPAL },
        Action: "sts:AssumeRole",
        ...(accountId && /^\d{12}$/.test(accountId)
          ? { Condition: { StringEquals: { "aws:SourceAccount": accountId } } }
          : {}),
      },
    ],
  };
}

/** What the execution role's policy is made of: ARNs the cloud returned for this gateway's resources. */
export interface GatewayRoleResources {
  readonly gatewayArn?: string;
  readonly policyEngineArn?: string;
  readonly lambdaArns: readonly string[];
  /** `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH` of each API Gateway tool the role signs for. */
  readonly apiRoutes: readonly string[];
  readonly oauth2ProviderArns: readonly string[];
  readonly apiKeyProviderArns: readonly string[];
  readonly secretArns: readonly string[];
  /** The gateway's own workload identity (its `workloadIdentityDetails`), which fetches outbound tokens. */
  readonly workloadIdentityArn?: string;
}

const known = (values: readonly (string | undefined)[]): string[] => [
  ...new Set(values.filter((value): value is string => typeof value === "string" && value.startsWith("arn:"))),
];

/** `…:token-vault/default/oauth2credentialprovider/NAME` → `…:token-vault/default`. */
function tokenVaultOf(providerArn: string): string | undefined {
  return /^(.*:token-vault\/[^/]+)\//.exec(providerArn)?.[1];
}

/** `…:workload-identity-directory/default/workload-identity/NAME` → `…:workload-identity-directory/default`. */
function directoryOf(workloadIdentityArn: string): string | undefined {
  return /^(.*:workload-identity-directory\/[^/]+)\//.exec(workloadIdentityArn)?.[1];
}

/** The execution role's policy: only statements whose resources are known, each on exactly those. */
export function gatewayRolePolicy(resources: GatewayRoleResources): AwsPolicyDocument {
  const statements: AwsStatement[] = [];
  const add = (Sid: string, Action: string[], Resource: readonly (string | undefined)[]) => {
    const arns = known(Resource);
    if (arns.length > 0) statements.push({ Sid, Effect: "Allow", Action, Resource: arns });
  };
  add(
    "EvaluateToolPolicies",
    [
      "bedrock-agentcore:AuthorizeAction",
      "bedrock-agentcore:PartiallyAuthorizeActions",
      "bedrock-agentcore:GetPolicyEngine",
    ],
    [resources.policyEngineArn, resources.gatewayArn],
  );
  add(
    "InvokeLambdaTools",
    ["lambda:InvokeFunction"],
    known(resources.lambdaArns).flatMap((arn) => [arn, `${arn}:*`]),
  );
  add("InvokeApiGatewayTools", ["execute-api:Invoke"], resources.apiRoutes);
  const providers = [...resources.oauth2ProviderArns, ...resources.apiKeyProviderArns];
  if (providers.length > 0 && resources.workloadIdentityArn) {
    const identity = [resources.workloadIdentityArn, directoryOf(resources.workloadIdentityArn)];
    add("GatewayWorkloadToken", ["bedrock-agentcore:GetWorkloadAccessToken"], identity);
    const vaults = known(providers).map(tokenVaultOf);
    add(
      "OutboundOAuth2Tokens",
      ["bedrock-agentcore:GetResourceOauth2Token"],
      [...resources.oauth2ProviderArns, ...(resources.oauth2ProviderArns.length > 0 ? [...vaults, ...identity] : [])],
    );
    add(
      "OutboundApiKeys",
      ["bedrock-agentcore:GetResourceApiKey"],
      [...resources.apiKeyProviderArns, ...(resources.apiKeyProviderArns.length > 0 ? [...vaults, ...identity] : [])],
    );
  }
  add("ProviderSecrets", ["secretsmanager:GetSecretValue"], resources.secretArns);
  return { Version: "2012-10-17", Statement: statements };
}

/** The execute-api ARN of an API Gateway tool's route (API Gateway developer guide, "execute-api resource format"). */
export function apiRouteArn(
  region: string,
  account: string,
  restApiId: string,
  stage: string,
  method: string,
  path: string,
): string {
  return `arn:aws:execute-api:${region}:${account}:${restApiId}/${stage}/${method}${path}`;
}
