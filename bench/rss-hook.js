"use strict";
// Loaded with --require by bench/measure.ts when GNU time is not available: appends this process's
// peak resident set (KiB) to the file the benchmark names, when the process exits.
const file = process.env.AGENT_IAM_BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    try {
      require("node:fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // Measuring must never change what the measured process does.
    }
  });
}
