import type { RecordedResource } from "../../program/record";
import { displayPath, userFrame } from "../../program/source-location";

/** Where a finding is in the user's files, as reports show it: a path relative to the folder the check ran from. */
export interface ReportLocation {
  /** Relative to the working folder, `/`-separated (absolute only when outside it). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Finds, for each URN, the line of the user's program that declared it: the resource's own
 * registration when it happened in the user's files, else the nearest ancestor's (a component's
 * children point at the `new AgentIdentity(...)` line); the stack and anything else at the entry
 * module's first line.
 */
export function locator(
  resources: readonly RecordedResource[],
  programDir: string,
  main: string,
  cwd: string,
): (urn: string) => ReportLocation {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const cache = new Map<string, ReportLocation>();
  const fallback: ReportLocation = { file: displayPath(main, cwd), line: 1, column: 1 };
  const find = (urn: string): ReportLocation => {
    const cached = cache.get(urn);
    if (cached) return cached;
    let location = fallback;
    for (let resource = byUrn.get(urn); resource; resource = resource.parent ? byUrn.get(resource.parent) : undefined) {
      const frame = userFrame(resource.source, programDir);
      if (frame) {
        location = { file: displayPath(frame.file, cwd), line: frame.line, column: frame.column };
        break;
      }
    }
    cache.set(urn, location);
    return location;
  };
  return find;
}
