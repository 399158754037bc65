import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Test files import the package by name as a program would; in the tests it is the sources.
    alias: { "@agent-iam/pulumi": fileURLToPath(new URL("./components/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Pulumi's runtime state is global per process: isolate test files from each other.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
