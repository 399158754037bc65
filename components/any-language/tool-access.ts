import { AgentSpecError, formatPath, type SpecProblem } from "../../src/model/agent-spec";
import { argumentTestSchema } from "../../src/model/tools";

/**
 * An agent's `tools` as a program in another language writes them (`ToolAccess` of
 * `src/model/serialisable-tools.ts`), in the TypeScript form: `gateway` is an `AgentGateway`'s
 * `reference` (its catalog, policy engine and ARN: what the spec's schema reads of a gateway), and
 * each condition's typed members (`equalsNumber`, `oneOfNumbers`…) become `equals` and `oneOf`. Every
 * other rule and message is the spec's own, applied afterwards by `planAgent`.
 */
export function toolsFromSerialisable(agentName: string, tools: unknown): unknown {
  if (typeof tools !== "object" || tools === null || !Array.isArray((tools as { allow?: unknown }).allow)) return tools;
  const problems: SpecProblem[] = [];
  const allow = ((tools as { allow: unknown[] }).allow ?? []).map((entry, index) => {
    const when = typeof entry === "object" && entry !== null ? (entry as { when?: unknown }).when : undefined;
    if (typeof when !== "object" || when === null) return entry;
    const conditions = Object.entries(when).map(([argument, test]) => {
      const parsed = argumentTestSchema.safeParse(test);
      if (parsed.success) return [argument, parsed.data];
      for (const issue of parsed.error.issues)
        problems.push({
          path: formatPath(["tools", "allow", index, "when", argument, ...(issue.path as (string | number)[])]),
          message: issue.message,
        });
      return [argument, test];
    });
    return { ...(entry as object), when: Object.fromEntries(conditions) };
  });
  if (problems.length > 0) throw new AgentSpecError(agentName, problems);
  return { ...tools, allow };
}
