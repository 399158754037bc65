import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * Before any test: build what ships (dist/ and the pack's bundle), so that the tests that run the
 * CLI, the pack or the packed package always run what the sources say now.
 */
export default function setup(): void {
  execFileSync(process.execPath, [join(__dirname, "..", "..", "scripts", "build.mjs")], { stdio: "inherit" });
}
