/**
 * The agent fleet of one environment: seven agents across AWS, GCP and Azure, each with its own
 * least-privilege, federated identity, an owner, a purpose, a review date and a monthly budget that
 * stops it when spent; and the environment's tool gateway, through which two of them call tools
 * (refunds, tickets, chat), each call decided by its own Cedar policies. `index.ts` declares it for
 * the stack's environment (`prod` or `dev`).
 */
import {
  AgentGateway,
  AgentIdentity,
  AwsOidcProvider,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  awsWorkload,
  githubActions,
  gitlabCi,
  kubernetes,
  type AgentIdentityArgs,
} from "@agent-iam/pulumi";

/** Where one environment's agents live. */
export interface FleetSettings {
  readonly environment: "prod" | "dev";
  readonly awsAccountId: string;
  readonly awsRegion: string;
  readonly permissionsBoundaryArn: string;
  readonly gcpProject: string;
  /** The billing account that pays for the GCP project: the agents' budgets live there. */
  readonly gcpBillingAccount: string;
  /** Where the GCP budget stopper runs. */
  readonly gcpRegion: string;
  readonly azureSubscriptionId: string;
  readonly azureResourceGroup: string;
  readonly azureLocation: string;
  /** The OIDC issuer of the EKS cluster the triage agent runs in. */
  readonly clusterIssuerUrl: string;
  /** Review dates: within 90 days, as the policy pack's agent-identity-expiry requires. */
  readonly expires: string;
}

/** The settings of each environment (overridable through the stack's config, see index.ts). */
export const FLEET_DEFAULTS: Readonly<Record<FleetSettings["environment"], FleetSettings>> = {
  prod: {
    environment: "prod",
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/agent-iam-boundary",
    gcpProject: "acme-agents-prod",
    gcpBillingAccount: "01A2B3-C4D5E6-F7A8B9",
    gcpRegion: "europe-west1",
    azureSubscriptionId: "11111111-2222-4333-8444-555555555555",
    azureResourceGroup: "agents-prod",
    azureLocation: "westeurope",
    clusterIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/5C0FFEE0A1B2C3D4E5F60718293A4B5C",
    expires: "2027-02-15",
  },
  dev: {
    environment: "dev",
    awsAccountId: "210987654321",
    awsRegion: "us-east-1",
    permissionsBoundaryArn: "arn:aws:iam::210987654321:policy/agent-iam-boundary",
    gcpProject: "acme-agents-dev",
    gcpBillingAccount: "01A2B3-C4D5E6-F7A8B9",
    gcpRegion: "europe-west1",
    azureSubscriptionId: "66666666-7777-4888-9999-000000000000",
    azureResourceGroup: "agents-dev",
    azureLocation: "westeurope",
    clusterIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/D3V0C1A5B2C3D4E5F60718293A4B5C6D",
    expires: "2027-01-31",
  },
};

/** Declares the fleet of one environment and returns its agents by name. */
export function declareFleet(settings: FleetSettings): Record<string, AgentIdentity> {
  const env = settings.environment;
  const aws = (service: string, resource: string) =>
    `arn:aws:${service}:${settings.awsRegion}:${settings.awsAccountId}:${resource}`;
  const gcp = (service: string, path: string) => `//${service}.googleapis.com/projects/${settings.gcpProject}/${path}`;
  const azure = (path: string) =>
    `/subscriptions/${settings.azureSubscriptionId}/resourceGroups/data-${env}/providers/${path}`;
  const storageAccount = `Microsoft.Storage/storageAccounts/acme${env}data`;

  const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
  const gitlab = new AwsOidcProvider("gitlab", { issuerUrl: "https://gitlab.com" });
  const cluster = new AwsOidcProvider("eks-agents", { issuerUrl: settings.clusterIssuerUrl });
  const pool = new GcpWorkloadIdentityPool("agents", {
    project: settings.gcpProject,
    issuers: [githubActions({ repository: "acme/api" }), gitlabCi({ project: "acme/sre/monitoring" })],
  });
  // Disables an agent's service account when its budget is spent (Google's budgets only notify) and on
  // its review date, which is what ends grants on Pub/Sub, Artifact Registry and service accounts.
  const stopper = new GcpBudgetStopper("budget-stopper", { project: settings.gcpProject, region: settings.gcpRegion });
  const gcpBlock = {
    project: settings.gcpProject,
    pool,
    billingAccount: settings.gcpBillingAccount,
    budgetStopper: stopper,
  };
  const azureBlock = {
    subscriptionId: settings.azureSubscriptionId,
    resourceGroupName: settings.azureResourceGroup,
    location: settings.azureLocation,
  };
  const common = { environment: env, expires: settings.expires, costCenter: "cc-agents-4410" };
  /** A monthly cap per agent: the owner and FinOps hear at 80 % and 100 %, the cloud stops the agent at `stopAt` %. */
  const budget = (monthly: number, owner: string, stopAt = 100) => ({
    monthly,
    notify: [owner, "finops@acme.example"],
    stopAt,
  });
  // The environment's tool gateway: GitHub Actions tokens asked for the gateway's audience, one policy engine
  // enforcing every agent's tool policies, and outbound credentials that stay in Secrets Manager.
  const tools = new AgentGateway("tools", {
    owner: "marco.rossi@acme.example",
    environment: env,
    issuer: { url: "https://token.actions.githubusercontent.com", audiences: [`https://tools.${env}.acme.example`] },
    targets: [
      {
        name: "payments",
        description: "Order lookups and refunds, in the payments service's Lambda function",
        lambda: { functionArn: aws("lambda", "function:payments-tools") },
        tools: [
          {
            name: "get_order",
            description: "Reads an order and its payments",
            inputs: { order_id: { type: "string", required: true } },
          },
          {
            name: "refund",
            description: "Refunds an order, in full or in part",
            risk: "refund",
            inputs: {
              order_id: { type: "string", required: true },
              amount: { type: "number", required: true },
              currency: { type: "string", required: true },
            },
          },
        ],
        credentials: { gatewayRole: {} },
      },
      {
        name: "jira",
        mcpServer: { endpoint: "https://mcp.atlassian.example/v1/mcp" },
        tools: [
          {
            name: "create_issue",
            description: "Opens an issue in a project",
            inputs: {
              project: { type: "string", required: true },
              summary: { type: "string", required: true },
              priority: { type: "integer" },
            },
          },
          {
            name: "delete_issue",
            description: "Deletes an issue",
            risk: "delete",
            inputs: { issue: { type: "string", required: true } },
          },
        ],
        credentials: {
          oauth2: {
            discoveryUrl: "https://auth.atlassian.example/.well-known/openid-configuration",
            clientId: `acme-agents-${env}`,
            clientSecret: {
              secretArn: aws("secretsmanager", `secret:${env}/jira-oauth-client-Q1w2E3`),
              jsonKey: "client_secret",
            },
            scopes: ["write:jira-work"],
          },
        },
      },
      {
        name: "chat",
        openApi: { s3Uri: `s3://acme-${env}-tool-schemas/chat.openapi.json` },
        tools: [
          {
            name: "post_message",
            description: "Posts a message to a channel",
            inputs: { channel: { type: "string", required: true }, text: { type: "string", required: true } },
          },
        ],
        credentials: {
          apiKey: {
            secret: { secretArn: aws("secretsmanager", `secret:${env}/chat-bot-token-R4t5Y6`), jsonKey: "token" },
            parameterName: "Authorization",
            prefix: "Bearer",
          },
        },
      },
    ],
  });

  const awsVia = (oidcProvider: AwsOidcProvider) => ({
    oidcProvider,
    permissionsBoundary: settings.permissionsBoundaryArn,
  });

  const agents: Record<string, AgentIdentityArgs> = {
    // Reviews every pull request on three clouds' copies of the source, posts findings to a queue/topic.
    "pr-reviewer": {
      ...common,
      owner: "keisha.okafor@acme.example",
      budget: budget(300, "keisha.okafor@acme.example"),
      team: "developer-experience",
      purpose: "Reviews pull requests of acme/api and posts its findings for the authors",
      runsOn: githubActions({ repository: "acme/api" }),
      grants: [
        {
          role: "code-reviewer",
          resources: [
            `arn:aws:s3:::acme-${env}-source`,
            aws("sqs", "review-findings"),
            `//storage.googleapis.com/projects/_/buckets/acme-${env}-source`,
            gcp("pubsub", "topics/review-findings"),
            azure(`${storageAccount}/blobServices/default/containers/source`),
            azure(`Microsoft.ServiceBus/namespaces/acme-${env}-bus/queues/review-findings`),
          ],
        },
      ],
      aws: awsVia(github),
      gcp: gcpBlock,
      azure: azureBlock,
      // Posts a summary of each review to the team's channel, and files a ticket for a finding that blocks a release.
      tools: {
        gateway: tools,
        allow: [
          { target: "chat", tool: "post_message", when: { channel: { equals: "#api-reviews" } } },
          { target: "jira", tool: "create_issue", when: { project: { equals: "API" } } },
        ],
      },
    },
    // Ships releases: pushes images and rolls out the service, deletes nothing.
    "deploy-bot": {
      ...common,
      owner: "marco.rossi@acme.example",
      budget: budget(500, "marco.rossi@acme.example"),
      team: "platform",
      purpose: "Builds release images and rolls them out to the web service",
      runsOn: githubActions({ repository: "acme/platform" }),
      grants: [
        {
          role: "deployment-agent",
          resources: [
            `arn:aws:s3:::acme-${env}-artifacts`,
            aws("ecr", "repository/web"),
            aws("ecs", `service/acme-${env}/web`),
            // What the rollout registers and passes: the task definition family, its task and execution roles.
            aws("ecs", "task-definition/web:*"),
            `arn:aws:iam::${settings.awsAccountId}:role/acme-${env}-web-task`,
            `arn:aws:iam::${settings.awsAccountId}:role/acme-${env}-web-execution`,
            gcp("artifactregistry", "locations/europe-west1/repositories/web"),
            gcp("run", "locations/europe-west1/services/web"),
            // The Cloud Run service runs as this account: the deploy acts as it (iam.serviceAccounts.actAs).
            gcp("iam", `serviceAccounts/web-runtime@${settings.gcpProject}.iam.gserviceaccount.com`),
            azure(`Microsoft.ContainerRegistry/registries/acme${env}images`),
            azure(`Microsoft.App/containerApps/web`),
            // Updating the app joins its environment again (Microsoft.App/managedEnvironments/join/action).
            azure(`Microsoft.App/managedEnvironments/acme-${env}`),
          ],
        },
      ],
      aws: awsVia(github),
      gcp: gcpBlock,
      azure: azureBlock,
    },
    // Watches logs and metrics and opens incidents elsewhere; changes nothing.
    "ops-monitor": {
      ...common,
      owner: "priya.raman@acme.example",
      budget: budget(150, "priya.raman@acme.example"),
      team: "sre",
      purpose: "Reads logs and metrics every five minutes and reports regressions to on-call",
      // One protected branch per environment: GitLab's token subject names the ref, not the environment.
      runsOn: gitlabCi({ project: "acme/sre/monitoring", ref: env === "prod" ? "main" : env }),
      grants: [
        {
          role: "read-only-monitor",
          resources: [
            aws("logs", `log-group:/acme/${env}/web`),
            `//logging.googleapis.com/projects/${settings.gcpProject}`,
            `//monitoring.googleapis.com/projects/${settings.gcpProject}`,
            azure(`Microsoft.OperationalInsights/workspaces/acme-${env}-logs`),
          ],
        },
      ],
      aws: awsVia(gitlab),
      gcp: gcpBlock,
      azure: azureBlock,
    },
    // Reads the sales data for weekly reports; cannot change or export it.
    "report-reader": {
      ...common,
      owner: "dana.levi@acme.example",
      budget: budget(200, "dana.levi@acme.example"),
      team: "analytics",
      purpose: "Reads sales data and writes the weekly revenue summary to the analysts",
      runsOn: githubActions({ repository: "acme/analytics" }),
      grants: [
        {
          role: "data-reader",
          dataClass: "financial",
          resources: [
            `arn:aws:s3:::acme-${env}-sales`,
            aws("dynamodb", "table/orders"),
            `//storage.googleapis.com/projects/_/buckets/acme-${env}-sales`,
            gcp("bigquery", "datasets/sales"),
            azure(`${storageAccount}/blobServices/default/containers/sales`),
            azure(`${storageAccount}/tableServices/default/tables/orders`),
          ],
        },
      ],
      aws: awsVia(github),
      gcp: gcpBlock,
      azure: azureBlock,
    },
    // Issues refunds: reads and updates refund records, may void them; needs an approval.
    "support-refunds": {
      ...common,
      owner: "sam.chen@acme.example",
      budget: budget(250, "sam.chen@acme.example", 90),
      team: "support",
      purpose: "Issues approved customer refunds and voids duplicate refund records",
      approval: "SEC-2041",
      runsOn: githubActions({ repository: "acme/support-bots" }),
      grants: [
        {
          resource: aws("dynamodb", "table/refunds"),
          access: ["read", "write"],
          include: ["delete"],
          dataClass: "financial",
        },
        {
          resource: aws("secretsmanager", `secret:${env}/payments-api-AbC123`),
          access: "read",
          dataClass: "credentials",
        },
        {
          resource: azure(`${storageAccount}/blobServices/default/containers/refund-receipts`),
          access: ["read", "list", "write"],
          include: ["delete"],
          dataClass: "financial",
        },
        { resource: azure(`Microsoft.KeyVault/vaults/acme-${env}-payments`), access: "read", dataClass: "credentials" },
      ],
      aws: awsVia(github),
      azure: azureBlock,
      // Refunds through the payments tools, only up to 500 in euros or dollars; reads orders; files support tickets.
      tools: {
        gateway: tools,
        allow: [
          { target: "payments", tool: "get_order" },
          {
            target: "payments",
            tool: "refund",
            when: { amount: { atMost: 500 }, currency: { oneOf: ["EUR", "USD"] } },
          },
          { target: "jira", tool: "create_issue", when: { project: { equals: "SUP" } } },
        ],
      },
    },
    // Runs in the agents namespace of the EKS cluster: triages incoming tickets from a queue.
    "ticket-triage": {
      ...common,
      owner: "priya.raman@acme.example",
      budget: budget(100, "priya.raman@acme.example"),
      team: "sre",
      purpose: "Triages new support tickets from the intake queue and labels them for routing",
      runsOn: kubernetes({
        issuerUrl: settings.clusterIssuerUrl,
        namespace: "agents",
        serviceAccount: "ticket-triage",
      }),
      // Reads the service's logs as ops-monitor when a ticket reports an outage: no shared secret, and
      // only on AWS and GCP (Azure managed identities cannot act as one another).
      delegatesTo: [{ agent: "ops-monitor", clouds: ["aws", "gcp"] }],
      // Minting another account's tokens is a permissions change on GCP: the security team approved it.
      approval: "SEC-2077",
      grants: [
        { resource: aws("sqs", "ticket-intake"), access: "read" },
        // The backlog of the old ticket system, read while it is migrated: access ends by itself after December.
        { resource: aws("sqs", "ticket-backfill"), access: "read", until: "2026-12-31" },
        { resource: gcp("pubsub", "subscriptions/ticket-intake"), access: "read" },
        { resource: azure(`Microsoft.ServiceBus/namespaces/acme-${env}-bus/queues/ticket-intake`), access: "read" },
      ],
      aws: awsVia(cluster),
      gcp: gcpBlock,
      azure: azureBlock,
    },
    // Runs as a Lambda function on AWS and reads the warehouse in BigQuery: GCP trusts the function's
    // role through a provider of type aws, so no service-account key is stored anywhere.
    "warehouse-analyst": {
      ...common,
      owner: "diego.alvarez@acme.example",
      budget: budget(80, "diego.alvarez@acme.example"),
      team: "analytics",
      purpose: "Answers analytics questions from the warehouse tables and the support exports",
      runsOn: awsWorkload({
        service: "lambda",
        accountId: settings.awsAccountId,
        functionName: `warehouse-analyst-${env}`,
      }),
      grants: [
        { resource: gcp("bigquery", "datasets/warehouse"), access: "read" },
        { resource: `arn:aws:s3:::acme-${env}-support-exports`, access: "read" },
      ],
      aws: { permissionsBoundary: settings.permissionsBoundaryArn },
      gcp: gcpBlock,
    },
  };

  return Object.fromEntries(Object.entries(agents).map(([name, args]) => [name, new AgentIdentity(name, args)]));
}
