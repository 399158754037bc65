import * as aws from "@pulumi/aws";
import * as authorization from "@pulumi/azure-native/authorization";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as azuread from "@pulumi/azuread";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as vertex from "@pulumi/gcp/vertex";
import * as github from "@pulumi/github";
import * as kubernetes from "@pulumi/kubernetes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyPackProcess, type AnalyzerDiagnostic } from "../../src/gate/analyzer";
import { AnalyzerView } from "../../src/gate/cli/check/analyzer-resources";
import { recordStack } from "../../src/gate/program/record";
import { inDays } from "../fixtures/policy/build";

/**
 * The agent identities teams hand-write with the providers' own SDKs (`@pulumi/aws`,
 * `@pulumi/gcp`, `@pulumi/azure-native`, and, as development dependencies only, `@pulumi/azuread`,
 * `@pulumi/github`, `@pulumi/kubernetes`), run under Pulumi's mocks and judged through the pack's
 * analyzer: the type tokens and property names the rules read are the ones the SDKs register.
 */

const TAGS = {
  owner: "keisha@acme.example",
  purpose: "Answers support questions from the knowledge base",
  environment: "prod",
  expires: inDays(60),
};
const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
// Keys are assembled at run time so that no scanner mistakes this file for a leak.
const OPENAI_KEY = ["sk-", "proj-", "Tq9w".repeat(30), "Zx81"].join("");
const HF_TOKEN = ["hf_", "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"].join("");

let pack: PolicyPackProcess;

beforeAll(async () => {
  pack = await PolicyPackProcess.start("policy-pack", {
    config: { all: "mandatory" },
    stack: { name: "prod", project: "hand-written" },
  });
});

afterAll(async () => {
  await pack.close();
});

async function judge(program: () => void, stackConfig: Record<string, string> = {}): Promise<AnalyzerDiagnostic[]> {
  const recorded = await recordStack(program, { project: "hand-written", stack: "prod", config: stackConfig });
  const view = new AnalyzerView({ project: recorded.project, stack: recorded.stack, config: stackConfig });
  await pack.configure({ all: "mandatory" });
  const diagnostics: AnalyzerDiagnostic[] = [];
  for (const resource of view.all(recorded.resources, "analyze")) diagnostics.push(...(await pack.analyze(resource)));
  diagnostics.push(...(await pack.analyzeStack(view.all(recorded.resources, "stack"))));
  return diagnostics;
}

const blocking = (diagnostics: readonly AnalyzerDiagnostic[], policy: string) =>
  diagnostics.filter((d) => d.policyName === policy && d.enforcementLevel === "mandatory").map((d) => d.message);

const AGENTCORE_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "bedrock-agentcore.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:*" },
      },
    },
  ],
});

function agentcoreRuntime(statements: Record<string, unknown>[]): void {
  const role = new aws.iam.Role("support-runtime", {
    name: "support-runtime",
    assumeRolePolicy: AGENTCORE_TRUST,
    tags: TAGS,
  });
  new aws.iam.RolePolicy("support-runtime-grants", {
    role: role.name,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  });
  new aws.bedrock.AgentcoreAgentRuntime("support", {
    agentRuntimeName: "support_agent",
    roleArn: role.arn,
    agentRuntimeArtifact: {
      containerConfiguration: { containerUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/support:1" },
    },
    networkConfiguration: { networkMode: "PUBLIC" },
  });
}

describe("agent runtimes' identities are agents", () => {
  it("an AgentCore runtime's role with s3:* on * is blocked; scoped to one bucket it passes", async () => {
    const broad = await judge(() => agentcoreRuntime([{ Effect: "Allow", Action: "s3:*", Resource: "*" }]));
    expect(blocking(broad, "no-overbroad-aws-scopes")).toEqual(
      expect.arrayContaining([expect.stringMatching(/"s3:\*": every action of a service/)]),
    );
    const scoped = await judge(() =>
      agentcoreRuntime([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-kb/*" }]),
    );
    expect(blocking(scoped, "no-overbroad-aws-scopes")).toEqual([]);
  });

  it("a Vertex AI Agent Engine's service account with roles/storage.objectViewer on the project is blocked", async () => {
    const diagnostics = await judge(() => {
      const account = new serviceaccount.Account("support-agent", {
        accountId: "support-agent",
        project: "acme-prod",
        description: `owner=${TAGS.owner}; environment=prod; expires=${TAGS.expires}; purpose=${TAGS.purpose}`,
      });
      new vertex.AiReasoningEngine("support", {
        displayName: "support",
        region: "us-central1",
        spec: { serviceAccount: account.email },
      });
      new projects.IAMMember("support-objects", {
        project: "acme-prod",
        role: "roles/storage.objectViewer",
        member: account.member,
      });
    });
    expect(blocking(diagnostics, "no-overbroad-gcp-scopes")).toEqual([expect.stringMatching(/blanket read/)]);
  });

  it("an AI Foundry project's identity with Storage Blob Data Reader on the subscription is blocked", async () => {
    const diagnostics = await judge(() => {
      const project = new cognitiveservices.Project("support", {
        accountName: "acme-foundry",
        resourceGroupName: "agents",
        identity: { type: "SystemAssigned" },
        tags: TAGS,
      });
      new authorization.RoleAssignment("support-blobs", {
        principalId: project.identity.apply((identity) => identity?.principalId ?? ""),
        principalType: "ServicePrincipal",
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
        scope: `/subscriptions/${SUBSCRIPTION}`,
      });
    });
    expect(blocking(diagnostics, "no-overbroad-azure-scopes")).toEqual(
      expect.arrayContaining([expect.stringMatching(/blanket read/)]),
    );
  });
});

describe("the places agent secrets live", () => {
  it("an AgentCore API key credential provider with apiKey is blocked; with a Secrets Manager source it passes", async () => {
    const literal = await judge(() => {
      new aws.bedrock.AgentcoreApiKeyCredentialProvider("vendor", { name: "vendor", apiKey: "vendor-key-7f3c9a2b1d" });
    });
    expect(blocking(literal, "no-static-credentials")).toEqual([expect.stringMatching(/apiKey.*set apiKeyWo/)]);
    const referenced = await judge(() => {
      new aws.bedrock.AgentcoreApiKeyCredentialProvider("vendor", {
        name: "vendor",
        apiKeySecretSource: "EXTERNAL",
        apiKeySecretConfig: {
          secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:vendor-AbCdEf",
          jsonKey: "apiKey",
        },
      });
    });
    expect(blocking(referenced, "no-static-credentials")).toEqual([]);
  });

  it("GitHub Actions secrets holding a key and variables named like one are blocked", async () => {
    const diagnostics = await judge(() => {
      new github.ActionsSecret("openai", {
        repository: "agents",
        secretName: "OPENAI_API_KEY",
        plaintextValue: OPENAI_KEY,
      });
      new github.ActionsVariable("mistral", {
        repository: "agents",
        variableName: "MISTRAL_API_KEY",
        value: "m1stralKeyValue0123456789abcd",
      });
      new github.ActionsVariable("model", {
        repository: "agents",
        variableName: "OPENAI_MODEL",
        value: "gpt-4.1-mini",
      });
    });
    const blocked = blocking(diagnostics, "no-static-credentials");
    expect(blocked).toHaveLength(2);
    expect(blocked).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/plaintextValue holds an OpenAI API key/),
        expect.stringMatching(/"MISTRAL_API_KEY" holds a credential in a GitHub Actions variable/),
      ]),
    );
  });

  it("a Kubernetes Secret with a literal token in stringData is blocked", async () => {
    const diagnostics = await judge(() => {
      new kubernetes.core.v1.Secret("hf", {
        metadata: { name: "hf", namespace: "agents" },
        stringData: { HF_TOKEN: HF_TOKEN },
      });
    });
    expect(blocking(diagnostics, "no-static-credentials")).toEqual([
      expect.stringMatching(/Hugging Face access token/),
    ]);
  });

  it("Entra ID application passwords are blocked, as the azuread SDK registers them", async () => {
    const diagnostics = await judge(() => {
      new azuread.ApplicationPassword("agent-secret", {
        applicationId: "/applications/00000000-0000-4000-8000-000000000001",
      });
    });
    expect(blocking(diagnostics, "no-static-credentials")).toEqual([expect.stringMatching(/client secret/)]);
  });

  it("an SSM String parameter holding a token is blocked; a SecureString passes", async () => {
    const diagnostics = await judge(() => {
      new aws.ssm.Parameter("token", {
        name: "/agents/support/api-token",
        type: "String",
        value: "c0hereTokenValue98765",
      });
      new aws.ssm.Parameter("secure", {
        name: "/agents/support/api-token-2",
        type: "SecureString",
        value: "c0hereTokenValue98765",
      });
    });
    expect(blocking(diagnostics, "no-static-credentials")).toEqual([expect.stringMatching(/SSM String parameter/)]);
  });
});

describe("tags set through the AWS provider's defaultTags", () => {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/api:environment:prod",
          },
        },
      },
    ],
  });

  it("count as the role's tags, with an explicit provider", async () => {
    const diagnostics = await judge(() => {
      const provider = new aws.Provider("tagged", { region: "us-east-1", defaultTags: { tags: TAGS } });
      new aws.iam.Role("reviewer", { name: "reviewer", assumeRolePolicy: trust }, { provider });
    });
    expect(blocking(diagnostics, "agent-must-have-owner")).toEqual([]);
    expect(blocking(diagnostics, "agent-identity-expiry")).toEqual([]);
  });

  it("count as the role's tags, with the default provider's aws:defaultTags stack config", async () => {
    const diagnostics = await judge(
      () => {
        new aws.iam.Role("reviewer", { name: "reviewer", assumeRolePolicy: trust });
      },
      { "aws:defaultTags": JSON.stringify({ tags: TAGS }), "aws:region": "us-east-1" },
    );
    expect(blocking(diagnostics, "agent-must-have-owner")).toEqual([]);
  });

  it("a role with neither its own tags nor default tags is still blocked", async () => {
    const diagnostics = await judge(() => {
      new aws.iam.Role("reviewer", { name: "reviewer", assumeRolePolicy: trust });
    });
    expect(blocking(diagnostics, "agent-must-have-owner")).toEqual([expect.stringMatching(/without owner/)]);
  });
});
