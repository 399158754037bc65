import { z } from "zod";
import type { DelegationTarget } from "./agent";
import type { Cloud } from "./resources";

/**
 * Delegation between agents: agent A may act as agent B (`delegatesTo: [B]`) without a shared
 * secret. A target is an `AgentIdentity` or its id: the other component's name in the same
 * program (ids are unique in a stack). Where it works:
 * - AWS: B's role trusts A's role for `sts:AssumeRole`, `sts:SetSourceIdentity`, `sts:TagSession`,
 *   only with a `requested-by` session tag and a source identity (`src/clouds/aws/delegation.ts`); A's role
 *   may assume exactly the roles it delegates to.
 * - GCP: A's service account holds `roles/iam.serviceAccountTokenCreator` on B's service account
 *   only; it ends on the earlier review date of the two through A's `gcp.budgetStopper`, which
 *   disables A's account on A's date (service accounts take no conditional binding).
 * - Azure: refused (see {@link AZURE_DELEGATION_LIMIT}).
 * Cycles (A → B → A) and chains that reach a riskier agent are judged on the whole graph.
 */

/** Clouds on which agent-iam can make one agent act as another. */
export const DELEGATION_CLOUDS = ["aws", "gcp"] as const satisfies readonly Cloud[];

/** Why Azure is not among them, in the words every error and document uses. */
export const AZURE_DELEGATION_LIMIT =
  "Azure has no native way for one managed identity to act as another: a managed identity cannot impersonate, chain to or exchange its token for another identity's (no equivalent of sts:AssumeRole or serviceAccountTokenCreator), and a shared federated credential would merge the two agents into one";

/** An `AgentIdentity` as the spec sees it: anything with the `agentId` of a component. */
interface AgentLike {
  readonly agentId: string;
}

function isAgentLike(value: unknown): value is AgentLike {
  return typeof value === "object" && value !== null && typeof (value as { agentId?: unknown }).agentId === "string";
}

const AGENT_ID = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

const agentRefSchema = z.union([
  z.string().regex(AGENT_ID, {
    message:
      "name another agent by its id (its AgentIdentity name, such as deploy-bot) or pass the AgentIdentity itself",
  }),
  z.custom<AgentLike>(isAgentLike, { message: "name another agent by its id or pass the AgentIdentity itself" }),
]);

const limitedEntrySchema = z
  .object({
    agent: agentRefSchema,
    clouds: z
      .array(
        z.enum(DELEGATION_CLOUDS, {
          error: `delegation works on ${DELEGATION_CLOUDS.join(" and ")} only: ${AZURE_DELEGATION_LIMIT}`,
        }),
      )
      .min(1, { message: "list at least one cloud, or leave clouds out" })
      .optional(),
  })
  .strict();

/** An entry as a spec writes it: an agent's id, the `AgentIdentity` itself, or `{ agent, clouds }`. */
export type DelegationEntry =
  | string
  | AgentLike
  | { readonly agent: string | AgentLike; readonly clouds?: readonly (typeof DELEGATION_CLOUDS)[number][] };

/**
 * One entry of `delegatesTo`: an agent (an `AgentIdentity` or its id), or `{ agent, clouds }` to
 * limit the clouds. Told apart by shape, so that an error names the field that is wrong.
 */
export const delegationEntrySchema = z.unknown().transform((value, ctx): DelegationEntry => {
  const schema =
    typeof value === "object" && value !== null && !isAgentLike(value) ? limitedEntrySchema : agentRefSchema;
  const result = (schema as z.ZodType<DelegationEntry>).safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues)
    ctx.addIssue({ code: "custom", path: issue.path as (string | number)[], message: issue.message });
  return z.NEVER;
}) as unknown as z.ZodType<DelegationEntry, DelegationEntry>;

/** The target of an entry, as the agent model holds it. */
export function delegationTargetOf(entry: DelegationEntry): DelegationTarget {
  if (typeof entry === "string") return { agent: entry };
  if (isAgentLike(entry)) return { agent: entry.agentId };
  const agent = typeof entry.agent === "string" ? entry.agent : entry.agent.agentId;
  return entry.clouds ? { agent, clouds: [...new Set(entry.clouds)] } : { agent };
}

/** The clouds an `AgentIdentity` passed as a target is on, when the spec can see them. */
export function targetCloudsOf(entry: unknown): readonly Cloud[] | undefined {
  const ref = isAgentLike(entry)
    ? entry
    : typeof entry === "object" && entry !== null
      ? (entry as { agent?: unknown }).agent
      : undefined;
  if (!isAgentLike(ref)) return undefined;
  const clouds = (ref as { agent?: { clouds?: unknown } }).agent?.clouds;
  return Array.isArray(clouds) ? (clouds as Cloud[]) : undefined;
}

/**
 * The clouds one delegation is set up on: those both agents are on where delegation works, or the
 * ones the entry names. A problem instead when that leaves nothing, when the entry names a cloud one
 * of them is not on, or when both are on Azure and the entry does not say to leave Azure out.
 */
export function delegationClouds(
  from: readonly Cloud[],
  to: readonly Cloud[],
  target: DelegationTarget,
): { clouds: Cloud[] } | { problem: string } {
  const shared = from.filter((cloud) => to.includes(cloud));
  if (target.clouds) {
    const missing = target.clouds.filter((cloud) => !shared.includes(cloud));
    if (missing.length > 0)
      return {
        problem: `both agents need an identity on ${missing.join(" and ")} to delegate there; "${target.agent}" or this agent has none`,
      };
    return { clouds: [...target.clouds] };
  }
  const clouds = shared.filter((cloud): cloud is (typeof DELEGATION_CLOUDS)[number] =>
    (DELEGATION_CLOUDS as readonly Cloud[]).includes(cloud),
  );
  if (shared.includes("azure"))
    return {
      problem: `both agents are on Azure, where delegation cannot be set up: ${AZURE_DELEGATION_LIMIT}. Grant this agent what it needs on Azure directly, and limit the delegation to ${clouds.length > 0 ? clouds.join(" and ") : "AWS or GCP"} with { agent: "${target.agent}", clouds: [${(clouds.length > 0 ? clouds : ["aws"]).map((cloud) => `"${cloud}"`).join(", ")}] }`,
    };
  if (clouds.length === 0)
    return {
      problem: `"${target.agent}" shares no cloud with this agent on which delegation works (${DELEGATION_CLOUDS.join(", ")})`,
    };
  return { clouds };
}

/** A delegation graph: agent id → the ids it may act as. */
export type DelegationGraph = ReadonlyMap<string, readonly string[]>;

/**
 * A cycle through `start`, as the list of ids from `start` back to it (`[a, b, a]`), or undefined.
 * Depth-first over the graph; ids without an entry have no edges.
 */
export function delegationCycle(graph: DelegationGraph, start: string): string[] | undefined {
  const path: string[] = [start];
  const done = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    for (const next of graph.get(id) ?? []) {
      if (next === start) return [...path, next];
      if (done.has(next) || path.includes(next)) continue;
      path.push(next);
      const found = visit(next);
      if (found) return found;
      path.pop();
      done.add(next);
    }
    return undefined;
  };
  return visit(start);
}

/** Every agent `start` can reach through delegation (not itself), with the chain that reaches it. */
export function reachableAgents(graph: DelegationGraph, start: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const queue: string[][] = [[start]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const next of graph.get(chain[chain.length - 1]!) ?? []) {
      if (next === start || chains.has(next)) continue;
      const longer = [...chain, next];
      chains.set(next, longer);
      queue.push(longer);
    }
  }
  return chains;
}
