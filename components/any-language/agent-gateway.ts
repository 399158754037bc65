import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../../src/model/contract";
import type { AgentGatewayReference, SerialisableAgentGatewayArgs } from "../../src/model/serialisable-tools";
import { agentGatewayInputs, declareAgentGateway, prepareAgentGateway } from "../aws/agent-gateway-resources";

/** Arguments of {@link AgentGateway} as other Pulumi languages write them. */
export type AgentGatewayArgs = SerialisableAgentGatewayArgs;

/**
 * One environment's tool gateway, for programs in every Pulumi language: an Amazon Bedrock AgentCore
 * gateway (MCP) that accepts only JWTs of the agents' issuer with the audiences pinned, with a policy
 * engine that evaluates the agents' Cedar policies on every tool call (`ENFORCE`), its targets and
 * their tool catalog, outbound credentials that are never literals, and an execution role that may
 * do only what the gateway needs. Pass its `reference` as `tools.gateway` of each `AgentIdentity`.
 * The arguments are validated before anything is registered: invalid ones fail with every problem
 * and its field path.
 */
export class AgentGateway extends pulumi.ComponentResource {
  /** The AgentCore gateway's ARN (every agent policy names it). */
  readonly gatewayArn: pulumi.Output<string>;
  /** The AgentCore gateway's id. */
  readonly gatewayId: pulumi.Output<string>;
  /** The MCP endpoint the agents call. */
  readonly gatewayUrl: pulumi.Output<string>;
  /** The id of the policy engine the agents' policies go to. */
  readonly policyEngineId: pulumi.Output<string>;
  /** The policy engine's ARN. */
  readonly policyEngineArn: pulumi.Output<string>;
  /** The gateway's execution role. */
  readonly roleArn: pulumi.Output<string>;
  /** What an agent passes as `tools.gateway`: the gateway's catalog, policy engine and ARN. */
  readonly reference: AgentGatewayReference;

  constructor(name: string, args: SerialisableAgentGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const prepared = prepareAgentGateway(name, args);
    super(COMPONENT_TYPES.AgentGateway, name, agentGatewayInputs(prepared), opts);
    const parts = declareAgentGateway(this, name, prepared);
    this.gatewayArn = parts.gatewayArn;
    this.gatewayId = parts.gatewayId;
    this.gatewayUrl = parts.gatewayUrl;
    this.policyEngineId = parts.policyEngineId;
    this.policyEngineArn = parts.policyEngineArn;
    this.roleArn = parts.roleArn;
    this.reference = {
      catalog: prepared.catalog as unknown as AgentGatewayReference["catalog"],
      policyEngineId: parts.policyEngineId,
      gatewayArn: parts.gatewayArn,
    };
    this.registerOutputs({ ...parts, reference: this.reference });
  }
}
