import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isGcpIamResourceType } from "../../src/clouds/gcp/iam-resources";

/**
 * The resource types the policy pack reads, derived from its code rather than listed by hand:
 * every type token written as a literal in a source file the pack loads (the import closure of
 * `policy-pack/policies.ts`, through `src/`), plus the GCP IAM resources the pack recognises by
 * pattern (`isGcpIamResourceType`), taken from the `@pulumi/gcp` package itself.
 */

export const REPO = resolve(__dirname, "..", "..");

/** A Pulumi type token in quotes: `"aws:iam/role:Role"`, `"azure-native:authorization:RoleAssignment"`. */
const TYPE_TOKEN = /["'`]((?:aws|gcp|azure-native|azuread|agent-iam):[A-Za-z0-9/]+:[A-Za-z0-9]+)["'`]/g;
/** Relative imports: `from "../src/x"`, `import("./y")`, `require("./z")`. */
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")])
    if (existsSync(candidate) && candidate.endsWith(".ts")) return candidate;
  return undefined;
}

/** Every TypeScript file the pack loads, starting from its policy list. */
export function packSourceFiles(entry = join(REPO, "policy-pack", "policies.ts")): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      const target = resolveModule(file, match[1]!);
      if (target) queue.push(target);
    }
  }
  return [...seen].sort();
}

/** Type tokens written literally in the pack's sources. */
export function literalTypesReadByPack(): string[] {
  const types = new Set<string>();
  for (const file of packSourceFiles())
    for (const match of readFileSync(file, "utf8").matchAll(TYPE_TOKEN)) types.add(match[1]!);
  return [...types].sort();
}

/** Every resource type token `@pulumi/gcp` defines (its `__pulumiType` statics). */
export function gcpPackageTypes(): string[] {
  const root = dirname(require.resolve("@pulumi/gcp/package.json"));
  const types = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "types") walk(path);
      } else if (entry.name.endsWith(".js")) {
        for (const match of readFileSync(path, "utf8").matchAll(/__pulumiType = ['"]([^'"]+)['"]/g))
          types.add(match[1]!);
      }
    }
  };
  walk(root);
  return [...types].sort();
}

/** The GCP IAM member, binding and policy resources the pack judges. */
export function gcpIamTypes(): string[] {
  return gcpPackageTypes().filter(isGcpIamResourceType);
}

/** Types no policy singles out (only the literal-secret scan applies to them). */
export const UNRELATED_TYPES: readonly string[] = [
  "aws:s3/bucket:Bucket",
  "aws:lambda/function:Function",
  "random:index/randomPassword:RandomPassword",
  "pulumi:pulumi:Stack",
  "kubernetes:core/v1:Secret",
];

/** Everything the hostile-input property sends the pack, each type once. */
export function typesToFuzz(): string[] {
  return [...new Set([...literalTypesReadByPack(), ...gcpIamTypes(), ...UNRELATED_TYPES])];
}
