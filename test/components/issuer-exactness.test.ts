import { describe, expect, it } from "vitest";
import { AgentIdentity, AwsOidcProvider, GcpWorkloadIdentityPool, kubernetes, oidc } from "../../components";
import { AgentSpecError } from "../../src/model/agent-spec";
import { recordResources, type RecordedResource } from "../../src/gate/program/record";

/**
 * Issuers as they publish themselves, kept byte for byte on every cloud: the IAM OIDC provider's
 * URL, Google's `issuerUri`, Azure's federated credential `issuer`. Azure matches issuer and subject
 * exactly (Microsoft Entra, "Workload identity federation": "must match exactly"; an AKS issuer
 * missing its trailing slash stops matching: Azure/azure-workload-identity#1700).
 */
const PUBLISHED_ISSUERS = [
  {
    issuer:
      "https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/3e6bcc8f-0a49-4a8c-9d7e-000000000001/",
    source:
      "AKS: az aks show --query oidcIssuerProfile.issuerUrl (learn.microsoft.com/azure/aks/use-oidc-issuer), trailing slash",
  },
  {
    issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    source:
      "EKS: aws eks describe-cluster --query cluster.identity.oidc.issuer (docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html), upper-case id",
  },
  {
    issuer: "https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/agents",
    source: "GKE: the cluster's issuer (cloud.google.com/kubernetes-engine/docs/concepts/workload-identity)",
  },
] as const;

const SUB = "11111111-2222-4333-8444-555555555555";

function byType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

describe.each(PUBLISHED_ISSUERS)("the issuer $issuer", ({ issuer }) => {
  it("is the IAM OIDC provider's URL, Google's issuerUri and Azure's credential issuer, byte for byte", async () => {
    const resources = await recordResources(() => {
      const provider = new AwsOidcProvider("cluster", { issuerUrl: issuer });
      const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod" });
      new AgentIdentity("cluster-agent", {
        owner: "keisha@acme.example",
        purpose: "Runs in a cluster and reads one bucket on each cloud",
        environment: "prod",
        expires: "2099-01-01",
        runsOn: kubernetes({ issuerUrl: issuer, namespace: "agents", serviceAccount: "reader" }),
        grants: [{ resource: "arn:aws:s3:::acme-prod-reports", access: ["read"] }],
        aws: { oidcProvider: provider },
        gcp: { project: "acme-prod", pool },
        azure: { subscriptionId: SUB, resourceGroupName: "agents-prod", location: "westeurope" },
      });
    });
    const [provider] = byType(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(provider!.inputs.url).toBe(issuer);
    const [gcpProvider] = byType(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    expect((gcpProvider!.inputs.oidc as { issuerUri: string }).issuerUri).toBe(issuer);
    const credentials = byType(resources, "azure-native:managedidentity:FederatedIdentityCredential");
    expect(credentials.length).toBeGreaterThan(0);
    for (const credential of credentials) expect(credential.inputs.issuer).toBe(issuer);
  });

  it("names the AWS condition keys after the provider as IAM names it", async () => {
    const arn = `arn:aws:iam::123456789012:oidc-provider/${issuer.replace("https://", "")}`;
    const resources = await recordResources(() => {
      new AgentIdentity("cluster-agent", {
        owner: "keisha@acme.example",
        purpose: "Runs in a cluster and reads one bucket",
        environment: "prod",
        expires: "2099-01-01",
        runsOn: kubernetes({ issuerUrl: issuer, namespace: "agents", serviceAccount: "reader" }),
        grants: [{ resource: "arn:aws:s3:::acme-prod-reports", access: ["read"] }],
        aws: { oidcProvider: arn },
      });
    });
    const [role] = byType(resources, "aws:iam/role:Role");
    const trust = JSON.parse(role!.inputs.assumeRolePolicy as string);
    const keys = Object.keys(trust.Statement[0].Condition.StringEquals);
    expect(keys).toContain(`${issuer.replace("https://", "")}:sub`);
    expect(trust.Statement[0].Principal.Federated).toBe(arn);
  });
});

describe("an agent whose provider is for another spelling of its issuer", () => {
  const aks = PUBLISHED_ISSUERS[0].issuer;

  it.each([
    ["without the trailing slash the issuer publishes", aks.replace(/\/$/, "")],
    ["in another case", aks.replace("eastus", "EastUS")],
  ])("is refused at spec time, naming aws.oidcProvider: the provider URL %s", async (_what, spelling) => {
    let refused: unknown;
    await recordResources(() => {
      try {
        new AgentIdentity("aks-agent", {
          owner: "keisha@acme.example",
          purpose: "Runs in AKS and reads one bucket",
          environment: "prod",
          expires: "2099-01-01",
          runsOn: oidc({ issuerUrl: aks, subject: "system:serviceaccount:agents:reader" }),
          grants: [{ resource: "arn:aws:s3:::acme-prod-reports", access: ["read"] }],
          aws: { oidcProvider: new AwsOidcProvider("aks", { issuerUrl: spelling }) },
        });
      } catch (error) {
        refused = error;
      }
    });
    expect(refused).toBeInstanceOf(AgentSpecError);
    expect((refused as AgentSpecError).problems).toEqual([
      { path: "aws.oidcProvider", message: expect.stringContaining(aks) },
    ]);
  });
});
