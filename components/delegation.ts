import { aws, gcpServiceAccount as serviceaccount } from "./providers";
import * as pulumi from "@pulumi/pulumi";
import type { Agent, DelegationTarget } from "../src/model/agent";
import { delegationIdentityStatement } from "../src/clouds/aws/delegation";
import { delegationClouds, delegationCycle } from "../src/model/delegation";
import { GCP_DELEGATION_ROLE } from "../src/clouds/gcp/delegation";
import type { Cloud } from "../src/model/resources";
import { AgentSpecError } from "../src/model/agent-spec";
import { sharedResource } from "./shared-resources";

/**
 * Wiring `delegatesTo` between the `AgentIdentity` components of one program. A target is named by
 * its id (the other component's name) or passed as the component; either way it resolves within the
 * same program run, in whichever order the two are declared:
 * - the delegating agent's side (its permission to assume or impersonate the target) is registered
 *   as soon as both agents exist;
 * - the target's AWS trust must name every delegating role, and a role's trust is one property: it
 *   is sent to the engine one event-loop turn after the target is declared. Agents declared in the
 *   same synchronous part of a program (the usual case) all make it; one declared later is an error
 *   that says so, never a silent gap.
 * An id that names no agent by then, a cycle, or a pair with no cloud where delegation works is an
 * `AgentSpecError` naming `delegatesTo[i]`.
 */

/** What the registry knows of one agent. */
export interface DelegationParty {
  readonly agent: Agent;
  /** The component delegation resources of this agent are parented to. */
  readonly component: pulumi.Resource;
  readonly aws?: {
    readonly roleArn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;
    /** Adds a delegating role to this role's trust; false once the trust has been sent. */
    acceptDelegator(roleArn: pulumi.Output<string>): boolean;
  };
  readonly gcp?: { readonly accountName: pulumi.Output<string>; readonly email: pulumi.Output<string> };
}

/** One delegation as set up: the target and the clouds it works on. */
export interface DelegationRecord {
  readonly agent: string;
  readonly clouds: readonly Cloud[];
}

/**
 * A list that collects items until the end of the current event-loop turn, then resolves as an
 * output; `add` after that returns false.
 */
export function closingList<T>(): { add(item: pulumi.Input<T>): boolean; readonly output: pulumi.Output<T[]> } {
  const items: pulumi.Input<T>[] = [];
  let closed = false;
  const whenClosed = new Promise<pulumi.Input<T>[]>((resolve) =>
    setImmediate(() => {
      closed = true;
      resolve(items);
    }),
  );
  return {
    add(item) {
      if (closed) return false;
      items.push(item);
      return true;
    },
    output: pulumi.output(whenClosed).apply((list) => pulumi.all(list)) as pulumi.Output<T[]>,
  };
}

interface Pending {
  readonly from: DelegationParty;
  readonly index: number;
  readonly target: DelegationTarget;
}

/** The agents of one program run and the delegations between them. */
class DelegationRegistry {
  private readonly parties = new Map<string, DelegationParty>();
  /** Each registered agent's delegation targets, by id: the program's delegation graph, kept as agents come. */
  private readonly graph = new Map<string, readonly string[]>();
  private readonly waiting = new Map<string, Pending[]>();
  private readonly done = new Map<string, Map<number, DelegationRecord>>();
  /** Delegations refused with an error already (`agent|index`): not reported again as unknown. */
  private readonly refused = new Set<string>();

  /** Throws before anything is registered when `agent` closes a delegation cycle. */
  checkNewAgent(agent: Agent): void {
    // The graph with `agent` in it, for the search only: a copy per agent made a fleet's run quadratic.
    const before = this.graph.get(agent.id);
    this.graph.set(
      agent.id,
      agent.delegatesTo.map((target) => target.agent),
    );
    let cycle: string[] | undefined;
    try {
      cycle = delegationCycle(this.graph, agent.id);
    } finally {
      if (before === undefined) this.graph.delete(agent.id);
      else this.graph.set(agent.id, before);
    }
    if (!cycle) return;
    const index = agent.delegatesTo.findIndex((target) => target.agent === cycle[1]);
    throw new AgentSpecError(agent.id, [
      {
        path: `delegatesTo[${index}]`,
        message: `delegation cycle ${cycle.join(" → ")}: an agent may not end up acting as itself; remove one of these delegations`,
      },
    ]);
  }

  /**
   * Registers an agent whose identities exist: wires the delegations that waited for it and its own
   * to agents already known. Returns the records of its own delegations once each is wired; an id
   * still unknown one turn later rejects it.
   */
  register(party: DelegationParty): pulumi.Output<DelegationRecord[]> {
    const { agent } = party;
    this.parties.set(agent.id, party);
    this.graph.set(
      agent.id,
      agent.delegatesTo.map((target) => target.agent),
    );
    const records = new Map<number, DelegationRecord>();
    this.done.set(agent.id, records);
    for (const pending of this.waiting.get(agent.id) ?? []) this.wire(pending, party);
    this.waiting.delete(agent.id);
    agent.delegatesTo.forEach((target, index) => {
      const to = this.parties.get(target.agent);
      if (to) this.wire({ from: party, index, target }, to);
      else this.waiting.set(target.agent, [...(this.waiting.get(target.agent) ?? []), { from: party, index, target }]);
    });
    // One turn later every agent of the program's synchronous part is known: an id still unknown is
    // an error of the run (logged as Pulumi logs errors: the deployment fails, naming the field).
    const settled = new Promise<DelegationRecord[]>((resolve) =>
      setImmediate(() => {
        const missing = agent.delegatesTo
          .map((target, index) => ({ target, index }))
          .filter(({ index }) => !records.has(index) && !this.refused.has(`${agent.id}|${index}`));
        if (missing.length > 0) {
          const error = new AgentSpecError(
            agent.id,
            missing.map(({ target, index }) => ({
              path: `delegatesTo[${index}]`,
              message: `no AgentIdentity "${target.agent}" in this program: name an agent declared in the same program (by its name or the component itself), in the same synchronous part of it`,
            })),
          );
          void pulumi.log.error(error.message, party.component);
        }
        resolve([...records.entries()].sort(([a], [b]) => a - b).map(([, record]) => record));
      }),
    );
    return pulumi.output(settled);
  }

  private wire(pending: Pending, to: DelegationParty): void {
    const { from, index, target } = pending;
    const path = `delegatesTo[${index}]`;
    const refusal = (message: string): AgentSpecError => {
      this.refused.add(`${from.agent.id}|${index}`);
      return new AgentSpecError(from.agent.id, [{ path, message }]);
    };
    const plan = delegationClouds(from.agent.clouds, to.agent.clouds, target);
    if ("problem" in plan) throw refusal(plan.problem);
    this.done.get(from.agent.id)!.set(index, { agent: to.agent.id, clouds: plan.clouds });
    // A disabled agent acts as no one, and no one acts as a disabled agent: the kill switch wins.
    if (from.agent.disabled || to.agent.disabled) return;
    const name = `${from.agent.id}-delegates-to-${to.agent.id}`;
    if (plan.clouds.includes("aws")) {
      if (!from.aws || !to.aws) throw refusal(`both agents need an AWS role to delegate there`);
      if (!to.aws.acceptDelegator(from.aws.roleArn))
        throw refusal(
          `the trust of "${to.agent.id}" was sent to the engine before this agent was declared; declare both agents in the same synchronous part of the program (before any await)`,
        );
      new aws.iam.RolePolicy(
        name,
        {
          name: `agent-iam-delegate-to-${to.agent.id}`,
          role: from.aws.roleName,
          policy: to.aws.roleArn.apply((arn) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [delegationIdentityStatement([arn])] }),
          ),
        },
        { parent: from.component },
      );
    }
    if (plan.clouds.includes("gcp")) {
      if (!from.gcp || !to.gcp) throw refusal(`both agents need a GCP service account to delegate there`);
      new serviceaccount.IAMMember(
        name,
        {
          serviceAccountId: to.gcp.accountName,
          role: GCP_DELEGATION_ROLE,
          member: pulumi.interpolate`serviceAccount:${from.gcp.email}`,
        },
        { parent: from.component },
      );
    }
  }
}

/** The registry of the current program run (one per Pulumi monitor, so each run starts empty). */
export function delegationRegistry(): DelegationRegistry {
  return sharedResource("agent-iam-delegation-registry", () => new DelegationRegistry());
}
