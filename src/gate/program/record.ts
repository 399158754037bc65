import { createRecordingMonitor, STACK_TYPE, type RecordedResource, type RecordingMonitor } from "./monitor";
import { ownSdk, type ProgramSdk } from "./sdk";

export type { SourceFrame } from "./errors";
export type { RecordedOptions, RecordedResource } from "./monitor";
export { STACK_TYPE, resourceUrn } from "./monitor";

/** Options of {@link recordResources} and {@link recordStack}. */
export interface RecordOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Run as a preview (`pulumi.runtime.isDryRun()` is true; values the cloud computes stay unknown). */
  readonly preview?: boolean;
  /** Stack configuration, keys as `namespace:key` (`agent-iam:permissionsBoundary`), values as Pulumi stores them (strings). */
  readonly config?: Readonly<Record<string, string>>;
  /** Config keys that hold secrets. */
  readonly secretKeys?: readonly string[];
  /** Called for each resource as it is registered (before the program has finished). */
  readonly onResource?: (resource: RecordedResource) => void;
  /** The Pulumi SDK the program uses (default: the one agent-iam itself resolves). */
  readonly sdk?: ProgramSdk;
}

/** What a program registered: every resource (the stack first) and the stack's outputs. */
export interface RecordedStack {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  /** Every resource, in registration order; the first is the stack resource. */
  readonly resources: RecordedResource[];
  /** The stack's outputs (what the program exported). */
  readonly outputs: Record<string, unknown>;
}

/** Points the Pulumi runtime of this process at a recording monitor (what `pulumi.runtime.setMocks` does). */
function installMonitor(
  sdk: ProgramSdk,
  monitor: RecordingMonitor,
  project: string,
  stack: string,
  preview: boolean,
): void {
  sdk.settings.setMockOptions(monitor, project, stack, preview);
  const store = sdk.state.getStore();
  // The features `setMocks` enables: everything but output values, so inputs arrive resolved.
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
  });
}

/**
 * Runs `program` as a Pulumi program under a recording monitor: inside a stack resource, with the
 * given config, returning every resource it registered (urn, type, name, parent, inputs, outputs,
 * options, dependencies, source position) and the stack's outputs, which are what `program`
 * returns (or resolves to). Errors thrown by the program propagate.
 */
export async function recordStack(program: () => unknown, options: RecordOptions = {}): Promise<RecordedStack> {
  const project = options.project ?? "agent-iam-test";
  const stack = options.stack ?? "test";
  const preview = options.preview ?? false;
  const sdk = options.sdk ?? ownSdk();
  const monitor = createRecordingMonitor(sdk, { project, stack, preview, onResource: options.onResource });
  installMonitor(sdk, monitor, project, stack, preview);
  sdk.pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  try {
    await sdk.pulumi.runtime.runInPulumiStack(async () => program());
  } finally {
    // Internal to the SDK, but the only way to know that every registration has reached the
    // monitor: `disconnect()` waits on it the same way (runtime/settings.js).
    await sdk.settings.waitForRPCs();
  }
  const root = monitor.recorded.find((resource) => resource.type === STACK_TYPE && resource.parent === undefined);
  return { project, stack, preview, resources: monitor.recorded, outputs: root?.state ?? {} };
}

/**
 * Runs `program` under Pulumi's mocks with realistic outputs and returns every resource it
 * registered, in registration order (the stack resource left out). Errors thrown by the program
 * propagate.
 */
export async function recordResources(
  program: () => unknown,
  options: RecordOptions = {},
): Promise<RecordedResource[]> {
  const recorded = await recordStack(program, options);
  return recorded.resources.filter((resource) => resource.type !== STACK_TYPE);
}

/** How many errors the program logged through `pulumi.log.error` (a run with any fails, as in Pulumi). */
export function loggedErrorCount(sdk: ProgramSdk = ownSdk()): number {
  return sdk.state.getStore().logErrorCount ?? 0;
}
