import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatPath } from "../../model/agent-spec";
import type { DriftItem, InventoryDocument, InventoryRecord } from "../../model/inventory/record";
import { inventoryFromResources, InventoryError, type ResourceLike } from "./from-resources";

/**
 * `pulumi stack export` documents: `{ "version": N, "deployment": { "manifest": {...}, "resources":
 * [...] } }`. The shape is Pulumi's `apitype.UntypedDeployment` holding a `DeploymentV3`
 * (pulumi/pulumi, sdk/go/common/apitype/core.go): a manifest (`time`, `magic`, `version`) and
 * `ResourceV3` entries (`urn`, `custom`, `id`, `type`, `inputs`, `outputs`, `parent`, `provider`,
 * `delete`, `created`, ...). Versions 1 and 2 predate first-class providers and are refused; later
 * versions keep the V3 fields (apitype: "DO NOT take anything away"), so they are read the same way.
 */

/** The oldest deployment format this reader accepts. */
export const MIN_DEPLOYMENT_VERSION = 3;

/** A URN: `urn:pulumi:STACK::PROJECT::TYPE$...::NAME` (Pulumi docs, "Resource names: URNs"). */
const URN = /^urn:pulumi:([^:]+)::([^:]+)::(.+)::([^:]*)$/;

const resourceSchema = z
  .object({
    urn: z.string().regex(URN, "is not a Pulumi URN (urn:pulumi:STACK::PROJECT::TYPE::NAME)"),
    custom: z.boolean().optional(),
    delete: z.boolean().optional(),
    id: z.string().optional(),
    type: z.string().min(1),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
    parent: z.string().optional(),
    provider: z.string().optional(),
  })
  .loose();

/** The parts of a stack export agent-iam reads; everything else may be there. */
export const stackExportSchema = z
  .object({
    version: z
      .number()
      .int()
      .min(
        MIN_DEPLOYMENT_VERSION,
        `agent-iam reads deployment format version ${MIN_DEPLOYMENT_VERSION} and later; export the stack again with a current Pulumi CLI (pulumi stack export --file FILE)`,
      ),
    deployment: z
      .object({
        manifest: z.object({ time: z.string(), magic: z.string(), version: z.string() }).loose(),
        resources: z.array(resourceSchema).optional(),
      })
      .loose(),
  })
  .loose();

/** A stack export that cannot be read. */
export class StackExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackExportError";
  }
}

/** One stack's deployed resources, read from its export. */
export interface DeployedStack {
  readonly file: string;
  readonly project: string;
  readonly stack: string;
  /** `PROJECT/STACK`, as the inventory names it. */
  readonly name: string;
  /** When the deployment was written (the manifest's time). */
  readonly time: string;
  readonly resources: ResourceLike[];
}

/** Pulumi's marker of a secret value in state (apitype `SecretV1`, the `4dabf181…` signature key). */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** A state value with secrets opened (`--show-secrets` writes `plaintext`) or left unknown (ciphertext). */
function openSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(openSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIGNATURE in record) {
    if (typeof record.plaintext !== "string") return undefined;
    try {
      return openSecrets(JSON.parse(record.plaintext));
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, openSecrets(item)]));
}

/** Parses one export; errors name the file and the field. */
export function parseStackExport(file: string, json: unknown): DeployedStack {
  const parsed = stackExportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StackExportError(
      `${file} is not a pulumi stack export: ${formatPath(issue.path) || "(document)"}: ${issue.message}`,
    );
  }
  const resources = (parsed.data.deployment.resources ?? []).filter((resource) => resource.delete !== true);
  const first = resources[0] ? URN.exec(resources[0].urn) : null;
  if (!first)
    throw new StackExportError(`${file}: deployment.resources is empty; the stack has nothing deployed to read`);
  const [, stack, project] = first;
  const other = resources.find((resource) => {
    const match = URN.exec(resource.urn)!;
    return match[1] !== stack || match[2] !== project;
  });
  if (other)
    throw new StackExportError(`${file}: ${other.urn} is not of stack ${project}/${stack}; export one stack per file`);
  return {
    file,
    project: project!,
    stack: stack!,
    name: `${project}/${stack}`,
    time: parsed.data.deployment.manifest.time,
    resources: resources.map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: URN.exec(resource.urn)![4]!,
      ...(resource.parent ? { parent: resource.parent } : {}),
      ...(resource.id ? { id: resource.id } : {}),
      inputs: (openSecrets(resource.inputs ?? {}) ?? {}) as Record<string, unknown>,
      state: (openSecrets(resource.outputs ?? {}) ?? {}) as Record<string, unknown>,
    })),
  };
}

/** Reads a `pulumi stack export` file. */
export function readStackExport(file: string): DeployedStack {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new StackExportError(
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StackExportError(
      `${file} is not JSON (${(error as Error).message}); write it with pulumi stack export --file ${file}`,
    );
  }
  return parseStackExport(file, json);
}

/** Records first by id, then by stack. */
function byIdThenStack(a: InventoryRecord, b: InventoryRecord): number {
  return a.id.localeCompare(b.id) || (a.stack ?? "").localeCompare(b.stack ?? "");
}

/**
 * The organisation-wide inventory of deployed stacks: one record per `AgentIdentity` of each
 * stack, built from the resources' real outputs, the stack named on each record.
 */
export function inventoryFromStacks(stacks: readonly DeployedStack[], asOf: string): InventoryDocument {
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    const earlier = seen.get(stack.name);
    if (earlier) throw new StackExportError(`${stack.file} and ${earlier} are both exports of ${stack.name}; pass one`);
    seen.set(stack.name, stack.file);
  }
  const agents = stacks.flatMap((stack) => {
    try {
      return inventoryFromResources(stack.resources, { today: asOf, stack: stack.name, cloudValues: "as-recorded" });
    } catch (error) {
      if (error instanceof InventoryError) throw new StackExportError(`${stack.file}: ${error.message}`);
      throw error;
    }
  });
  const times = stacks.map((stack) => stack.time).filter((time) => !Number.isNaN(Date.parse(time)));
  const newest = times.reduce<string | undefined>(
    (latest, time) => (latest === undefined || Date.parse(time) > Date.parse(latest) ? time : latest),
    undefined,
  );
  return {
    generated: asOf,
    source: {
      kind: "state",
      from: stacks.map((stack) => `${stack.name} (${stack.file})`),
      at: newest ?? "unknown",
    },
    agents: agents.sort(byIdThenStack),
  };
}

/** A grant as a comparable key (what it is, not how it is worded). */
function grantKey(grant: InventoryRecord["grants"][number]): string {
  return JSON.stringify([
    grant.cloud,
    grant.resource,
    [...grant.access].sort(),
    [...grant.include].sort(),
    [...grant.actions].sort(),
    grant.dataClass,
    grant.until,
    grant.role,
  ]);
}

function trustOf(record: InventoryRecord): string {
  const { issuer } = record;
  return `issuer ${issuer.url}, subject ${issuer.subject}${issuer.audience ? `, audience ${issuer.audience}` : ""}, sessions up to ${record.maxSessionSeconds} s`;
}

/**
 * Drift between the program and the deployed state, per stack the program was run for: agents in
 * code and not deployed, deployed and no longer in code, and agents whose grants or trust differ.
 * Records are matched by stack and agent id.
 */
export function inventoryDrift(
  program: readonly InventoryRecord[],
  deployed: readonly InventoryRecord[],
  stacks: readonly string[],
): DriftItem[] {
  const key = (record: InventoryRecord) => `${record.stack ?? ""}\u0000${record.id}`;
  const inCode = new Map(program.map((record) => [key(record), record]));
  const inState = new Map(
    deployed.filter((record) => stacks.includes(record.stack ?? "")).map((record) => [key(record), record]),
  );
  const drift: DriftItem[] = [];
  for (const [k, record] of inCode) {
    const state = inState.get(k);
    const stack = record.stack ?? "";
    if (!state) {
      drift.push({
        kind: "not-deployed",
        agent: record.id,
        stack,
        detail: "declared in the program, absent from the stack's state",
      });
      continue;
    }
    const codeGrants = new Map(record.grants.map((grant) => [grantKey(grant), grant.summary]));
    const stateGrants = new Map(state.grants.map((grant) => [grantKey(grant), grant.summary]));
    const added = [...codeGrants].filter(([grant]) => !stateGrants.has(grant)).map(([, summary]) => summary);
    const removed = [...stateGrants].filter(([grant]) => !codeGrants.has(grant)).map(([, summary]) => summary);
    if (added.length > 0 || removed.length > 0)
      drift.push({
        kind: "grants-differ",
        agent: record.id,
        stack,
        detail: [
          added.length > 0 ? `in code, not deployed: ${added.join("; ")}` : "",
          removed.length > 0 ? `deployed, not in code: ${removed.join("; ")}` : "",
        ]
          .filter(Boolean)
          .join(". "),
      });
    if (trustOf(record) !== trustOf(state))
      drift.push({
        kind: "trust-differs",
        agent: record.id,
        stack,
        detail: `code trusts ${trustOf(record)}; deployed trusts ${trustOf(state)}`,
      });
  }
  for (const [k, record] of inState)
    if (!inCode.has(k))
      drift.push({
        kind: "not-in-code",
        agent: record.id,
        stack: record.stack ?? "",
        detail: "deployed in the stack, no longer declared in the program",
      });
  return drift.sort(
    (a, b) => a.stack.localeCompare(b.stack) || a.agent.localeCompare(b.agent) || a.kind.localeCompare(b.kind),
  );
}
