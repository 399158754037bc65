import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AwsOidcProvider,
  GcpBudgetStopper,
  GcpWorkloadIdentityPool,
  githubActions,
  type AgentIdentityArgs,
} from "../../components";
import { loggedErrorCount, recordResources, type RecordedResource } from "../../src/gate/program/record";
import { AgentSpecError } from "../../src/model/agent-spec";

/**
 * Delegation between AgentIdentity components under mocks: which resources make A able to act as B
 * on AWS and GCP, in either order of declaration, and what is refused.
 */

const PROJECT = "acme-agents-prod";
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const BASE = {
  owner: "keisha@acme.example",
  purpose: "Works on the support tickets of the team",
  environment: "prod",
  expires: "2099-01-01",
};

type Clouds = { aws?: boolean; gcp?: boolean; azure?: boolean };

interface Shared {
  github: AwsOidcProvider;
  pool: GcpWorkloadIdentityPool;
  /** Ends a delegation on GCP on the delegating agent's review date (service accounts take no condition). */
  stopper: GcpBudgetStopper;
}

function agent(shared: Shared, name: string, clouds: Clouds, extra: Partial<AgentIdentityArgs> = {}): AgentIdentity {
  return new AgentIdentity(name, {
    ...BASE,
    runsOn: githubActions({ repository: `acme/${name}` }),
    ...(clouds.aws ? { aws: { oidcProvider: shared.github } } : {}),
    ...(clouds.gcp ? { gcp: { project: PROJECT, pool: shared.pool, budgetStopper: shared.stopper } } : {}),
    ...(clouds.azure
      ? { azure: { subscriptionId: SUBSCRIPTION, resourceGroupName: "agents", location: "westeurope" } }
      : {}),
    ...extra,
  });
}

/** Runs `declare` with the shared issuer and pool; returns the resources, what was thrown and the errors logged. */
async function run(
  declare: (shared: Shared) => void,
): Promise<{ resources: RecordedResource[]; thrown?: unknown; errors: number }> {
  let thrown: unknown;
  const resources = await recordResources(() => {
    const shared = {
      github: new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" }),
      pool: new GcpWorkloadIdentityPool("agents", { project: PROJECT }),
      stopper: new GcpBudgetStopper("stopper", { project: PROJECT, region: "europe-west1" }),
    };
    try {
      declare(shared);
    } catch (error) {
      thrown = error;
    }
  });
  // Each run starts its own count (the runtime resets it when a run's monitor is installed).
  return { resources, thrown, errors: loggedErrorCount() };
}

function trustOf(
  resources: RecordedResource[],
  name: string,
): { Sid?: string; Principal?: { AWS?: string[] }; Action?: unknown; Condition?: unknown }[] {
  const role = resources.find((resource) => resource.type === "aws:iam/role:Role" && resource.name === name)!;
  return JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
}

const roleArn = (name: string) => `arn:aws:iam::123456789012:role/agents/agent-${name}-prod`;

describe("delegatesTo between AgentIdentity components", () => {
  it.each([
    [
      "the component, declared first",
      (s: Shared) =>
        agent(s, "triage", { aws: true, gcp: true }, { delegatesTo: [agent(s, "deployer", { aws: true, gcp: true })] }),
    ],
    [
      "its id, declared first",
      (s: Shared) => {
        agent(s, "deployer", { aws: true, gcp: true });
        return agent(s, "triage", { aws: true, gcp: true }, { delegatesTo: ["deployer"] });
      },
    ],
    [
      "its id, declared later",
      (s: Shared) => {
        agent(s, "triage", { aws: true, gcp: true }, { delegatesTo: ["deployer"] });
        return agent(s, "deployer", { aws: true, gcp: true });
      },
    ],
  ])(
    "by %s: B's trust lets A's role in with attribution, A may assume B, and A's account may mint B's tokens",
    async (_label, declare) => {
      const { resources, thrown, errors } = await run(declare);
      expect(thrown).toBeUndefined();
      expect(errors).toBe(0);
      const trust = trustOf(resources, "deployer");
      expect(trust.map((statement) => statement.Sid)).toEqual(["AgentWebIdentity", "AgentDelegation"]);
      expect(trust[1]).toEqual({
        Sid: "AgentDelegation",
        Effect: "Allow",
        Principal: { AWS: [roleArn("triage")] },
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        Condition: { Null: { "aws:RequestTag/requested-by": "false", "sts:SourceIdentity": "false" } },
      });
      expect(trustOf(resources, "triage").map((statement) => statement.Sid)).toEqual(["AgentWebIdentity"]);
      const identity = resources.find(
        (resource) =>
          resource.type === "aws:iam/rolePolicy:RolePolicy" && resource.name === "triage-delegates-to-deployer",
      )!;
      expect(identity.inputs.role).toBe("agent-triage-prod");
      expect(JSON.parse(identity.inputs.policy as string).Statement).toEqual([
        {
          Sid: "DelegateToAgents",
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
          Resource: [roleArn("deployer")],
        },
      ]);
      const tokenCreator = resources.find(
        (resource) =>
          resource.type === "gcp:serviceaccount/iAMMember:IAMMember" &&
          resource.name === "triage-delegates-to-deployer",
      )!;
      expect(tokenCreator.inputs).toMatchObject({
        serviceAccountId: `projects/${PROJECT}/serviceAccounts/deployer-prod@${PROJECT}.iam.gserviceaccount.com`,
        role: "roles/iam.serviceAccountTokenCreator",
        member: `serviceAccount:triage-prod@${PROJECT}.iam.gserviceaccount.com`,
      });
      // Service accounts take no condition: the stopper disables triage's account on its review date.
      expect(tokenCreator.inputs.condition).toBeUndefined();
      // Never on the project: only on B's account.
      expect(
        resources.filter(
          (resource) =>
            resource.type === "gcp:projects/iAMMember:IAMMember" &&
            String(resource.inputs.role).includes("TokenCreator"),
        ),
      ).toEqual([]);
    },
  );

  it("several delegating agents share one trust statement; the component reports each delegation and its clouds", async () => {
    let triage: AgentIdentity | undefined;
    const { resources } = await run((s) => {
      agent(s, "deployer", { aws: true, gcp: true });
      triage = agent(s, "triage", { aws: true, gcp: true }, { delegatesTo: ["deployer"] });
      agent(s, "reporter", { aws: true }, { delegatesTo: ["deployer"] });
    });
    expect(trustOf(resources, "deployer")[1]!.Principal!.AWS).toEqual([roleArn("reporter"), roleArn("triage")]);
    expect(
      resources
        .filter((resource) => resource.name === "reporter-delegates-to-deployer")
        .map((resource) => resource.type),
    ).toEqual(["aws:iam/rolePolicy:RolePolicy"]);
    const records = await new Promise((resolve) => triage!.delegation.apply(resolve));
    expect(records).toEqual([{ agent: "deployer", clouds: ["aws", "gcp"] }]);
  });

  it("{ agent, clouds } limits a pair on all three clouds to the ones named; Azure gets nothing", async () => {
    const { resources, thrown } = await run((s) => {
      agent(s, "deployer", { aws: true, gcp: true, azure: true });
      agent(
        s,
        "triage",
        { aws: true, gcp: true, azure: true },
        { delegatesTo: [{ agent: "deployer", clouds: ["gcp"] }] },
      );
    });
    expect(thrown).toBeUndefined();
    expect(
      resources.filter((resource) => resource.name.includes("delegates-to")).map((resource) => resource.type),
    ).toEqual(["gcp:serviceaccount/iAMMember:IAMMember"]);
    expect(trustOf(resources, "deployer").map((statement) => statement.Sid)).toEqual(["AgentWebIdentity"]);
    expect(
      resources.filter((resource) => resource.type.startsWith("azure-native:") && resource.name.includes("delegat")),
    ).toEqual([]);
  });

  it("refuses a pair that shares Azure without naming the clouds, saying Azure has no native chaining", async () => {
    const { thrown } = await run((s) => {
      agent(s, "deployer", { aws: true, azure: true });
      agent(s, "triage", { aws: true, azure: true }, { delegatesTo: ["deployer"] });
    });
    expect(thrown).toBeInstanceOf(AgentSpecError);
    expect((thrown as AgentSpecError).problems).toEqual([
      {
        path: "delegatesTo[0]",
        message: expect.stringMatching(
          /both agents are on Azure.*no native way for one managed identity to act as another.*clouds: \["aws"\]/,
        ),
      },
    ]);
  });

  it("refuses a cycle before registering anything of the agent that closes it", async () => {
    const { resources, thrown } = await run((s) => {
      agent(s, "alpha", { aws: true }, { delegatesTo: ["beta"] });
      agent(s, "beta", { aws: true }, { delegatesTo: ["gamma"] });
      agent(s, "gamma", { aws: true }, { delegatesTo: ["alpha"] });
    });
    expect(thrown).toBeInstanceOf(AgentSpecError);
    expect((thrown as AgentSpecError).problems).toEqual([
      { path: "delegatesTo[0]", message: expect.stringMatching(/delegation cycle gamma → alpha → beta → gamma/) },
    ]);
    expect(resources.filter((resource) => resource.name.startsWith("gamma"))).toEqual([]);
  });

  it("an id that names no agent of the program fails the run with an error naming the field", async () => {
    const { errors, resources } = await run((s) => agent(s, "triage", { aws: true }, { delegatesTo: ["nobody"] }));
    expect(errors).toBe(1);
    expect(resources.filter((resource) => resource.name.includes("delegates-to"))).toEqual([]);
  });

  it("a pair with no cloud in common is refused where the second agent is declared", async () => {
    const { thrown } = await run((s) => {
      agent(s, "triage", { aws: true }, { delegatesTo: ["deployer"] });
      agent(s, "deployer", { gcp: true });
    });
    expect((thrown as AgentSpecError).problems).toEqual([
      { path: "delegatesTo[0]", message: expect.stringMatching(/"deployer" shares no cloud with this agent/) },
    ]);
  });

  it("an agent declared after its target's trust was sent is refused, not silently left out", async () => {
    let thrown: unknown;
    await recordResources(async () => {
      const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
      const deployer = new AgentIdentity("deployer", {
        ...BASE,
        runsOn: githubActions({ repository: "acme/deployer" }),
        aws: { oidcProvider: github },
      });
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      try {
        new AgentIdentity("triage", {
          ...BASE,
          runsOn: githubActions({ repository: "acme/triage" }),
          aws: { oidcProvider: github },
          delegatesTo: [deployer],
        });
      } catch (error) {
        thrown = error;
      }
    });
    expect((thrown as AgentSpecError).problems).toEqual([
      {
        path: "delegatesTo[0]",
        message: expect.stringMatching(/trust of "deployer" was sent to the engine before this agent was declared/),
      },
    ]);
  });

  it("on GCP, a delegating agent needs gcp.budgetStopper (the binding on a service account takes no condition); limited to AWS it does not", async () => {
    const declareTriage = (s: Shared, delegatesTo: AgentIdentityArgs["delegatesTo"]) =>
      new AgentIdentity("triage", {
        ...BASE,
        runsOn: githubActions({ repository: "acme/triage" }),
        aws: { oidcProvider: s.github },
        gcp: { project: PROJECT, pool: s.pool },
        delegatesTo,
      });
    const onGcp = await run((s) => {
      agent(s, "deployer", { aws: true, gcp: true });
      declareTriage(s, ["deployer"]);
    });
    expect(onGcp.thrown).toBeInstanceOf(AgentSpecError);
    expect((onGcp.thrown as AgentSpecError).problems).toEqual([
      { path: "gcp.budgetStopper", message: expect.stringMatching(/takes no IAM condition: set gcp.budgetStopper/) },
    ]);
    const awsOnly = await run((s) => {
      agent(s, "deployer", { aws: true, gcp: true });
      declareTriage(s, [{ agent: "deployer", clouds: ["aws"] }]);
    });
    expect(awsOnly.thrown).toBeUndefined();
    expect(
      awsOnly.resources.filter((resource) => resource.name === "triage-delegates-to-deployer").map((r) => r.type),
    ).toEqual(["aws:iam/rolePolicy:RolePolicy"]);
  });

  it("the kill switch wins: no one acts as a disabled agent, and a disabled agent acts as no one", async () => {
    const { resources } = await run((s) => {
      agent(s, "deployer", { aws: true, gcp: true }, { disabled: true });
      agent(s, "triage", { aws: true, gcp: true }, { delegatesTo: ["deployer"] });
      agent(s, "reporter", { aws: true }, { delegatesTo: ["triage"], disabled: true });
    });
    expect(resources.filter((resource) => resource.name.includes("delegates-to"))).toEqual([]);
    expect(trustOf(resources, "deployer").map((statement) => statement.Sid)).toEqual(["AgentDisabled"]);
    expect(trustOf(resources, "triage").map((statement) => statement.Sid)).toEqual(["AgentWebIdentity"]);
  });
});
