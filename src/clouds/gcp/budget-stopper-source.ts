import { GCP_BUDGET_DISPLAY_NAME } from "./budget";

/**
 * The message the stopper's Cloud Scheduler job for one agent publishes on the agent's review date
 * (a JSON object, base64-encoded as Pub/Sub carries it): the account to disable and the date.
 */
export const GCP_EXPIRY_MESSAGE_KIND = "agent-iam-expiry";

/** The body of an agent's expiry message. */
export function gcpExpiryMessage(accountId: string, expires: string): string {
  return JSON.stringify({ kind: GCP_EXPIRY_MESSAGE_KIND, accountId, expires });
}

/**
 * The job's schedule: 00:00 UTC on the review date's day and month (unix-cron; Cloud Scheduler has
 * no one-off jobs, so it would fire again a year later, when the account is long disabled or the
 * job moved to the new date).
 */
export function gcpExpirySchedule(expires: string): string {
  const [, month, day] = expires.split("-").map(Number);
  return `0 0 ${day} ${month} *`;
}

/**
 * The source of the budget stopper, a Cloud Run function (2nd gen) subscribed to the budgets' Pub/Sub
 * topic. It holds no key: it runs as its own service account and asks the metadata server for that
 * account's token (Cloud Run docs, "Fetching identity and access tokens"). For each budget
 * notification (Cloud Billing docs, "Notification format": `budgetDisplayName`, `costAmount`,
 * `budgetAmount`) whose display name is agent-iam's (`agent-iam ACCOUNT_ID stop N%`) and whose cost
 * has reached N % of the amount, it disables `ACCOUNT_ID@PROJECT.iam.gserviceaccount.com`
 * (IAM API, `projects.serviceAccounts.disable`). Its account may disable the agents' accounts and
 * nothing else, so a forged message can at most stop an agent early.
 *
 * Plain CommonJS with no dependency besides the Functions Framework, which Cloud Build installs.
 * `decide` is exported so that tests run this very text.
 */
export const GCP_BUDGET_STOPPER_SOURCE = `"use strict";
const DISPLAY_NAME = /${GCP_BUDGET_DISPLAY_NAME.source}/;
const METADATA_TOKEN = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token";
const EXPIRY_KIND = "${GCP_EXPIRY_MESSAGE_KIND}";
const ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATE = /^\\d{4}-\\d{2}-\\d{2}$/;

/** Which account one budget notification stops, or null. */
function decide(message, project) {
  if (!message || typeof message.data !== "string" || !project) return null;
  let data;
  try {
    data = JSON.parse(Buffer.from(message.data, "base64").toString("utf8"));
  } catch (error) {
    return null;
  }
  const match = DISPLAY_NAME.exec(String(data.budgetDisplayName || ""));
  if (!match) return null;
  const cost = Number(data.costAmount);
  const amount = Number(data.budgetAmount);
  const stopAt = Number(match[2]);
  if (!Number.isFinite(cost) || !Number.isFinite(amount) || amount <= 0 || stopAt <= 0) return null;
  if (cost * 100 < amount * stopAt) return null;
  return { email: match[1] + "@" + project + ".iam.gserviceaccount.com", cost: cost, amount: amount, stopAt: stopAt, currency: data.currencyCode || "" };
}

/** Which account one expiry message stops at \`now\`, or null: only once its review date has come (UTC). */
function decideExpiry(message, project, now) {
  if (!message || typeof message.data !== "string" || !project) return null;
  let data;
  try {
    data = JSON.parse(Buffer.from(message.data, "base64").toString("utf8"));
  } catch (error) {
    return null;
  }
  if (!data || data.kind !== EXPIRY_KIND) return null;
  if (!ACCOUNT_ID.test(String(data.accountId)) || !DATE.test(String(data.expires))) return null;
  if (now.toISOString().slice(0, 10) < data.expires) return null;
  return { email: data.accountId + "@" + project + ".iam.gserviceaccount.com", expires: data.expires };
}

async function stopAgent(cloudEvent) {
  const project = process.env.AGENT_IAM_PROJECT;
  const message = cloudEvent && cloudEvent.data && cloudEvent.data.message;
  const budget = decide(message, project);
  const expiry = budget ? null : decideExpiry(message, project, new Date());
  const decision = budget || expiry;
  if (!decision) return;
  const tokenResponse = await fetch(METADATA_TOKEN, { headers: { "Metadata-Flavor": "Google" } });
  if (!tokenResponse.ok) throw new Error("metadata server refused a token: HTTP " + tokenResponse.status);
  const token = await tokenResponse.json();
  const url = "https://iam.googleapis.com/v1/projects/-/serviceAccounts/" + encodeURIComponent(decision.email) + ":disable";
  const response = await fetch(url, { method: "POST", headers: { Authorization: "Bearer " + token.access_token, "Content-Type": "application/json" }, body: "{}" });
  if (!response.ok) throw new Error("disabling " + decision.email + " failed: HTTP " + response.status + " " + (await response.text()));
  const why = budget
    ? "spent " + budget.cost + " of " + budget.amount + " " + budget.currency + " (stop at " + budget.stopAt + "%)"
    : "its review date " + expiry.expires + " has come";
  console.log(JSON.stringify({ severity: "NOTICE", message: "agent-iam stopped " + decision.email + ": " + why, account: decision.email }));
}

exports.decide = decide;
exports.decideExpiry = decideExpiry;
exports.stopAgent = stopAgent;
require("@google-cloud/functions-framework").cloudEvent("stopAgent", stopAgent);
`;

/** The `package.json` deployed with the source: Cloud Build installs the Functions Framework. */
export const GCP_BUDGET_STOPPER_PACKAGE = JSON.stringify(
  {
    name: "agent-iam-budget-stopper",
    version: "1.0.0",
    private: true,
    main: "index.js",
    engines: { node: ">=20" },
    dependencies: { "@google-cloud/functions-framework": "^3.4.0" },
  },
  null,
  2,
);

/** The function's entry point. */
export const GCP_BUDGET_STOPPER_ENTRY_POINT = "stopAgent";

/** The one permission the stopper holds on each agent's service account (IAM permissions reference). */
export const GCP_BUDGET_STOPPER_PERMISSIONS: readonly string[] = ["iam.serviceAccounts.disable"];
