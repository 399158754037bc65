import * as pulumi from "@pulumi/pulumi";
import { realisticOutputs } from "./realistic-outputs";

/** A resource registered by a program run under mocks. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Whether a provider manages it (false for component resources). */
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** The outputs the mocks returned (inputs plus realistic ids, ARNs, emails). */
  readonly state: Record<string, unknown>;
}

/** Options of {@link recordResources}. */
export interface RecordOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Run as a preview (`pulumi.runtime.isDryRun()` is true). */
  readonly preview?: boolean;
}

// Internal to the Pulumi SDK, but the only way to know that every registration has reached the
// monitor: `disconnect()` uses it the same way (runtime/settings.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/**
 * Runs `program` under Pulumi's mocks with realistic outputs and returns every resource it
 * registered, in registration order. Errors thrown by the program propagate.
 */
export async function recordResources(program: () => unknown, options: RecordOptions = {}): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const { id, state } = realisticOutputs(args.type, args.name, args.inputs as Record<string, unknown>);
        recorded.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs as Record<string, unknown>, state });
        return { id: args.custom === false ? undefined : id, state };
      },
      call(args) {
        return args.inputs as Record<string, unknown>;
      },
    },
    options.project ?? "agent-iam-test",
    options.stack ?? "test",
    options.preview ?? false,
  );
  await program();
  await settings.waitForRPCs();
  return recorded;
}
