import type { Command } from "commander";
import type { CliIO } from "../io";
import { registerCheck } from "./check";
import { registerInventory } from "./inventory";
import { registerAudit } from "./audit";
import { registerOffboard } from "./offboard";

/** What a command's action reports back: the process exit code. */
export type SetExitCode = (code: number) => void;

/**
 * Registers one subcommand on the `agent-iam` program. Adding a command is adding one file that
 * exports such a function and listing it in {@link COMMANDS}.
 */
export type CommandRegistration = (program: Command, io: CliIO, setExitCode: SetExitCode) => void;

/** Every subcommand of `agent-iam`, in the order `--help` lists them. */
export const COMMANDS: readonly CommandRegistration[] = [registerCheck, registerInventory, registerAudit, registerOffboard];
