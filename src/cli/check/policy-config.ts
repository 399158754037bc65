import { readFileSync } from "node:fs";
import { z } from "zod";
import { UsageError } from "../../program/errors";

/** Enforcement levels a policy can run at (`@pulumi/policy` `EnforcementLevel`). */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

const levelSchema = z.enum(ENFORCEMENT_LEVELS, { error: `an enforcement level is one of ${ENFORCEMENT_LEVELS.join(", ")}` });

/**
 * Pulumi's policy pack config file (`pulumi preview --policy-pack-config FILE`): per policy name an
 * enforcement level, or an object with an optional `enforcementLevel` and the policy's own
 * properties; `all` sets every policy's level.
 */
export const policyConfigSchema = z.record(
  z.string(),
  z.union([levelSchema, z.looseObject({ enforcementLevel: levelSchema.optional() })], {
    error: 'each entry is an enforcement level ("mandatory") or an object ({ "enforcementLevel": "advisory", ...properties })',
  }),
);

export type PolicyConfig = z.infer<typeof policyConfigSchema>;

/** Reads and validates a policy config file; a bad file is a {@link UsageError} naming the entry. */
export function readPolicyConfig(file: string): PolicyConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`--config ${file}: ${reason}`);
  }
  const parsed = policyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--config ${file}: ${issue.path.length > 0 ? `"${issue.path.join(".")}": ` : ""}${issue.message}`);
  }
  return parsed.data;
}
