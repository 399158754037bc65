import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as pulumiSdk from "@pulumi/pulumi";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { ProgramFailure } from "./errors";

/**
 * The Pulumi SDK a program runs with: the `@pulumi/pulumi` its own folder resolves, as the Node.js
 * language host resolves it (`@pulumi/pulumi/cmd/run` from the program's folder). The gate records
 * the program through that copy, never through its own, so a program that could not load its SDK
 * under `pulumi preview` cannot pass here either, and one with its own `node_modules` is run with
 * them.
 */
export interface ProgramSdk {
  /** The folder of the SDK's `package.json`. */
  readonly root: string;
  readonly version: string;
  readonly pulumi: typeof pulumiSdk;
  /** `runtime/settings`: internal; `setMockOptions` and `waitForRPCs` are what `setMocks` and `disconnect` use. */
  readonly settings: {
    waitForRPCs(): Promise<void>;
    setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean, organization?: string): void;
  };
  /** `runtime/state`: internal; the store holds the run's feature flags and logged-error count. */
  readonly state: { getStore(): Record<string, unknown> & { logErrorCount: number } };
  readonly MockMonitor: typeof MockMonitor;
  /** The protobuf messages the SDK's own monitor client expects back. */
  readonly resourcePb: {
    RegisterResourceResponse: new () => {
      setUrn(v: string): void;
      setId(v: string): void;
      setObject(v: unknown): void;
    };
    ReadResourceResponse: new () => { setUrn(v: string): void; setProperties(v: unknown): void };
  };
  readonly structPb: { Struct: { fromJavaScript(value: Record<string, unknown>): unknown } };
}

const loaded = new Map<string, ProgramSdk>();

/** The SDK as resolved from `from` (a file or folder path); cached per SDK copy. */
function sdkAt(root: string): ProgramSdk {
  let sdk = loaded.get(root);
  if (sdk) return sdk;
  const load = createRequire(join(root, "package.json"));
  sdk = {
    root,
    version: (load("./package.json") as { version: string }).version,
    pulumi: load("./index.js") as typeof pulumiSdk,
    settings: load("./runtime/settings.js") as ProgramSdk["settings"],
    state: load("./runtime/state.js") as ProgramSdk["state"],
    MockMonitor: (load("./runtime/mocks.js") as { MockMonitor: typeof MockMonitor }).MockMonitor,
    resourcePb: load("./proto/resource_pb.js") as ProgramSdk["resourcePb"],
    // The copy of google-protobuf the SDK's generated messages use.
    structPb: load(load.resolve("google-protobuf/google/protobuf/struct_pb")) as ProgramSdk["structPb"],
  };
  loaded.set(root, sdk);
  return sdk;
}

/**
 * The `@pulumi/pulumi` a program in `programDir` imports. A folder that cannot resolve it is a
 * {@link ProgramFailure} that says what to install: `pulumi preview` would fail the same way.
 */
export function programSdk(programDir: string): ProgramSdk {
  let manifest: string;
  try {
    manifest = createRequire(join(programDir, "package.json")).resolve("@pulumi/pulumi/package.json");
  } catch {
    throw new ProgramFailure(
      `the program cannot load @pulumi/pulumi from ${programDir}: its folder has no node_modules with the Pulumi SDK; run npm install @pulumi/pulumi there (as pulumi preview needs too)`,
      undefined,
      "missing module",
    );
  }
  return sdkAt(dirname(manifest));
}

/** The SDK agent-iam itself resolves: for programs run in process by agent-iam's own code and tests. */
export function ownSdk(): ProgramSdk {
  return sdkAt(dirname(require.resolve("@pulumi/pulumi/package.json")));
}
