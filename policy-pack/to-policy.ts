import type {
  PolicyConfigSchema,
  PolicyResource as PulumiPolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
import { todayUtc } from "../src/model/dates";
import type { Rule } from "../src/rules";
import { parsePolicyConfig } from "../src/rules/support/common";
import type { EnforcementLevel } from "../src/rules/support/rule";
import type { CheckContext, Finding, PolicyProvider, PolicyResource } from "../src/rules/support/stack";

/**
 * The thin layer between `@pulumi/policy` and agent-iam's rules (`src/rules`): it reads the raw
 * properties (unknown values stay the engine's sentinel instead of throwing), parses the policy's
 * config with the rule's schema, runs the rule's check, and reports each finding, at the policy's
 * level or as an advisory when the decision waits for apply.
 */

/** The configSchema `@pulumi/policy` publishes, generated from the rule's zod schema (defaults included). */
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
let current:
  | {
      readonly config?: string;
      readonly stack?: string;
      readonly from: number;
      readonly to: number;
      readonly context: CheckContext;
    }
  | undefined;

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

/** A rule's parsed config, kept per raw config (the server hands policies the same small config on every call). */
function configParser(rule: Rule): (raw: unknown) => unknown {
  const parsed = new Map<string, unknown>();
  return (raw) => {
    const key = JSON.stringify(raw ?? {});
    let config = parsed.get(key);
    if (config === undefined) {
      config = parsePolicyConfig(rule.name, rule.config, raw);
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
  for (const finding of findings)
    send({
      message: finding.message,
      urn: finding.urn ?? defaultUrn,
      ...(finding.level ? { enforcementLevel: finding.level } : {}),
    });
}

/** The provider of a resource as `@pulumi/policy` hands it (type, URN, inputs). */
function toProvider(provider: { type: string; urn: string; props: unknown } | undefined): PolicyProvider | undefined {
  return provider ? { type: provider.type, urn: provider.urn, props: rawProps(provider.props) } : undefined;
}

function toPolicyResource(resource: PulumiPolicyResource): PolicyResource {
  const provider = toProvider(resource.provider);
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: rawProps(resource.props),
    ...(provider ? { provider } : {}),
    parent: resource.parent?.urn ?? resource.opts?.parent,
    dependencies: resource.dependencies.map((dependency) => dependency.urn),
    propertyDependencies: Object.fromEntries(
      Object.entries(resource.propertyDependencies ?? {}).map(([key, list]) => [
        key,
        list.map((dependency) => dependency.urn),
      ]),
    ),
  };
}

/** A rule as a CrossGuard policy: a resource validation policy (`Analyze`) or a stack validation policy (`AnalyzeStack`). */
export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  const parse = configParser(rule);
  const metadata = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    severity: rule.severity,
    remediationSteps: rule.remediationSteps,
    configSchema: configSchemaOf(rule.config),
  };
  if (rule.scope === "resource")
    return {
      ...metadata,
      validateResource: (args, reportViolation) => {
        const provider = toProvider(args.provider);
        const resource: PolicyResource = {
          urn: args.urn,
          type: args.type,
          name: args.name,
          props: rawProps(args.props),
          parent: args.opts?.parent,
          ...(provider ? { provider } : {}),
        };
        report(reportViolation, rule.check(resource, parse(args.getConfig()), currentContext()), args.urn);
      },
    };
  return {
    ...metadata,
    validateStack: (args, reportViolation) => {
      report(
        reportViolation,
        rule.check(args.resources.map(toPolicyResource), parse(args.getConfig()), currentContext()),
      );
    },
  };
}
