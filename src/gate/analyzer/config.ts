import { validateObject } from "./json-schema";
import type { AnalyzerInfo, EnforcementLevel, PolicyConfigEntry } from "./types";

/**
 * A pack's config as a team writes it (`pulumi preview --policy-pack-config FILE`): per policy name
 * an enforcement level, or an object with an optional `enforcementLevel` and the policy's
 * properties; `all` sets every policy's level. {@link reconcilePackConfig} turns it into what the
 * engine sends with `Configure`, as the Pulumi CLI does (`ReconcilePolicyPackConfig`): every policy,
 * its schema's defaults, the pack's initial config, then the team's, validated against the schemas.
 */
export type PackConfig = Record<string, unknown>;

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A pack config that names no policy of the pack, or breaks a policy's schema. */
export class PackConfigError extends Error {
  constructor(pack: string, problems: readonly string[]) {
    super(
      `the config of policy pack "${pack}" is not valid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
    this.name = "PackConfigError";
  }
}

interface Given {
  enforcementLevel?: EnforcementLevel;
  properties: Record<string, unknown>;
}

function readEntry(name: string, value: unknown, problems: string[]): Given | undefined {
  if (typeof value === "string") {
    if ((LEVELS as readonly string[]).includes(value))
      return { enforcementLevel: value as EnforcementLevel, properties: {} };
    problems.push(`${name}: "${value}" is not an enforcement level (${LEVELS.join(", ")})`);
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${name}: must be an enforcement level or an object of properties`);
    return undefined;
  }
  const { enforcementLevel, ...properties } = value as Record<string, unknown>;
  if (enforcementLevel !== undefined && !(LEVELS as readonly unknown[]).includes(enforcementLevel)) {
    problems.push(
      `${name}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (${LEVELS.join(", ")})`,
    );
    return undefined;
  }
  return { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
}

/** The config `Configure` sends for every policy of the pack; throws {@link PackConfigError} listing every problem. */
export function reconcilePackConfig(info: AnalyzerInfo, config: PackConfig = {}): Record<string, PolicyConfigEntry> {
  const problems: string[] = [];
  const names = new Set(info.policies.map((policy) => policy.name));
  const result: Record<string, PolicyConfigEntry> = {};
  for (const policy of info.policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {}))
      if ("default" in schema) properties[key] = schema.default;
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  const apply = (source: Record<string, Given>) => {
    const all = source.all?.enforcementLevel;
    if (all) for (const entry of Object.values(result)) entry.enforcementLevel = all;
    for (const [name, given] of Object.entries(source)) {
      if (name === "all" || !result[name]) continue;
      if (given.enforcementLevel) result[name].enforcementLevel = given.enforcementLevel;
      Object.assign(result[name].properties, given.properties);
    }
  };
  const initial: Record<string, Given> = {};
  for (const [name, entry] of Object.entries(info.initialConfig))
    initial[name] = { enforcementLevel: entry.enforcementLevel, properties: { ...entry.properties } };
  apply(initial);

  const given: Record<string, Given> = {};
  for (const [name, value] of Object.entries(config)) {
    if (name !== "all" && !names.has(name)) {
      problems.push(`"${name}" is not a policy of this pack; its policies are ${[...names].sort().join(", ")}`);
      continue;
    }
    const entry = readEntry(name, value, problems);
    if (entry && name === "all" && Object.keys(entry.properties).length > 0)
      problems.push(`all: takes only an enforcement level ("all": "mandatory")`);
    if (entry) given[name] = entry;
  }
  apply(given);

  for (const policy of info.policies) {
    const schema = {
      type: "object",
      properties: policy.configSchema?.properties ?? {},
      required: policy.configSchema?.required ?? [],
      additionalProperties: false,
    };
    problems.push(
      ...validateObject(schema, result[policy.name]!.properties, "").map((problem) => `${policy.name}.${problem}`),
    );
  }
  if (problems.length > 0) throw new PackConfigError(info.name, problems);
  return result;
}
