import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gcpExpiryTable } from "../../scripts/gcp-expiry-table";
import { GCP_EXPIRY_SUPPORT } from "../../src/clouds/gcp/expiry";
import { acceptsConditions } from "../support/gcp-iam-evaluator";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** One full resource name per type of the table: where a binding for that type is held. */
const HELD_ON: Readonly<Record<string, string>> = {
  "storage.googleapis.com/Bucket": "//storage.googleapis.com/projects/_/buckets/acme-source",
  "secretmanager.googleapis.com/Secret": "//secretmanager.googleapis.com/projects/acme/secrets/token",
  "cloudkms.googleapis.com/CryptoKey":
    "//cloudkms.googleapis.com/projects/acme/locations/europe-west1/keyRings/agents/cryptoKeys/data",
  "run.googleapis.com/Service": "//run.googleapis.com/projects/acme/locations/europe-west1/services/web",
  // Logs and metrics have no resource-level IAM: their bindings are on the project.
  "logging.googleapis.com/Project": "//cloudresourcemanager.googleapis.com/projects/acme",
  "monitoring.googleapis.com/Project": "//cloudresourcemanager.googleapis.com/projects/acme",
  "bigquery.googleapis.com/Dataset": "//bigquery.googleapis.com/projects/acme/datasets/sales",
  "pubsub.googleapis.com/Topic": "//pubsub.googleapis.com/projects/acme/topics/findings",
  "pubsub.googleapis.com/Subscription": "//pubsub.googleapis.com/projects/acme/subscriptions/tickets",
  "artifactregistry.googleapis.com/Repository":
    "//artifactregistry.googleapis.com/projects/acme/locations/europe-west1/repositories/images",
  "iam.googleapis.com/ServiceAccount":
    "//iam.googleapis.com/projects/acme/serviceAccounts/web@acme.iam.gserviceaccount.com",
};

describe("the README's GCP expiry table", () => {
  it("is the table generated from src/clouds/gcp/expiry.ts (npx tsx scripts/gcp-expiry-table.ts)", () => {
    const section = /<!-- gcp-expiry:start -->\n([\s\S]*?)\n<!-- gcp-expiry:end -->/.exec(README)?.[1];
    expect(section).toBe(gcpExpiryTable());
  });

  it.each(Object.entries(GCP_EXPIRY_SUPPORT))(
    "%s: a binding of its own takes a condition exactly when Google's list of types that accept conditional role bindings has it",
    (nativeType, support) => {
      expect(HELD_ON[nativeType], `an example resource for ${nativeType}`).toBeDefined();
      expect(support.mechanism === "condition").toBe(acceptsConditions(HELD_ON[nativeType]!));
    },
  );
});
