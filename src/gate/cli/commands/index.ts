import { registerAudit } from "./audit";
import { registerCheck } from "./check";
import { registerInventory } from "./inventory";
import { registerOffboard } from "./offboard";
import type { CommandRegistration } from "./registration";

export type { CommandRegistration, SetExitCode } from "./registration";

/** Every subcommand of `agent-iam`, in the order `--help` lists them. */
export const COMMANDS: readonly CommandRegistration[] = [
  registerCheck,
  registerInventory,
  registerAudit,
  registerOffboard,
];
