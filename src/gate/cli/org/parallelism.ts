/**
 * How many programs `agent-iam check DIR` runs at once. Each program runs in a process of its own
 * (Pulumi's runtime state is global per process) and keeps about two cores busy: its program's
 * thread, and its packs' thread and pack processes beside it (bench/README.md). Memory: a program
 * may grow to its heap limit (Node's `--max-old-space-size`, which the programs' processes inherit),
 * and its packs take some more. So: one program per two cores, no more than the memory that is
 * available holds at that size each, at least one, and never more than there are programs.
 * A program whose run has ended, and whose check only waits for its packs' stack analysis, no
 * longer counts: the next program starts then, so that the two overlap (at most one such tail per
 * program running).
 */

/** What a pack process and a program's process take besides the program's heap. */
export const PER_PROGRAM_OVERHEAD_BYTES = 512 * 1024 * 1024;

/** The machine as the choice sees it. */
export interface Machine {
  /** Cores this process may use (`os.availableParallelism()`). */
  readonly cores: number;
  /** Memory available for new processes, in bytes (`os.freemem()`: MemAvailable on Linux). */
  readonly availableBytes: number;
  /** The heap limit a program's process runs with, in bytes (`v8.getHeapStatistics().heap_size_limit`). */
  readonly heapLimitBytes: number;
}

/** The choice and why, in words for the report. */
export interface Parallelism {
  readonly programs: number;
  readonly reason: string;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** Programs to run at once for `units` programs on `machine`; `requested` (`--jobs`) overrides the machine's answer. */
export function chooseParallelism(units: number, machine: Machine, requested?: number): Parallelism {
  if (requested !== undefined) {
    const programs = Math.max(1, Math.min(requested, units));
    return { programs, reason: `--jobs ${requested}` };
  }
  const byCores = Math.max(1, Math.floor(machine.cores / 2));
  const perProgram = machine.heapLimitBytes + PER_PROGRAM_OVERHEAD_BYTES;
  const byMemory = Math.max(1, Math.floor(machine.availableBytes / perProgram));
  const programs = Math.max(1, Math.min(byCores, byMemory, units));
  const limit =
    programs === units && units < Math.min(byCores, byMemory)
      ? `${units} program${units === 1 ? "" : "s"}`
      : byCores <= byMemory
        ? `${machine.cores} core${machine.cores === 1 ? "" : "s"}, two per program`
        : `${gib(machine.availableBytes)} available, ${gib(perProgram)} per program (heap limit and packs)`;
  return { programs, reason: limit };
}
