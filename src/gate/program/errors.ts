/**
 * The two ways a check can fail before any policy runs; both end with exit code 2 and one clear
 * message, never a stack dump.
 */

/** The command was used wrongly: a missing `Pulumi.yaml`, a bad flag, an unreadable config file. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The program did not run: a syntax error, a constructor that threw, a missing module. */
export class ProgramFailure extends Error {
  constructor(
    message: string,
    /** Where in the user's files it came from, when the error says. */
    readonly location?: SourceFrame,
    /** The kind of failure, for the first line of the report ("syntax error", "AgentSpecError", …). */
    readonly kind: string = "error",
  ) {
    super(message);
    this.name = "ProgramFailure";
  }
}

/** A position in a source file (an absolute path, 1-based line and column). */
export interface SourceFrame {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}
