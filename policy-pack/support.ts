import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource as PulumiPolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
import { todayUtc } from "../src/model/dates";
import { parsePolicyConfig } from "../src/rules/support/common";
import { StackIndex, type CheckContext, type Finding, type PolicyResource } from "../src/rules/support/stack";

/**
 * The thin layer between `@pulumi/policy` and agent-iam's checks (`src/rules`): it reads
 * the raw properties (unknown values stay the engine's sentinel instead of throwing), parses the
 * policy's config with the check's schema, runs the check, and reports each finding, at the
 * policy's level or as an advisory when the decision waits for apply.
 */

/** What a policy family file declares. */
interface PolicyDefinition<C extends z.ZodType> {
  /** The stable name (part of the pack's interface). */
  readonly name: string;
  /** What the policy blocks and why, for a security reviewer. */
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  /** How to fix a violation, in general (each message says what to change for its resource). */
  readonly remediationSteps: string;
  readonly config: C;
}

/** The configSchema `@pulumi/policy` publishes, generated from the check's zod schema (defaults included). */
export function configSchemaOf(schema: z.ZodType): PolicyConfigSchema {
  const json = z.toJSONSchema(schema, { io: "input" }) as { properties?: Record<string, Record<string, unknown>> };
  return { properties: (json.properties ?? {}) as PolicyConfigSchema["properties"] };
}

/** `@pulumi/policy`'s proxy hands back the object it wraps for this key (`proxy.getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** Properties without the proxy that throws on unknown values: checks see the sentinel and decide. */
export function rawProps(props: unknown): Record<string, unknown> {
  if (typeof props !== "object" || props === null) return {};
  const target = (props as Record<string, unknown>)[PROXY_TARGET];
  return (typeof target === "object" && target !== null ? target : props) as Record<string, unknown>;
}

/** The run's context: today, and the stack name and config the Pulumi CLI passes to a pack's process. */
export function runContext(env: NodeJS.ProcessEnv = process.env): CheckContext {
  let stackConfig: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(env.PULUMI_CONFIG ?? "{}");
    if (typeof parsed === "object" && parsed !== null) stackConfig = parsed as Record<string, unknown>;
  } catch {
    stackConfig = {};
  }
  return { today: todayUtc(), stackName: env.PULUMI_STACK ?? env.PULUMI_NODEJS_STACK, stackConfig };
}

/** The context of this process's run, read again only when the stack's environment or the UTC day changes (policies run once per resource). */
let current: { readonly config?: string; readonly stack?: string; readonly from: number; readonly to: number; readonly context: CheckContext } | undefined;

function currentContext(): CheckContext {
  const now = Date.now();
  const config = process.env.PULUMI_CONFIG;
  const stack = process.env.PULUMI_STACK ?? process.env.PULUMI_NODEJS_STACK;
  if (!current || current.config !== config || current.stack !== stack || now < current.from || now >= current.to) {
    const context = runContext();
    const from = Date.parse(`${context.today}T00:00:00Z`);
    current = { config, stack, from, to: from + 86_400_000, context };
  }
  return current.context;
}

/** A policy's parsed config, kept per raw config (the server hands policies the same small config on every call). */
function configParser<C extends z.ZodType>(definition: PolicyDefinition<C>): (raw: unknown) => z.output<C> {
  const parsed = new Map<string, z.output<C>>();
  return (raw) => {
    const key = JSON.stringify(raw ?? {});
    let config = parsed.get(key);
    if (config === undefined) {
      config = parsePolicyConfig(definition.name, definition.config, raw);
      if (parsed.size > 100) parsed.clear();
      parsed.set(key, config);
    }
    return config;
  };
}

/** A violation with its own level: `@pulumi/policy`'s server accepts this object form (server.js, makeReportViolationFun). */
interface ViolationReport {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel?: EnforcementLevel;
}

function report(reportViolation: ReportViolation, findings: readonly Finding[], defaultUrn?: string): void {
  const send = reportViolation as unknown as (violation: ViolationReport) => void;
  for (const finding of findings) send({ message: finding.message, urn: finding.urn ?? defaultUrn, ...(finding.level ? { enforcementLevel: finding.level } : {}) });
}

/**
 * Each resource converted once per `AnalyzeStack`: its deserialized properties are the same object
 * for every stack policy (shared-deserialization.ts), so the checks of all policies get the same
 * resource objects and share one index of them (`StackIndex.of`).
 */
const converted = new WeakMap<object, PolicyResource>();

/**
 * The resources the last stack policy judged, and the deserialized properties of the first and the
 * last: the next policy of the same request gets the same list, converted and indexed once. The
 * properties objects identify the request: they are deserialized once per request and shared by
 * its policies (shared-deserialization.ts), and holding them here keeps a later request from
 * getting objects at the same identity.
 */
let lastStack: { readonly first: object; readonly last: object; readonly length: number; readonly resources: readonly PolicyResource[] } | undefined;

function sharedStack(resources: readonly PulumiPolicyResource[]): readonly PolicyResource[] {
  if (resources.length === 0) return [];
  const first = rawProps(resources[0]!.props);
  const last = rawProps(resources[resources.length - 1]!.props);
  if (lastStack && lastStack.length === resources.length && lastStack.first === first && lastStack.last === last) return lastStack.resources;
  lastStack = { first, last, length: resources.length, resources: StackIndex.share(resources.map(sharedPolicyResource)) };
  return lastStack.resources;
}

function sharedPolicyResource(resource: PulumiPolicyResource): PolicyResource {
  const props = rawProps(resource.props);
  let known = converted.get(props);
  if (!known) converted.set(props, (known = toPolicyResource(resource)));
  return known;
}

function toPolicyResource(resource: PulumiPolicyResource): PolicyResource {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: rawProps(resource.props),
    parent: resource.parent?.urn ?? resource.opts?.parent,
    dependencies: resource.dependencies.map((dependency) => dependency.urn),
    propertyDependencies: Object.fromEntries(Object.entries(resource.propertyDependencies ?? {}).map(([key, list]) => [key, list.map((dependency) => dependency.urn)])),
  };
}

/** A policy that judges each resource on its own (`Analyze`). */
export function resourcePolicy<C extends z.ZodType>(
  definition: PolicyDefinition<C>,
  check: (resource: PolicyResource, config: z.output<C>, context: CheckContext) => Finding[],
): ResourceValidationPolicy {
  const parse = configParser(definition);
  return {
    name: definition.name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    severity: definition.severity,
    remediationSteps: definition.remediationSteps,
    configSchema: configSchemaOf(definition.config),
    validateResource: (args, reportViolation) => {
      const config = parse(args.getConfig());
      const resource: PolicyResource = { urn: args.urn, type: args.type, name: args.name, props: rawProps(args.props), parent: args.opts?.parent };
      report(reportViolation, check(resource, config, currentContext()), args.urn);
    },
  };
}

/** A policy that judges the whole stack at once (`AnalyzeStack`): for checks that link resources. */
export function stackPolicy<C extends z.ZodType>(
  definition: PolicyDefinition<C>,
  check: (resources: readonly PolicyResource[], config: z.output<C>, context: CheckContext) => Finding[],
): StackValidationPolicy {
  const parse = configParser(definition);
  return {
    name: definition.name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    severity: definition.severity,
    remediationSteps: definition.remediationSteps,
    configSchema: configSchemaOf(definition.config),
    validateStack: (args, reportViolation) => {
      const config = parse(args.getConfig());
      report(reportViolation, check(sharedStack(args.resources), config, currentContext()));
    },
  };
}
