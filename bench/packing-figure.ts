import { awsStatementsForGrants } from "../src/clouds/aws/actions";
import { AWS_LIMITS, policySize } from "../src/model/cloud-limits";
import { packingLowerBound, packPolicies } from "../src/clouds/aws/policy-packing";
import { CATALOG_ROLE_NAMES, type CatalogRoleName } from "../src/model/role-catalog";
import { githubActions } from "../src/model/runs-on";
import { planAgent } from "../src/clouds/plan";
import { ROLE_RESOURCES, SITES } from "./fleet";

/**
 * Figure 5: the managed policies `AgentIdentity` generates on AWS for each catalog role over 1, 10
 * and 100 named resources (the same functions the component uses: `awsStatementsForGrants`, then
 * `packPolicies`), against the lower bound the issue names: the statements' total characters over
 * 6,144, rounded up. Every document must be within 6,144 characters, and a role within 10 policies.
 */

/** One role at one size. */
export interface PackingRow {
  readonly role: CatalogRoleName;
  readonly resources: number;
  readonly statements: number;
  /** Characters of all statements (without white space, as AWS counts). */
  readonly characters: number;
  readonly policies: number;
  /** ceil(characters / 6,144). */
  readonly lowerBound: number;
  /** The tighter bound `packingLowerBound` uses (each document also spends characters on its envelope). */
  readonly envelopeLowerBound: number;
  readonly largestDocument: number;
  /** Every document ≤ 6,144 characters and at most 10 policies. */
  readonly withinLimits: boolean;
  /** policies ≤ lower bound + 1. */
  readonly withinOneOfBound: boolean;
  /** Set when packing refused the grants (more than 10 policies needed). */
  readonly error?: string;
}

/** The sizes the figure packs. */
export const PACKING_SIZES = [1, 10, 100] as const;

/**
 * `count` distinct named AWS resources of the kinds `role` is granted, round robin over its kinds
 * (a deploy target counts as one, with the task definition and role its rollout needs).
 */
export function namedResources(role: CatalogRoleName, count: number): string[] {
  const makers = ROLE_RESOURCES[role].aws;
  return Array.from({ length: count }, (_, i) => i).flatMap((i) =>
    makers[i % makers.length]!(SITES.prod!, "prod", "bench", i),
  );
}

/** Figure 5 for every catalog role and size. */
export function measurePacking(sizes: readonly number[] = PACKING_SIZES): PackingRow[] {
  const rows: PackingRow[] = [];
  for (const role of CATALOG_ROLE_NAMES) {
    for (const size of sizes) {
      const agent = planAgent("packing-bench", {
        owner: "keisha.okafor@acme.example",
        purpose: "Measures how grants pack into managed policies",
        environment: "prod",
        expires: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
        runsOn: githubActions({ repository: "acme/bench" }),
        grants: [{ role, resources: namedResources(role, size) }],
        aws: { oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      });
      const { statements } = awsStatementsForGrants(agent.grants, agent.accountWide);
      const characters = statements.reduce((sum, statement) => sum + policySize(statement), 0);
      const lowerBound = Math.max(1, Math.ceil(characters / AWS_LIMITS.managedPolicyCharacters));
      const base = {
        role,
        resources: size,
        statements: statements.length,
        characters,
        lowerBound,
        envelopeLowerBound: packingLowerBound(statements),
      };
      try {
        const documents = packPolicies(statements);
        const largestDocument = Math.max(...documents.map(policySize));
        rows.push({
          ...base,
          policies: documents.length,
          largestDocument,
          withinLimits:
            largestDocument <= AWS_LIMITS.managedPolicyCharacters &&
            documents.length <= AWS_LIMITS.managedPoliciesPerRole,
          withinOneOfBound: documents.length <= lowerBound + 1,
        });
      } catch (error) {
        rows.push({
          ...base,
          policies: 0,
          largestDocument: 0,
          withinLimits: false,
          withinOneOfBound: false,
          error: (error as Error).message,
        });
      }
    }
  }
  return rows;
}
