import { readFileSync, writeFileSync } from "node:fs";
import { AnalyzerView } from "../src/gate/cli/check/analyzer-resources";
import type { AnalyzerResource } from "../src/gate/analyzer";
import { loadProject } from "../src/gate/program/project";
import { runProject } from "../src/gate/program/run";

/** A program's resources as the engine hands them to packs: `Analyze` (inputs) and `AnalyzeStack` (outputs). */
export interface RecordedForPacks {
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly analyze: AnalyzerResource[];
  readonly stackResources: AnalyzerResource[];
}

/** Runs the program in `programDir` under the gate's recording mocks and returns what packs would be sent. */
export async function recordForPacks(programDir: string): Promise<RecordedForPacks> {
  const project = loadProject(programDir);
  const recorded = await runProject(project);
  const view = new AnalyzerView({ project: project.name, stack: project.stack, config: project.config });
  const analyze = view.all(recorded.resources, "analyze");
  const stackResources = recorded.resources.map((resource) => view.resource(resource, "stack"));
  return { project: project.name, stack: project.stack, config: project.config, analyze, stackResources };
}

/** Saves a recording as JSON (the benchmark replays it against several packs). */
export function saveRecording(file: string, recording: RecordedForPacks): void {
  writeFileSync(file, JSON.stringify(recording));
}

/** Reads a recording saved by {@link saveRecording}. */
export function loadRecording(file: string): RecordedForPacks {
  return JSON.parse(readFileSync(file, "utf8")) as RecordedForPacks;
}
