/**
 * agent-fleet: the agents of one environment (the stack: `prod` or `dev`) on AWS, GCP and Azure.
 * `agent-iam check examples/fleet` runs it offline; `pulumi preview --policy-pack ../../policy-pack`
 * runs it against the clouds.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareFleet, FLEET_DEFAULTS, type FleetSettings } from "./fleet";

const stack = pulumi.getStack();
const environment: FleetSettings["environment"] = stack === "dev" ? "dev" : "prod";
const config = new pulumi.Config("fleet");
const defaults = FLEET_DEFAULTS[environment];
const settings: FleetSettings = {
  ...defaults,
  awsAccountId: config.get("awsAccountId") ?? defaults.awsAccountId,
  gcpProject: config.get("gcpProject") ?? defaults.gcpProject,
  azureSubscriptionId: config.get("azureSubscriptionId") ?? defaults.azureSubscriptionId,
  permissionsBoundaryArn: config.get("permissionsBoundaryArn") ?? defaults.permissionsBoundaryArn,
};

const agents = declareFleet(settings);

/** The stack's outputs: per agent, the identity on each cloud and the snippet it uses. */
export const identities = Object.fromEntries(
  Object.entries(agents).map(([name, agent]) => [
    name,
    {
      aws: agent.aws ? { roleArn: agent.aws.roleArn } : undefined,
      gcp: agent.gcp
        ? { serviceAccountEmail: agent.gcp.serviceAccountEmail, providerName: agent.gcp.providerName }
        : undefined,
      azure: agent.azure
        ? { clientId: agent.azure.clientId, tenantId: agent.azure.tenantId, principalId: agent.azure.principalId }
        : undefined,
    },
  ]),
);
/** The inventory of this environment's agents. */
export const inventory = Object.values(agents).map((agent) => agent.inventoryRecord);
