import { GCP_BUDGET_DISPLAY_NAME } from "./budget";

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

async function stopAgent(cloudEvent) {
  const project = process.env.AGENT_IAM_PROJECT;
  const decision = decide(cloudEvent && cloudEvent.data && cloudEvent.data.message, project);
  if (!decision) return;
  const tokenResponse = await fetch(METADATA_TOKEN, { headers: { "Metadata-Flavor": "Google" } });
  if (!tokenResponse.ok) throw new Error("metadata server refused a token: HTTP " + tokenResponse.status);
  const token = await tokenResponse.json();
  const url = "https://iam.googleapis.com/v1/projects/-/serviceAccounts/" + encodeURIComponent(decision.email) + ":disable";
  const response = await fetch(url, { method: "POST", headers: { Authorization: "Bearer " + token.access_token, "Content-Type": "application/json" }, body: "{}" });
  if (!response.ok) throw new Error("disabling " + decision.email + " failed: HTTP " + response.status + " " + (await response.text()));
  console.log(JSON.stringify({ severity: "NOTICE", message: "agent-iam stopped " + decision.email + ": spent " + decision.cost + " of " + decision.amount + " " + decision.currency + " (stop at " + decision.stopAt + "%)", account: decision.email }));
}

exports.decide = decide;
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
