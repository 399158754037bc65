import { describe, expect, it } from "vitest";
import {
  AgentGateway,
  AgentIdentity,
  AgentSpecError,
  GatewaySpecError,
  githubActions,
  type AgentIdentityArgs,
} from "../../components";
import { AGENTCORE_TYPES } from "../../src/model/contract";
import { NOT_YET_IN_PROVIDER } from "../../src/model/tools";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";
import { MOCK_CLOUD } from "../../src/gate/program/realistic-outputs";
import { decide } from "../support/iam-simulator";
import { GITHUB, JIRA_SECRET, PAYMENTS_FUNCTION, SLACK_SECRET, TARGETS, gatewayArgs } from "../support/gateways";

/**
 * `AgentGateway` and an agent's `tools` under Pulumi's mocks: every AgentCore resource they register,
 * with its inputs as AWS would receive them, and the gateway role's least privilege judged by the
 * independent IAM evaluator (@cloud-copilot/iam-simulate).
 */

const EXPIRES = "2099-01-01";
const of = (resources: RecordedResource[], type: string) => resources.filter((resource) => resource.type === type);
const one = (resources: RecordedResource[], type: string) => {
  const found = of(resources, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

function agentArgs(gateway: AgentGateway, extra: Partial<AgentIdentityArgs> = {}): AgentIdentityArgs {
  return {
    owner: "sam.chen@acme.example",
    purpose: "Issues approved customer refunds and files follow-up tickets",
    environment: "prod",
    expires: EXPIRES,
    runsOn: githubActions({ repository: "acme/support-bots" }),
    approval: "SEC-2041",
    tools: {
      gateway,
      allow: [
        { target: "payments", tool: "refund", when: { amount: { atMost: 500 }, currency: { oneOf: ["EUR", "USD"] } } },
        { target: "jira", tool: "create_issue", when: { project: { equals: "OPS" } } },
      ],
    },
    ...extra,
  };
}

describe("AgentGateway under mocks", () => {
  it("registers the gateway, its policy engine in ENFORCE mode, a CUSTOM_JWT authorizer pinned to the issuer's audience, and its execution role", async () => {
    const resources = await recordResources(() => new AgentGateway("tools", gatewayArgs()), { stack: "prod" });
    const gateway = one(resources, AGENTCORE_TYPES.gateway);
    const engine = one(resources, AGENTCORE_TYPES.policyEngine);
    const role = one(resources, "aws:iam/role:Role");
    expect(gateway.inputs).toMatchObject({
      name: "tools-prod",
      protocolType: "MCP",
      authorizerType: "CUSTOM_JWT",
      authorizerConfiguration: {
        customJwtAuthorizer: {
          discoveryUrl: `${GITHUB}/.well-known/openid-configuration`,
          allowedAudiences: ["https://tools.acme.example"],
        },
      },
      policyEngineConfiguration: { arn: engine.state.policyEngineArn, mode: "ENFORCE" },
      roleArn: role.state.arn,
    });
    expect(gateway.inputs.authorizerType).not.toBe("NONE");
    expect(engine.inputs.name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,47}$/);
    expect(String(gateway.inputs.description)).toMatch(/^[A-Za-z0-9_ -]{1,200}$/);
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    expect(trust.Statement).toEqual([
      {
        Sid: "AgentCoreGatewayAssumesThisRole",
        Effect: "Allow",
        Principal: { Service: "bedrock-agentcore.amazonaws.com" },
        Action: "sts:AssumeRole",
        // Confused-deputy protection: this account's gateways only (aws:SourceAccount, aws:SourceArn).
        Condition: {
          StringEquals: { "aws:SourceAccount": MOCK_CLOUD.awsAccountId },
          ArnLike: { "aws:SourceArn": `arn:aws:bedrock-agentcore:*:${MOCK_CLOUD.awsAccountId}:gateway/*` },
        },
      },
    ]);
    for (const resource of [gateway, engine, role])
      expect(resource.inputs.tags).toMatchObject({
        "agent-iam:gateway": "tools-prod",
        owner: "platform-lead@acme.example",
        environment: "prod",
      });
  });

  it("registers one target per kind with its tool list and its outbound credentials, none a literal", async () => {
    const resources = await recordResources(() => new AgentGateway("tools", gatewayArgs()), { stack: "prod" });
    const gateway = one(resources, AGENTCORE_TYPES.gateway);
    const targets: Record<string, RecordedResource> = Object.fromEntries(
      of(resources, AGENTCORE_TYPES.target).map((target) => [String(target.inputs.name), target]),
    );
    expect(Object.keys(targets).sort()).toEqual(["access", "jira", "payments", "slack"]);
    for (const target of Object.values(targets)) expect(target.inputs.gatewayIdentifier).toBe(gateway.state.gatewayId);

    const lambda = (targets.payments!.inputs.targetConfiguration as { mcp: { lambda: Record<string, unknown> } }).mcp
      .lambda;
    expect(lambda.lambdaArn).toBe(PAYMENTS_FUNCTION);
    expect(lambda.toolSchema).toEqual({
      inlinePayloads: [
        {
          name: "refund",
          description: "Refunds an order",
          inputSchema: {
            type: "object",
            properties: [
              { name: "order_id", type: "string", required: true },
              { name: "amount", type: "number", required: true },
              { name: "currency", type: "string", required: true },
            ],
          },
        },
        {
          name: "get_order",
          description: "Reads an order",
          inputSchema: { type: "object", properties: [{ name: "order_id", type: "string", required: true }] },
        },
      ],
    });
    expect(targets.payments!.inputs.credentialProviderConfiguration).toEqual({ gatewayIamRole: {} });

    const oauth2 = one(resources, AGENTCORE_TYPES.oauth2Provider);
    expect(oauth2.inputs).toMatchObject({
      name: "tools-prod-jira",
      credentialProviderVendor: "CustomOauth2",
      oauth2ProviderConfig: {
        customOauth2ProviderConfig: {
          oauthDiscovery: { discoveryUrl: "https://auth.atlassian.example/.well-known/openid-configuration" },
          clientId: "agents-gateway",
          clientSecretSource: "EXTERNAL",
          clientSecretConfig: { secretId: JIRA_SECRET, jsonKey: "client_secret" },
        },
      },
    });
    expect(JSON.stringify(oauth2.inputs)).not.toMatch(/"clientSecret"\s*:/);
    expect(targets.jira!.inputs.targetConfiguration).toEqual({
      mcp: { mcpServer: { endpoint: "https://mcp.atlassian.example/v1/mcp" } },
    });
    expect(targets.jira!.inputs.credentialProviderConfiguration).toEqual({
      oauth: {
        providerArn: oauth2.state.credentialProviderArn,
        scopes: ["write:jira-work"],
        grantType: "CLIENT_CREDENTIALS",
      },
    });

    const apiKey = one(resources, AGENTCORE_TYPES.apiKeyProvider);
    expect(apiKey.inputs).toMatchObject({
      apiKeySecretSource: "EXTERNAL",
      apiKeySecretConfig: { secretId: SLACK_SECRET, jsonKey: "token" },
    });
    expect(apiKey.inputs.apiKey).toBeUndefined();
    expect(apiKey.inputs.apiKeyWo).toBeUndefined();
    expect(targets.slack!.inputs.credentialProviderConfiguration).toEqual({
      apiKey: {
        providerArn: apiKey.state.credentialProviderArn,
        credentialParameterName: "Authorization",
        credentialPrefix: "Bearer",
      },
    });
    expect(
      (targets.slack!.inputs.targetConfiguration as { mcp: { openApiSchema: unknown } }).mcp.openApiSchema,
    ).toEqual({ inlinePayload: { payload: TARGETS[2]!.openApi!.inlineSchema } });

    expect(targets.access!.inputs.targetConfiguration).toEqual({
      mcp: {
        apiGateway: {
          restApiId: "a1b2c3d4e5",
          stage: "prod",
          apiGatewayToolConfiguration: {
            toolOverrides: [
              {
                name: "grant_access",
                description: "Grants a user a role in the HR system",
                method: "POST",
                path: "/grants",
              },
            ],
          },
        },
      },
    });
  });

  it("a write-only API key is sent as apiKeyWo (a secret, with its version), never as apiKey", async () => {
    const resources = await recordResources(
      () =>
        new AgentGateway(
          "tools",
          gatewayArgs({
            targets: [
              {
                ...TARGETS[2]!,
                credentials: { apiKey: { writeOnly: { value: "xoxb-not-a-real-token", version: 3 } } },
              },
            ],
          }),
        ),
      { stack: "prod" },
    );
    const apiKey = one(resources, AGENTCORE_TYPES.apiKeyProvider);
    expect(apiKey.inputs.apiKey).toBeUndefined();
    expect(apiKey.inputs.apiKeyWoVersion).toBe(3);
    expect(apiKey.inputs.apiKeySecretSource).toBeUndefined();
  });

  it("the gateway's role may evaluate its own engine, invoke its own tools and read its own credentials: nothing else (IAM simulator)", async () => {
    const resources = await recordResources(() => new AgentGateway("tools", gatewayArgs()), { stack: "prod" });
    const policies = of(resources, "aws:iam/rolePolicy:RolePolicy").map((policy) =>
      JSON.parse(String(policy.inputs.policy)),
    );
    const gateway = one(resources, AGENTCORE_TYPES.gateway);
    const engine = one(resources, AGENTCORE_TYPES.policyEngine);
    const oauth2 = one(resources, AGENTCORE_TYPES.oauth2Provider);
    const apiKey = one(resources, AGENTCORE_TYPES.apiKeyProvider);
    const region = MOCK_CLOUD.awsRegion;
    const other = `arn:aws:bedrock-agentcore:${region}:${MOCK_CLOUD.awsAccountId}`;
    const workload = (gateway.state.workloadIdentityDetails as { workloadIdentityArn: string }[])[0]!
      .workloadIdentityArn;
    const principal = `arn:aws:iam::${MOCK_CLOUD.awsAccountId}:role/agent-gateways/agent-gateway-tools-prod`;
    const cases: [string, string, "Allowed" | "ImplicitlyDenied"][] = [
      ["bedrock-agentcore:AuthorizeAction", String(engine.state.policyEngineArn), "Allowed"],
      ["bedrock-agentcore:AuthorizeAction", String(gateway.state.gatewayArn), "Allowed"],
      ["bedrock-agentcore:AuthorizeAction", `${other}:policy-engine/someone-elses-engine`, "ImplicitlyDenied"],
      ["bedrock-agentcore:GetPolicyEngine", String(engine.state.policyEngineArn), "Allowed"],
      ["bedrock-agentcore:DeletePolicyEngine", String(engine.state.policyEngineArn), "ImplicitlyDenied"],
      ["lambda:InvokeFunction", PAYMENTS_FUNCTION, "Allowed"],
      ["lambda:InvokeFunction", `${PAYMENTS_FUNCTION}:live`, "Allowed"],
      [
        "lambda:InvokeFunction",
        `arn:aws:lambda:${region}:${MOCK_CLOUD.awsAccountId}:function:payroll`,
        "ImplicitlyDenied",
      ],
      ["lambda:UpdateFunctionCode", PAYMENTS_FUNCTION, "ImplicitlyDenied"],
      [
        "execute-api:Invoke",
        `arn:aws:execute-api:${region}:${MOCK_CLOUD.awsAccountId}:a1b2c3d4e5/prod/POST/grants`,
        "Allowed",
      ],
      [
        "execute-api:Invoke",
        `arn:aws:execute-api:${region}:${MOCK_CLOUD.awsAccountId}:a1b2c3d4e5/prod/DELETE/grants`,
        "ImplicitlyDenied",
      ],
      ["bedrock-agentcore:GetResourceOauth2Token", String(oauth2.state.credentialProviderArn), "Allowed"],
      [
        "bedrock-agentcore:GetResourceOauth2Token",
        `${other}:token-vault/default/oauth2credentialprovider/github`,
        "ImplicitlyDenied",
      ],
      ["bedrock-agentcore:GetResourceApiKey", String(apiKey.state.credentialProviderArn), "Allowed"],
      [
        "bedrock-agentcore:GetResourceApiKey",
        `${other}:token-vault/default/apikeycredentialprovider/other`,
        "ImplicitlyDenied",
      ],
      ["bedrock-agentcore:GetWorkloadAccessToken", workload, "Allowed"],
      [
        "bedrock-agentcore:GetWorkloadAccessToken",
        `${other}:workload-identity-directory/default/workload-identity/other`,
        "ImplicitlyDenied",
      ],
      ["secretsmanager:GetSecretValue", JIRA_SECRET, "Allowed"],
      ["secretsmanager:GetSecretValue", SLACK_SECRET, "Allowed"],
      [
        "secretsmanager:GetSecretValue",
        `arn:aws:secretsmanager:${region}:${MOCK_CLOUD.awsAccountId}:secret:prod/db-AbCdEf`,
        "ImplicitlyDenied",
      ],
      ["secretsmanager:PutSecretValue", JIRA_SECRET, "ImplicitlyDenied"],
      ["iam:PassRole", principal, "ImplicitlyDenied"],
    ];
    const decided = await Promise.all(
      cases.map(async ([action, resource]) => [
        action,
        resource,
        await decide({ policies, action, resource, principal }),
      ]),
    );
    expect(decided).toEqual(cases);
  });

  it("refuses, with every problem and its field path: authorizer audiences missing, LOG_ONLY in prod, a literal API key, a Lambda target on an API key, rate limits", () => {
    let error: unknown;
    try {
      new AgentGateway(
        "tools",
        gatewayArgs({
          issuer: { url: GITHUB, audiences: [] },
          enforcement: "LOG_ONLY",
          rateLimit: { calls: 10, per: "minute" },
          targets: [
            { ...TARGETS[0]!, credentials: { apiKey: { secret: { secretArn: SLACK_SECRET, jsonKey: "k" } } } },
            { ...TARGETS[2]!, credentials: { apiKey: { value: "xoxb-1234" } as never } },
          ],
        }),
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewaySpecError);
    const problems = (error as GatewaySpecError).problems;
    expect(problems.map((problem) => problem.path).sort()).toEqual(
      ["issuer.audiences", "targets[0].credentials", "targets[1].credentials.apiKey.value"].sort(),
    );
    expect((error as Error).message).toMatch(/pin at least one audience/);
    expect((error as Error).message).toMatch(/never a literal/);
    let second: unknown;
    try {
      new AgentGateway("tools", gatewayArgs({ enforcement: "LOG_ONLY", rateLimit: { calls: 10, per: "minute" } }));
    } catch (caught) {
      second = caught;
    }
    expect((second as GatewaySpecError).problems).toEqual([
      { path: "enforcement", message: expect.stringMatching(/not in the prod environment; use ENFORCE/) },
      { path: "rateLimit", message: NOT_YET_IN_PROVIDER.rateLimit },
    ]);
  });

  it("LOG_ONLY is accepted outside production, when written", async () => {
    const resources = await recordResources(
      () => new AgentGateway("tools", gatewayArgs({ environment: "dev", enforcement: "LOG_ONLY" })),
      { stack: "dev" },
    );
    expect(one(resources, AGENTCORE_TYPES.gateway).inputs.policyEngineConfiguration).toMatchObject({
      mode: "LOG_ONLY",
    });
  });

  it("an OpenAPI tool that the document does not define is refused", () => {
    expect(
      () =>
        new AgentGateway(
          "tools",
          gatewayArgs({
            targets: [{ ...TARGETS[2]!, tools: [...TARGETS[2]!.tools, { name: "delete_channel", description: "x" }] }],
          }),
        ),
    ).toThrow(/targets\[0\]\.tools\[2\]\.name: the OpenAPI document has no operation "delete_channel"/);
  });
});

describe("an agent's tools become AgentCore policies in the gateway's engine", () => {
  it("one permit per tool, a forbid that stops it at its review date, each named for the agent, validated strictly, after the gateway", async () => {
    const resources = await recordResources(
      () => {
        const gateway = new AgentGateway("tools", gatewayArgs());
        new AgentIdentity("support-refunds", agentArgs(gateway));
      },
      { stack: "prod" },
    );
    const engine = one(resources, AGENTCORE_TYPES.policyEngine);
    const gateway = one(resources, AGENTCORE_TYPES.gateway);
    const policies = of(resources, AGENTCORE_TYPES.policy);
    expect(policies.map((policy) => policy.name)).toEqual([
      "support-refunds-tools-calls-payments-refund-0",
      "support-refunds-tools-calls-jira-create-issue-1",
      "support-refunds-tools-stop",
    ]);
    const component = one(resources, "agent-iam:aws:AgentToolPolicies");
    // AgentCore validates a policy against the schema of the gateway's tools: it waits for every target.
    const targets = of(resources, AGENTCORE_TYPES.target).map((target) => target.urn);
    for (const policy of policies) {
      expect(policy.parent).toBe(component.urn);
      expect(policy.inputs.policyEngineId).toBe(engine.state.policyEngineId);
      expect(policy.inputs.validationMode).toBe("FAIL_ON_ANY_FINDINGS");
      expect(policy.inputs.name).toMatch(/^support_refunds__[A-Za-z0-9_]*_[0-9a-f]{6}$/);
      expect(String(policy.inputs.name).length).toBeLessThanOrEqual(48);
      expect(policy.inputs.description).toMatch(
        /^agent-iam: agent support-refunds \(owner sam\.chen@acme\.example, prod\) /,
      );
      expect(policy.dependencies).toEqual(expect.arrayContaining([gateway.urn, ...targets]));
    }
    const statement = (index: number) =>
      (policies[index]!.inputs.definition as { cedar: { statement: string } }).cedar.statement;
    const arn = String(gateway.state.gatewayArn);
    expect(statement(0)).toBe(
      `permit (\n  principal == AgentCore::OAuthUser::"repo:acme/support-bots:environment:prod",\n  action == AgentCore::Action::"payments___refund",\n  resource == AgentCore::Gateway::"${arn}"\n)\nwhen { context.input.amount.lessThanOrEqual(decimal("500.0")) && ["EUR", "USD"].contains(context.input.currency) };`,
    );
    expect(statement(1)).toContain('context.input.project == "OPS"');
    expect(statement(2)).toBe(
      `forbid (\n  principal == AgentCore::OAuthUser::"repo:acme/support-bots:environment:prod",\n  action,\n  resource is AgentCore::Gateway\n)\nwhen { context.system.now >= datetime("${EXPIRES}T00:00:00Z") };`,
    );
    expect(policies[0]!.inputs.description).toContain(
      'may call payments refund when amount is at most 500 and currency is one of "EUR", "USD" (high-risk',
    );
  });

  it("an agent without approval gets a forbid on every high-risk tool of the catalog; a disabled agent only its unconditional forbid", async () => {
    const resources = await recordResources(
      () => {
        const gateway = new AgentGateway("tools", gatewayArgs());
        new AgentIdentity(
          "pr-reviewer",
          agentArgs(gateway, {
            approval: undefined,
            purpose: "Reviews pull requests and files tickets for findings",
            runsOn: githubActions({ repository: "acme/api" }),
            tools: { gateway, allow: [{ target: "jira", tool: "create_issue" }] },
          }),
        );
        new AgentIdentity(
          "killed",
          agentArgs(gateway, { disabled: true, runsOn: githubActions({ repository: "acme/old-bot" }) }),
        );
      },
      { stack: "prod" },
    );
    const statements = Object.fromEntries(
      of(resources, AGENTCORE_TYPES.policy).map((policy) => [
        policy.name,
        (policy.inputs.definition as { cedar: { statement: string } }).cedar.statement,
      ]),
    );
    expect(Object.keys(statements).sort()).toEqual([
      "killed-tools-stop",
      "pr-reviewer-tools-calls-jira-create-issue-0",
      "pr-reviewer-tools-stop",
      "pr-reviewer-tools-unapproved",
    ]);
    expect(statements["pr-reviewer-tools-unapproved"]).toMatch(
      /^forbid \(\n {2}principal == AgentCore::OAuthUser::"repo:acme\/api:environment:prod",\n {2}action in \[AgentCore::Action::"payments___refund", AgentCore::Action::"jira___delete_issue", AgentCore::Action::"slack___export_channel", AgentCore::Action::"access___grant_access"\],/,
    );
    expect(statements["killed-tools-stop"]).toBe(
      'forbid (\n  principal == AgentCore::OAuthUser::"repo:acme/old-bot:environment:prod",\n  action,\n  resource is AgentCore::Gateway\n);',
    );
  });

  it("two agents with one JWT subject on a gateway: the second is refused before anything of it is registered", async () => {
    let refused: unknown;
    const resources = await recordResources(
      () => {
        const gateway = new AgentGateway("tools", gatewayArgs());
        new AgentIdentity("first", agentArgs(gateway));
        try {
          new AgentIdentity("second", agentArgs(gateway));
        } catch (error) {
          refused = error;
        }
      },
      { stack: "prod" },
    );
    expect(refused).toBeInstanceOf(AgentSpecError);
    expect((refused as AgentSpecError).problems).toEqual([
      { path: "tools.gateway", message: expect.stringMatching(/agent "first" has the same JWT subject/) },
    ]);
    expect(resources.some((resource) => resource.name.startsWith("second"))).toBe(false);
  });

  it("in a preview, the statements wait for the gateway's ARN; nothing else is invented", async () => {
    const resources = await recordResources(
      () => {
        const gateway = new AgentGateway("tools", gatewayArgs());
        new AgentIdentity("support-refunds", agentArgs(gateway));
      },
      { stack: "prod", preview: true },
    );
    for (const policy of of(resources, AGENTCORE_TYPES.policy))
      expect((policy.inputs.definition as { cedar: { statement: unknown } }).cedar.statement).toBe(
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      );
  });
});
