import { readFileSync } from "node:fs";
import { ProgramFailure, type UsageError } from "../../program/errors";
import { displayPath } from "../../program/source-location";
import type { Colors } from "../io";

/** The line of source a location points at, with its number, or nothing when the file cannot be read. */
function sourceLine(file: string, line: number, column: number): string[] {
  try {
    const text = readFileSync(file, "utf8").split(/\r?\n/)[line - 1];
    if (text === undefined) return [];
    const gutter = `${line} | `;
    return [`  ${gutter}${text}`, `  ${" ".repeat(gutter.length + Math.max(0, column - 1))}^`];
  } catch {
    return [];
  }
}

/**
 * One clear message for a check that could not run: the usage problem, or the program's own error
 * with the file and line it came from in the user's files (never a stack dump).
 */
export function formatFailure(error: UsageError | ProgramFailure, colors: Colors, cwd: string): string {
  if (!(error instanceof ProgramFailure)) return `${colors.red("error:")} ${error.message}\n`;
  const where = error.location
    ? ` at ${displayPath(error.location.file, cwd)}:${error.location.line}:${error.location.column}`
    : "";
  const lines = [
    `${colors.red("error:")} the program failed to run${where}`,
    `${colors.bold(error.kind === "error" ? "Error" : error.kind)}: ${error.message}`,
  ];
  if (error.location)
    lines.push(
      ...sourceLine(error.location.file, error.location.line, error.location.column).map((line) => colors.dim(line)),
    );
  return `${lines.join("\n")}\n`;
}
