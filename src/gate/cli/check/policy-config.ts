import { readFileSync } from "node:fs";
import { z } from "zod";
import { UsageError } from "../../program/errors";

/** Enforcement levels a policy can run at (`@pulumi/policy` `EnforcementLevel`). */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

const levelSchema = z.enum(ENFORCEMENT_LEVELS, {
  error: `an enforcement level is one of ${ENFORCEMENT_LEVELS.join(", ")}`,
});

/**
 * Pulumi's policy pack config file (`pulumi preview --policy-pack-config FILE`): per policy name an
 * enforcement level, or an object with an optional `enforcementLevel` and the policy's own
 * properties; `all` sets every policy's level.
 */
const entrySchema = z
  .unknown()
  .transform((value, ctx): EnforcementLevel | { enforcementLevel?: EnforcementLevel; [property: string]: unknown } => {
    const schema =
      typeof value === "string" ? levelSchema : z.looseObject({ enforcementLevel: levelSchema.optional() });
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    if (typeof value !== "string" && (typeof value !== "object" || value === null || Array.isArray(value)))
      ctx.addIssue({
        code: "custom",
        message:
          'each entry is an enforcement level ("mandatory") or an object ({ "enforcementLevel": "advisory", ...properties })',
      });
    else
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    return z.NEVER;
  });

export const policyConfigSchema = z.record(z.string(), entrySchema, {
  error: "the file must hold a JSON object: policy names to levels or settings",
});

export type PolicyConfig = z.infer<typeof policyConfigSchema>;

/** Reads and validates a policy config file; a bad file is a {@link UsageError} naming the entry. */
export function readPolicyConfig(file: string, label: string = file): PolicyConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`--config ${label}: ${reason}`);
  }
  const parsed = policyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `--config ${label}: ${issue.path.length > 0 ? `"${issue.path.join(".")}": ` : ""}${issue.message}`,
    );
  }
  return parsed.data;
}
