import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { awsActionInfo } from "../../src/clouds/aws/iam-catalog";
import {
  ACTION_CLASSES,
  AWS_CLASS_EXCEPTIONS,
  AWS_CLASS_RULES,
  awsActionClasses,
  highRiskClasses,
} from "../../src/model/action-classes";

/**
 * The action classes are shared by the components (what a grant may hold) and the pack (what it
 * reports), so they are checked against tables a reviewer wrote without them
 * (`test/fixtures/action-classes/*.yaml`), and every exact action they name must exist.
 */
const rowSchema = z
  .object({ action: z.string(), classes: z.array(z.enum(ACTION_CLASSES)), why: z.string().optional() })
  .strict();

function table(cloud: "aws" | "gcp" | "azure") {
  const file = join(__dirname, "..", "fixtures", "action-classes", `${cloud}.yaml`);
  return z.array(rowSchema).parse(parse(readFileSync(file, "utf8")));
}

describe.each(["aws", "gcp", "azure"] as const)("the %s action classes agree with the reviewer's table", (cloud) => {
  it.each(table(cloud).map((row) => [row.action, row.classes] as const))("%s is %j", (action, classes) => {
    expect(highRiskClasses(action)).toEqual(classes);
  });
});

describe("the AWS class table", () => {
  it("names only actions of the IAM catalog (a typo would classify nothing)", () => {
    const named = [
      ...AWS_CLASS_RULES.flatMap((rule) => rule.actions ?? []),
      ...AWS_CLASS_EXCEPTIONS.map((entry) => entry.action),
    ];
    const missing = named.filter((action) => !awsActionInfo(action));
    // cloudsplaining's Credentials Exposure list keeps a few actions AWS has since retired or renamed.
    expect(
      missing.filter((action) => !/^(codepipeline|connect|gamelift|mediapackage|sso|rds-db):/.test(action)),
    ).toEqual([]);
  });

  it("every exception is an action the rules would otherwise classify", () => {
    for (const entry of AWS_CLASS_EXCEPTIONS) {
      const withoutException = AWS_CLASS_RULES.some(
        (rule) =>
          rule.class === entry.notClass &&
          ((rule.actions ?? []).some((action) => action.toLowerCase() === entry.action.toLowerCase()) ||
            rule.names?.test(entry.action.split(":")[1]!)),
      );
      expect(withoutException, entry.action).toBe(true);
      expect(awsActionClasses(entry.action)).not.toContain(entry.notClass);
    }
  });
});
