import { type Dirent, readdirSync, realpathSync } from "node:fs";
import { join, relative } from "node:path";
import { UsageError } from "../../program/errors";
import { projectFileIn, projectStacks } from "../../program/project";
import { displayPath } from "../../program/source-location";

/**
 * The programs of a folder that holds several Pulumi projects: every folder with a `Pulumi.yaml`
 * (or `Pulumi.yml`) below it, found recursively as `pulumi` finds a project, without descending
 * into `node_modules`, hidden folders (`.git`, `.pulumi`) or symbolic links; and for each, the
 * stacks to check.
 */

/** One project × stack to check. */
export interface ProgramUnit {
  /** The project's folder (real, absolute). */
  readonly dir: string;
  /** The folder as reports show it: relative to the working folder. */
  readonly path: string;
  /** The project's name from `Pulumi.yaml`, when it could be read. */
  readonly project?: string;
  /**
   * The stack to check; absent when the project has no `Pulumi.<stack>.yaml` and none was named
   * (it is checked as `agent-iam check PROJECT` would: as `dev`).
   */
  readonly stack?: string;
  /** Why the project cannot be checked (an invalid `Pulumi.yaml`): reported as a program that failed to run. */
  readonly loadError?: string;
}

/** What discovery found. */
export interface Discovery {
  readonly units: readonly ProgramUnit[];
  /** Projects left out by `--stack`, in words. */
  readonly skipped: readonly string[];
}

const SKIPPED_FOLDERS = new Set(["node_modules"]);

/** A folder as reports show it: `.` for the working folder itself, else {@link displayPath}. */
export function shownFolder(dir: string, cwd: string): string {
  return relative(cwd, dir) === "" ? "." : displayPath(dir, cwd);
}

/** Every folder below `root` (itself included) that holds a Pulumi project file, sorted by path. */
export function findProjectFolders(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    if (projectFileIn(dir)) found.push(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith("."))
        visit(join(dir, entry.name));
  };
  visit(root);
  return found;
}

/**
 * The project × stack units under `root`. Without `stacks`, each project's only stack, else each
 * of its `Pulumi.<stack>.yaml` (a project with none is checked once, as `dev`). With `stacks`,
 * the named ones a project has; a project with no stack file at all is checked as each named
 * stack (as `agent-iam check PROJECT --stack NAME` would). Throws {@link UsageError} when there is
 * no project, or when no project has a named stack.
 */
export function discoverPrograms(root: string, cwd: string, stacks: readonly string[] = []): Discovery {
  const real = realpathSync(root);
  const folders = findProjectFolders(real);
  if (folders.length === 0)
    throw new UsageError(
      `no Pulumi.yaml in ${root} or any folder below it (node_modules and hidden folders are skipped): give the folder of a Pulumi program, or a folder holding several`,
    );
  const wanted = stacks.map((stack) => stack.split("/").pop()!);
  const units: ProgramUnit[] = [];
  const skipped: string[] = [];
  const available = new Set<string>();
  for (const dir of folders) {
    const path = shownFolder(dir, cwd);
    let read: { name: string; stacks: readonly string[] };
    try {
      read = projectStacks(dir);
    } catch (error) {
      units.push({
        dir,
        path,
        loadError: (error as Error).message,
        ...(wanted.length === 1 ? { stack: wanted[0] } : {}),
      });
      continue;
    }
    for (const stack of read.stacks) available.add(stack);
    const chosen =
      wanted.length === 0
        ? read.stacks
        : read.stacks.length === 0
          ? wanted
          : read.stacks.filter((stack) => wanted.includes(stack));
    if (wanted.length > 0 && chosen.length === 0)
      skipped.push(
        `${path} (${read.name}): no ${wanted.map((stack) => `Pulumi.${stack}.yaml`).join(" or ")}; its stacks are ${read.stacks.join(", ")}`,
      );
    if (chosen.length === 0 && wanted.length === 0) units.push({ dir, path, project: read.name });
    for (const stack of chosen) units.push({ dir, path, project: read.name, stack });
  }
  if (wanted.length > 0 && units.length === 0)
    throw new UsageError(
      `--stack ${wanted.join(", ")}: no project under ${shownFolder(root, cwd)} has that stack; the stacks there are ${[...available].sort().join(", ")}`,
    );
  return { units, skipped };
}
