import { isAbsolute, relative, resolve, sep } from "node:path";
import type { SourceFrame } from "./errors";
import { PACKAGE_ROOT } from "./package-root";

/**
 * Where in the user's own files something happened: the innermost stack frame that lies in the
 * program's folder, outside `node_modules` and outside agent-iam's own sources (so an invalid spec
 * points at the `new AgentIdentity(...)` line, not at the validator).
 */

const OWN_SOURCES = ["src", "components", "bin", "policy-pack", "dist"].map((dir) => resolve(PACKAGE_ROOT, dir) + sep);

function inside(file: string, dir: string): boolean {
  const path = relative(dir, file);
  return path !== "" && !path.startsWith("..") && !isAbsolute(path);
}

/** Whether a file is the user's: in the program folder, not a dependency, not agent-iam itself. */
export function isUserFile(file: string, programDir: string): boolean {
  if (!inside(file, programDir)) return false;
  if (file.split(sep).includes("node_modules")) return false;
  return !OWN_SOURCES.some((own) => file.startsWith(own) && !programDir.startsWith(own));
}

/** The innermost frame in the user's files. */
export function userFrame(frames: readonly SourceFrame[], programDir: string): SourceFrame | undefined {
  return frames.find((frame) => isUserFile(frame.file, programDir));
}

const FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?(\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/;

/** The frames of an error's stack, innermost first (positions are source-mapped when the loader maps them). */
export function stackFrames(stack: string | undefined): SourceFrame[] {
  const frames: SourceFrame[] = [];
  for (const line of (stack ?? "").split("\n")) {
    const match = FRAME.exec(line);
    if (match) frames.push({ file: match[1]!, line: Number(match[2]), column: Number(match[3]) });
  }
  return frames;
}

/** A path for people and reports: relative to `base` with `/` separators when inside it, else absolute. */
export function displayPath(file: string, base: string = process.cwd()): string {
  const path = relative(base, file);
  return path.startsWith("..") || path === "" ? file : path.split(sep).join("/");
}
