import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "./errors";

/**
 * A Pulumi program found the way `pulumi` finds it: `Pulumi.yaml` in the folder, its `main` (or
 * the folder's `package.json` entry point, else `index.js`, else `index.ts`), and the stack's
 * configuration from `Pulumi.<stack>.yaml` merged over the project's own `config:` block.
 */
export interface ProgramProject {
  /** Absolute path of the folder holding `Pulumi.yaml`. */
  readonly dir: string;
  /** The project name from `Pulumi.yaml`. */
  readonly name: string;
  /** Absolute path of the entry module. */
  readonly main: string;
  /**
   * How Node loads the entry: `esm` for `.mjs`/`.mts` files and in a package whose `package.json`
   * says `"type": "module"` (as Pulumi's Node.js host decides), else `commonjs`.
   */
  readonly moduleKind: "commonjs" | "esm";
  readonly stack: string;
  /** Absolute path of `Pulumi.<stack>.yaml`, when there is one. */
  readonly stackFile?: string;
  /** Configuration as the language host passes it: `namespace:key` → string. */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** Things a person should know about how the program was run (printed on stderr). */
  readonly notes: string[];
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

/** The parts of `Pulumi.yaml` that decide how the program runs (other keys are allowed and ignored). */
const projectFileSchema = z.looseObject({
  name: z.string({ error: "name is required (the project name)" }).min(1, { message: "name must not be empty" }),
  runtime: z.union(
    [z.string(), z.looseObject({ name: z.string(), options: z.record(z.string(), z.unknown()).optional() })],
    {
      error: 'runtime is required: "nodejs" for a TypeScript or JavaScript program',
    },
  ),
  main: z.string().optional(),
  stackConfigDir: z.string().optional(),
  config: z.record(z.string(), z.unknown()).nullish(),
});

const stackFileSchema = z.looseObject({
  config: z.record(z.string(), z.unknown()).nullish(),
});

/** What a secure (encrypted) config value becomes: the offline gate has no key to decrypt it. */
export const SECRET_PLACEHOLDER = "[secret]";

function readYaml(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new UsageError(`${what} ${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`).join("; ");
}

/** A config value as Pulumi's language host passes it: strings as they are, anything else as JSON. */
function configString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "secure" in value
  );
}

/** Replaces secure values nested in structured config with the placeholder; says whether it found any. */
function stripSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(stripSecure);
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  if (typeof value === "object" && value !== null) {
    let secret = false;
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const stripped = stripSecure(item);
      result[key] = stripped.value;
      secret ||= stripped.secret;
    }
    return { value: result, secret };
  }
  return { value, secret: false };
}

/** `region` → `PROJECT:region`; `aws:region` stays. */
function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** The entry module of a program folder, as the Node.js language host resolves it. */
function resolveMain(dir: string, main: string | undefined): string {
  const base = main === undefined ? dir : resolve(dir, main);
  if (!existsSync(base)) throw new UsageError(`Pulumi.yaml sets main: ${main}, but ${base} does not exist`);
  if (statSync(base).isFile()) return base;
  const packageFile = join(base, "package.json");
  if (existsSync(packageFile)) {
    let entry: unknown;
    try {
      const manifest = JSON.parse(readFileSync(packageFile, "utf8")) as { main?: unknown; exports?: unknown };
      const exported = manifest.exports;
      entry =
        typeof exported === "string"
          ? exported
          : typeof exported === "object" &&
              exported !== null &&
              typeof (exported as Record<string, unknown>)["."] === "string"
            ? (exported as Record<string, unknown>)["."]
            : manifest.main;
    } catch (error) {
      throw new UsageError(`${packageFile} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof entry === "string") {
      for (const candidate of [
        resolve(base, entry),
        `${resolve(base, entry)}.ts`,
        `${resolve(base, entry)}.js`,
        join(resolve(base, entry), "index.ts"),
      ])
        if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  // Node tries index.js before the extensions a loader adds, so a folder with both runs index.js, as in Pulumi.
  for (const index of ["index.js", "index.ts"]) if (existsSync(join(base, index))) return join(base, index);
  throw new UsageError(`no program in ${base}: add an index.ts (or set main in Pulumi.yaml)`);
}

/** Whether Node loads `main` as an ES module: by its extension, else by the nearest `package.json`'s `type`. */
function moduleKindOf(main: string): "commonjs" | "esm" {
  if (/\.m[jt]s$/.test(main)) return "esm";
  if (/\.c[jt]s$/.test(main)) return "commonjs";
  for (let dir = dirname(main); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module"
          ? "esm"
          : "commonjs";
      } catch {
        return "commonjs";
      }
    }
    if (dirname(dir) === dir) return "commonjs";
  }
}

/** Stacks that have a configuration file in a folder (`Pulumi.dev.yaml` → `dev`). */
export function stackFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** The project file parsed and checked (a Node.js program), its stack config folder and the stacks found there. */
function readProjectFile(dir: string, projectFile: string) {
  const parsed = projectFileSchema.safeParse(readYaml(projectFile, "project file"));
  if (!parsed.success) throw new UsageError(`${basename(projectFile)} is not valid: ${issuesOf(parsed.error)}`);
  const project = parsed.data;
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime.name;
  if (runtime !== "nodejs")
    throw new UsageError(
      `${basename(projectFile)} has runtime: ${runtime}; agent-iam check runs Node.js programs (runtime: nodejs)`,
    );
  const stackDir = project.stackConfigDir ? resolve(dir, project.stackConfigDir) : dir;
  return { project, stackDir, stacks: stackFilesIn(stackDir) };
}

/** The project file of a folder (`Pulumi.yaml`, else `Pulumi.yml`), if it has one. */
export function projectFileIn(dir: string): string | undefined {
  return PROJECT_FILES.map((file) => join(dir, file)).find((file) => existsSync(file));
}

/**
 * A project's name and the stacks that have a configuration file (`Pulumi.<stack>.yaml` in its
 * stack config folder), read as {@link loadProject} reads them; throws the same {@link UsageError}
 * for a project file that is not valid or not a Node.js program.
 */
export function projectStacks(dir: string): { readonly name: string; readonly stacks: readonly string[] } {
  const projectFile = projectFileIn(dir);
  if (!projectFile) throw new UsageError(`no Pulumi.yaml in ${dir}`);
  const { project, stacks } = readProjectFile(dir, projectFile);
  return { name: project.name, stacks };
}

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /** The stack to use (default: the only stack with a config file, else `dev`). */
  readonly stack?: string;
}

/**
 * Finds the program in `programDir` and its stack configuration. Throws {@link UsageError} with
 * one clear sentence when there is no `Pulumi.yaml`, when it is invalid, or when the named stack
 * has no configuration while others do.
 */
export function loadProject(programDir: string, options: LoadProjectOptions = {}): ProgramProject {
  if (!existsSync(resolve(programDir))) throw new UsageError(`${programDir} does not exist`);
  // The real path, as Node resolves a program's modules from its files' real paths.
  const dir = realpathSync(resolve(programDir));
  if (!statSync(dir).isDirectory())
    throw new UsageError(`${programDir} is not a folder; give the folder that holds Pulumi.yaml`);
  const projectFile = projectFileIn(dir);
  if (!projectFile)
    throw new UsageError(
      `no Pulumi.yaml in ${programDir}: give the folder of a Pulumi program (agent-iam check PROGRAM_DIR)`,
    );

  const { project, stackDir, stacks } = readProjectFile(dir, projectFile);
  const stack = options.stack ? options.stack.split("/").pop()! : stacks.length === 1 ? stacks[0]! : "dev";
  if (!/^[A-Za-z0-9_.-]+$/.test(stack))
    throw new UsageError(`--stack ${options.stack}: a stack name has letters, digits, "-", "_" or "."`);
  if (options.stack && stacks.length > 0 && !stacks.includes(stack))
    throw new UsageError(
      `--stack ${options.stack}: no Pulumi.${stack}.yaml in ${programDir}; the stacks there are ${stacks.join(", ")}`,
    );

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const notes: string[] = [];
  const set = (key: string, raw: unknown, source: string) => {
    const qualified = qualify(project.name, key);
    const { value, secret } = stripSecure(raw);
    config[qualified] = configString(value);
    if (secret) {
      secretKeys.add(qualified);
      notes.push(
        `config ${qualified} in ${source} is encrypted; checked with a placeholder value (there is no key to decrypt it offline)`,
      );
    }
  };

  // The project's config block: plain values, or { value | default, type, secret, description }.
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    if (
      typeof declaration === "object" &&
      declaration !== null &&
      !Array.isArray(declaration) &&
      !isSecure(declaration)
    ) {
      const described = declaration as Record<string, unknown>;
      if ("value" in described) set(key, described.value, "Pulumi.yaml");
      else if ("default" in described) set(key, described.default, "Pulumi.yaml");
      else if (!("type" in described || "description" in described || "secret" in described))
        set(key, described, "Pulumi.yaml");
    } else set(key, declaration, "Pulumi.yaml");
  }

  const stackFile = [join(stackDir, `Pulumi.${stack}.yaml`), join(stackDir, `Pulumi.${stack}.yml`)].find((file) =>
    existsSync(file),
  );
  if (stackFile) {
    const stackParsed = stackFileSchema.safeParse(readYaml(stackFile, "stack file"));
    if (!stackParsed.success)
      throw new UsageError(`${basename(stackFile)} is not valid: ${issuesOf(stackParsed.error)}`);
    for (const [key, value] of Object.entries(stackParsed.data.config ?? {})) set(key, value, basename(stackFile));
    if ("environment" in stackParsed.data)
      notes.push(`${basename(stackFile)} imports ESC environments; their values are not available offline`);
  }

  const main = resolveMain(dir, project.main);
  return {
    dir,
    name: project.name,
    main,
    moduleKind: moduleKindOf(main),
    stack,
    ...(stackFile ? { stackFile } : {}),
    config,
    secretKeys: [...secretKeys].sort(),
    notes,
  };
}
