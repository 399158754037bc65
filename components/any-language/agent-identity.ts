import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../../src/model/contract";
import type { AgentSpec } from "../../src/model/agent-spec";
import type { SerialisableAgentSpec } from "../../src/model/serialisable-spec";
import { stopperFromReference } from "./budget-stopper-reference";
import { toolsFromSerialisable } from "./tool-access";
import {
  type AgentAwsIdentity,
  type AgentAzureIdentity,
  type AgentGcpIdentity,
  agentIdentityInputs,
  agentIdentityOutputs,
  declareAgentIdentity,
  prepareAgentIdentity,
} from "../agent-identity";

/** Arguments of {@link AgentIdentity} as other Pulumi languages write them. */
export type AgentIdentityArgs = SerialisableAgentSpec;

/** Another agent this one may act as, and the clouds the delegation is set up on. */
export interface DelegationRecord {
  agent: string;
  clouds: string[];
}

/**
 * One AI agent or bot as an identity, for programs in every Pulumi language: its own
 * least-privilege, per-environment workload identity on each cloud it names, federated through OIDC
 * (no static secret), with an owner, a purpose, a review date, short sessions, a kill switch
 * (`disabled: true`) and tags that make every action attributable. The spec is validated before
 * anything is registered: an invalid spec fails with every problem and its field path.
 */
export class AgentIdentity extends pulumi.ComponentResource {
  /** The agent's id: the name other agents' `delegatesTo` use. */
  readonly agentId: string;
  /** The role ARN, its name, the environment variables and the CI snippet, when the agent is on AWS. */
  readonly aws?: AgentAwsIdentity;
  /** The service-account email, the provider, the principal, the snippet and the labels, when on GCP. */
  readonly gcp?: AgentGcpIdentity;
  /** The managed identity's client, tenant and principal ids and the login snippet, when on Azure. */
  readonly azure?: AgentAzureIdentity;
  /**
   * The agent's inventory record as JSON text (its JSON Schema ships as
   * `dist/src/model/inventory/inventory.schema.json`): the record has nullable fields, for which Pulumi's
   * schema inference has no type, so it is served as text every language parses.
   */
  readonly inventoryRecordJson: pulumi.Output<string>;
  /** The agents this one may act as and the clouds each delegation is set up on. */
  readonly delegation: pulumi.Output<DelegationRecord[]>;

  constructor(name: string, args: SerialisableAgentSpec, opts?: pulumi.ComponentResourceOptions) {
    const stopper = args?.gcp?.budgetStopper;
    const spec = (typeof args !== "object" || args === null
      ? args
      : {
          ...args,
          ...(stopper === undefined
            ? {}
            : { gcp: { ...args.gcp, budgetStopper: stopperFromReference(name, stopper, () => this!) } }),
          ...(args?.tools === undefined ? {} : { tools: toolsFromSerialisable(name, args.tools) }),
        }) as unknown as AgentSpec;
    const prepared = prepareAgentIdentity(name, spec);
    super(COMPONENT_TYPES.AgentIdentity, name, agentIdentityInputs(prepared), opts);
    this.agentId = prepared.agent.id;
    const parts = declareAgentIdentity(this, name, spec, prepared);
    this.aws = parts.aws;
    this.gcp = parts.gcp;
    this.azure = parts.azure;
    this.inventoryRecordJson = parts.inventoryRecord.apply((record) => JSON.stringify(record));
    this.delegation = parts.delegation as pulumi.Output<unknown> as pulumi.Output<DelegationRecord[]>;
    this.registerOutputs({
      ...agentIdentityOutputs(prepared.agent, parts),
      inventoryRecordJson: this.inventoryRecordJson,
    });
  }
}
