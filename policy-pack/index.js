// The pack's entry point (package.json "main"). The Pulumi CLI runs a pack by requiring its main
// with Node; tsx lets Node load the TypeScript sources (./index.ts and the shared ../src) without a
// build step, the same way in CI, on a laptop and in agent-iam's tests.
require("tsx/cjs");
require("./index.ts");
