import pc from "picocolors";

/** The colour functions the reports use (picocolors' shape). */
export type Colors = ReturnType<typeof pc.createColors>;

/** A stream the CLI writes to. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Where a command reads its environment and writes its output; tests pass their own. */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The process's own streams and environment. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Whether to colour a stream: only a terminal, never with `NO_COLOR` set (no-color.org), always
 * with `FORCE_COLOR` set to anything but `0`.
 */
export function colorEnabled(stream: OutputStream, env: CliIO["env"]): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Colours for a stream, all identity functions when it should stay plain. */
export function colorsFor(stream: OutputStream, env: CliIO["env"]): Colors {
  return pc.createColors(colorEnabled(stream, env));
}
