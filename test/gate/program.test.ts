import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentSummaries } from "../../src/gate/cli/check/agents";
import { AnalyzerView } from "../../src/gate/cli/check/analyzer-resources";
import { locator } from "../../src/gate/cli/check/locations";
import { UsageError } from "../../src/gate/program/errors";
import { loadProject, SECRET_PLACEHOLDER } from "../../src/gate/program/project";
import { renderPolicyDocument } from "../../src/gate/program/realistic-invokes";
import { runProject } from "../../src/gate/program/run";
import { UNKNOWN } from "../../src/model/engine-values";
import { PROJECT, writeProgram } from "../support/cli";

/**
 * The program runner behind `agent-iam check`: it finds a program as `pulumi` does, gives it its
 * stack's config, runs it under a recording monitor and records what the engine would see.
 */

describe("finding the program and its stack", () => {
  it("reads the only stack's config, qualifies project keys, keeps provider keys, and hides secure values", () => {
    const dir = writeProgram({
      "Pulumi.yaml":
        "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nconfig:\n  team:\n    default: payments\n  region:\n    type: string\n",
      "Pulumi.prod.yaml":
        "config:\n  shop:size: 3\n  aws:region: eu-west-1\n  shop:owners:\n    - a@acme.example\n  shop:dbPassword:\n    secure: v1:abc\n",
      "index.ts": "export {};\n",
    });
    const project = loadProject(dir);
    expect(project.stack).toBe("prod");
    expect(project.stackFile).toBe(join(dir, "Pulumi.prod.yaml"));
    expect(project.main).toBe(join(dir, "index.ts"));
    expect(project.config).toEqual({
      "shop:team": "payments",
      "shop:size": "3",
      "aws:region": "eu-west-1",
      "shop:owners": '["a@acme.example"]',
      "shop:dbPassword": SECRET_PLACEHOLDER,
    });
    expect(project.secretKeys).toEqual(["shop:dbPassword"]);
    expect(project.notes.join("\n")).toContain("shop:dbPassword");
  });

  it("defaults to dev when several stacks have files, and takes --stack by name (org/project/stack too)", () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT("multi"),
      "Pulumi.dev.yaml": "config:\n  multi:x: dev\n",
      "Pulumi.prod.yaml": "config:\n  multi:x: prod\n",
      "index.ts": "",
    });
    expect(loadProject(dir).config["multi:x"]).toBe("dev");
    expect(loadProject(dir, { stack: "acme/multi/prod" }).config["multi:x"]).toBe("prod");
  });

  it("resolves main as the Node.js language host does", () => {
    const both = writeProgram({ "Pulumi.yaml": PROJECT(), "index.ts": "", "index.js": "" });
    expect(loadProject(both).main).toBe(join(both, "index.js"));
    const withMain = writeProgram({ "Pulumi.yaml": `${PROJECT()}main: infra/\n`, "infra/index.ts": "" });
    expect(loadProject(withMain).main).toBe(join(withMain, "infra", "index.ts"));
    const withPackage = writeProgram({
      "Pulumi.yaml": PROJECT(),
      "package.json": '{ "main": "src/program.ts" }',
      "src/program.ts": "",
    });
    expect(loadProject(withPackage).main).toBe(join(withPackage, "src", "program.ts"));
    const empty = writeProgram({ "Pulumi.yaml": PROJECT() });
    expect(() => loadProject(empty)).toThrow(/no program in .*: add an index\.ts/);
    const missingMain = writeProgram({ "Pulumi.yaml": `${PROJECT()}main: nowhere.ts\n` });
    expect(() => loadProject(missingMain)).toThrow(UsageError);
  });

  it("rejects a Pulumi.yaml without a name, naming the field", () => {
    const dir = writeProgram({ "Pulumi.yaml": "runtime: nodejs\n", "index.ts": "" });
    expect(() => loadProject(dir)).toThrow(/Pulumi\.yaml is not valid: name: name is required/);
  });
});

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const account = new pulumi.Config("aws").require("region");
const bucketName = config.require("bucket");

class Team extends pulumi.ComponentResource {
  role: aws.iam.Role;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("acme:index:Team", name, {}, opts);
    this.role = new aws.iam.Role(name, { assumeRolePolicy: "{}" }, { parent: this, protect: true, aliases: [{ name: name + "-old" }] });
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

const team = new Team("builders");
const doc = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: ["s3:GetObject"], resources: [\`arn:aws:s3:::\${bucketName}/*\`] }] });
const policy = new aws.iam.Policy("read", { policy: doc.json });
new aws.iam.RolePolicyAttachment("attach", { role: team.role.name, policyArn: policy.arn }, { dependsOn: [team] });
export const region = account;
export const roleArn = team.role.arn;
`;

describe("running a program under the recording monitor", () => {
  const dir = writeProgram({
    "Pulumi.yaml": PROJECT("acme"),
    "Pulumi.dev.yaml": "config:\n  acme:bucket: acme-reports\n  aws:region: eu-central-1\n",
    "index.ts": PROGRAM,
  });

  it("records URNs, parents, dependencies, options, outputs that flow, config, and stack outputs", async () => {
    const project = loadProject(dir);
    const recorded = await runProject(project);
    const byName = (name: string) => recorded.resources.find((resource) => resource.name === name && resource.custom)!;
    expect(recorded.resources[0]!.urn).toBe("urn:pulumi:dev::acme::pulumi:pulumi:Stack::acme-dev");
    const role = byName("builders");
    const component = recorded.resources.find((resource) => resource.type === "acme:index:Team")!;
    expect(role.type).toBe("aws:iam/role:Role");
    expect(role.urn).toBe("urn:pulumi:dev::acme::acme:index:Team$aws:iam/role:Role::builders");
    expect(role.parent).toBe(component.urn);
    expect(role.options.protect).toBe(true);
    expect(role.options.aliases).toEqual(["urn:pulumi:dev::acme::acme:index:Team$aws:iam/role:Role::builders-old"]);
    expect(component.state).toEqual({ roleArn: "arn:aws:iam::123456789012:role/builders" });
    const attach = byName("attach");
    expect(attach.inputs).toEqual({ role: "builders", policyArn: "arn:aws:iam::123456789012:policy/read" });
    // The SDK turns `dependsOn: [component]` into the component's children, as the engine receives it.
    expect([...attach.dependencies].sort()).toEqual([role.urn, byName("read").urn].sort());
    expect(JSON.parse(byName("read").inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-reports/*" }],
    });
    expect(recorded.outputs).toEqual({ region: "eu-central-1", roleArn: "arn:aws:iam::123456789012:role/builders" });

    // Lines are checked end to end (SARIF regions), where the CLI's loader maps them to the TypeScript source.
    const locate = locator(recorded.resources, project.dir, project.main, dir);
    expect(locate(role.urn).file).toBe("index.ts");
    expect(locate(recorded.resources[0]!.urn)).toEqual({ file: "index.ts", line: 1, column: 1 });

    const view = new AnalyzerView({ project: project.name, stack: project.stack, config: project.config });
    view.all(recorded.resources, "analyze");
    const analyzed = view.resource(attach, "analyze");
    expect(analyzed.provider).toEqual({
      type: "pulumi:providers:aws",
      name: "default",
      urn: "urn:pulumi:dev::acme::pulumi:providers:aws::default",
      properties: { region: "eu-central-1" },
    });
    expect(analyzed.options).toMatchObject({ protect: false, aliases: [], deleteBeforeReplaceDefined: false });
    expect(view.resource(role, "analyze").options).toMatchObject({ protect: true, parent: component.urn });
  });

  it("--preview: ids, ARNs and what is computed from them stay unknown; names and literal inputs stay known", async () => {
    const recorded = await runProject(loadProject(dir), { preview: true });
    const byName = (name: string) => recorded.resources.find((resource) => resource.name === name && resource.custom)!;
    expect(byName("builders").id).toBeUndefined();
    expect(byName("builders").state.arn).toBe(UNKNOWN);
    expect(byName("builders").state.name).toBe("builders");
    expect(byName("attach").inputs).toEqual({ role: "builders", policyArn: UNKNOWN });
    expect(recorded.outputs).toEqual({ region: "eu-central-1", roleArn: UNKNOWN });
  });
});

describe("agents in a recorded run", () => {
  it("summarises each AgentIdentity from the agent model it registered, in plain words", async () => {
    const dir = writeProgram({
      "Pulumi.yaml": PROJECT("agents"),
      "index.ts": `
import { AgentIdentity, AwsOidcProvider, githubActions } from "@agent-iam/pulumi";
const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
new AgentIdentity("pr-reviewer", {
  owner: "keisha@acme.example",
  purpose: "Reviews pull requests and posts findings",
  environment: "prod",
  expires: "2099-01-01",
  runsOn: githubActions({ repository: "acme/api" }),
  grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source"] }],
  aws: { oidcProvider: github },
});
`,
    });
    const recorded = await runProject(loadProject(dir));
    const [agent, ...others] = agentSummaries(recorded.resources);
    expect(others).toHaveLength(0);
    expect(agent).toMatchObject({
      id: "pr-reviewer",
      owner: "keisha@acme.example",
      environment: "prod",
      clouds: ["aws"],
      runsOn: { kind: "github-actions", subject: "repo:acme/api:environment:prod" },
      disabled: false,
    });
    expect(agent!.canDo).toEqual([expect.stringMatching(/^read and list the S3 bucket acme-prod-source/)]);
  });
});

describe("provider functions under mocks", () => {
  it("renders aws.iam.getPolicyDocument as the AWS provider does", () => {
    const json = JSON.parse(
      renderPolicyDocument({
        statements: [
          {
            effect: "Allow",
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [
              {
                type: "Federated",
                identifiers: ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"],
              },
            ],
            conditions: [
              {
                test: "StringEquals",
                variable: "token.actions.githubusercontent.com:aud",
                values: ["sts.amazonaws.com"],
              },
              { test: "StringLike", variable: "token.actions.githubusercontent.com:sub", values: ["repo:acme/*"] },
            ],
          },
          { actions: ["s3:GetObject", "s3:ListBucket"], resources: ["arn:aws:s3:::a", "arn:aws:s3:::a/*"] },
        ],
      }),
    );
    expect(json).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRoleWithWebIdentity",
          Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" },
          },
        },
        {
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:ListBucket"],
          Resource: ["arn:aws:s3:::a", "arn:aws:s3:::a/*"],
        },
      ],
    });
  });
});
