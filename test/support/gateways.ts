import type { AgentGatewayArgs, GatewayTargetSpec } from "../../components";

/**
 * A tool gateway as a platform team would declare one: a target of each kind AgentCore offers, each
 * with its outbound credentials, and tools of every argument type and every high-risk class.
 */

export const ACCOUNT = "123456789012";
export const GITHUB = "https://token.actions.githubusercontent.com";
export const PAYMENTS_FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments-tools`;
export const JIRA_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:agents/jira-client-AbCdEf`;
export const SLACK_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:agents/slack-key-AbCdEf`;

/** An OpenAPI document whose operations are the Slack target's tools. */
export const SLACK_OPENAPI = JSON.stringify({
  openapi: "3.0.0",
  info: { title: "chat", version: "1" },
  servers: [{ url: "https://slack.com/api" }],
  paths: {
    "/chat.postMessage": { post: { operationId: "post_message" } },
    "/conversations.export": { post: { operationId: "export_channel" } },
  },
});

export const TARGETS: readonly GatewayTargetSpec[] = [
  {
    name: "payments",
    description: "Refunds and order lookups",
    lambda: { functionArn: PAYMENTS_FUNCTION },
    tools: [
      {
        name: "refund",
        description: "Refunds an order",
        risk: "refund",
        inputs: {
          order_id: { type: "string", required: true },
          amount: { type: "number", required: true },
          currency: { type: "string", required: true },
        },
      },
      { name: "get_order", description: "Reads an order", inputs: { order_id: { type: "string", required: true } } },
    ],
    credentials: { gatewayRole: {} },
  },
  {
    name: "jira",
    mcpServer: { endpoint: "https://mcp.atlassian.example/v1/mcp" },
    tools: [
      {
        name: "create_issue",
        description: "Opens an issue",
        inputs: {
          project: { type: "string", required: true },
          summary: { type: "string", required: true },
          priority: { type: "integer" },
          urgent: { type: "boolean" },
        },
      },
      { name: "delete_issue", description: "Deletes an issue", risk: "delete", inputs: { issue: { type: "string" } } },
    ],
    credentials: {
      oauth2: {
        discoveryUrl: "https://auth.atlassian.example/.well-known/openid-configuration",
        clientId: "agents-gateway",
        clientSecret: { secretArn: JIRA_SECRET, jsonKey: "client_secret" },
        scopes: ["write:jira-work"],
      },
    },
  },
  {
    name: "slack",
    openApi: { inlineSchema: SLACK_OPENAPI },
    tools: [
      {
        name: "post_message",
        description: "Posts to a channel",
        inputs: { channel: { type: "string", required: true }, text: { type: "string", required: true } },
      },
      { name: "export_channel", description: "Exports a channel's history", risk: "export" },
    ],
    credentials: {
      apiKey: {
        secret: { secretArn: SLACK_SECRET, jsonKey: "token" },
        prefix: "Bearer",
        parameterName: "Authorization",
      },
    },
  },
  {
    name: "access",
    apiGateway: { restApiId: "a1b2c3d4e5", stage: "prod" },
    tools: [
      {
        name: "grant_access",
        description: "Grants a user a role in the HR system",
        risk: "permissions",
        route: { method: "POST", path: "/grants" },
        inputs: { user: { type: "string", required: true }, role: { type: "string", required: true } },
      },
    ],
    credentials: { gatewayRole: { service: "execute-api" } },
  },
];

export function gatewayArgs(overrides: Partial<AgentGatewayArgs> = {}): AgentGatewayArgs {
  return {
    owner: "platform-lead@acme.example",
    environment: "prod",
    issuer: { url: GITHUB, audiences: ["https://tools.acme.example"] },
    targets: TARGETS,
    ...overrides,
  };
}
