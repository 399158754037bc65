import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Smoke test of the audit engines' benchmark (bench/audit-engines.ts) on a tiny log. */
describe("bench/audit-engines.ts", () => {
  it("measures both engines on the same log, every event read by each, and gives their ratio", () => {
    const output = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(__dirname, "..", "..", "bench", "audit-engines.ts"),
        "--events",
        "2000",
        "--files",
        "2",
        "--json",
      ],
      {
        cwd: join(__dirname, "..", ".."),
        encoding: "utf8",
      },
    );
    const [row] = JSON.parse(output.trim().split("\n").pop()!) as {
      events: number;
      ratio: number;
      stream: { eventsPerSecond: number; maxRssMb: number };
      duckdb: { eventsPerSecond: number; maxRssMb: number };
    }[];
    expect(row!.events).toBe(2000);
    expect(row!.stream.eventsPerSecond).toBeGreaterThan(0);
    expect(row!.duckdb.eventsPerSecond).toBeGreaterThan(0);
    expect(row!.stream.maxRssMb).toBeGreaterThan(10);
    expect(row!.ratio).toBeGreaterThan(0);
  }, 120_000);
});
