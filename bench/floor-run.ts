import { createRequire } from "node:module";
import { loadProject } from "../src/gate/program/project";
import { realisticInvoke } from "../src/gate/program/realistic-invokes";
import { realisticOutputs } from "../src/gate/program/realistic-outputs";
import { programSdk } from "../src/gate/program/sdk";

/** What the floor run registered. */
export interface FloorResult {
  /** Resources the mocks were asked to create (custom and component, the stack included). */
  readonly resources: number;
}

/**
 * Runs the program in `programDir` under `pulumi.runtime.setMocks` with the realistic outputs the
 * gate's mocks give (so outputs flow between resources the same way), inside the stack resource,
 * until every registration has reached the mocks. Nothing is recorded or judged.
 */
export async function runFloor(programDir: string): Promise<FloorResult> {
  const project = loadProject(programDir);
  // The Pulumi SDK the program resolves, as `agent-iam check` runs it with.
  const { pulumi, settings } = programSdk(project.dir);
  let resources = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources += 1;
        if (!args.custom) return { id: undefined, state: {} };
        return realisticOutputs(args.type, args.name, args.inputs as Record<string, unknown>);
      },
      call: (args) => realisticInvoke(args.token, args.inputs as Record<string, unknown>),
    },
    project.name,
    project.stack,
    false,
  );
  pulumi.runtime.setAllConfig({ ...project.config }, [...project.secretKeys]);
  process.chdir(project.dir);
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      let exported = createRequire(project.main)(project.main) as unknown;
      // As the gate's runner and Pulumi do: a module whose only export is a default function runs it.
      if (
        typeof exported === "object" &&
        exported !== null &&
        Object.keys(exported).length === 1 &&
        typeof (exported as { default?: unknown }).default === "function"
      )
        exported = (exported as { default: unknown }).default;
      return typeof exported === "function" ? await (exported as () => unknown)() : exported;
    });
  } finally {
    await settings.waitForRPCs();
  }
  return { resources };
}
