// Builds what ships: the library and CLI as CommonJS with declarations (dist/, by tsc), and the
// policy pack as one self-contained file (policy-pack/dist/index.js, by esbuild) whose only
// imports are the registry packages its package.json names.
//
//   node scripts/build.mjs              both
//   node scripts/build.mjs --pack-only  the pack (its prepack, for `pulumi policy publish`)
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const packOnly = process.argv.includes("--pack-only");

/** JSON files read at run time by path (schemas), which tsc does not emit: copied beside their module. */
function copyAssets(from, to) {
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) copyAssets(source, join(to, name));
    else if (name.endsWith(".schema.json")) {
      mkdirSync(to, { recursive: true });
      cpSync(source, join(to, name));
    }
  }
}

function buildLibrary() {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], {
    stdio: "inherit",
    cwd: root,
  });
  copyAssets(join(root, "src"), join(root, "dist", "src"));
}

async function buildPack() {
  const esbuild = await import("esbuild");
  const outdir = join(root, "policy-pack", "dist");
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [join(root, "policy-pack", "index.ts")],
    outfile: join(outdir, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // Registry packages stay imports, installed from the pack's own package.json; agent-iam's
    // shared code (../src) is bundled in, so the folder is whole on its own.
    packages: "external",
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  const external = new Set();
  for (const output of Object.values(result.metafile.outputs))
    for (const imported of output.imports)
      if (imported.external)
        external.add(
          imported.path
            .split("/")
            .slice(0, imported.path.startsWith("@") ? 2 : 1)
            .join("/"),
        );
  const manifest = JSON.parse(readFileSync(join(root, "policy-pack", "package.json"), "utf8"));
  const undeclared = [...external].filter(
    (name) => !name.startsWith("node:") && !builtinModules.includes(name) && !(name in manifest.dependencies),
  );
  if (undeclared.length > 0)
    throw new Error(
      `policy-pack/dist/index.js imports ${undeclared.join(", ")}, which policy-pack/package.json does not list as dependencies`,
    );
  console.error(`built ${relative(root, join(outdir, "index.js"))}: imports ${[...external].sort().join(", ")}`);
}

if (!packOnly) buildLibrary();
await buildPack();
