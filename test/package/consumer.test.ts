import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PolicyPackProcess } from "../../src/gate/analyzer";
import { folderSize, installedVersion, npmInstall, packContents, REPO, run, writeProject } from "../support/package";

/**
 * A platform engineer's repository, as `npm install @agent-iam/pulumi` gives it: this repository
 * packed with `npm pack` (its prepack builds it), installed from that tarball with `@pulumi/pulumi`
 * and `@pulumi/aws` from the registry into a fresh project outside this repository, with the
 * `tsconfig.json` Pulumi's TypeScript templates generate (strict, no skipLibCheck, no
 * esModuleInterop). Nothing of this repository's own resolution helps: the project has its own
 * node_modules, as a user's has. AWS only: the other clouds' providers are not installed.
 */

const EXPIRES = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);

/** Pulumi's TypeScript template's tsconfig.json (pulumi/templates, typescript/tsconfig.json). */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  // The folders below hold other programs of these tests, checked on their own.
  exclude: ["node_modules", "missing", "gcp", "esm"],
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AgentGateway, AgentIdentity, AwsOidcProvider, githubActions } from "@agent-iam/pulumi";

const github = new AwsOidcProvider("github", { issuerUrl: "https://token.actions.githubusercontent.com" });
const tools = new AgentGateway("tools", {
  owner: "keisha@acme.example",
  environment: pulumi.getStack(),
  issuer: { url: "https://token.actions.githubusercontent.com", audiences: ["https://tools.acme.example"] },
  targets: [
    {
      name: "jira",
      mcpServer: { endpoint: "https://mcp.atlassian.example/v1/mcp" },
      tools: [{ name: "create_issue", description: "Opens an issue", inputs: { project: { type: "string", required: true } } }],
      credentials: {
        oauth2: {
          discoveryUrl: "https://auth.atlassian.example/.well-known/openid-configuration",
          clientId: "acme-agents",
          clientSecret: { secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:jira-Q1w2E3", jsonKey: "client_secret" },
          scopes: ["write:jira-work"],
        },
      },
    },
  ],
});

export const reviewer = new AgentIdentity("pr-reviewer", {
  owner: "keisha@acme.example",
  purpose: "Reviews pull requests and posts findings for the authors",
  environment: pulumi.getStack(),
  expires: "${EXPIRES}",
  runsOn: githubActions({ repository: "acme/api" }),
  grants: [{ role: "code-reviewer", resources: ["arn:aws:s3:::acme-prod-source", "arn:aws:sqs:us-east-1:123456789012:review-findings"] }],
  aws: { oidcProvider: github },
  budget: { monthly: 50, notify: ["keisha@acme.example"] },
  tools: { gateway: tools, allow: [{ target: "jira", tool: "create_issue", when: { project: { equals: "OPS" } } }] },
});

export const roleArn = reviewer.aws?.roleArn;
export const gatewayUrl = tools.gatewayUrl;
`;

/** Pulumi's documented unit-test way: mocks set before the program is imported; the simplest mocks (inputs as state). */
const UNIT_TEST = `import * as pulumi from "@pulumi/pulumi";

const types = new Set<string>();
pulumi.runtime.setMocks(
  {
    newResource: (args: pulumi.runtime.MockResourceArgs) => {
      types.add(args.type);
      return { id: args.name + "-id", state: args.inputs };
    },
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
  },
  "consumer",
  "prod",
  false,
);

async function main(): Promise<void> {
  const program = await import("./index");
  const record = await new Promise((resolve) => program.reviewer.inventoryRecord.apply(resolve));
  console.log(JSON.stringify({ types: [...types].sort(), record }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

let project: string;
let tarball: string;

beforeAll(() => {
  tarball = inject("packageTarball");
  project = writeProject("agent-iam-consumer-", {
    "package.json": JSON.stringify(
      {
        name: "acme-agents",
        private: true,
        dependencies: {
          "@agent-iam/pulumi": `file:${tarball}`,
          "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
          "@pulumi/aws": installedVersion("@pulumi/aws"),
        },
        devDependencies: {
          "@types/node": installedVersion("@types/node"),
          typescript: installedVersion("typescript"),
          "typescript-5.0": "npm:typescript@5.0.4",
          "ts-node": "10.9.2",
        },
      },
      null,
      2,
    ),
    "Pulumi.yaml": "name: acme-agents\nruntime: nodejs\ndescription: The agents of acme's platform team\n",
    "Pulumi.prod.yaml": "config:\n  aws:region: us-east-1\n",
    "tsconfig.json": JSON.stringify(TEMPLATE_TSCONFIG, null, 2),
    "index.ts": PROGRAM,
    "unit.ts": UNIT_TEST,
    "missing/Pulumi.yaml": "name: missing-module\nruntime: nodejs\n",
    "missing/index.ts":
      'import * as serviceaccount from "@pulumi/gcp/serviceaccount";\nexport const kind = typeof serviceaccount;\n',
    "gcp/Pulumi.yaml": "name: gcp-agent\nruntime: nodejs\n",
    "gcp/Pulumi.prod.yaml": "config: {}\n",
    "gcp/index.ts": `import { AgentIdentity, GcpWorkloadIdentityPool, githubActions } from "@agent-iam/pulumi";
const pool = new GcpWorkloadIdentityPool("agents", { project: "acme-prod-agents" });
new AgentIdentity("data-reader", {
  owner: "keisha@acme.example",
  purpose: "Reads the weekly reports data and summarises it",
  environment: "prod",
  expires: "${EXPIRES}",
  runsOn: githubActions({ repository: "acme/reports" }),
  gcp: { project: "acme-prod-agents", pool },
});
`,
    "esm/package.json": JSON.stringify({ name: "acme-esm", private: true, type: "module" }),
    "esm/Pulumi.yaml": "name: acme-esm\nruntime: nodejs\nmain: index.ts\n",
    "esm/Pulumi.prod.yaml": "config:\n  aws:region: us-east-1\n",
    "esm/index.ts": PROGRAM.replace(
      'from "@agent-iam/pulumi";',
      'from "@agent-iam/pulumi";\nconst top = await Promise.resolve("top-level await");\nexport { top };',
    ),
  });
  npmInstall(project);
}, 600_000);

afterAll(() => {
  const size = folderSize(join(project, "node_modules"));
  const packed = packContents(REPO);
  console.log(
    `package: ${packed.files.length} files, ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked; an AWS-only consumer's node_modules: ${(size / 1024 / 1024).toFixed(0)} MiB (with TypeScript and ts-node)`,
  );
});

describe("@agent-iam/pulumi installed from its tarball into a user's project", () => {
  it("installs without the GCP and Azure providers, which are optional peers", () => {
    expect(existsSync(join(project, "node_modules", "@agent-iam", "pulumi", "dist", "components", "index.js"))).toBe(
      true,
    );
    expect(existsSync(join(project, "node_modules", "@pulumi", "gcp"))).toBe(false);
    expect(existsSync(join(project, "node_modules", "@pulumi", "azure-native"))).toBe(false);
    // One copy of the SDK: the user's, which the components share.
    expect(existsSync(join(project, "node_modules", "@agent-iam", "pulumi", "node_modules", "@pulumi", "pulumi"))).toBe(
      false,
    );
  });

  it("(a) require('@agent-iam/pulumi') resolves and exports the components", () => {
    const result = run(
      process.execPath,
      ["-e", "const m = require('@agent-iam/pulumi'); console.log(Object.keys(m).sort().join(' '))"],
      project,
    );
    expect(result.stderr).toBe("");
    const names = result.stdout.trim().split(" ");
    for (const name of [
      "AgentIdentity",
      "AgentGateway",
      "AwsOidcProvider",
      "GcpWorkloadIdentityPool",
      "GcpBudgetStopper",
      "githubActions",
      "planAgent",
    ])
      expect(names).toContain(name);
  });

  it("(b) tsc --noEmit type-checks the program under Pulumi's template tsconfig, with TypeScript 5.0 and the current 5.x", () => {
    for (const tsc of ["typescript/bin/tsc", "typescript-5.0/bin/tsc"]) {
      const result = run(
        process.execPath,
        [join(project, "node_modules", tsc), "--noEmit", "-p", "tsconfig.json"],
        project,
      );
      expect(result.stdout + result.stderr, tsc).toBe("");
      expect(result.status, tsc).toBe(0);
    }
  });

  it("(c) the program runs under ts-node with pulumi.runtime.setMocks and the simplest mocks", () => {
    const result = run(process.execPath, ["-r", "ts-node/register", "unit.ts"], project);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const { types, record } = JSON.parse(result.stdout.trim().split("\n").pop()!) as {
      types: string[];
      record: { id: string; identities: { aws: { roleArn: string | null } }; tools: { summary: string }[] };
    };
    expect(types).toEqual(
      expect.arrayContaining([
        "agent-iam:index:AgentIdentity",
        "aws:iam/role:Role",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "agent-iam:aws:AgentGateway",
        "aws:bedrock/agentcoreGateway:AgentcoreGateway",
        "aws:bedrock/agentcorePolicy:AgentcorePolicy",
      ]),
    );
    expect(record.id).toBe("pr-reviewer");
    // The simplest mocks give the role no ARN: the record says it is not known, and nothing throws.
    expect(record.identities.aws.roleArn).toBeNull();
    expect(record.tools.map((tool) => tool.summary)).toEqual(['may call jira create_issue when project is "OPS"']);
  });

  it("(d) npx agent-iam check from the user's own node_modules/.bin passes the program", () => {
    const bin = join(project, "node_modules", ".bin", "agent-iam");
    expect(existsSync(bin)).toBe(true);
    const version = run(bin, ["--version"], project);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version);
    const result = run(bin, ["check", ".", "--stack", "prod"], project);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`agent-iam ${version.stdout.trim()} check`);
    expect(result.stdout).toContain("pr-reviewer · prod");
  });

  it("(e) a program whose import does not resolve fails check with exit 2, naming the module and the install command", () => {
    const result = run(join(project, "node_modules", ".bin", "agent-iam"), ["check", "missing"], project);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Cannot find module '@pulumi/gcp/serviceaccount'");
    expect(result.stderr).toContain("run npm install @pulumi/gcp in");
  });

  it("an agent on a cloud whose provider is not installed fails with the package to install", () => {
    const result = run(
      join(project, "node_modules", ".bin", "agent-iam"),
      ["check", "gcp", "--stack", "prod"],
      project,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "an agent on Google Cloud needs the @pulumi/gcp package, which is not installed: run npm install @pulumi/gcp",
    );
  });

  it("an ES-module program (package.json type module, top-level await) is checked as Pulumi runs it", () => {
    const result = run(
      join(project, "node_modules", ".bin", "agent-iam"),
      ["check", "esm", "--stack", "prod", "--json"],
      project,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { agents: { id: string }[]; check: { passed: boolean } };
    expect(report.check.passed).toBe(true);
    expect(report.agents.map((agent) => agent.id)).toEqual(["pr-reviewer"]);
  });

  it("the policy pack it ships starts from node_modules/@agent-iam/pulumi/policy-pack as pulumi preview --policy-pack starts it", async () => {
    const dir = join(project, "node_modules", "@agent-iam", "pulumi", "policy-pack");
    const pack = await PolicyPackProcess.start(dir);
    try {
      expect(pack.startInfo.name).toBe("agent-iam");
      expect(pack.startInfo.version).toBe(
        JSON.parse(readFileSync(join(REPO, "policy-pack", "package.json"), "utf8")).version,
      );
      expect(pack.startInfo.policies.length).toBeGreaterThanOrEqual(16);
    } finally {
      await pack.close();
    }
  });

  it("the tarball holds the build, the CLI and the pack, and no sources, tests, benchmarks or fixtures", () => {
    const paths = packContents(REPO).files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "package.json",
        "bin/agent-iam.js",
        "dist/components/index.js",
        "dist/components/index.d.ts",
        "policy-pack/dist/index.js",
        "policy-pack/PulumiPolicy.yaml",
      ]),
    );
    expect(
      paths.filter(
        (path) => /^(test|bench|examples|src|components)\//.test(path) || /\.test\.|\.tsbuildinfo$/.test(path),
      ),
    ).toEqual([]);
    expect(paths.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
  });

  it("npm publish --dry-run passes", () => {
    const result = run("npm", ["publish", "--dry-run", "--ignore-scripts", "--json"], REPO);
    expect(result.status, result.stderr).toBe(0);
  });
});
