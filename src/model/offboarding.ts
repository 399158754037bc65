import { z } from "zod";
import type { Agent } from "./agent";
import { ownerSchema } from "./spec";

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
export function applyDepartedOwners(
  agent: Agent,
  departedOwners: readonly string[],
): { agent: Agent; ownerDeparted: boolean } {
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
  return /^[A-Za-z0-9@._+:/=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
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

/** What a resource looks like to {@link offboardingChanges}: the recorder's URN, parent, type, name and inputs. */
export interface DiffableResource {
  readonly urn: string;
  readonly parent?: string;
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** One resource change under an agent's component, as `pulumi preview` would list it. */
export interface ResourceChange {
  readonly change: "create" | "delete" | "update";
  readonly type: string;
  readonly name: string;
  /** For an update: the inputs that change. */
  readonly properties: readonly string[];
}

function under(resources: readonly DiffableResource[], rootUrn: string): Map<string, DiffableResource> {
  const inside = new Set([rootUrn]);
  const found = new Map<string, DiffableResource>();
  for (const resource of resources)
    if (resource.parent !== undefined && inside.has(resource.parent)) {
      inside.add(resource.urn);
      found.set(resource.urn, resource);
    }
  return found;
}

/**
 * The resources that change under one component between two runs of a program (before and after
 * a config change): created, deleted, and updated with the inputs that differ. Pure; both runs come
 * from the recorder.
 */
export function offboardingChanges(
  before: readonly DiffableResource[],
  after: readonly DiffableResource[],
  componentUrn: string,
): ResourceChange[] {
  const old = under(before, componentUrn);
  const next = under(after, componentUrn);
  const changes: ResourceChange[] = [];
  for (const [urn, resource] of old) {
    const now = next.get(urn);
    if (!now) {
      changes.push({ change: "delete", type: resource.type, name: resource.name, properties: [] });
      continue;
    }
    const keys = [...new Set([...Object.keys(resource.inputs), ...Object.keys(now.inputs)])].sort();
    const properties = keys.filter((key) => JSON.stringify(resource.inputs[key]) !== JSON.stringify(now.inputs[key]));
    if (properties.length > 0) changes.push({ change: "update", type: resource.type, name: resource.name, properties });
  }
  for (const [urn, resource] of next)
    if (!old.has(urn)) changes.push({ change: "create", type: resource.type, name: resource.name, properties: [] });
  const order = { delete: 0, update: 1, create: 2 } as const;
  return changes.sort(
    (a, b) => order[a.change] - order[b.change] || a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
  );
}
