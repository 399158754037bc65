import type { AnalyzerProvider, AnalyzerResource, AnalyzerResourceOptions } from "../../analyzer";
import type { RecordedResource } from "../../program/record";

export type { AnalyzerProvider, AnalyzerResource, AnalyzerResourceOptions };

/**
 * Recorded resources as the Pulumi engine hands them to a policy pack over the analyzer protocol:
 * `Analyze` gets each resource with its inputs, `AnalyzeStack` every resource with its outputs,
 * each with its options, parent, dependencies and provider (a default provider when the program
 * named none, configured from the stack's `PACKAGE:*` config as the engine does).
 */

const DURATION_PART = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** A Go-style duration (`1h30m`, `5m`, `90s`) in seconds; undefined when it is not one. */
export function durationSeconds(text: string | undefined): number | undefined {
  if (!text || !/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const match of text.matchAll(DURATION_PART)) seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  return seconds;
}

/** The package a type token belongs to: `aws:iam/role:Role` → `aws`. */
export function packageOf(type: string): string {
  return type.split(":")[0] ?? type;
}

function optionsOf(resource: RecordedResource): AnalyzerResourceOptions {
  const { options } = resource;
  const result: AnalyzerResourceOptions = {
    protect: options.protect ?? false,
    ignoreChanges: options.ignoreChanges ?? [],
    deleteBeforeReplace: options.deleteBeforeReplace ?? false,
    deleteBeforeReplaceDefined: options.deleteBeforeReplace !== undefined,
    additionalSecretOutputs: options.additionalSecretOutputs ?? [],
    aliases: options.aliases ?? [],
  };
  if (options.customTimeouts) {
    const timeouts: NonNullable<AnalyzerResourceOptions["customTimeouts"]> = {};
    for (const key of ["create", "update", "delete"] as const) {
      const seconds = durationSeconds(options.customTimeouts[key]);
      if (seconds !== undefined) timeouts[key] = seconds;
    }
    result.customTimeouts = timeouts;
  }
  if (resource.parent) result.parent = resource.parent;
  return result;
}

/** Where a program ran: what a default provider's URN and config come from. */
export interface ViewTarget {
  readonly project: string;
  readonly stack: string;
  /** Stack config (`namespace:key` → value): a default provider gets its package's keys. */
  readonly config?: Readonly<Record<string, string>>;
}

/** Turns recorded resources into analyzer resources, one at a time as they are registered. */
export class AnalyzerView {
  private readonly byUrn = new Map<string, RecordedResource>();

  constructor(private readonly target: ViewTarget) {}

  /** Makes a resource known (an explicit provider must be added before the resources that use it). */
  add(resource: RecordedResource): void {
    this.byUrn.set(resource.urn, resource);
  }

  /** The provider the engine would name for a custom resource. */
  providerOf(resource: RecordedResource): AnalyzerProvider | undefined {
    if (!resource.custom || resource.type.startsWith("pulumi:providers:")) return undefined;
    if (resource.provider) {
      const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
      const provider = this.byUrn.get(urn);
      if (provider) return { type: provider.type, name: provider.name, urn: provider.urn, properties: provider.inputs };
    }
    const pkg = packageOf(resource.type);
    const prefix = `${pkg}:`;
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.target.config ?? {}))
      if (key.startsWith(prefix)) properties[key.slice(prefix.length)] = value;
    return {
      type: `pulumi:providers:${pkg}`,
      name: "default",
      urn: `urn:pulumi:${this.target.stack}::${this.target.project}::pulumi:providers:${pkg}::default`,
      properties,
    };
  }

  /** One resource for `Analyze` (its inputs) or `AnalyzeStack` (its outputs). */
  resource(resource: RecordedResource, phase: "analyze" | "stack"): AnalyzerResource {
    const result: AnalyzerResource = {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      properties: phase === "analyze" ? resource.inputs : resource.state,
      options: optionsOf(resource),
      dependencies: [...resource.dependencies],
      propertyDependencies: Object.fromEntries(
        Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, [...urns]]),
      ),
    };
    if (resource.parent) result.parent = resource.parent;
    const provider = this.providerOf(resource);
    if (provider) result.provider = provider;
    return result;
  }

  /** Every resource given, in order. */
  all(resources: readonly RecordedResource[], phase: "analyze" | "stack"): AnalyzerResource[] {
    for (const resource of resources) this.add(resource);
    return resources.map((resource) => this.resource(resource, phase));
  }
}
