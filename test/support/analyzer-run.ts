import type { AnalyzerDiagnostic, AnalyzerResource, PolicyPackProcess } from "../../src/gate/analyzer";

/** One program through a running pack, as the engine sends it: `Analyze` per resource, then `AnalyzeStack`. */
export async function judgeThroughPack(
  pack: PolicyPackProcess,
  analyze: readonly AnalyzerResource[],
  stack: readonly AnalyzerResource[],
): Promise<AnalyzerDiagnostic[]> {
  const diagnostics: AnalyzerDiagnostic[] = [];
  for (const resource of analyze) diagnostics.push(...(await pack.analyze(resource)));
  diagnostics.push(...(await pack.analyzeStack([...stack])));
  return diagnostics;
}

/** Diagnostics as one line each, for assertion messages. */
export function shown(
  diagnostics: readonly Pick<AnalyzerDiagnostic, "enforcementLevel" | "policyName" | "message">[],
): string[] {
  return diagnostics.map(
    (diagnostic) => `${diagnostic.enforcementLevel} ${diagnostic.policyName}: ${diagnostic.message}`,
  );
}
