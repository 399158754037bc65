import type { StackTooLarge } from "../../analyzer/message-limit";

/**
 * What `agent-iam check` says when a stack's `AnalyzeStack` request is past the analyzer's message
 * limit (`src/gate/analyzer/message-limit.ts`): the size, the limit, that `pulumi preview` fails the
 * same way, and how to split the program.
 */

/** Share of the limit a split stack should stay under, so that it can still grow. */
export const SPLIT_HEADROOM = 0.8;

const count = (value: number) => value.toLocaleString("en");

/** How many stacks the resources should be split into, and about how many resources each then holds. */
export function splitAdvice(tooLarge: StackTooLarge): { stacks: number; resourcesPerStack: number } {
  const stacks = Math.max(2, Math.ceil(tooLarge.bytes / (tooLarge.limit * SPLIT_HEADROOM)));
  return { stacks, resourcesPerStack: Math.floor(tooLarge.resources / stacks) };
}

/** The message, one paragraph per line (the first is the error itself). */
export function stackTooLargeLines(
  tooLarge: StackTooLarge,
  target: { readonly project: string; readonly stack: string },
  stackPolicies: readonly string[],
): string[] {
  const { stacks, resourcesPerStack } = splitAdvice(tooLarge);
  const mib = Math.round(tooLarge.limit / 1024 / 1024);
  return [
    `the stack ${target.project}/${target.stack} is too large for the policy packs' analyzer: its AnalyzeStack request holds ${count(tooLarge.resources)} resources in ${count(tooLarge.bytes)} bytes, and @pulumi/policy's analyzer accepts messages of at most ${count(tooLarge.limit)} bytes (${mib} MiB)`,
    `pulumi preview --policy-pack would fail the same way ("AnalyzeStack failed: Received message larger than max (${tooLarge.bytes} vs ${tooLarge.limit})"), with any pack that has stack policies`,
    `the resource policies judged every resource and their findings are reported; the stack policies did not run${stackPolicies.length > 0 ? ` (${stackPolicies.join(", ")})` : ""}`,
    `split the program: declare its agents in ${stacks} or more stacks of at most about ${count(resourcesPerStack)} resources each (a project or stack per team or environment, each with its own Pulumi.<stack>.yaml), and check them together with agent-iam check DIR, which also runs the cross-stack rules`,
  ];
}
