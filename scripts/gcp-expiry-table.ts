import { GCP_EXPIRY_SUPPORT, type GcpExpiryMechanism } from "../src/clouds/gcp/expiry";

/** What each mechanism means for the reader, in the README's words. */
const MECHANISM_WORDS: Readonly<Record<GcpExpiryMechanism, string>> = {
  condition: "the binding's own IAM condition `request.time < timestamp(…)`: it ends by itself",
  "project-condition":
    "a binding on the resource's project conditioned on `resource.name` and `request.time`: it ends by itself",
  "disable-on-expiry":
    "an unconditional binding; the `GcpBudgetStopper` (`gcp.budgetStopper`, required for grants here) disables the agent's service account on the review date",
};

/**
 * The README's table of how a GCP grant ends on the review date, per resource type, generated from
 * `GCP_EXPIRY_SUPPORT` (`src/clouds/gcp/expiry.ts`) so the README says what the components do.
 * `test/docs/gcp-expiry.test.ts` keeps the README equal to it; run `npx tsx scripts/gcp-expiry-table.ts`.
 */
export function gcpExpiryTable(): string {
  const rows = Object.values(GCP_EXPIRY_SUPPORT).map(
    (support) =>
      `| ${support.resource} | ${MECHANISM_WORDS[support.mechanism]}${support.requires ? `; needs ${support.requires}` : ""} | ${support.source} |`,
  );
  return ["| resource type | how access ends on the review date | source |", "|---|---|---|", ...rows].join("\n");
}

if (require.main === module) console.log(gcpExpiryTable());
