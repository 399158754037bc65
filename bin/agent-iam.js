#!/usr/bin/env node
"use strict";
// The agent-iam command. It loads TypeScript (its own sources and the programs it checks) through
// tsx, in this process, so a fresh clone needs no build step.

// Commands that run a Pulumi program run with a larger young generation (see program-flags.js).
const PROGRAM_COMMANDS = new Set(["check", "inventory", "offboard"]);
// When it starts itself again with them, this process only waits for the other.
const relaunched = PROGRAM_COMMANDS.has(process.argv[2]) && !require("./program-flags.js").relaunchWithProgramFlags();
if (!relaunched) runCli();

function runCli() {
  require("tsx/cjs");

  // Output piped into a reader that stops early (`agent-iam inventory … | head`) is not an error.
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (error) => {
      if (error && error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  const { main } = require("../src/gate/cli/main.ts");

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
