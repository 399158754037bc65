import Module from "node:module";
import { isAbsolute, join, resolve } from "node:path";

/** The root of the agent-iam package (where `components/`, `policy-pack/` and `node_modules/` are). */
export const PACKAGE_ROOT = resolve(__dirname, "..", "..", "..");

type ResolveFilename = (
  this: unknown,
  request: string,
  parent: unknown,
  isMain: boolean,
  options?: { paths?: string[] },
) => string;
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename };
let installed = false;

/**
 * Lets a program that lives outside this package (a team's infrastructure folder, a temporary
 * directory) import `@pulumi/*` and `agent-iam` without installing them itself: a bare import its
 * own folders cannot resolve is resolved from this package, and `agent-iam` is this package's
 * components. A program with its own `node_modules` keeps using them.
 */
export function installResolveFallback(): void {
  if (installed) return;
  installed = true;
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND" || request.startsWith(".") || isAbsolute(request))
        throw error;
      const own =
        request === "agent-iam"
          ? join(PACKAGE_ROOT, "components", "index.ts")
          : request.startsWith("agent-iam/")
            ? join(PACKAGE_ROOT, request.slice("agent-iam/".length))
            : undefined;
      try {
        return own
          ? original.call(this, own, parent, isMain)
          : original.call(this, request, parent, isMain, { paths: [PACKAGE_ROOT] });
      } catch {
        throw error;
      }
    }
  };
}
