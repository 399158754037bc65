import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { CLOUD_NAMES } from "../../../model/plain-words";
import { inventoryDocument } from "../../../reports/inventory/document";
import {
  DEPARTED_OWNERS_KEY,
  DepartedOwnersError,
  offboardConfigChange,
  offboardingChanges,
  parseDepartedOwners,
  sameOwner,
  type ResourceChange,
} from "../../../model/offboarding";
import { AGENT_IDENTITY_TYPE } from "../../../model/contract";
import type { InventoryRecord } from "../../../model/inventory/record";
import { UsageError } from "../../program/errors";
import { loadProject, type ProgramProject } from "../../program/project";
import type { RecordedStack } from "../../program/record";
import { runProject } from "../../program/run";
import { ownerSchema } from "../../../model/spec";
import { EXIT } from "../exit-codes";
import { colorsFor, type CliIO } from "../io";
import type { CommandRegistration } from "./registration";

interface OffboardFlags {
  stack?: string;
  json?: boolean;
}

/** One agent the offboarding disables, and what changes in its resources. */
interface AffectedAgent {
  readonly agent: InventoryRecord;
  readonly changes: readonly ResourceChange[];
  /** Whether the agent is disabled after the change (read back from the second run). */
  readonly disabledAfter: boolean;
}

/** Runs a program again, offline, with other stack config. */
export async function runWithConfig(project: ProgramProject, config: Record<string, string>): Promise<RecordedStack> {
  return runProject({ ...project, config });
}

function componentUrn(recorded: RecordedStack, agentId: string): string | undefined {
  return recorded.resources.find((resource) => resource.type === AGENT_IDENTITY_TYPE && resource.name === agentId)?.urn;
}

const SYMBOLS: Readonly<Record<ResourceChange["change"], string>> = { create: "+", delete: "-", update: "~" };

function describeChange(change: ResourceChange): string {
  return `${SYMBOLS[change.change]} ${change.type} ${change.name}${change.properties.length > 0 ? ` (${change.properties.join(", ")})` : ""}`;
}

/**
 * `agent-iam offboard OWNER PROGRAM_DIR`: which agents an owner's departure disables, what changes
 * in their cloud resources (the program is run offline with and without the owner in
 * `agent-iam:departedOwners`), and the exact config change to make.
 */
export const registerOffboard: CommandRegistration = (program: Command, io: CliIO, setExitCode) => {
  program
    .command("offboard")
    .description(
      "Show which agents a departing owner's offboarding disables, what changes in their identities, and the config change to make",
    )
    .argument("<OWNER>", "the departing person's email, as the agents' owner field has it")
    .argument("[PROGRAM_DIR]", "folder holding Pulumi.yaml (default: the current folder)")
    .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml config to use (default: the only one, else dev)")
    .option("--json", "print one JSON document instead of the text")
    .addHelpText(
      "after",
      `\nThe change lists OWNER in the stack config ${DEPARTED_OWNERS_KEY}; on the next pulumi up every AgentIdentity they own is deployed disabled (each cloud's kill switch). Give an agent a new owner to enable it again.\n\nExample:\n  agent-iam offboard keisha@acme.example examples/fleet --stack prod`,
    )
    .action(async (owner: string, programDir: string | undefined, flags: OffboardFlags) => {
      const email = ownerSchema.safeParse(owner);
      if (!email.success) throw new UsageError(`OWNER ${owner}: ${email.error.issues[0]!.message}`);
      const project = loadProject(programDir ? resolve(io.cwd, programDir) : io.cwd, { stack: flags.stack });
      for (const note of project.notes) io.stderr.write(`note: ${note}\n`);
      let current: string[];
      try {
        current = parseDepartedOwners(
          project.config[DEPARTED_OWNERS_KEY] === undefined
            ? undefined
            : JSON.parse(project.config[DEPARTED_OWNERS_KEY]!),
        );
      } catch (error) {
        if (error instanceof DepartedOwnersError || error instanceof SyntaxError)
          throw new UsageError(`stack ${project.stack}: ${(error as Error).message}`);
        throw error;
      }
      const change = offboardConfigChange(owner, current, project.stack);
      const listed = change.alreadyListed ? current : [...current, owner];

      const before = await runWithConfig(project, {
        ...project.config,
        [DEPARTED_OWNERS_KEY]: JSON.stringify(current.filter((departed) => !sameOwner(departed, owner))),
      });
      const after = await runWithConfig(project, { ...project.config, [DEPARTED_OWNERS_KEY]: JSON.stringify(listed) });
      const owned = inventoryDocument(before.resources).agents.filter((agent) => sameOwner(agent.owner, owner));
      const afterById = new Map(inventoryDocument(after.resources).agents.map((agent) => [agent.id, agent]));
      const affected: AffectedAgent[] = owned.map((agent) => {
        const urn = componentUrn(before, agent.id);
        return {
          agent,
          changes: urn ? offboardingChanges(before.resources, after.resources, urn) : [],
          disabledAfter: afterById.get(agent.id)?.status === "disabled",
        };
      });
      const stillActive = affected.filter((item) => !item.disabledAfter);

      if (flags.json) {
        io.stdout.write(
          `${JSON.stringify(
            {
              owner,
              stack: project.stack,
              alreadyListed: change.alreadyListed,
              agents: affected.map((item) => ({
                id: item.agent.id,
                environment: item.agent.environment,
                clouds: item.agent.clouds,
                disabledAfter: item.disabledAfter,
                changes: item.changes,
              })),
              command: change.command,
              yaml: change.yaml,
            },
            null,
            2,
          )}\n`,
        );
      } else {
        const c = colorsFor(io.stdout, io.env);
        const stackFile = project.stackFile ? basename(project.stackFile) : `Pulumi.${project.stack}.yaml`;
        const out: string[] = [c.bold(`Offboarding ${owner} from stack ${project.stack} of ${project.name}`), ""];
        if (affected.length === 0)
          out.push(
            `No agent in this program is owned by ${owner}: nothing is disabled now; listing them keeps any agent they are later made owner of disabled.`,
          );
        else {
          const count = `${affected.length} agent${affected.length === 1 ? " is" : "s are"} owned by ${owner}`;
          out.push(
            change.alreadyListed
              ? `${count}, who is already in ${DEPARTED_OWNERS_KEY}: the program deploys ${affected.length === 1 ? "it" : "them"} disabled.`
              : `${count} and will be disabled on the next pulumi up:`,
            "",
          );
          for (const item of affected) {
            const clouds = item.agent.clouds.map((cloud) => CLOUD_NAMES[cloud]).join(", ") || "no cloud";
            out.push(`  ${c.bold(item.agent.id)} (${item.agent.environment}; ${clouds}): ${item.agent.purpose}`);
            if (change.alreadyListed) continue;
            if (item.changes.length === 0) out.push("    no resource changes");
            for (const line of item.changes) out.push(`    ${describeChange(line)}`);
          }
        }
        out.push("");
        if (change.alreadyListed)
          out.push(
            `${owner} is already in ${DEPARTED_OWNERS_KEY} of stack ${project.stack}; there is nothing to change.`,
          );
        else {
          out.push(
            "Make the change:",
            "",
            `  ${change.command}`,
            "",
            `or in ${stackFile}:`,
            "",
            ...change.yaml.split("\n").map((line) => `  ${line}`),
            "",
          );
          out.push("Then run agent-iam check and pulumi up. To enable an agent again, give it a new owner.");
        }
        for (const item of stillActive)
          out.push(
            c.red(
              `warning: ${item.agent.id} stays active after the change: its AgentIdentity does not read ${DEPARTED_OWNERS_KEY} (update agent-iam)`,
            ),
          );
        io.stdout.write(`${out.join("\n")}\n`);
      }
      setExitCode(stillActive.length > 0 ? EXIT.violations : EXIT.ok);
    });
};
