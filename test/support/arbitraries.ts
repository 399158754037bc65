import fc from "fast-check";
import { CATALOG_ROLE_NAMES } from "../../src/model/role-catalog";

/** Generators shared by the property tests: valid values, near-misses and garbage for each spec field. */

export const TODAY = "2026-11-23";
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

const garbage = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ maxLength: 300 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.constant(""),
);

export const validOwner = fc.constantFrom(
  "keisha@acme.example",
  "ops.bot-owner@acme.example",
  "j.doe+agents@corp.example.com",
);
export const validEnvironment = fc.constantFrom("dev", "staging", "prod");
export const validExpires = fc
  .integer({ min: 1, max: 400 })
  .map((days) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10));
export const validPurpose = fc.constantFrom(
  "Reviews pull requests and posts findings",
  "Reads nightly reports for the finance team",
  "Deploys the api service after review",
);

const org = fc.constantFrom("acme", "acme-corp", "a1");
const repo = fc.constantFrom("api", "web.site", "tools_x");
export const validRunsOn = fc.oneof(
  fc.record({ kind: fc.constant("github-actions"), repository: fc.tuple(org, repo).map(([o, r]) => `${o}/${r}`) }),
  fc.record({
    kind: fc.constant("github-actions"),
    repository: fc.constant("acme/api"),
    ownerId: fc.integer({ min: 1, max: 1e9 }),
    repositoryId: fc.integer({ min: 1, max: 1e9 }),
  }),
  fc.record({ kind: fc.constant("gitlab-ci"), project: fc.constantFrom("acme/api", "acme/platform/api") }),
  fc.record({
    kind: fc.constant("kubernetes"),
    issuerUrl: fc.constant("https://oidc.eks.us-east-1.amazonaws.com/id/ABC"),
    namespace: fc.constantFrom("agents", "ml"),
    serviceAccount: fc.constantFrom("bot", "pr-reviewer"),
  }),
  fc.record({
    kind: fc.constant("oidc"),
    issuerUrl: fc.constant("https://auth.acme.example"),
    subject: fc.constantFrom("agent:one", "svc-42"),
  }),
);

export const validAwsGrant = fc.oneof(
  fc.record({
    role: fc.constantFrom(...CATALOG_ROLE_NAMES.filter((name) => name !== "read-only-monitor")),
    resources: fc.constant(["arn:aws:s3:::acme-prod-data"]),
  }),
  fc.record({
    resource: fc.constantFrom(
      "arn:aws:s3:::acme-prod-data",
      "arn:aws:sqs:us-east-1:123456789012:q",
      "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    ),
    access: fc.constantFrom("read", "list", ["read", "list"]),
  }),
  fc.record({
    role: fc.constant("read-only-monitor"),
    resources: fc.constant(["arn:aws:logs:us-east-1:123456789012:log-group:/prod/api"]),
  }),
);

/** A gateway for an agent's environment and issuer, as `AgentGateway` exposes one. */
function gatewayFor(environment: unknown, runsOn: unknown) {
  const kind = (runsOn as { kind?: unknown } | null)?.kind;
  const issuerUrl =
    kind === "gitlab-ci"
      ? "https://gitlab.com"
      : typeof (runsOn as { issuerUrl?: unknown } | null)?.issuerUrl === "string"
        ? (runsOn as { issuerUrl: string }).issuerUrl
        : "https://token.actions.githubusercontent.com";
  return {
    catalog: {
      gateway: "tools-env",
      environment: typeof environment === "string" ? environment : "prod",
      issuerUrl,
      targets: [
        {
          name: "jira",
          tools: [
            {
              name: "create_issue",
              description: "Opens an issue",
              inputs: { project: { type: "string", required: true }, priority: { type: "integer" } },
            },
            { name: "delete_issue", description: "Deletes an issue", risk: "delete" },
          ],
        },
      ],
    },
    policyEngineId: "tools_env_policies-a1b2c3d4e5",
    gatewayArn: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-env-a1b2c3d4e5",
  };
}

/** Tools on the agent's own gateway (filled in by `withGateway` once the spec's environment and issuer are drawn). */
const validTools = fc.record({
  gateway: fc.constant("MATCHING_GATEWAY"),
  allow: fc.array(
    fc.constantFrom(
      { target: "jira", tool: "create_issue", when: { project: { equals: "OPS" }, priority: { atMost: 2 } } },
      { target: "jira", tool: "create_issue" },
    ),
    { minLength: 1, maxLength: 2 },
  ),
});

const nearMissTools = fc.constantFrom(
  { gateway: "MATCHING_GATEWAY", allow: [] },
  { gateway: {}, allow: [{ target: "jira", tool: "create_issue" }] },
  {
    gateway: "MATCHING_GATEWAY",
    allow: [{ target: "jira", tool: "create_issue", when: { project: { lessThan: 1 } } }],
  },
  {
    gateway: "MATCHING_GATEWAY",
    allow: [{ target: "jira", tool: "create_issue", rateLimit: { calls: 1, per: "minute" } }],
  },
  { gateway: "MATCHING_GATEWAY", allow: [{ target: "nope", tool: "create_issue" }] },
  { gateway: "MATCHING_GATEWAY", allow: [{ target: "jira", tool: "delete_issue" }] },
  { allow: "everything" },
);

function withGateway<T>(spec: T): T {
  if (typeof spec !== "object" || spec === null) return spec;
  const record = spec as Record<string, unknown>;
  const tools = record.tools as { gateway?: unknown } | undefined;
  if (typeof tools !== "object" || tools === null || tools.gateway !== "MATCHING_GATEWAY") return spec;
  return { ...record, tools: { ...tools, gateway: gatewayFor(record.environment, record.runsOn) } } as T;
}

/** A valid AWS-only spec. */
export const validAwsSpec = fc.record({
  owner: validOwner,
  purpose: validPurpose,
  environment: validEnvironment,
  expires: validExpires,
  runsOn: validRunsOn,
  grants: fc.array(validAwsGrant, { maxLength: 3 }),
  maxSessionDuration: fc.constantFrom(900, 1800, 3600),
  aws: fc.constant({ oidcProvider: PROVIDER }),
});

/** Any value for a field: mostly valid, sometimes a near-miss, sometimes garbage or missing. */
function fieldOr<T>(valid: fc.Arbitrary<T>, nearMiss: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 2, arbitrary: nearMiss },
    { weight: 1, arbitrary: garbage },
  );
}

/** Specs that are valid, almost valid, or nonsense, to fuzz the validation edge. */
export const anySpec = fc.oneof(
  { weight: 1, arbitrary: garbage },
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          owner: fieldOr(validOwner, fc.constantFrom("keisha", "keisha@acme", "@x.io", "team bots@acme.example")),
          purpose: fieldOr(validPurpose, fc.constantFrom("x", " ", "a".repeat(500))),
          environment: fieldOr(validEnvironment, fc.constantFrom("Prod", "prod env", "", "x".repeat(40))),
          expires: fieldOr(validExpires, fc.constantFrom("2001-01-01", "2027-02-30", "tomorrow", "2027/01/01")),
          runsOn: fieldOr(
            validRunsOn,
            fc.constantFrom(
              { kind: "github-actions", repository: "acme/*" },
              { kind: "oidc", issuerUrl: "http://x", subject: "*" },
              { kind: "jenkins" },
            ),
          ),
          grants: fieldOr(
            fc.array(validAwsGrant, { maxLength: 3 }),
            fc.array(
              fc.oneof(
                garbage,
                fc.record({
                  resource: fc.constantFrom("*", "arn:aws:s3:::a*", "s3://x"),
                  access: fc.constantFrom("read", "admin"),
                }),
              ),
              { maxLength: 3 },
            ),
          ),
          maxSessionDuration: fieldOr(fc.constantFrom(900, 3600), fc.constantFrom(0, 899, 7200, 43_201, 1.5, -1)),
          disabled: fieldOr(fc.boolean(), fc.constantFrom("yes", 1)),
          approval: fieldOr(
            fc.constantFrom("SEC-1", "https://tickets.acme.example/SEC-1"),
            fc.constantFrom("please", ""),
          ),
          tools: fieldOr(validTools, nearMissTools),
          aws: fieldOr(
            fc.constant({ oidcProvider: PROVIDER }),
            fc.constantFrom({}, { oidcProvider: "not-an-arn" }, { oidcProvider: PROVIDER, extra: 1 }),
          ),
        },
        { requiredKeys: [] },
      )
      .map(withGateway),
  },
);
