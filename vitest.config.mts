import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's runtime state is global per process: isolate test files from each other.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
