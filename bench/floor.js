#!/usr/bin/env node
"use strict";
// The benchmark's floor (figure 2): runs a Pulumi program under Pulumi's plain mocks, with no
// recording and no policy evaluation, in a process set up like `agent-iam check` (same TypeScript
// loader, same SDK settings). Prints one JSON line { resources } and exits 0, or exits 2 on failure.
// The program runs with the Node flags `agent-iam check` runs programs with.
if (require("../bin/program-flags.js").relaunchWithProgramFlags()) runFloorProcess();

function runFloorProcess() {
  require("tsx/cjs");
  const { runFloor } = require("./floor-run.ts");

  runFloor(process.argv[2]).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      setTimeout(() => process.exit(0), 50).unref();
    },
    (error) => {
      process.stderr.write(`floor failed: ${error?.stack ? error.stack : error}\n`);
      process.exit(2);
    },
  );
}
