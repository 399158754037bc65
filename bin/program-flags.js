"use strict";
// Node flags of a process that runs a Pulumi program (`agent-iam check`, `inventory`, `offboard`,
// and the benchmark's floor, which must run the program as the check does).
//
// A program under mocks makes a burst of short-lived objects for every resource it registers (the
// SDK's outputs, promises and serialized properties). With Node's default young generation (16 MiB
// semi-spaces on 64-bit) half of each burst is still alive at a scavenge and gets copied, and each
// scavenge also scans the old generation's pointers into the young one, so large programs spend
// much of their run in scavenges that grow with the heap (measured in bench/README.md). V8 sizes the young generation
// when the process starts (`v8.setFlagsFromString` has no effect on it later), so the process
// starts itself once more with the flags.

const PROGRAM_NODE_FLAGS = ["--max-semi-space-size=64"];

/** Flags that make a second start wrong: a debugger port taken twice. */
const NO_RELAUNCH = /^--(inspect|debug)/;

function hasFlags() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS || "").split(/\s+/)];
  // A size the user chose (in NODE_OPTIONS or on the command line) is kept.
  return given.some((flag) => flag.startsWith("--max-semi-space-size"));
}

/**
 * Runs this script again in a child process with {@link PROGRAM_NODE_FLAGS} unless this process
 * already has them (or runs under a debugger). Returns true when this process should do the work;
 * false when the child does it: this process then exits as the child exits.
 */
function relaunchWithProgramFlags() {
  if (hasFlags() || process.execArgv.some((flag) => NO_RELAUNCH.test(flag))) return true;
  const { spawn } = require("node:child_process");
  const child = spawn(process.execPath, [...PROGRAM_NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  // Ctrl-C reaches the whole process group: the child handles it, this process waits for its exit.
  const forward = (signal) => () => child.kill(signal);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", forward("SIGTERM"));
  process.on("SIGHUP", forward("SIGHUP"));
  child.on("error", (error) => {
    process.stderr.write(`agent-iam failed to start: ${error.message}\n`);
    process.exit(2);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code === null ? 2 : code);
  });
  return false;
}

module.exports = { PROGRAM_NODE_FLAGS, relaunchWithProgramFlags };
