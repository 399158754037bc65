import { readdirSync, readFileSync } from "node:fs";

/**
 * The memory of a process and every process below it, sampled: the sum of their proportional set
 * sizes (`Pss` of `/proc/PID/smaps_rollup`: shared pages split among the processes that share them,
 * so the sum is what the tree takes), else of their resident sets. GNU time's `%M` is the largest
 * resident set of any single process of the tree, which says nothing of programs that run side by
 * side; this is the figure that does. Linux only; elsewhere it measures nothing.
 */

const PAGE_KB = 4;

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields after the last ")" are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function memoryKb(pid: number): number {
  try {
    const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    if (pss) return Number(pss[1]);
  } catch {
    // No smaps_rollup (an older kernel, or the process just ended): its resident set instead.
  }
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

/** The pids of `root` and every process below it, now. */
export function processTree(root: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Samples the tree under `root` every `intervalMs` until stopped; `stop` returns the largest sum seen, in KiB. */
export function sampleTreeMemory(root: number, intervalMs = 250): { stop(): number | undefined } {
  let peak: number | undefined;
  const sample = () => {
    const tree = processTree(root);
    if (tree.length === 0) return;
    const total = tree.reduce((sum, pid) => sum + memoryKb(pid), 0);
    if (total > 0) peak = Math.max(peak ?? 0, total);
  };
  const timer = setInterval(sample, intervalMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
