import Module, { createRequire } from "node:module";
import { sep } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { ProgramFailure } from "./errors";
import type { SourceFrame } from "./errors";
import type { ProgramProject } from "./project";
import { loggedErrorCount, recordStack, type RecordedResource, type RecordedStack } from "./record";
import { programSdk } from "./sdk";
import { stackFrames, userFrame } from "./source-location";

/** Options of {@link runProject}. */
export interface RunProjectOptions {
  /** Run as `pulumi preview` would: values the cloud computes on create stay unknown. */
  readonly preview?: boolean;
  /** Called for each resource as it is registered, while the program runs. */
  readonly onResource?: (resource: RecordedResource) => void;
}

/** The esbuild error tsx throws for TypeScript it cannot parse: `FILE:LINE:COLUMN: ERROR: TEXT`. */
const TRANSFORM_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;
/** Node's first stack line for JavaScript it cannot parse: `FILE:LINE`. */
const COMPILE_ERROR_HEAD = /^(\/.+|[A-Za-z]:\\.+):(\d+)\n/;

/** The program's own error, with where it came from in the user's files, as one {@link ProgramFailure}. */
export function programFailureOf(error: unknown, programDir: string): ProgramFailure {
  if (!(error instanceof Error)) return new ProgramFailure(`the program threw ${format(error)}`);
  const transform = error.message.startsWith("Transform failed") ? TRANSFORM_ERROR.exec(error.message) : null;
  if (transform) {
    const location: SourceFrame = { file: transform[1]!, line: Number(transform[2]), column: Number(transform[3]) + 1 };
    return new ProgramFailure(transform[4]!, location, "syntax error");
  }
  const head = error.name === "SyntaxError" ? COMPILE_ERROR_HEAD.exec(error.stack ?? "") : null;
  if (head) {
    const caret = (error.stack ?? "").split("\n")[2]?.indexOf("^") ?? -1;
    return new ProgramFailure(
      error.message,
      { file: head[1]!, line: Number(head[2]), column: caret >= 0 ? caret + 1 : 1 },
      "syntax error",
    );
  }
  const code = (error as { code?: string }).code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") return missingModuleFailure(error, programDir);
  return new ProgramFailure(
    error.message,
    userFrame(stackFrames(error.stack), programDir),
    error.name === "Error" ? "error" : error.name,
  );
}

/** Node's "Cannot find module 'X'" (CommonJS) or "Cannot find package 'X'" (ES modules). */
const MISSING_MODULE = /Cannot find (?:module|package) '([^']+)'/;

/**
 * A module the program imports that its own folders cannot resolve: `pulumi preview` fails the
 * same way. Names the module and, for a package, the install command to run in the program's folder.
 */
function missingModuleFailure(error: Error, programDir: string): ProgramFailure {
  const specifier = MISSING_MODULE.exec(error.message)?.[1];
  const location = userFrame(stackFrames(error.stack), programDir);
  if (!specifier) return new ProgramFailure(error.message.split("\n")[0]!, location, "missing module");
  const isPackage = !/^(\.|\/|file:|[A-Za-z]:\\)/.test(specifier);
  if (!isPackage) return new ProgramFailure(`Cannot find module '${specifier}'`, location, "missing module");
  const packageName = specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
  return new ProgramFailure(
    `Cannot find module '${specifier}': ${packageName} is not installed where the program can load it; run npm install ${packageName} in ${programDir} (pulumi preview would fail the same way)`,
    location,
    "missing module",
  );
}

/** Makes Node's own `require` load TypeScript (the CLI's entry does this already; a library caller may not have). */
function ensureTypeScriptLoader(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
  if (extensions[".ts"]) return;
  (require("tsx/cjs/api") as { register(): () => void }).register();
}

/** Forgets the program's own modules, so that running it again in this process runs it again. */
function forgetProgramModules(dir: string): void {
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  for (const file of Object.keys((Module as unknown as { _cache: Record<string, unknown> })._cache))
    if (file.startsWith(prefix) && !file.includes(`${sep}node_modules${sep}`))
      delete (Module as unknown as { _cache: Record<string, unknown> })._cache[file];
}

/**
 * `import()` as Node runs it. TypeScript compiles `import()` in a CommonJS module to `require`,
 * which cannot load an ES module on Node 20; a function built at run time keeps the real one.
 */
const nativeImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/** tsx's API for ES modules: its CommonJS build cannot register the loader hooks, so its ES build is imported. */
let esmLoader: Promise<{ tsImport(specifier: string, options: { parentURL: string }): Promise<unknown> }> | undefined;

function tsxEsmApi(): NonNullable<typeof esmLoader> {
  const esmBuild = require.resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs");
  esmLoader ??= nativeImport(pathToFileURL(esmBuild).href) as NonNullable<typeof esmLoader>;
  return esmLoader;
}

/**
 * Loads the entry module with Node's own `require` (CommonJS) or `import()` (ES modules), from the
 * program's own folder, and returns what Pulumi takes as the stack's outputs.
 */
async function runEntry(main: string, moduleKind: "commonjs" | "esm"): Promise<unknown> {
  let exported: unknown;
  if (moduleKind === "esm") {
    // tsImport loads the program afresh on every run (a module namespace of its own), as require does after forgetProgramModules.
    exported = await (await tsxEsmApi()).tsImport(pathToFileURL(main).href, {
      parentURL: pathToFileURL(__filename).href,
    });
  } else exported = createRequire(main)(main) as unknown;
  // A module whose only export is a default function runs that function, as Pulumi does for ES modules.
  if (
    typeof exported === "object" &&
    exported !== null &&
    Object.keys(exported).length === 1 &&
    typeof (exported as { default?: unknown }).default === "function"
  )
    exported = (exported as { default: unknown }).default;
  return typeof exported === "function" ? await (exported as () => unknown)() : exported;
}

/**
 * Runs a Pulumi program in this process under a recording monitor, with its stack's config, from
 * its own folder, and returns what it registered. The program's console output goes to stderr
 * (stdout is for reports). Any failure becomes a {@link ProgramFailure} that names the user's file
 * and line.
 */
export async function runProject(project: ProgramProject, options: RunProjectOptions = {}): Promise<RecordedStack> {
  const sdk = programSdk(project.dir);
  ensureTypeScriptLoader();
  const cwd = process.cwd();
  const saved = { log: console.log, info: console.info, debug: console.debug };
  const toStderr = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  let unhandled: unknown;
  const onRejection = (reason: unknown) => {
    unhandled ??= reason;
  };
  const errorsBefore = loggedErrorCount(sdk);
  process.on("unhandledRejection", onRejection);
  console.log = console.info = console.debug = toStderr;
  try {
    process.chdir(project.dir);
    forgetProgramModules(project.dir);
    const recorded = await recordStack(() => runEntry(project.main, project.moduleKind), {
      sdk,
      project: project.name,
      stack: project.stack,
      preview: options.preview ?? false,
      config: project.config,
      secretKeys: project.secretKeys,
      onResource: options.onResource,
    });
    await new Promise((done) => setImmediate(done));
    if (unhandled !== undefined) throw unhandled;
    const logged = loggedErrorCount(sdk) - errorsBefore;
    if (logged > 0)
      throw new ProgramFailure(`the program logged ${logged} error${logged === 1 ? "" : "s"} (see above)`);
    process.off("unhandledRejection", onRejection);
    return recorded;
  } catch (error) {
    // The same error also rejects the stack's and resources' own promises later; the listener stays
    // so that those echoes do not crash the process after the failure has been reported once.
    throw error instanceof ProgramFailure ? error : programFailureOf(error, project.dir);
  } finally {
    process.chdir(cwd);
    Object.assign(console, saved);
  }
}
