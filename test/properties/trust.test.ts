import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgentIdentity } from "../../components";
import type { Agent } from "../../src/model/agent";
import { webIdentityTrustPolicy } from "../../src/clouds/aws/trust-policy";
import { azureFederatedCredential } from "../../src/clouds/azure/federated";
import { gcpPrincipal, gcpProviderSpec } from "../../src/clouds/gcp/workload-identity";
import { resolveTrust, runsOnSchema } from "../../src/model/issuers";
import type { RunsOn } from "../../src/model/runs-on";
import { recordResources } from "../../src/gate/program/record";
import { planAgent } from "../../src/clouds/plan";
import { exchange, evaluateCel, parseCel, type ProviderUnderTest } from "../support/cel";
import { claimsOf, forgeriesOf, legitimateJob, presetArb, type JobContext } from "../support/oidc-claims";
import { runs, table } from "../support/property";
import { trustAllows } from "../support/web-identity-evaluator";

/**
 * Hostile input, property 5 (trust): tokens forged from every situation an attacker controls or can
 * reach (another organisation, repository-name prefix tricks, another environment, pull-request and
 * fork refs, other refs and tags, another audience, another issuer, case changes, the immutable
 * `repo:ORG@ID/REPO@ID` form and its ids) are refused by the trust each preset generates, on every
 * cloud; the legitimate job's token is accepted. Each cloud is judged by an evaluator written from
 * its documentation (`test/support`): STS condition evaluation (AWS), Google's CEL attribute
 * conditions and mappings with the `principal://…/subject/…` binding over every provider of the pool
 * (GCP), Entra ID's exact issuer, subject and audience match (Azure).
 */

const ACCOUNT = "123456789012";
const POOL = "projects/123456789012/locations/global/workloadIdentityPools/agents";
const AZURE_AUDIENCE = "api://AzureADTokenExchange";

const providerArnFor = (issuer: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`;

function agentFor(runsOn: RunsOn, environment: string): Agent {
  return planAgent(
    "trusted-agent",
    {
      owner: "keisha@acme.example",
      purpose: "Reviews pull requests and posts findings",
      environment,
      expires: "2099-01-01",
      runsOn,
      aws: { oidcProvider: providerArnFor("https://x") },
    },
    { today: "2026-11-23" },
  );
}

/** A GCP provider as the pool creates it for a trust. */
function providerFor(runsOn: RunsOn): ProviderUnderTest {
  const spec = gcpProviderSpec(resolveTrust(runsOnSchema.parse(runsOn), "any"));
  return {
    name: `${POOL}/providers/${spec.providerId}`,
    issuerUri: spec.issuerUri!,
    allowedAudiences: spec.allowedAudiences,
    attributeMapping: spec.attributeMapping,
    attributeCondition: spec.attributeCondition,
  };
}

/** The audience each cloud's login step asks for. */
function audiences(agent: Agent, gcpProvider: ProviderUnderTest) {
  return {
    aws: agent.trust.audience ?? "sts.amazonaws.com",
    gcp: gcpProvider.allowedAudiences[0] ?? `https://iam.googleapis.com/${gcpProvider.name}`,
    azure: AZURE_AUDIENCE,
  };
}

/** AWS: STS with the role's trust; the token reaches STS through the IAM OIDC provider of its issuer; the session name is the attacker's choice (the right one). */
function awsAccepts(agent: Agent, job: JobContext, audience: string): boolean {
  const claims = claimsOf(job, audience);
  const host = String(claims.iss).replace(/^https:\/\//, "");
  const policy = webIdentityTrustPolicy(agent, providerArnFor(agent.trust.issuerUrl));
  return trustAllows(policy, {
    providerArn: providerArnFor(String(claims.iss)),
    context: {
      [`${host}:sub`]: String(claims.sub),
      [`${host}:aud`]: String(claims.aud),
      "sts:RoleSessionName": agent.id,
    },
  });
}

/** GCP: any provider of the pool may be used for the exchange; the binding admits one principal. */
function gcpAccepts(
  binding: string,
  pool: readonly ProviderUnderTest[],
  job: JobContext,
  audience: string | undefined,
): boolean {
  return pool.some((provider) => {
    const result = exchange(
      provider,
      claimsOf(job, audience ?? provider.allowedAudiences[0] ?? `https://iam.googleapis.com/${provider.name}`),
    );
    return "subject" in result && gcpPrincipal(POOL, result.subject) === binding;
  });
}

/** Azure: a federated identity credential matches issuer, subject and audience exactly (Entra ID). */
function azureAccepts(
  credential: { issuer: string; subject: string; audiences: readonly string[] },
  job: JobContext,
  audience: string,
): boolean {
  const claims = claimsOf(job, audience);
  return (
    claims.iss === credential.issuer &&
    claims.sub === credential.subject &&
    credential.audiences.includes(String(claims.aud))
  );
}

const sameToken = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a) === JSON.stringify(b);

const environmentArb = fc.constantFrom("prod", "staging", "dev");
/** Other teams' presets, whose providers share the pool. */
const neighbours = fc.array(presetArb, { maxLength: 3 });

const tally = new Map<string, { refused: number; total: number }>();

describe("property 5: every preset's trust admits the legitimate job and refuses forged tokens, on every cloud", () => {
  it("a GitLab preset cannot name an environment its token's subject does not carry (found by this property)", () => {
    expect(() => agentFor({ kind: "gitlab-ci", project: "acme/api", environment: "production" }, "prod")).toThrow(
      /runsOn\.environment: GitLab's token subject does not name the environment/,
    );
  });

  it("the CEL evaluator follows the language: errors, absorption, literals", () => {
    expect(
      evaluateCel("assertion.a == 'x' && assertion.b.startsWith('y')", { assertion: { a: "x", b: "yz" } }),
    ).toEqual({ value: true });
    expect(evaluateCel("assertion.missing == 'x'", { assertion: {} })).toHaveProperty("error");
    expect(evaluateCel("false && assertion.missing == 'x'", { assertion: {} })).toEqual({ value: false });
    expect(evaluateCel("assertion.missing == 'x' || true", { assertion: {} })).toEqual({ value: true });
    expect(
      evaluateCel("assertion['kubernetes.io']['namespace'] == 'a\\'b'", {
        assertion: { "kubernetes.io": { namespace: "a'b" } },
      }),
    ).toEqual({ value: true });
    expect(evaluateCel("assertion.n == 1", { assertion: { n: "1" } })).toEqual({ value: false });
    expect(evaluateCel("assertion.a in ['x', 'y']", { assertion: { a: "y" } })).toEqual({ value: true });
    expect(() => parseCel("assertion.a ==")).toThrow();
    // The evaluator refuses what an org-wide condition would let in, so it is not vacuous.
    const loose: ProviderUnderTest = {
      name: `${POOL}/providers/loose`,
      issuerUri: "https://token.actions.githubusercontent.com",
      allowedAudiences: ["aud"],
      attributeMapping: { "google.subject": "assertion.sub" },
      attributeCondition: "assertion.repository_owner == 'acme'",
    };
    expect(
      exchange(loose, {
        iss: "https://token.actions.githubusercontent.com",
        aud: "aud",
        sub: "repo:acme/api-evil:ref:refs/heads/main",
        repository_owner: "acme",
      }),
    ).toEqual({ subject: "repo:acme/api-evil:ref:refs/heads/main" });
    expect(
      exchange({ ...loose, attributeCondition: undefined }, { iss: "https://evil", aud: "aud", sub: "x" }),
    ).toEqual({ refused: "issuer" });
  });

  it("generated presets and forgeries, judged by each cloud's evaluator (the trust as src/ builds it)", () => {
    const cases = fc
      .tuple(presetArb, environmentArb, neighbours)
      .chain(([preset, environment, others]) =>
        fc.tuple(
          fc.constant(preset),
          fc.constant(environment),
          fc.constant(others),
          fc.array(forgeriesOf(legitimateJob(preset, environment)), { minLength: 8, maxLength: 16 }),
        ),
      );
    fc.assert(
      fc.property(cases, ([preset, environment, others, forgeries]) => {
        const agent = agentFor(preset, environment);
        const legit = legitimateJob(preset, environment);
        const own = providerFor(preset);
        const pool = [own, ...others.map(providerFor)];
        const binding = gcpPrincipal(POOL, agent.trust.subject);
        const credential = azureFederatedCredential(agent.trust);
        const audience = audiences(agent, own);
        const judges: Record<"aws" | "gcp" | "azure", (job: JobContext, aud: string | undefined) => boolean> = {
          aws: (job, aud) => awsAccepts(agent, job, aud ?? audience.aws),
          // Without an audience of its own, the attacker uses each provider's accepted one.
          gcp: (job, aud) => gcpAccepts(binding, pool, job, aud),
          azure: (job, aud) => azureAccepts(credential, job, aud ?? audience.azure),
        };
        for (const cloud of ["aws", "gcp", "azure"] as const) {
          // The agent's own job gets in.
          expect(
            judges[cloud](legit, undefined),
            `${cloud}: the legitimate token (preset ${JSON.stringify(preset)}, environment ${environment})`,
          ).toBe(true);
          for (const forgery of forgeries) {
            // A "forgery" that yields the very token the agent's job gets is no forgery.
            if (sameToken(claimsOf(forgery.job, forgery.audience ?? audience[cloud]), claimsOf(legit, audience[cloud])))
              continue;
            const accepted = judges[cloud](forgery.job, forgery.audience);
            const key = `${cloud}: ${forgery.attack}`;
            const entry = tally.get(key) ?? { refused: 0, total: 0 };
            tally.set(key, { refused: entry.refused + (accepted ? 0 : 1), total: entry.total + 1 });
            expect(
              accepted,
              `${cloud} accepted "${forgery.attack}" (${forgery.detail ?? ""}) against preset ${JSON.stringify(preset)}, environment ${environment}: token ${JSON.stringify(claimsOf(forgery.job, forgery.audience ?? audience[cloud]))}`,
            ).toBe(false);
          }
        }
      }),
      runs(800),
    );
    console.log(
      `property 5 (trust): forged tokens refused, by cloud and attack\n${table(
        ["cloud: attack", "refused", "forged"],
        [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => [key, entry.refused, entry.total]),
      )}`,
    );
    for (const attack of [
      "other organisation",
      "repository-name prefix trick",
      "other environment",
      "pull-request event (forks run here too)",
      "a fork with the same repository name",
      "other audience",
      "other issuer",
      "case change",
      "the other subject form (mutable / immutable)",
    ])
      for (const cloud of ["aws", "gcp", "azure"])
        expect(tally.get(`${cloud}: ${attack}`)?.total ?? 0, `${cloud}: ${attack}`).toBeGreaterThan(0);
  });

  it("the resources AgentIdentity registers carry exactly the trust that was judged (a sample, all three clouds)", async () => {
    await fc.assert(
      fc.asyncProperty(presetArb, environmentArb, async (preset, environment) => {
        const resources = await recordResources(() => {
          new AgentIdentity("trusted-agent", {
            owner: "keisha@acme.example",
            purpose: "Reviews pull requests and posts findings",
            environment,
            expires: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
            runsOn: preset,
            aws: { oidcProvider: providerArnFor(resolveTrust(runsOnSchema.parse(preset), environment).issuerUrl) },
            gcp: { project: "acme-agents-prod", pool: { name: POOL, provider: `${POOL}/providers/existing` } },
            azure: {
              subscriptionId: "11111111-2222-4333-8444-555555555555",
              resourceGroupName: "agents",
              location: "westeurope",
            },
          });
        });
        const agent = agentFor(preset, environment);
        const role = resources.find(
          (resource) => resource.type === "aws:iam/role:Role" && resource.name === "trusted-agent",
        )!;
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toEqual(
          webIdentityTrustPolicy(agent, providerArnFor(agent.trust.issuerUrl)),
        );
        const binding = resources.find(
          (resource) =>
            resource.type === "gcp:serviceaccount/iAMMember:IAMMember" &&
            resource.inputs.role === "roles/iam.workloadIdentityUser",
        )!;
        expect(binding.inputs.member).toBe(gcpPrincipal(POOL, agent.trust.subject));
        const credentials = resources
          .filter((resource) => resource.type === "azure-native:managedidentity:FederatedIdentityCredential")
          .map((resource) => resource.inputs);
        expect(credentials).toEqual([
          expect.objectContaining({
            issuer: agent.trust.issuerUrl,
            subject: agent.trust.subject,
            audiences: [AZURE_AUDIENCE],
          }),
        ]);
      }),
      runs(12),
    );
  });
});
