import { z } from "zod";
import type { Agent } from "../agent";
import { ownerSchema } from "../spec";

/**
 * Offboarding: the stack config `agent-iam:departedOwners` lists people who left. Every agent they
 * own is created disabled (each cloud's kill switch) on the next `pulumi up`, until the agent gets
 * a new owner.
 */

/** The config key, as `pulumi config` names it. */
export const DEPARTED_OWNERS_KEY = "agent-iam:departedOwners";

export const departedOwnersSchema = z.array(ownerSchema, {
  error: `${DEPARTED_OWNERS_KEY} must be a list of email addresses, such as ["keisha@acme.example"]`,
});

/** Thrown when the config value is not a list of email addresses. */
export class DepartedOwnersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DepartedOwnersError";
  }
}

/** Validates the config value (already parsed from JSON/YAML); undefined means nobody departed. */
export function parseDepartedOwners(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const parsed = departedOwnersSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${DEPARTED_OWNERS_KEY}[${String(issue.path[0])}]` : DEPARTED_OWNERS_KEY;
    throw new DepartedOwnersError(`${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** Emails compare case-insensitively (the domain part always does; providers treat the local part so too). */
export function sameOwner(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether an owner is in the departed list. */
export function isDeparted(owner: string, departedOwners: readonly string[]): boolean {
  return departedOwners.some((departed) => sameOwner(departed, owner));
}

/** The agent as it must be deployed: disabled when its owner departed. */
export function applyDepartedOwners(agent: Agent, departedOwners: readonly string[]): { agent: Agent; ownerDeparted: boolean } {
  const ownerDeparted = isDeparted(agent.owner, departedOwners);
  return { agent: ownerDeparted && !agent.disabled ? { ...agent, disabled: true } : agent, ownerDeparted };
}

/** What to change to offboard an owner from a stack. */
export interface OffboardConfigChange {
  /** Whether the owner is already listed (nothing to change). */
  readonly alreadyListed: boolean;
  /** The `pulumi config set` command that adds the owner. */
  readonly command: string;
  /** The same change as it reads in `Pulumi.<stack>.yaml`. */
  readonly yaml: string;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9@._+:\/=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact config change that offboards `owner` from a stack whose current list is `current`:
 * `pulumi config set --path 'agent-iam:departedOwners[N]' OWNER` appends at index N.
 */
export function offboardConfigChange(owner: string, current: readonly string[], stack?: string): OffboardConfigChange {
  const alreadyListed = isDeparted(owner, current);
  const list = alreadyListed ? [...current] : [...current, owner];
  const index = alreadyListed ? current.findIndex((departed) => sameOwner(departed, owner)) : current.length;
  const command = `pulumi config set --path '${DEPARTED_OWNERS_KEY}[${index}]' ${shellQuote(owner)}${stack ? ` --stack ${shellQuote(stack)}` : ""}`;
  const yaml = ["config:", `  ${DEPARTED_OWNERS_KEY}:`, ...list.map((email) => `    - ${email}`)].join("\n");
  return { alreadyListed, command, yaml };
}
