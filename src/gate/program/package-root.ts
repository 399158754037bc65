import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The npm name agent-iam publishes its components and CLI under. */
export const PACKAGE_NAME = "@agent-iam/pulumi";

/**
 * The root of the installed agent-iam package (where `package.json`, `policy-pack/` and `dist/`
 * are): the nearest folder above this module whose `package.json` is agent-iam's. Found by name,
 * so it is the same from the TypeScript sources and from the compiled `dist/`.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME)
      return dir;
    if (dirname(dir) === dir)
      throw new Error(`agent-iam cannot find its own package.json (${PACKAGE_NAME}) above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** The package's own version: what `agent-iam --version` and every report say. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;
