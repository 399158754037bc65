"""The prod agents of examples/fleet in Python, through agent-iam's components for every language.

`pulumi package add ../../provider` (after `npm run build` in the repository) generates the
`pulumi_agent_iam` SDK this program imports; `pulumi preview --policy-pack ../../policy-pack` is its gate.
"""

import pulumi
import pulumi_agent_iam as agent_iam

ENVIRONMENT = "prod"
EXPIRES = "2027-02-15"
BOUNDARY = "arn:aws:iam::123456789012:policy/agent-iam-boundary"
PROJECT = "acme-agents-prod"
CLUSTER_ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/5C0FFEE0A1B2C3D4E5F60718293A4B5C"

github = agent_iam.AwsOidcProvider("github", issuer_url="https://token.actions.githubusercontent.com")
gitlab = agent_iam.AwsOidcProvider("gitlab", issuer_url="https://gitlab.com")
cluster = agent_iam.AwsOidcProvider("eks-agents", issuer_url=CLUSTER_ISSUER)

# One provider per issuer and owner; agents name theirs by position in `issuers`.
pool = agent_iam.GcpWorkloadIdentityPool(
    "agents",
    project=PROJECT,
    issuers=[
        {"github_actions": {"repository": "acme/api"}},
        {"gitlab_ci": {"project": "acme/sre/monitoring"}},
        {"kubernetes": {"issuer_url": CLUSTER_ISSUER, "namespace": "agents", "service_account": "ticket-triage"}},
    ],
    # warehouse-analyst runs as a Lambda function: GCP admits its role alone, through a provider of type aws.
    aws_roles=[{"account_id": "123456789012", "role_name": "agent-warehouse-analyst-prod"}],
)

# Disables an agent's service account when its budget is spent (Google's budgets only notify).
stopper = agent_iam.GcpBudgetStopper("budget-stopper", project=PROJECT, region="europe-west1")

# The environment's tool gateway: GitHub Actions tokens asked for the gateway's audience, one policy engine
# enforcing every agent's tool policies, and outbound credentials that stay in Secrets Manager.
tools = agent_iam.AgentGateway(
    "tools",
    owner="marco.rossi@acme.example",
    environment=ENVIRONMENT,
    issuer={"url": "https://token.actions.githubusercontent.com", "audiences": ["https://tools.prod.acme.example"]},
    targets=[
        {
            "name": "payments",
            "description": "Order lookups and refunds, in the payments service's Lambda function",
            "lambda": {"function_arn": "arn:aws:lambda:us-east-1:123456789012:function:payments-tools"},
            "tools": [
                {
                    "name": "get_order",
                    "description": "Reads an order and its payments",
                    "inputs": {"order_id": {"type": "string", "required": True}},
                },
                {
                    "name": "refund",
                    "description": "Refunds an order, in full or in part",
                    "risk": "refund",
                    "inputs": {
                        "order_id": {"type": "string", "required": True},
                        "amount": {"type": "number", "required": True},
                        "currency": {"type": "string", "required": True},
                    },
                },
            ],
            "credentials": {"gateway_role": {}},
        },
        {
            "name": "jira",
            "mcp_server": {"endpoint": "https://mcp.atlassian.example/v1/mcp"},
            "tools": [
                {
                    "name": "create_issue",
                    "description": "Opens an issue in a project",
                    "inputs": {
                        "project": {"type": "string", "required": True},
                        "summary": {"type": "string", "required": True},
                        "priority": {"type": "integer"},
                    },
                },
                {
                    "name": "delete_issue",
                    "description": "Deletes an issue",
                    "risk": "delete",
                    "inputs": {"issue": {"type": "string", "required": True}},
                },
            ],
            "credentials": {
                "oauth2": {
                    "discovery_url": "https://auth.atlassian.example/.well-known/openid-configuration",
                    "client_id": "acme-agents-prod",
                    "client_secret": {
                        "secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/jira-oauth-client-Q1w2E3",
                        "json_key": "client_secret",
                    },
                    "scopes": ["write:jira-work"],
                },
            },
        },
        {
            "name": "chat",
            "open_api": {"s3_uri": "s3://acme-prod-tool-schemas/chat.openapi.json"},
            "tools": [
                {
                    "name": "post_message",
                    "description": "Posts a message to a channel",
                    "inputs": {
                        "channel": {"type": "string", "required": True},
                        "text": {"type": "string", "required": True},
                    },
                },
            ],
            "credentials": {
                "api_key": {
                    "secret": {
                        "secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/chat-bot-token-R4t5Y6",
                        "json_key": "token",
                    },
                    "parameter_name": "Authorization",
                    "prefix": "Bearer",
                },
            },
        },
    ],
)

AZURE = {
    "subscription_id": "11111111-2222-4333-8444-555555555555",
    "resource_group_name": "agents-prod",
    "location": "westeurope",
}


def gcp_via(provider_index):
    """The GCP side: the agent's service account in PROJECT, federated through the pool's provider."""
    return {
        "project": PROJECT,
        "pool": {"name": pool.name, "provider": pool.provider_names[provider_index]},
        "billing_account": "01A2B3-C4D5E6-F7A8B9",
        "budget_stopper": stopper.reference,
    }


def aws_via(provider):
    return {"oidc_provider": provider.arn, "permissions_boundary": BOUNDARY}


pr_reviewer = agent_iam.AgentIdentity(
    "pr-reviewer",
    owner="keisha.okafor@acme.example",
    team="developer-experience",
    cost_center="cc-agents-4410",
    purpose="Reviews pull requests of acme/api and posts its findings for the authors",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "github_actions": {
            "repository": "acme/api",
        },
    },
    grants=[
        {
            "role": "code-reviewer",
            "resources": [
                "arn:aws:s3:::acme-prod-source",
                "arn:aws:sqs:us-east-1:123456789012:review-findings",
                "//storage.googleapis.com/projects/_/buckets/acme-prod-source",
                "//pubsub.googleapis.com/projects/acme-agents-prod/topics/review-findings",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.Storage/storageAccounts/acmeproddata/blobServices/default/containers/source",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.ServiceBus/namespaces/acme-prod-bus/queues/review-findings",
            ],
        },
    ],
    budget={
        "monthly": 300,
        "notify": ["keisha.okafor@acme.example", "finops@acme.example"],
        "stop_at": 100,
    },
    aws=aws_via(github),
    gcp=gcp_via(0),
    azure=AZURE,
    # Posts a summary of each review to the team's channel, and files a ticket for a finding that blocks a release.
    tools={
        "gateway": tools.reference,
        "allow": [
            {"target": "chat", "tool": "post_message", "when": {"channel": {"equals": "#api-reviews"}}},
            {"target": "jira", "tool": "create_issue", "when": {"project": {"equals": "API"}}},
        ],
    },
)

deploy_bot = agent_iam.AgentIdentity(
    "deploy-bot",
    owner="marco.rossi@acme.example",
    team="platform",
    cost_center="cc-agents-4410",
    purpose="Builds release images and rolls them out to the web service",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "github_actions": {
            "repository": "acme/platform",
        },
    },
    grants=[
        {
            "role": "deployment-agent",
            "resources": [
                "arn:aws:s3:::acme-prod-artifacts",
                "arn:aws:ecr:us-east-1:123456789012:repository/web",
                "arn:aws:ecs:us-east-1:123456789012:service/acme-prod/web",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:*",
                "arn:aws:iam::123456789012:role/acme-prod-web-task",
                "arn:aws:iam::123456789012:role/acme-prod-web-execution",
                "//artifactregistry.googleapis.com/projects/acme-agents-prod/locations/europe-west1/repositories/web",
                "//run.googleapis.com/projects/acme-agents-prod/locations/europe-west1/services/web",
                "//iam.googleapis.com/projects/acme-agents-prod/serviceAccounts/web-runtime@acme-agents-prod.iam.gserviceaccount.com",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.ContainerRegistry/registries/acmeprodimages",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.App/containerApps/web",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.App/managedEnvironments/acme-prod",
            ],
        },
    ],
    budget={
        "monthly": 500,
        "notify": ["marco.rossi@acme.example", "finops@acme.example"],
        "stop_at": 100,
    },
    aws=aws_via(github),
    gcp=gcp_via(0),
    azure=AZURE,
)

ops_monitor = agent_iam.AgentIdentity(
    "ops-monitor",
    owner="priya.raman@acme.example",
    team="sre",
    cost_center="cc-agents-4410",
    purpose="Reads logs and metrics every five minutes and reports regressions to on-call",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "gitlab_ci": {
            "project": "acme/sre/monitoring",
            "ref": "main",
        },
    },
    grants=[
        {
            "role": "read-only-monitor",
            "resources": [
                "arn:aws:logs:us-east-1:123456789012:log-group:/acme/prod/web",
                "//logging.googleapis.com/projects/acme-agents-prod",
                "//monitoring.googleapis.com/projects/acme-agents-prod",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.OperationalInsights/workspaces/acme-prod-logs",
            ],
        },
    ],
    budget={
        "monthly": 150,
        "notify": ["priya.raman@acme.example", "finops@acme.example"],
        "stop_at": 100,
    },
    aws=aws_via(gitlab),
    gcp=gcp_via(1),
    azure=AZURE,
)

report_reader = agent_iam.AgentIdentity(
    "report-reader",
    owner="dana.levi@acme.example",
    team="analytics",
    cost_center="cc-agents-4410",
    purpose="Reads sales data and writes the weekly revenue summary to the analysts",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "github_actions": {
            "repository": "acme/analytics",
        },
    },
    grants=[
        {
            "role": "data-reader",
            "data_class": "financial",
            "resources": [
                "arn:aws:s3:::acme-prod-sales",
                "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
                "//storage.googleapis.com/projects/_/buckets/acme-prod-sales",
                "//bigquery.googleapis.com/projects/acme-agents-prod/datasets/sales",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.Storage/storageAccounts/acmeproddata/blobServices/default/containers/sales",
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.Storage/storageAccounts/acmeproddata/tableServices/default/tables/orders",
            ],
        },
    ],
    budget={
        "monthly": 200,
        "notify": ["dana.levi@acme.example", "finops@acme.example"],
        "stop_at": 100,
    },
    aws=aws_via(github),
    gcp=gcp_via(0),
    azure=AZURE,
)

support_refunds = agent_iam.AgentIdentity(
    "support-refunds",
    owner="sam.chen@acme.example",
    team="support",
    cost_center="cc-agents-4410",
    purpose="Issues approved customer refunds and voids duplicate refund records",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "github_actions": {
            "repository": "acme/support-bots",
        },
    },
    grants=[
        {
            "resource": "arn:aws:dynamodb:us-east-1:123456789012:table/refunds",
            "access": ["read", "write"],
            "include": ["delete"],
            "data_class": "financial",
        },
        {
            "resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments-api-AbC123",
            "access": ["read"],
            "data_class": "credentials",
        },
        {
            "resource": "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.Storage/storageAccounts/acmeproddata/blobServices/default/containers/refund-receipts",
            "access": ["read", "list", "write"],
            "include": ["delete"],
            "data_class": "financial",
        },
        {
            "resource": "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.KeyVault/vaults/acme-prod-payments",
            "access": ["read"],
            "data_class": "credentials",
        },
    ],
    approval="SEC-2041",
    budget={
        "monthly": 250,
        "notify": ["sam.chen@acme.example", "finops@acme.example"],
        "stop_at": 90,
    },
    aws=aws_via(github),
    azure=AZURE,
    # Refunds through the payments tools, only up to 500 in euros or dollars; reads orders; files support tickets.
    tools={
        "gateway": tools.reference,
        "allow": [
            {"target": "payments", "tool": "get_order"},
            {
                "target": "payments",
                "tool": "refund",
                "when": {"amount": {"at_most": 500}, "currency": {"one_of": ["EUR", "USD"]}},
            },
            {"target": "jira", "tool": "create_issue", "when": {"project": {"equals": "SUP"}}},
        ],
    },
)

ticket_triage = agent_iam.AgentIdentity(
    "ticket-triage",
    owner="priya.raman@acme.example",
    team="sre",
    cost_center="cc-agents-4410",
    purpose="Triages new support tickets from the intake queue and labels them for routing",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "kubernetes": {
            "issuer_url": "https://oidc.eks.us-east-1.amazonaws.com/id/5C0FFEE0A1B2C3D4E5F60718293A4B5C",
            "namespace": "agents",
            "service_account": "ticket-triage",
        },
    },
    grants=[
        {
            "resource": "arn:aws:sqs:us-east-1:123456789012:ticket-intake",
            "access": ["read"],
        },
        {
            "resource": "arn:aws:sqs:us-east-1:123456789012:ticket-backfill",
            "access": ["read"],
            "until": "2026-12-31",
        },
        {
            "resource": "//pubsub.googleapis.com/projects/acme-agents-prod/subscriptions/ticket-intake",
            "access": ["read"],
        },
        {
            "resource": "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-prod/providers/Microsoft.ServiceBus/namespaces/acme-prod-bus/queues/ticket-intake",
            "access": ["read"],
        },
    ],
    approval="SEC-2077",
    delegates_to=[
        {
            "agent": "ops-monitor",
            "clouds": ["aws", "gcp"],
        },
    ],
    budget={
        "monthly": 100,
        "notify": ["priya.raman@acme.example", "finops@acme.example"],
        "stop_at": 100,
    },
    aws=aws_via(cluster),
    gcp=gcp_via(2),
    azure=AZURE,
)

# Runs as a Lambda function on AWS and reads the warehouse in BigQuery: GCP trusts the function's
# role through the pool's provider of type aws, so no service-account key is stored anywhere.
warehouse_analyst = agent_iam.AgentIdentity(
    "warehouse-analyst",
    owner="diego.alvarez@acme.example",
    team="analytics",
    cost_center="cc-agents-4410",
    purpose="Answers analytics questions from the warehouse tables and the support exports",
    environment=ENVIRONMENT,
    expires=EXPIRES,
    runs_on={
        "aws_workload": {
            "service": "lambda",
            "account_id": "123456789012",
            "function_name": "warehouse-analyst-prod",
        },
    },
    grants=[
        {
            "resource": "//bigquery.googleapis.com/projects/acme-agents-prod/datasets/warehouse",
            "access": ["read"],
        },
        {
            "resource": "arn:aws:s3:::acme-prod-support-exports",
            "access": ["read"],
        },
    ],
    budget={
        "monthly": 80,
        "notify": ["diego.alvarez@acme.example", "finops@acme.example"],
        "stop_at": 100,
    },
    aws={"permissions_boundary": BOUNDARY},
    gcp=gcp_via(3),
)

pulumi.export(
    "inventory",
    [
        pr_reviewer.inventory_record_json,
        deploy_bot.inventory_record_json,
        ops_monitor.inventory_record_json,
        report_reader.inventory_record_json,
        support_refunds.inventory_record_json,
        ticket_triage.inventory_record_json,
        warehouse_analyst.inventory_record_json,
    ],
)

pulumi.export("pr_reviewer_role_arn", pr_reviewer.aws.role_arn)
