import { describe, expect, it } from "vitest";
import {
  AgentIdentity,
  AwsOidcProvider,
  GcpWorkloadIdentityPool,
  awsWorkload,
  azureWorkload,
  gcpWorkload,
  type RunsOn,
} from "../../components";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";
import { MOCK_CLOUD } from "../../src/gate/program/realistic-outputs";
import { decide } from "../support/iam-simulator";
import { trustAllows } from "../support/web-identity-evaluator";
import { evaluateCel, exchange } from "../support/cel";

/**
 * Every home → target pair, deployed under mocks and read back from the registered resources: the
 * legitimate home identity gets in, and each forgery that changes one thing an attacker controls
 * (another account, role, service account, tenant, audience) is refused. Oracles: iam-simulate for
 * AWS service-principal trusts and the outbound-token policy (their keys are global or STS keys),
 * the independent web-identity evaluator for `accounts.google.com` and Entra trusts (iam-simulate
 * drops provider keys), the CEL evaluator for GCP providers, exact matching for Azure credentials.
 */

const ACCOUNT = MOCK_CLOUD.awsAccountId;
const OTHER_ACCOUNT = "210987654321";
const TENANT = MOCK_CLOUD.azureTenantId;
const OTHER_TENANT = "99999999-0000-4000-8000-000000000000";
const ENTRA = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const APP_URI = "api://acme-agents";
const AZURE = {
  subscriptionId: "11111111-2222-4333-8444-555555555555",
  resourceGroupName: "agents",
  location: "westeurope",
};
const ROLE_NAME = "agent-support-bot-prod";

const byType = (resources: RecordedResource[], type: string) => resources.filter((resource) => resource.type === type);
const one = (resources: RecordedResource[], type: string) => {
  const found = byType(resources, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

async function deploy(runsOn: RunsOn, clouds: { aws?: boolean; gcp?: boolean; azure?: boolean }) {
  let identity: AgentIdentity | undefined;
  const resources = await recordResources(() => {
    const pool =
      clouds.gcp && runsOn.kind !== "gcp-workload"
        ? new GcpWorkloadIdentityPool("agents", { project: "acme-prod" })
        : undefined;
    const entra =
      clouds.aws && runsOn.kind === "azure-workload"
        ? new AwsOidcProvider("entra", { issuerUrl: ENTRA, audiences: [APP_URI] })
        : undefined;
    identity = new AgentIdentity("support-bot", {
      owner: "keisha@acme.example",
      purpose: "Answers support tickets from the warehouse data",
      environment: "prod",
      expires: "2099-01-01",
      runsOn,
      ...(clouds.aws ? { aws: entra ? { oidcProvider: entra } : {} } : {}),
      ...(clouds.gcp ? { gcp: pool ? { project: "acme-prod", pool } : { project: "acme-prod" } } : {}),
      ...(clouds.azure ? { azure: AZURE } : {}),
    });
  });
  return { resources, identity: identity! };
}

const trustOf = (resources: RecordedResource[]) =>
  JSON.parse(one(resources, "aws:iam/role:Role").inputs.assumeRolePolicy as string) as { Statement: unknown[] };

const value = <T>(output: { apply<U>(f: (v: T) => U): unknown }) =>
  new Promise<T>((resolve) => output.apply((v) => resolve(v)));

/** Azure's rule for a federated credential: issuer, subject and one audience match exactly (Entra, "Workload identity federation"). */
function azureAccepts(credential: RecordedResource, token: { iss: string; sub: string; aud: string }): boolean {
  const audiences = credential.inputs.audiences as string[];
  return (
    credential.inputs.issuer === token.iss && credential.inputs.subject === token.sub && audiences.includes(token.aud)
  );
}

describe("AWS home: the role trusts exactly its service, pinned against confused deputies (iam-simulate)", () => {
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/agents/${ROLE_NAME}`;
  const cases: {
    runsOn: RunsOn;
    principal: string;
    actions: string[];
    legit: Record<string, string>;
    forged: [string, Record<string, string | undefined>, string?][];
  }[] = [
    {
      runsOn: awsWorkload({ service: "lambda", accountId: ACCOUNT, functionName: "support-bot" }),
      principal: "lambda.amazonaws.com",
      actions: ["sts:AssumeRole"],
      legit: { "aws:SourceAccount": ACCOUNT },
      forged: [
        ["another account's function", { "aws:SourceAccount": OTHER_ACCOUNT }],
        ["no source account", { "aws:SourceAccount": undefined }],
        ["another service", {}, "ecs-tasks.amazonaws.com"],
      ],
    },
    {
      runsOn: awsWorkload({ service: "ecs-tasks", accountId: ACCOUNT, region: "us-east-1", taskFamily: "support-bot" }),
      principal: "ecs-tasks.amazonaws.com",
      actions: ["sts:AssumeRole"],
      legit: {
        "aws:SourceAccount": ACCOUNT,
        "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:task/agents/0123456789abcdef`,
      },
      forged: [
        [
          "another account",
          {
            "aws:SourceAccount": OTHER_ACCOUNT,
            "aws:SourceArn": `arn:aws:ecs:us-east-1:${OTHER_ACCOUNT}:task/agents/0123`,
          },
        ],
        ["another region", { "aws:SourceArn": `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/agents/0123456789abcdef` }],
        ["another service's source", { "aws:SourceArn": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:x` }],
        ["another service", {}, "lambda.amazonaws.com"],
      ],
    },
    {
      runsOn: awsWorkload({
        service: "eks-pod-identity",
        accountId: ACCOUNT,
        region: "us-east-1",
        cluster: "agents",
        namespace: "support",
        serviceAccount: "support-bot",
      }),
      principal: "pods.eks.amazonaws.com",
      actions: ["sts:AssumeRole", "sts:TagSession"],
      legit: {
        "aws:SourceAccount": ACCOUNT,
        "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/agents`,
        "aws:RequestTag/kubernetes-namespace": "support",
        "aws:RequestTag/kubernetes-service-account": "support-bot",
      },
      forged: [
        ["another namespace", { "aws:RequestTag/kubernetes-namespace": "default" }],
        ["another service account", { "aws:RequestTag/kubernetes-service-account": "deployer" }],
        ["another cluster", { "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/sandbox` }],
        ["another account's cluster", { "aws:SourceAccount": OTHER_ACCOUNT }],
        [
          "no session tags",
          { "aws:RequestTag/kubernetes-namespace": undefined, "aws:RequestTag/kubernetes-service-account": undefined },
        ],
      ],
    },
    {
      runsOn: awsWorkload({
        service: "bedrock-agentcore",
        accountId: ACCOUNT,
        region: "us-east-1",
        runtimeName: "support_bot",
      }),
      principal: "bedrock-agentcore.amazonaws.com",
      actions: ["sts:AssumeRole"],
      legit: {
        "aws:SourceAccount": ACCOUNT,
        "aws:SourceArn": `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:runtime/support_bot-AbCdEf1234`,
      },
      forged: [
        [
          "another account's runtime",
          {
            "aws:SourceAccount": OTHER_ACCOUNT,
            "aws:SourceArn": `arn:aws:bedrock-agentcore:us-east-1:${OTHER_ACCOUNT}:runtime/x-AbCdEf1234`,
          },
        ],
        [
          "a runtime in another region",
          { "aws:SourceArn": `arn:aws:bedrock-agentcore:eu-west-1:${ACCOUNT}:runtime/support_bot-AbCdEf1234` },
        ],
        ["no source ARN", { "aws:SourceArn": undefined }],
      ],
    },
  ];

  for (const { runsOn, principal, actions, legit, forged } of cases) {
    const service = (runsOn as { service: string }).service;
    it(`${service}: the service, from the agent's own account and workload, may assume the role`, async () => {
      const { resources } = await deploy(runsOn, { aws: true });
      const trust = trustOf(resources);
      for (const action of actions)
        expect(
          await decide({ policies: [], action, resource: ROLE_ARN, principal, resourcePolicy: trust, context: legit }),
        ).toBe("Allowed");
    });

    it.each(forged)(`${service}: refuses %s`, async (_label, change, otherPrincipal) => {
      const { resources } = await deploy(runsOn, { aws: true });
      const trust = trustOf(resources);
      const context = Object.fromEntries(
        Object.entries({ ...legit, ...change }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const decisions = await Promise.all(
        actions.map((action) =>
          decide({
            policies: [],
            action,
            resource: ROLE_ARN,
            principal: otherPrincipal ?? principal,
            resourcePolicy: trust,
            context,
          }),
        ),
      );
      expect(decisions).not.toContain("Allowed");
    });
  }

  it("the oracle is not vacuous: EKS's bare example trust lets any pod of the account in", async () => {
    const bare = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        },
      ],
    };
    expect(
      await decide({
        policies: [],
        action: "sts:AssumeRole",
        resource: ROLE_ARN,
        principal: "pods.eks.amazonaws.com",
        resourcePolicy: bare,
        context: { "aws:RequestTag/kubernetes-namespace": "default" },
      }),
    ).toBe("Allowed");
  });

  it("a disabled agent's role refuses its own service", async () => {
    let resources: RecordedResource[] = [];
    resources = await recordResources(() => {
      new AgentIdentity("support-bot", {
        owner: "keisha@acme.example",
        purpose: "Answers support tickets from the warehouse data",
        environment: "prod",
        expires: "2099-01-01",
        disabled: true,
        runsOn: awsWorkload({ service: "lambda", accountId: ACCOUNT, functionName: "support-bot" }),
        aws: {},
      });
    });
    expect(
      await decide({
        policies: [],
        action: "sts:AssumeRole",
        resource: ROLE_ARN,
        principal: "lambda.amazonaws.com",
        resourcePolicy: trustOf(resources),
        context: { "aws:SourceAccount": ACCOUNT },
      }),
    ).not.toBe("Allowed");
  });
});

/**
 * What Google does with an AWS provider (Google Cloud, "Configure Workload Identity Federation with
 * AWS or Azure"): it verifies the signed GetCallerIdentity request, refuses a caller of another account
 * than the provider's, maps the caller (`assertion.arn`, `assertion.account`), and applies the condition;
 * the member then must match the mapped subject or attribute.
 */
function awsCallerAdmitted(
  provider: RecordedResource,
  member: string,
  caller: { arn: string; account: string },
): boolean {
  const aws = provider.inputs.aws as { accountId: string } | undefined;
  if (!aws || aws.accountId !== caller.account) return false;
  const assertion = { arn: caller.arn, account: caller.account };
  const mapped: Record<string, unknown> = {};
  for (const [target, expression] of Object.entries(provider.inputs.attributeMapping as Record<string, string>)) {
    const result = evaluateCel(expression, { assertion });
    if ("value" in result) mapped[target] = result.value;
  }
  const attribute = Object.fromEntries(
    Object.entries(mapped)
      .filter(([key]) => key.startsWith("attribute."))
      .map(([key, v]) => [key.slice("attribute.".length), v]),
  );
  const google = { subject: mapped["google.subject"] };
  const verdict = evaluateCel(provider.inputs.attributeCondition as string, { assertion, attribute, google });
  if (!("value" in verdict) || verdict.value !== true) return false;
  const set = /\/attribute\.([a-z_]+)\/(.+)$/.exec(member);
  if (member.startsWith("principalSet://") && set) return attribute[set[1]!] === set[2];
  const subject = /\/subject\/(.+)$/.exec(member);
  return member.startsWith("principal://") && subject !== null && google.subject === subject[1];
}

describe("AWS home → GCP: a provider of type aws pinned to the agent's role (CEL evaluator)", () => {
  const runsOn = awsWorkload({ service: "lambda", accountId: ACCOUNT, functionName: "support-bot" });
  const legit = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/support-bot`, account: ACCOUNT };

  async function setup() {
    const { resources, identity } = await deploy(runsOn, { aws: true, gcp: true });
    const provider = one(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    const binding = byType(resources, "gcp:serviceaccount/iAMMember:IAMMember").find(
      (resource) => resource.inputs.role === "roles/iam.workloadIdentityUser",
    )!;
    return { resources, identity, provider, member: binding.inputs.member as string };
  }

  it("admits the role's sessions, whatever the session name, and binds that role only", async () => {
    const { provider, member } = await setup();
    expect(provider.inputs.oidc).toBeUndefined();
    expect(member).toMatch(
      /^principalSet:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/agent-iam\/attribute\.aws_role\//,
    );
    expect(awsCallerAdmitted(provider, member, legit)).toBe(true);
    expect(
      awsCallerAdmitted(provider, member, {
        ...legit,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/another-session`,
      }),
    ).toBe(true);
  });

  it.each([
    ["another role of the account", `arn:aws:sts::${ACCOUNT}:assumed-role/agent-deployer-prod/s`, ACCOUNT],
    ["a role named after the agent's, longer", `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}-evil/s`, ACCOUNT],
    [
      "the same role name in another account",
      `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/${ROLE_NAME}/s`,
      OTHER_ACCOUNT,
    ],
    ["an IAM user named like the role", `arn:aws:iam::${ACCOUNT}:user/${ROLE_NAME}`, ACCOUNT],
    [
      "another role whose session is named like the agent's role",
      `arn:aws:sts::${ACCOUNT}:assumed-role/other/assumed-role/${ROLE_NAME}`,
      ACCOUNT,
    ],
  ])("refuses %s", async (_label, arn, account) => {
    const { provider, member } = await setup();
    expect(awsCallerAdmitted(provider, member, { arn, account })).toBe(false);
  });

  it("the snippet is an aws1 credential configuration for that provider and service account", async () => {
    const { identity } = await setup();
    const snippet = await value(identity.gcp!.snippet);
    expect(snippet).toContain('"environment_id": "aws1"');
    expect(snippet).toContain("urn:ietf:params:aws:token-type:aws4_request");
    expect(snippet).toContain(":generateAccessToken");
  });
});

describe("AWS home → Azure: outbound identity federation, one audience, five minutes", () => {
  const runsOn = awsWorkload({
    service: "ecs-tasks",
    accountId: ACCOUNT,
    region: "us-east-1",
    taskFamily: "support-bot",
  });

  async function setup() {
    const { resources, identity } = await deploy(runsOn, { aws: true, azure: true });
    const outbound = one(resources, "aws:iam/outboundWebIdentityFederation:OutboundWebIdentityFederation");
    const credential = one(resources, "azure-native:managedidentity:FederatedIdentityCredential");
    const role = one(resources, "aws:iam/role:Role");
    const mint = byType(resources, "aws:iam/rolePolicy:RolePolicy").find(
      (p) => p.inputs.name === "agent-iam-outbound-token",
    )!;
    return { identity, outbound, credential, role, mint: JSON.parse(mint.inputs.policy as string) };
  }

  it("the credential trusts the account's issuer with the role ARN as exact subject", async () => {
    const { outbound, credential, role } = await setup();
    const token = {
      iss: outbound.state.issuerIdentifier as string,
      sub: role.state.arn as string,
      aud: "api://AzureADTokenExchange",
    };
    expect(token.iss).toMatch(/^https:\/\/.+\.tokens\.sts\.global\.api\.aws$/);
    expect(azureAccepts(credential, token)).toBe(true);
    expect(azureAccepts(credential, { ...token, sub: `arn:aws:iam::${ACCOUNT}:role/agents/agent-deployer-prod` })).toBe(
      false,
    );
    expect(
      azureAccepts(credential, { ...token, sub: (role.state.arn as string).replace(ACCOUNT, OTHER_ACCOUNT) }),
    ).toBe(false);
    expect(azureAccepts(credential, { ...token, iss: "https://other-account.tokens.sts.global.api.aws" })).toBe(false);
    expect(azureAccepts(credential, { ...token, aud: "https://management.azure.com" })).toBe(false);
  });

  it("the role may mint tokens only for Azure's audience and at most 300 seconds (iam-simulate)", async () => {
    const { mint, role } = await setup();
    const ask = (audience: string, seconds: string) =>
      decide({
        policies: [mint],
        action: "sts:GetWebIdentityToken",
        resource: "*",
        principal: role.state.arn as string,
        context: { "sts:IdentityTokenAudience": [audience], "sts:DurationSeconds": seconds },
      });
    expect(await ask("api://AzureADTokenExchange", "300")).toBe("Allowed");
    expect(await ask("api://AzureADTokenExchange", "60")).toBe("Allowed");
    expect(await ask("https://sts.googleapis.com", "300")).not.toBe("Allowed");
    expect(await ask("api://AzureADTokenExchange", "3600")).not.toBe("Allowed");
  });

  it("the snippet mints the token with the CLI into AZURE_FEDERATED_TOKEN_FILE", async () => {
    const { identity } = await setup();
    const snippet = await value(identity.azure!.snippet);
    expect(snippet).toContain("aws sts get-web-identity-token --audience api://AzureADTokenExchange");
    expect(snippet).toContain("AZURE_FEDERATED_TOKEN_FILE=");
  });
});

describe("GCP home → AWS: accounts.google.com pinned to the service account's unique id (web-identity evaluator)", () => {
  const runsOn = gcpWorkload({ service: "cloud-run", project: "acme-prod" });
  const GOOGLE = "accounts.google.com";
  /** STS's context for a Google ID token: sub, aud (= azp when the token has one), oaud (= the token's aud). */
  const request = (token: { sub: string; azp: string; aud: string }, session: string | undefined = "support-bot") => ({
    providerArn: GOOGLE,
    context: {
      [`${GOOGLE}:sub`]: token.sub,
      [`${GOOGLE}:aud`]: token.azp,
      [`${GOOGLE}:oaud`]: token.aud,
      ...(session ? { "sts:RoleSessionName": session } : {}),
    },
  });

  async function setup() {
    const { resources, identity } = await deploy(runsOn, { aws: true, gcp: true });
    const account = one(resources, "gcp:serviceaccount/account:Account");
    return { trust: trustOf(resources), uniqueId: account.state.uniqueId as string, identity, resources };
  }

  it("admits the agent's service account's token", async () => {
    const { trust, uniqueId } = await setup();
    expect(uniqueId).toMatch(/^\d+$/);
    expect(trustAllows(trust, request({ sub: uniqueId, azp: uniqueId, aud: "sts.amazonaws.com" }))).toBe(true);
  });

  it.each([
    [
      "another service account (another project, any organisation)",
      { sub: "109876543210987654321", azp: "109876543210987654321" },
    ],
    ["another account's token carrying the agent's id as azp", { sub: "109876543210987654321" }],
    ["another audience", { aud: "https://example.com" }],
  ])("refuses %s", async (_label, change) => {
    const { trust, uniqueId } = await setup();
    const token = { sub: uniqueId, azp: uniqueId, aud: "sts.amazonaws.com", ...change };
    expect(trustAllows(trust, request(token))).toBe(false);
  });

  it("refuses the right token without the agent's session name", async () => {
    const { trust, uniqueId } = await setup();
    expect(trustAllows(trust, request({ sub: uniqueId, azp: uniqueId, aud: "sts.amazonaws.com" }, "someone"))).toBe(
      false,
    );
  });

  it("an aud-only trust (the danger the generated one avoids) admits any Google account's token", () => {
    const audOnly = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: GOOGLE },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${GOOGLE}:oaud`]: "sts.amazonaws.com" } },
        },
      ],
    };
    expect(trustAllows(audOnly, request({ sub: "1", azp: "1", aud: "sts.amazonaws.com" }, undefined))).toBe(true);
  });

  it("the snippet asks the metadata server for the ID token and sets the web identity variables", async () => {
    const { identity } = await setup();
    const environment = await value(identity.aws!.environment);
    expect(environment.AWS_WEB_IDENTITY_TOKEN_FILE).toBeDefined();
    expect(environment.AWS_ROLE_SESSION_NAME).toBe("support-bot");
    expect(await value(identity.aws!.snippet)).toContain(
      "service-accounts/default/identity?audience=sts.amazonaws.com",
    );
  });

  it("Cloud Run: the account is attached, so nobody is granted to act as it", async () => {
    const { resources } = await setup();
    expect(
      byType(resources, "gcp:serviceaccount/iAMMember:IAMMember").filter(
        (m) => m.inputs.role === "roles/iam.workloadIdentityUser",
      ),
    ).toEqual([]);
    expect(byType(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")).toEqual([]);
  });
});

describe("GCP home → Azure: a credential from https://accounts.google.com with the unique id as subject", () => {
  it("admits the agent's token, refuses another account's and near-miss issuers", async () => {
    const { resources } = await deploy(gcpWorkload({ service: "cloud-run", project: "acme-prod" }), {
      gcp: true,
      azure: true,
    });
    const credential = one(resources, "azure-native:managedidentity:FederatedIdentityCredential");
    const uniqueId = one(resources, "gcp:serviceaccount/account:Account").state.uniqueId as string;
    const token = { iss: "https://accounts.google.com", sub: uniqueId, aud: "api://AzureADTokenExchange" };
    expect(azureAccepts(credential, token)).toBe(true);
    expect(azureAccepts(credential, { ...token, sub: "109876543210987654321" })).toBe(false);
    expect(azureAccepts(credential, { ...token, iss: "https://accounts.google.com/" })).toBe(false);
    expect(azureAccepts(credential, { ...token, iss: "accounts.google.com" })).toBe(false);
    expect(azureAccepts(credential, { ...token, aud: "sts.amazonaws.com" })).toBe(false);
  });
});

describe("Azure home → AWS: the tenant's Entra issuer, sub pinned to the managed identity's object id", () => {
  const runsOn = azureWorkload({ service: "container-apps", tenantId: TENANT, audience: APP_URI });
  const host = (tenant: string) => `login.microsoftonline.com/${tenant}/v2.0`;
  const request = (token: { tenant: string; sub: string; aud: string }, session = "support-bot") => ({
    providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host(token.tenant)}`,
    context: {
      [`${host(token.tenant)}:sub`]: token.sub,
      [`${host(token.tenant)}:aud`]: token.aud,
      "sts:RoleSessionName": session,
    },
  });

  async function setup() {
    const { resources, identity } = await deploy(runsOn, { aws: true, azure: true });
    const objectId = one(resources, "azure-native:managedidentity:UserAssignedIdentity").state.principalId as string;
    return { trust: trustOf(resources), objectId, identity, resources };
  }

  it("admits the managed identity's token for the application ID URI", async () => {
    const { trust, objectId } = await setup();
    expect(trustAllows(trust, request({ tenant: TENANT, sub: objectId, aud: APP_URI }))).toBe(true);
  });

  it.each([
    ["another tenant's identity with the same object id", { tenant: OTHER_TENANT }],
    ["another identity of the tenant", { sub: "0a0a0a0a-1111-4222-8333-444444444444" }],
    ["a token for another audience", { aud: "https://management.azure.com" }],
    ["a token-exchange token meant for Azure", { aud: "api://AzureADTokenExchange" }],
  ])("refuses %s", async (_label, change) => {
    const { trust, objectId } = await setup();
    expect(trustAllows(trust, request({ tenant: TENANT, sub: objectId, aud: APP_URI, ...change }))).toBe(false);
  });

  it("Container Apps: the identity is attached, so it has no federated credential", async () => {
    const { resources } = await setup();
    expect(byType(resources, "azure-native:managedidentity:FederatedIdentityCredential")).toEqual([]);
  });
});

describe("Azure home → GCP: a provider for the Entra issuer, bound to the object id alone (CEL evaluator)", () => {
  const runsOn = azureWorkload({ service: "container-apps", tenantId: TENANT, audience: APP_URI });

  it("admits the managed identity, refuses another tenant, identity or audience", async () => {
    const { resources } = await deploy(runsOn, { gcp: true, azure: true });
    const provider = one(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    const member = byType(resources, "gcp:serviceaccount/iAMMember:IAMMember").find(
      (m) => m.inputs.role === "roles/iam.workloadIdentityUser",
    )!.inputs.member as string;
    const objectId = one(resources, "azure-native:managedidentity:UserAssignedIdentity").state.principalId as string;
    const oidc = provider.inputs.oidc as { issuerUri: string; allowedAudiences?: string[] };
    const underTest = {
      name: provider.state.name as string,
      issuerUri: oidc.issuerUri,
      allowedAudiences: oidc.allowedAudiences ?? [],
      attributeMapping: provider.inputs.attributeMapping as Record<string, string>,
      attributeCondition: provider.inputs.attributeCondition as string,
    };
    const admitted = (claims: Record<string, unknown>) => {
      const result = exchange(underTest, claims);
      return (
        "subject" in result && member === `${member.slice(0, member.indexOf("/subject/"))}/subject/${result.subject}`
      );
    };
    const legit = { iss: ENTRA, aud: APP_URI, sub: objectId, tid: TENANT };
    expect(admitted(legit)).toBe(true);
    expect(
      admitted({ ...legit, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT }),
    ).toBe(false);
    expect(admitted({ ...legit, sub: "0a0a0a0a-1111-4222-8333-444444444444" })).toBe(false);
    expect(admitted({ ...legit, aud: "https://management.azure.com" })).toBe(false);
    expect(admitted({ ...legit, tid: OTHER_TENANT })).toBe(false);
  });
});

describe("homes without a second cloud", () => {
  it("GKE: the pod's Kubernetes service account, and only it, may act as the agent's account", async () => {
    const { resources } = await deploy(
      gcpWorkload({ service: "gke", project: "acme-prod", namespace: "support", serviceAccount: "support-bot" }),
      { gcp: true },
    );
    const members = byType(resources, "gcp:serviceaccount/iAMMember:IAMMember").filter(
      (m) => m.inputs.role === "roles/iam.workloadIdentityUser",
    );
    expect(members.map((m) => m.inputs.member)).toEqual(["serviceAccount:acme-prod.svc.id.goog[support/support-bot]"]);
  });

  it("Agent Engine: no service account; grants go to the engine's agent principal", async () => {
    let resources: RecordedResource[] = [];
    resources = await recordResources(() => {
      new AgentIdentity("support-bot", {
        owner: "keisha@acme.example",
        purpose: "Answers support tickets from the warehouse data",
        environment: "prod",
        expires: "2099-01-01",
        runsOn: gcpWorkload({
          service: "agent-engine",
          project: "acme-prod",
          organizationId: "123456789012",
          projectNumber: "987654321098",
          location: "us-central1",
          reasoningEngineId: "4567890123456789012",
        }),
        grants: [{ resource: "//bigquery.googleapis.com/projects/acme-prod/datasets/tickets", access: "read" }],
        gcp: { project: "acme-prod" },
      });
    });
    expect(byType(resources, "gcp:serviceaccount/account:Account")).toEqual([]);
    const members = resources.filter((r) => /iammember$/i.test(r.type)).map((r) => r.inputs.member);
    expect(members.length).toBeGreaterThan(0);
    expect(new Set(members)).toEqual(
      new Set([
        "principal://agents.global.org-123456789012.system.id.goog/resources/aiplatform/projects/987654321098/locations/us-central1/reasoningEngines/4567890123456789012",
      ]),
    );
  });

  it("AKS: one federated credential for the cluster's issuer and the pod's exact subject", async () => {
    const issuer =
      "https://westeurope.oic.prod-aks.azure.com/00000000-0000-4000-8000-000000000000/11111111-2222-4333-8444-555555555555/";
    const { resources } = await deploy(
      azureWorkload({
        service: "aks",
        tenantId: TENANT,
        issuerUrl: issuer,
        namespace: "support",
        serviceAccount: "support-bot",
      }),
      { azure: true },
    );
    const credential = one(resources, "azure-native:managedidentity:FederatedIdentityCredential");
    const token = { iss: issuer, sub: "system:serviceaccount:support:support-bot", aud: "api://AzureADTokenExchange" };
    expect(azureAccepts(credential, token)).toBe(true);
    expect(azureAccepts(credential, { ...token, sub: "system:serviceaccount:default:support-bot" })).toBe(false);
  });
});
