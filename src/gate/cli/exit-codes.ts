/**
 * The exit codes of `agent-iam`, part of its interface: CI systems branch on them.
 * - 0: the check ran and found no mandatory violation.
 * - 1: the check ran and found at least one mandatory violation.
 * - 2: usage error, or the program (or a policy pack) could not run.
 */
export const EXIT = { ok: 0, violations: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
