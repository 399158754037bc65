import { z } from "zod";
import type { SpecProblem } from "./agent-spec";
import { ACCESS_LEVELS, accessRank, type AccessLevel } from "./access";
import { ACTION_CLASSES } from "./action-classes";
import { DATA_CLASSES, type ResolvedGrant } from "./agent";
import { breakGlassProblems } from "./break-glass";
import { budgetSchema } from "./budget";
import {
  AZURE_DELEGATION_LIMIT,
  DELEGATION_CLOUDS,
  delegationClouds,
  delegationEntrySchema,
  delegationTargetOf,
  targetCloudsOf,
} from "./delegation";
import {
  AZURE_FEDERATED_CREDENTIAL_LIMIT,
  GCP_BILLING_ACCOUNT,
  GCP_POOL_NAME,
  GCP_PROVIDER_NAME,
  SESSION_LIMITS,
} from "./cloud-limits";
import { CATALOG_ROLE_NAMES, type CatalogRoleName } from "./role-catalog";
import { isIsoDate } from "./dates";
import { isProductionEnvironment } from "./risk/score";
import { awsTagValue } from "./tags";
import { runsOnSchema } from "./issuers";
import { CLOUDS, type Cloud } from "./resources";
import { isPulumiValue, toolAccessSchema } from "./tools";

/**
 * The agent spec: one zod schema is the single source of truth, and its issues are the messages a
 * user reads. Cloud blocks may hold Pulumi inputs (an `AwsOidcProvider`, an output ARN); those are
 * checked by shape here and by the cloud's component.
 */

/** A string checked now, or a Pulumi output/resource checked when it resolves. */
function inputOf<T extends z.ZodType<string>>(schema: T) {
  return z.union([schema, z.custom<object>(isPulumiValue, { message: "expected a value or a Pulumi output" })]);
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

export const ownerSchema = z
  .string({ error: "owner is required: the email of the person accountable for this agent" })
  .refine((value) => EMAIL.test(value), {
    message: "owner must be a person's email address, such as keisha@acme.example",
  });

const isoDateSchema = z
  .string({ error: "a date is required, as YYYY-MM-DD" })
  .refine(isIsoDate, { message: "write the date as YYYY-MM-DD (a real calendar date)" });

const accessSchema = z
  .union([z.enum(ACCESS_LEVELS), z.array(z.enum(ACCESS_LEVELS)).min(1)], {
    error: `access must be one of ${ACCESS_LEVELS.join(", ")}, or a list of them`,
  })
  .transform((value): AccessLevel[] => [...new Set(Array.isArray(value) ? value : [value])]);

const grantCommon = {
  dataClass: z.enum(DATA_CLASSES).optional(),
  until: isoDateSchema.optional(),
};

const resourceGrantSchema = z
  .object({
    resource: z.string({ error: "resource is required: an ARN, a Google full resource name or an Azure resource id" }),
    access: accessSchema,
    include: z
      .array(z.enum(ACTION_CLASSES, { error: `include lists classes a grant opts into: ${ACTION_CLASSES.join(", ")}` }))
      .optional(),
    ...grantCommon,
  })
  .strict();

const roleGrantSchema = z
  .object({
    role: z.enum(CATALOG_ROLE_NAMES as [CatalogRoleName, ...CatalogRoleName[]], {
      error: `unknown role; the catalog has ${CATALOG_ROLE_NAMES.join(", ")}`,
    }),
    resources: z.array(z.string()).default([]),
    ...grantCommon,
  })
  .strict();

const actionsGrantSchema = z
  .object({
    actions: z.array(z.string()).min(1, { message: "list at least one action" }),
    resource: z.literal("*", {
      error: 'an actions grant applies to resource "*"; name resources with { resource, access } instead',
    }),
    ...grantCommon,
  })
  .strict();

/**
 * A grant is told apart by its keys (`role`, `actions`, else `resource`), so that an error names the
 * field that is wrong (`grants[0].role`) rather than "matches no form".
 */
const grantSchema = z.unknown().transform((value, ctx) => {
  const schema =
    typeof value === "object" && value !== null && "role" in value
      ? roleGrantSchema
      : typeof value === "object" && value !== null && "actions" in value
        ? actionsGrantSchema
        : resourceGrantSchema;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    ctx.addIssue({
      code: "custom",
      message: 'a grant is { resource, access }, { role, resources } or { actions, resource: "*" }',
    });
    return z.NEVER;
  }
  const result = (schema as z.ZodType<GrantInput>).safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues)
    ctx.addIssue({ code: "custom", path: issue.path as PropertyKey[] as (string | number)[], message: issue.message });
  return z.NEVER;
});

export type GrantInput =
  | z.output<typeof roleGrantSchema>
  | z.output<typeof actionsGrantSchema>
  | z.output<typeof resourceGrantSchema>;

/**
 * `breakGlass`: grants that elevate the agent until an instant at most 24 hours ahead, with a reason
 * and an approver (the rules are in `src/model/break-glass.ts`). Its grants take the same forms as
 * `grants`, without their own `until`.
 */
const breakGlassSchema = z
  .object({
    grants: z
      .array(
        grantSchema.superRefine((grant, ctx) => {
          if (grant.until !== undefined)
            ctx.addIssue({
              code: "custom",
              path: ["until"],
              message: "a break-glass grant ends at breakGlass.until; remove its own until",
            });
        }),
        { error: "breakGlass.grants is required: the grants the elevation adds" },
      )
      .min(1, { message: "breakGlass.grants needs at least one grant" }),
    reason: z.string({ error: "breakGlass.reason is required: why the agent needs the elevation" }),
    approvedBy: z.string({ error: "breakGlass.approvedBy is required: the email of the person who approved it" }),
    until: z.string({
      error: "breakGlass.until is required: when the elevation ends, an ISO 8601 date-time at most 24 hours ahead",
    }),
  })
  .strict();

const arnSchema = (what: string) =>
  z.string().refine((value) => /^arn:(aws|aws-us-gov|aws-cn):iam::\d{12}:/.test(value), {
    message: `${what} must be an IAM ARN (arn:aws:iam::ACCOUNT:…)`,
  });

/** The AWS block: where the agent's role trusts its issuer, and an optional permissions boundary. */
export const awsBlockSchema = z
  .object({
    /** The shared OIDC provider: an `AwsOidcProvider` component, its ARN output, or an existing provider's ARN. */
    oidcProvider: z
      .union([arnSchema("aws.oidcProvider"), z.custom<object>(isPulumiValue)], {
        error: "aws.oidcProvider is an AwsOidcProvider, or the ARN of an existing IAM OIDC provider",
      })
      .optional(),
    permissionsBoundary: inputOf(arnSchema("aws.permissionsBoundary")).optional(),
    /** IAM path for the role (default `/agents/`). */
    path: z
      .string()
      .regex(/^\/([\w+=,.@-]+\/)*$/, { message: "an IAM path starts and ends with /" })
      .optional(),
  })
  .strict();

const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** The GCP block: the project that holds the agent's service account and the shared pool. */
export const gcpBlockSchema = z
  .object({
    project: z.string({ error: "gcp.project is required" }).refine((value) => GCP_PROJECT_ID.test(value), {
      message: "a GCP project id has 6–30 lower-case letters, digits or hyphens and starts with a letter",
    }),
    /**
     * The shared `GcpWorkloadIdentityPool` (it creates the provider for the agent's issuer), or an
     * existing pool and provider by full resource name: `{ name, provider }`.
     */
    pool: z
      .unknown()
      .superRefine((value, ctx) => {
        // Absent: allowed for an agent whose home is GCP (workload-rules.ts says when it is required).
        if (value === undefined) return;
        if (
          typeof value === "object" &&
          value !== null &&
          typeof (value as { providerFor?: unknown }).providerFor === "function"
        )
          return;
        if (typeof value !== "object" || value === null || Array.isArray(value))
          return void ctx.addIssue({
            code: "custom",
            message:
              "gcp.pool is required: a GcpWorkloadIdentityPool, or { name, provider } of an existing pool and provider",
          });
        const { name, provider, ...rest } = value as Record<string, unknown>;
        for (const key of Object.keys(rest))
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "an existing pool is { name, provider }; remove this key",
          });
        // From another Pulumi language the pool's names arrive as outputs of a GcpWorkloadIdentityPool.
        if (isPulumiValue(name) && isPulumiValue(provider)) return;
        if (typeof name !== "string" || !GCP_POOL_NAME.test(name))
          ctx.addIssue({
            code: "custom",
            path: ["name"],
            message:
              "write the pool's full name: projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID",
          });
        if (typeof provider !== "string" || !GCP_PROVIDER_NAME.test(provider))
          ctx.addIssue({
            code: "custom",
            path: ["provider"],
            message:
              "write the provider's full name: projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID/providers/PROVIDER_ID",
          });
        else if (typeof name === "string" && !provider.startsWith(`${name}/providers/`))
          ctx.addIssue({
            code: "custom",
            path: ["provider"],
            message: "the provider must belong to the pool named in gcp.pool.name",
          });
      })
      .optional(),
    /** The billing account that pays for the project (`XXXXXX-XXXXXX-XXXXXX`): the agent's budget lives there. */
    billingAccount: z
      .string()
      .regex(GCP_BILLING_ACCOUNT, {
        message: "gcp.billingAccount is the billing account id, such as 01A2B3-C4D5E6-F7A8B9",
      })
      .optional(),
    /**
     * A `GcpBudgetStopper`: it disables the agent's service account when the budget reaches `stopAt`
     * and on the review date (what ends grants on resource types that take no IAM condition).
     */
    budgetStopper: z
      .custom<object>(
        (value) =>
          typeof value === "object" && value !== null && typeof (value as { protect?: unknown }).protect === "function",
        {
          message: "gcp.budgetStopper is a GcpBudgetStopper component",
        },
      )
      .optional(),
  })
  .strict();

const AZURE_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Azure block: where the managed identity lives. */
export const azureBlockSchema = z
  .object({
    subscriptionId: z
      .string({ error: "azure.subscriptionId is required" })
      .refine((v) => AZURE_GUID.test(v), { message: "a subscription id is a GUID" }),
    resourceGroupName: z
      .string({ error: "azure.resourceGroupName is required" })
      .refine((v) => /^[-\w._()]{1,90}$/.test(v) && !v.endsWith("."), {
        message: "a resource group name has 1–90 letters, digits, '-', '_', '.', '(' or ')' and does not end with '.'",
      }),
    location: z
      .string({ error: "azure.location is required, such as westeurope" })
      .regex(/^[a-z0-9]+$/, { message: "write the location as Azure names it, such as westeurope" }),
    /** Opt-in for assignments at subscription or management-group scope; needs the spec's `approval`. */
    allowBroadScopes: z.boolean().optional(),
    /**
     * Further places the same agent runs, trusted on Azure only (one federated identity credential
     * each, besides `runsOn`'s); Azure allows 20 per identity.
     */
    additionalSubjects: z
      .array(runsOnSchema)
      .max(AZURE_FEDERATED_CREDENTIAL_LIMIT - 1, {
        message: `an Azure managed identity holds at most ${AZURE_FEDERATED_CREDENTIAL_LIMIT} federated identity credentials: runsOn plus at most ${AZURE_FEDERATED_CREDENTIAL_LIMIT - 1} additional subjects; split the agent`,
      })
      .optional(),
  })
  .strict();

/** An agent id: it names the cloud identities (IAM role, service account, managed identity). */
export const AGENT_ID = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

/** Everything `new AgentIdentity(name, args)` accepts, before validation. */
export const agentSpecSchema = z
  .object({
    owner: ownerSchema,
    team: z.string().min(1).max(64).optional(),
    costCenter: z
      .string()
      .regex(/^[A-Za-z0-9_.:/=+@-]{1,64}$/, { message: "costCenter: up to 64 letters, digits or _.:/=+@-" })
      .optional(),
    purpose: z
      .string({ error: "purpose is required: say in plain words what this agent does" })
      .trim()
      .min(10, { message: "purpose must say in plain words what the agent does (at least 10 characters)" })
      .max(200, { message: "purpose must fit in 200 characters" })
      // Tags keep only letters, digits, spaces and _.:/=+-@ (awsTagValue): what the pack reads back must still say it.
      .refine((value) => value.length < 10 || awsTagValue(value).length >= 10, {
        message:
          "purpose must say in plain words what the agent does: at least 10 letters, digits or spaces once symbols tags cannot hold (such as & ! ?) are left out",
      }),
    environment: z
      .string({ error: "environment is required: the stack's environment, such as dev, staging or prod" })
      .regex(/^[a-z][a-z0-9-]{0,15}$/, {
        message: "environment: lower-case letters, digits and '-', starting with a letter, at most 16 characters",
      }),
    expires: isoDateSchema,
    runsOn: runsOnSchema,
    grants: z.array(grantSchema).default([]),
    maxSessionDuration: z
      .number()
      .int({ message: "maxSessionDuration is whole seconds" })
      .default(SESSION_LIMITS.default),
    allowLongSessions: z.boolean().default(false),
    disabled: z.boolean().default(false),
    approval: z
      .string()
      .refine((v) => /^[A-Z][A-Z0-9]+-\d+$/.test(v) || /^https:\/\/\S+$/.test(v), {
        message: "approval is a ticket reference such as SEC-1234, or an https link to it",
      })
      .optional(),
    aws: awsBlockSchema.optional(),
    gcp: gcpBlockSchema.optional(),
    azure: azureBlockSchema.optional(),
    /** The monthly cost cap: notifications at 80 % and 100 %, and the cloud stops the agent at `stopAt` %. */
    budget: budgetSchema.optional(),
    /** A time-boxed elevation, at most 24 hours, with a reason and an approver. */
    breakGlass: breakGlassSchema.optional(),
    /** Other agents this agent may act as: an `AgentIdentity`, its id, or `{ agent, clouds }`. */
    delegatesTo: z.array(delegationEntrySchema).default([]),
    /** The tools it may call on its environment's gateway, checked against the gateway's catalog. */
    tools: toolAccessSchema.optional(),
  })
  .strict();

/** A spec after its schema has parsed it (defaults filled in). */
export type ParsedSpec = z.output<typeof agentSpecSchema>;

/** The break-glass rules on the fields that parsed, when another part of the spec did not. */
export function checkRawBreakGlass(
  input: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
  now: string,
  problems: SpecProblem[],
): void {
  const raw = input.breakGlass;
  if (typeof raw !== "object" || raw === null) return;
  const fields = raw as Record<string, unknown>;
  const text = (key: string) => (typeof fields[key] === "string" ? (fields[key] as string) : undefined);
  const owner = typeof input.owner === "string" ? input.owner : undefined;
  const expires = typeof input.expires === "string" && isIsoDate(input.expires) ? input.expires : undefined;
  for (const problem of breakGlassProblems(
    { reason: text("reason"), approvedBy: text("approvedBy"), until: text("until") },
    { now, owner, expires },
  )) {
    const reported = issues.some((issue) => issue.path[0] === "breakGlass" && issue.path[1] === problem.field);
    if (!reported) problems.push({ path: `breakGlass.${problem.field}`, message: problem.message });
  }
}

/** What the spec alone can tell of `delegatesTo`: no self-delegation, no duplicate, and a cloud where it can work. */
export function checkDelegation(name: string, spec: ParsedSpec, problems: SpecProblem[]): void {
  const seen = new Set<string>();
  spec.delegatesTo.forEach((entry, index) => {
    const path = `delegatesTo[${index}]`;
    const target = delegationTargetOf(entry);
    if (target.agent === name)
      return void problems.push({ path, message: "an agent cannot delegate to itself; remove this entry" });
    if (seen.has(target.agent))
      return void problems.push({ path, message: `"${target.agent}" is listed twice; keep one entry` });
    seen.add(target.agent);
    const from = CLOUDS.filter((cloud) => spec[cloud] !== undefined);
    const to = targetCloudsOf(entry);
    if (to) {
      const clouds = delegationClouds(from, to, target);
      if ("problem" in clouds) problems.push({ path, message: clouds.problem });
    } else if (!from.some((cloud) => (DELEGATION_CLOUDS as readonly Cloud[]).includes(cloud)))
      problems.push({
        path,
        message: `this agent has no identity on ${DELEGATION_CLOUDS.join(" or ")}, where delegation works: ${AZURE_DELEGATION_LIMIT}`,
      });
  });
}

/** Rules on single fields, checked only where the field itself parsed. */
export function checkFieldRules(
  spec: Partial<ParsedSpec>,
  failed: ReadonlySet<string>,
  today: string,
  problems: SpecProblem[],
): void {
  if (!failed.has("expires") && typeof spec.expires === "string" && spec.expires < today)
    problems.push({
      path: "expires",
      message: `the review date ${spec.expires} has passed; set a future date (today is ${today})`,
    });

  const session = spec.maxSessionDuration ?? SESSION_LIMITS.default;
  if (failed.has("maxSessionDuration") || failed.has("allowLongSessions") || typeof session !== "number") return;
  if (session < SESSION_LIMITS.minimum)
    problems.push({
      path: "maxSessionDuration",
      message: `sessions last at least ${SESSION_LIMITS.minimum} seconds (AWS minimum)`,
    });
  else if (session > SESSION_LIMITS.maximum)
    problems.push({
      path: "maxSessionDuration",
      message: `sessions last at most ${SESSION_LIMITS.maximum} seconds (AWS maximum)`,
    });
  else if (session > SESSION_LIMITS.maximumShort && spec.allowLongSessions !== true)
    problems.push({
      path: "maxSessionDuration",
      message: `sessions above ${SESSION_LIMITS.maximumShort} seconds need allowLongSessions: true; prefer 3600 or less`,
    });
}

/** Rules that need the resolved grants. */
export function checkGrantRules(
  spec: ParsedSpec,
  today: string,
  grants: readonly ResolvedGrant[],
  problems: SpecProblem[],
): void {
  spec.grants.forEach((grant, index) => {
    if (grant.until !== undefined && grant.until < today)
      problems.push({
        path: `grants[${index}].until`,
        message: `${grant.until} has passed; remove the grant or move the date`,
      });
    if (grant.until !== undefined && grant.until > spec.expires)
      problems.push({
        path: `grants[${index}].until`,
        message: `the grant outlives the identity (expires ${spec.expires}); end it on or before that date`,
      });
  });

  // A pull_request job runs code anyone who can open a pull request wrote (GitHub, "Security
  // hardening for GitHub Actions"): such an identity may only read, and never in production.
  const runsOn = spec.runsOn as { kind: string; ref?: string };
  if (runsOn.kind === "github-actions" && runsOn.ref === "pull_request") {
    const writes = grants.some(
      (grant) => grant.access.some((level) => accessRank(level) >= accessRank("write")) || grant.include.length > 0,
    );
    if (isProductionEnvironment(spec.environment) || writes)
      problems.push({
        path: "runsOn.ref",
        message: `a pull_request workflow runs code from any pull request; ${isProductionEnvironment(spec.environment) ? `a ${spec.environment} agent` : "an agent that can write"} must trust a GitHub environment or a protected branch instead`,
      });
  }

  const needsApproval = grants.some((grant) => grant.access.includes("permissions") || grant.include.length > 0);
  if (needsApproval && !spec.approval)
    problems.push({
      path: "approval",
      message:
        'grants that change permissions or opt into a class of actions (include: delete, export, tamper, credentials) need an approval ticket reference (approval: "SEC-1234")',
    });
  if (spec.azure?.allowBroadScopes && !spec.approval)
    problems.push({
      path: "azure.allowBroadScopes",
      message: "assignments at subscription or management-group scope need an approval ticket reference",
    });
  if (spec.budget && spec.gcp && !spec.gcp.billingAccount)
    problems.push({
      path: "gcp.billingAccount",
      message:
        "a budget on GCP lives on a billing account: set gcp.billingAccount to the id of the one that pays for the project",
    });
}
