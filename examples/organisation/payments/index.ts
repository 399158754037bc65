/**
 * The payments team's agents, one stack per environment (`prod`, `staging`). Each stack passes
 * agent-iam's pack on its own; `agent-iam check examples/organisation` judges it beside the
 * support team's program, and finds what no single stack shows (see ../support/index.ts).
 */
import { AgentIdentity, AwsOidcProvider, githubActions } from "@agent-iam/pulumi";
import * as pulumi from "@pulumi/pulumi";

const environment = pulumi.getStack() === "prod" ? "prod" : "staging";
/** The organisation's ceiling for every agent role. */
const BOUNDARY = "arn:aws:iam::123456789012:policy/agent-iam-boundary";
const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
const common = {
  environment,
  expires: "2027-02-20",
  team: "payments",
  aws: { oidcProvider: github, permissionsBoundary: BOUNDARY },
};

// Reads the invoices for the monthly report, from the payments repository's environment of this stack.
new AgentIdentity("invoice-reader", {
  ...common,
  owner: "priya.raman@acme.example",
  budget: { monthly: 50, notify: ["priya.raman@acme.example"] },
  purpose: "Reads the invoices and writes the monthly revenue report",
  runsOn: githubActions({ repository: "acme/payments" }), // repo:acme/payments:environment:<stack>
  grants: [{ role: "data-reader", resources: [`arn:aws:s3:::acme-${environment}-invoices`] }],
});

// Watches the refund service's logs and tells on-call about failed refunds.
new AgentIdentity("refund-monitor", {
  ...common,
  owner: "dana.levi@acme.example",
  budget: { monthly: 50, notify: ["dana.levi@acme.example"] },
  purpose: "Reads the refund service's logs and reports failed refunds to on-call",
  runsOn: githubActions({ repository: "acme/payments-ops" }),
  grants: [
    {
      role: "read-only-monitor",
      resources: [`arn:aws:logs:us-east-1:123456789012:log-group:/acme/${environment}/refunds`],
    },
  ],
});
