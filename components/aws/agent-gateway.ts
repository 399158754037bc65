import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, FORMER_COMPONENT_TYPES } from "../../src/model/contract";
import type { AgentGatewayArgs, AgentGatewayLike, ToolCatalog } from "../../src/model/tool-spec";
import { withFormerType } from "../shared-resources";
import { agentGatewayInputs, declareAgentGateway, prepareAgentGateway } from "./agent-gateway-resources";

export type { AgentGatewayArgs } from "../../src/model/tool-spec";

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
    const prepared = prepareAgentGateway(name, args);
    super(
      COMPONENT_TYPES.AgentGateway,
      name,
      agentGatewayInputs(prepared),
      withFormerType(opts, FORMER_COMPONENT_TYPES.AgentGateway),
    );
    this.catalog = prepared.catalog;
    const parts = declareAgentGateway(this, name, prepared);
    this.gatewayArn = parts.gatewayArn;
    this.gatewayId = parts.gatewayId;
    this.gatewayUrl = parts.gatewayUrl;
    this.policyEngineId = parts.policyEngineId;
    this.policyEngineArn = parts.policyEngineArn;
    this.roleArn = parts.roleArn;
    this.registerOutputs({ ...parts });
  }
}
