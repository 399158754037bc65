/**
 * The support team's production agents. This stack passes agent-iam's pack on its own, but beside
 * the payments team's program (`agent-iam check examples/organisation`) two things are wrong that
 * only the whole organisation shows:
 * - `ticket-triage` trusts the subject repo:acme/payments:environment:prod, which the payments
 *   team's `invoice-reader` trusts too: the payments repository's production jobs can become either
 *   agent (federated-trust-pinned);
 * - this stack declares an `invoice-reader` in prod as well: two production identities with one
 *   name (agent-name-unique).
 */
import { AgentIdentity, AwsOidcProvider, githubActions } from "@agent-iam/pulumi";

/** The organisation's ceiling for every agent role. */
const BOUNDARY = "arn:aws:iam::123456789012:policy/agent-iam-boundary";
const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
const common = {
  environment: "prod",
  expires: "2027-02-20",
  team: "support",
  aws: { oidcProvider: github, permissionsBoundary: BOUNDARY },
};

// Sorts incoming tickets; copied from a payments workflow, so it still runs on the payments repository.
new AgentIdentity("ticket-triage", {
  ...common,
  owner: "sam.chen@acme.example",
  budget: { monthly: 50, notify: ["sam.chen@acme.example"] },
  purpose: "Reads new support tickets and routes them to the right queue",
  runsOn: githubActions({ repository: "acme/payments" }),
  grants: [{ role: "data-reader", resources: ["arn:aws:s3:::acme-prod-support-tickets"] }],
});

// Answers customers' invoice questions: named like the payments team's agent.
new AgentIdentity("invoice-reader", {
  ...common,
  owner: "amara.nwosu@acme.example",
  budget: { monthly: 50, notify: ["amara.nwosu@acme.example"] },
  purpose: "Reads a customer's invoices to answer their support questions",
  runsOn: githubActions({ repository: "acme/support-bots" }),
  grants: [{ role: "data-reader", resources: ["arn:aws:s3:::acme-prod-invoices"] }],
});
