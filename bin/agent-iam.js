#!/usr/bin/env node
"use strict";
// The agent-iam command: the compiled CLI in dist/ (the published package ships it; in a clone,
// npm run build makes it).

// Commands that run a Pulumi program run with a larger young generation (see program-flags.js).
const PROGRAM_COMMANDS = new Set(["check", "inventory", "offboard"]);
// When it starts itself again with them, this process only waits for the other.
const relaunched = PROGRAM_COMMANDS.has(process.argv[2]) && !require("./program-flags.js").relaunchWithProgramFlags();
if (!relaunched) runCli();

function loadCli() {
  try {
    return require("../dist/src/gate/cli/main.js");
  } catch (error) {
    if (error?.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/src/gate/cli/main.js")) {
      process.stderr.write("agent-iam: the CLI is not built (no dist/); run npm run build in the agent-iam folder\n");
      process.exit(2);
    }
    throw error;
  }
}

function runCli() {
  // Output piped into a reader that stops early (`agent-iam inventory … | head`) is not an error.
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (error) => {
      if (error && error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  const { main } = loadCli();

  main(process.argv).then(
    (code) => {
      process.exitCode = code;
      // Exit even if a library left a handle open, but only once everything written has reached the
      // reader: on a pipe, stdout is asynchronous and an early exit cut long --json reports short.
      // A write's callback runs after every earlier write on that stream is flushed.
      process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    },
    (error) => {
      process.stderr.write(`agent-iam failed: ${error?.message ? error.message : error}\n`);
      process.exit(2);
    },
  );
}
