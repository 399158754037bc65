/**
 * The benchmark fleet as a Pulumi program: the shared infrastructure of each environment (AWS OIDC
 * providers per issuer, a GCP workload identity pool and budget stopper per project) and one
 * `AgentIdentity` per generated agent. `bench/fleet.ts` writes an `index.ts` that calls this.
 *
 * Agents are declared a batch at a time (a team's worth, {@link FLEET_BATCH}), one event-loop turn
 * apart, as a program that reads each team's specs asynchronously does. Declared in one synchronous
 * loop, the Pulumi SDK holds every resource's pending registration at once (about 140 KB each:
 * over 12 GB at 5,000 agents), and the run of any such program, under plain mocks or under the
 * gate, grows with the square of the fleet in garbage collection (bench/README.md).
 */
import {
  AgentIdentity,
  AwsOidcProvider,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  type AgentIdentityArgs,
} from "@agent-iam/pulumi";
import { SITES, type FleetAgent } from "./fleet";

interface SiteResources {
  readonly providers: Map<string, AwsOidcProvider>;
  pool?: GcpWorkloadIdentityPool;
  stopper?: GcpBudgetStopper;
}

/** Agents declared per event-loop turn. */
export const FLEET_BATCH = 100;

/** Declares every agent of the fleet, {@link FLEET_BATCH} per turn; resolves to them in order. */
export async function declareFleet(
  agents: readonly FleetAgent[],
  batch: number = FLEET_BATCH,
): Promise<AgentIdentity[]> {
  const declared: AgentIdentity[] = [];
  // The environments' shared resources, made on first use.
  const sites = new Map<string, SiteResources>();
  for (let start = 0; start < agents.length; start += batch) {
    if (start > 0) await new Promise<void>((turn) => setImmediate(turn));
    declared.push(...declareAgents(agents.slice(start, start + batch), sites));
  }
  return declared;
}

/** Declares agents (and the shared resources their environments need first). */
function declareAgents(agents: readonly FleetAgent[], sites: Map<string, SiteResources>): AgentIdentity[] {
  const siteOf = (env: string): SiteResources => {
    let site = sites.get(env);
    if (!site) sites.set(env, (site = { providers: new Map() }));
    return site;
  };
  const oidcProvider = (env: string, issuerUrl: string): AwsOidcProvider => {
    const site = siteOf(env);
    let provider = site.providers.get(issuerUrl);
    if (!provider) {
      provider = new AwsOidcProvider(`${env}-${new URL(issuerUrl).host.split(".")[0]}-${site.providers.size}`, {
        issuerUrl,
      });
      site.providers.set(issuerUrl, provider);
    }
    return provider;
  };

  return agents.map((agent) => {
    const env = agent.spec.environment;
    const settings = SITES[env];
    if (!settings) throw new Error(`fleet agent ${agent.name}: no site for environment ${env}`);
    const site = siteOf(env);
    const issuerUrl =
      "issuerUrl" in agent.spec.runsOn && agent.spec.runsOn.issuerUrl
        ? agent.spec.runsOn.issuerUrl
        : agent.spec.runsOn.kind === "gitlab-ci"
          ? "https://gitlab.com"
          : "https://token.actions.githubusercontent.com";
    let gcp: AgentIdentityArgs["gcp"];
    if (agent.clouds.includes("gcp")) {
      site.pool ??= new GcpWorkloadIdentityPool(`${env}-agents`, { project: settings.gcpProject });
      // The stopper also ends grants that take no IAM condition (Pub/Sub, Artifact Registry) on the review date.
      site.stopper ??= new GcpBudgetStopper(`${env}-budget-stopper`, {
        project: settings.gcpProject,
        region: settings.gcpRegion,
      });
      gcp = { project: settings.gcpProject, pool: site.pool, budgetStopper: site.stopper };
      if (agent.spec.budget) gcp = { ...gcp, billingAccount: settings.gcpBillingAccount };
    }
    const args: AgentIdentityArgs = {
      ...agent.spec,
      runsOn: agent.spec.runsOn,
      grants: agent.spec.grants.map((grant) => ({ role: grant.role, resources: [...grant.resources] })),
      ...(agent.spec.budget ? { budget: { ...agent.spec.budget, notify: [...agent.spec.budget.notify] } } : {}),
      ...(agent.clouds.includes("aws")
        ? {
            aws: {
              oidcProvider: oidcProvider(env, issuerUrl),
              permissionsBoundary: settings.permissionsBoundaryArn,
            },
          }
        : {}),
      ...(gcp ? { gcp } : {}),
      ...(agent.clouds.includes("azure")
        ? {
            azure: {
              subscriptionId: settings.azureSubscriptionId,
              resourceGroupName: settings.azureResourceGroup,
              location: settings.azureLocation,
            },
          }
        : {}),
    };
    return new AgentIdentity(agent.name, args);
  });
}
