import { Command, CommanderError } from "commander";
import { ProgramFailure, UsageError } from "../program/errors";
import { PACKAGE_VERSION } from "../program/package-root";
import { COMMANDS } from "./commands";
import { EXIT } from "./exit-codes";
import { colorsFor, processIO, type CliIO } from "./io";
import { formatFailure } from "./report/failure";

/** The `agent-iam` program with every registered command. */
export function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command("agent-iam")
    .description("Every AI agent gets its own least-privilege, federated, attributable cloud identity.")
    .version(PACKAGE_VERSION, "-V, --version")
    .showHelpAfterError("(run agent-iam --help for usage)")
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .exitOverride();
  for (const register of COMMANDS) register(program, io, setExitCode);
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    });
    command.showHelpAfterError(`(run agent-iam ${command.name()} --help for usage)`);
  }
  return program;
}

/**
 * Runs `agent-iam` with `argv` (as `process.argv`) and resolves to the exit code: what the command
 * set, 2 for a usage error or a failure to run, never a stack dump (set `AGENT_IAM_DEBUG=1` to
 * see one for an internal error).
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (value) => {
    code = value;
  });
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    const colors = colorsFor(io.stderr, io.env);
    if (error instanceof UsageError || error instanceof ProgramFailure) {
      io.stderr.write(formatFailure(error, colors, io.cwd));
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${colors.red("agent-iam failed:")} ${message}\n`);
    if (io.env.AGENT_IAM_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write(colors.dim("(set AGENT_IAM_DEBUG=1 to see where)\n"));
    return EXIT.usage;
  }
}
