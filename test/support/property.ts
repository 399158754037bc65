import type fc from "fast-check";

/**
 * Run settings shared by the property tests (`test/property-*.test.ts`).
 *
 * fast-check puts the seed, the shrink path and the smallest counterexample in the message of the
 * error it throws when a property fails, and vitest prints that message: a failure in CI reads
 * `Property failed after N tests { seed: S, path: "P", endOnFailure: true } Counterexample: …`.
 * To replay it locally: `FC_SEED=S FC_PATH=P npx vitest run test/property-….test.ts`.
 * `FC_RUNS=k` multiplies every property's run count (a longer local soak: `FC_RUNS=10`).
 */

function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name}=${text} is not a number`);
  return value;
}

/** fast-check parameters for `runs` runs, honouring FC_SEED, FC_PATH and FC_RUNS. */
export function runs<T>(numRuns: number): fc.Parameters<T> {
  const scale = envNumber("FC_RUNS") ?? 1;
  const seed = envNumber("FC_SEED");
  const path = process.env.FC_PATH;
  return {
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    ...(seed !== undefined ? { seed } : {}),
    ...(path ? { path } : {}),
  };
}

/** A plain-text table for console output (CI logs): header, rows, columns padded. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [line(cells[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
