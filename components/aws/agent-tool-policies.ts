import * as pulumi from "@pulumi/pulumi";
import { aws } from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import type { Agent } from "../../src/model/agent";
import { AgentSpecError } from "../../src/model/agent-spec";
import type { AgentGatewayLike } from "../../src/model/tool-spec";
import { agentToolPolicies } from "../../src/clouds/aws/agentcore/cedar";
import { sharedResource } from "../shared-resources";

/** Arguments of {@link AgentToolPolicies}; `AgentIdentity` builds them from the spec's `tools`. */
export interface AgentToolPoliciesArgs {
  agent: Agent;
  gateway: AgentGatewayLike;
}

/**
 * Which agent holds each JWT subject on each gateway, for one program run: two agents with one
 * subject would be one principal to the gateway, each with the other's tools.
 */
function subjectsOnGateways(): Map<string, string> {
  return sharedResource("agent-iam-gateway-subjects", () => new Map<string, string>());
}

/** Throws an `AgentSpecError` when another agent of the program already holds this agent's subject on the gateway. */
export function claimGatewaySubject(agent: Agent, gateway: AgentGatewayLike): void {
  const key = `${gateway.catalog.gateway}\n${agent.trust.subject}`;
  const holder = subjectsOnGateways().get(key);
  if (holder !== undefined && holder !== agent.id)
    throw new AgentSpecError(agent.id, [
      {
        path: "tools.gateway",
        message: `agent "${holder}" has the same JWT subject "${agent.trust.subject}" on gateway "${gateway.catalog.gateway}": the gateway could not tell the two apart; give each agent its own subject (its own GitHub environment, service account or ref)`,
      },
    ]);
  subjectsOnGateways().set(key, agent.id);
}

function resourceSuffix(text: string): string {
  return text.replace(/[^A-Za-z0-9-]+/g, "-").toLowerCase();
}

/**
 * One agent's tool policies in its gateway's AgentCore policy engine: a Cedar `permit` for each tool
 * it may call (exactly its subject, exactly that tool, with its argument conditions), a `forbid`
 * that stops it (kill switch, or from its review date on), and, without an approval, a `forbid` on
 * the gateway's high-risk tools. Every policy is validated by AgentCore against the gateway's schema
 * (`FAIL_ON_ANY_FINDINGS`), so it waits for the gateway's targets.
 */
export class AgentToolPolicies extends pulumi.ComponentResource {
  /** The AgentCore policies' names, as the decision traces show them. */
  readonly policyNames: readonly string[];

  constructor(name: string, args: AgentToolPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.AwsAgentToolPolicies, name, {}, opts);
    const { agent, gateway } = args;
    // Planned once to name the resources; the statements name the gateway's ARN once it is known.
    const plans = agentToolPolicies(agent, gateway.catalog, "");
    const statements = pulumi
      .output(gateway.gatewayArn)
      // Under mocks that return no ARN, the policies name no gateway and so match no request.
      .apply((arn) => agentToolPolicies(agent, gateway.catalog, typeof arn === "string" ? arn : ""));
    const dependsOn = pulumi.Resource.isInstance(gateway) ? [gateway] : [];
    this.policyNames = plans.map((plan) => plan.name);
    plans.forEach((plan, index) => {
      const grant = plan.index !== undefined ? agent.tools[plan.index] : undefined;
      const suffix = grant
        ? `calls-${resourceSuffix(grant.target)}-${resourceSuffix(grant.tool)}-${plan.index}`
        : plan.purpose;
      new aws.bedrock.AgentcorePolicy(
        `${name}-${suffix}`,
        {
          name: plan.name,
          description: plan.description,
          policyEngineId: gateway.policyEngineId,
          // AgentCore refuses a policy with any validation finding against the gateway's schema.
          validationMode: "FAIL_ON_ANY_FINDINGS",
          definition: { cedar: { statement: statements.apply((all) => all[index]!.statement) } },
        },
        { parent: this, dependsOn },
      );
    });
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
