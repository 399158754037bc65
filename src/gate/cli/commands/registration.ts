import type { Command } from "commander";
import type { CliIO } from "../io";

/** What a command's action reports back: the process exit code. */
export type SetExitCode = (code: number) => void;

/**
 * Registers one subcommand on the `agent-iam` program. Adding a command is adding one file that
 * exports such a function and listing it in `COMMANDS` (./index.ts).
 */
export type CommandRegistration = (program: Command, io: CliIO, setExitCode: SetExitCode) => void;
