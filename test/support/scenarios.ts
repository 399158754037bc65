import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { CATALOG_ROLE_NAMES } from "../../src/model/role-catalog";
import { ACTION_CLASSES } from "../../src/model/action-classes";
import { ACCESS_LEVELS } from "../../src/model/access";

/**
 * Task scenarios: what a real tool calls to do an agent's job, written from the tool's or the
 * cloud's documentation (each file names its source), never from our generator. A scenario
 * declares the grant an agent would be given for the job; the tests generate that agent's
 * policies or bindings and decide every call with an evaluator that is not ours.
 */

const callSchema = z
  .object({
    /** AWS `service:Action`, a GCP permission, or an Azure operation (action or data action). */
    action: z.string().min(3),
    /**
     * The resource the call is made on: an ARN or `*` (AWS), a full resource name (GCP:
     * `//SERVICE.googleapis.com/…`, a project-level call on `//SERVICE.googleapis.com/projects/P`),
     * a resource id (Azure).
     */
    resource: z.string().min(1),
    /** Request context an AWS call carries (condition keys such as `iam:PassedToService`). */
    context: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    /** Azure: the operation is a data action (data plane: blobs, messages, secrets), not a control-plane action. */
    dataAction: z.boolean().optional(),
    /** Why a denied call must be denied (the class it belongs to, or the promise it would break). */
    why: z.string().optional(),
  })
  .strict();

const grantSchema = z.union([
  z.object({ role: z.enum(CATALOG_ROLE_NAMES), resources: z.array(z.string()).min(1) }).strict(),
  z
    .object({
      resource: z.string(),
      access: z.array(z.enum(ACCESS_LEVELS)).min(1),
      include: z.array(z.enum(ACTION_CLASSES)).optional(),
    })
    .strict(),
]);

export const scenarioSchema = z
  .object({
    /** The job, in a reviewer's words. */
    scenario: z.string().min(10),
    /** The real tool or command that does it. */
    tool: z.string().min(3),
    /** The page or repository that documents the calls (URL). */
    source: z.string().url(),
    cloud: z.enum(["aws", "gcp", "azure"]),
    /** The grants the agent would be given for the job. */
    grants: z.array(grantSchema).min(1),
    /** Spec fields besides grants (`approval` for an opt-in). */
    spec: z.record(z.string(), z.unknown()).optional(),
    /**
     * The resource's own policy, where the cloud requires one besides the agent's (a KMS key policy:
     * without one that enables IAM policies, no IAM policy allows use of the key).
     */
    resourcePolicy: z.record(z.string(), z.unknown()).optional(),
    /** Calls the tool makes: each must be allowed. */
    allowed: z.array(callSchema).min(1),
    /** Calls the job must not be able to make: each must be denied. */
    denied: z.array(callSchema).min(1),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema> & { readonly file: string };

export const SCENARIO_DIR = join(__dirname, "..", "fixtures", "scenarios");

/** Every scenario file of a cloud (`test/fixtures/scenarios/<cloud>/*.yaml`), validated. */
export function loadScenarios(cloud: "aws" | "gcp" | "azure"): Scenario[] {
  const dir = join(SCENARIO_DIR, cloud);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const parsed = scenarioSchema.safeParse(parse(readFileSync(join(dir, file), "utf8")));
      if (!parsed.success) throw new Error(`${cloud}/${file}: ${z.prettifyError(parsed.error)}`);
      if (parsed.data.cloud !== cloud) throw new Error(`${cloud}/${file}: cloud is ${parsed.data.cloud}`);
      return { ...parsed.data, file: `${cloud}/${file}` };
    });
}
