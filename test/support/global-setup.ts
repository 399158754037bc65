import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { npmPack, REPO } from "./package";

/**
 * Before any test: pack what ships, as `npm publish` would (each `prepack` builds: `dist/` for the
 * package, the bundle for the pack), so that the tests that run the CLI, the pack or the packed
 * package run what the sources say now. Packing here, once, keeps a build from replacing `dist/`
 * while other tests read it; the tests that install the package take these tarballs.
 */
export default function setup(project: TestProject): void {
  project.provide("packageTarball", npmPack(REPO));
  project.provide("packTarball", npmPack(join(REPO, "policy-pack")));
}

declare module "vitest" {
  export interface ProvidedContext {
    /** `npm pack` of the repository (`@agent-iam/pulumi`). */
    packageTarball: string;
    /** `npm pack` of `policy-pack/` alone (`@agent-iam/policy-pack`, what `pulumi policy publish` uploads). */
    packTarball: string;
  }
}
