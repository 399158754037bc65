import type {
  PolicyResource as PulumiPolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { POLICIES } from "../../policy-pack/policies";
import type { AnalyzerDiagnostic, AnalyzerResource, EnforcementLevel } from "../../src/gate/analyzer";

/**
 * The whole pack, run in this process the way `@pulumi/policy`'s analyzer server runs it
 * (server.js): resource policies get each resource's inputs behind the unknown-checking proxy,
 * stack policies every resource's outputs with parents and dependencies linked; levels come from
 * the config (`all`, then per policy), a violation's own level overrides. Thousands of stacks a
 * minute, where the gRPC road judges tens: the property tests run many cases here and a sample
 * through `PolicyPackProcess`.
 */

const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};

/** A diagnostic as the analyzer would return it. */
export type Judged = Pick<AnalyzerDiagnostic, "policyName" | "message" | "enforcementLevel" | "urn">;

/** What a policy did that the server would turn into an error or a "can't run" advisory. */
export interface PolicyCrash {
  readonly policyName: string;
  /** `throw`: an exception (the engine shows a gRPC error); `unknown-access`: it touched an unknown through the proxy. */
  readonly kind: "throw" | "unknown-access";
  readonly error: Error;
}

/** Pack config as in `--policy-pack-config`: `all`, and per policy a level or `{ enforcementLevel, ...properties }`. */
export type DirectConfig = Readonly<
  Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>
>;

export interface DirectOptions {
  readonly config?: DirectConfig;
  /** The stack the pack is told it judges (`PULUMI_STACK`, `PULUMI_CONFIG`). */
  readonly stack?: { readonly name: string; readonly config?: Readonly<Record<string, string>> };
  /** Run only these policies (by name); default every policy. */
  readonly policies?: readonly string[];
}

export interface DirectResult {
  readonly diagnostics: Judged[];
  readonly crashes: PolicyCrash[];
}

/** `structuredClone` keeps `__proto__` as an own key; the engine's values are plain JSON. */
function clone<T>(value: T): T {
  return structuredClone(value);
}

function levelOf(name: string, policyLevel: EnforcementLevel, config: DirectConfig): EnforcementLevel {
  const own = config[name];
  const all = config.all;
  const level =
    (typeof own === "string" ? own : own?.enforcementLevel) ??
    (typeof all === "string" ? all : all?.enforcementLevel) ??
    policyLevel;
  return level === "remediate" ? "mandatory" : level;
}

function propertiesOf(name: string, config: DirectConfig): Record<string, unknown> {
  const own = config[name];
  if (typeof own !== "object") return {};
  const { enforcementLevel: _level, ...properties } = own;
  return properties;
}

function reporter(policyName: string, level: EnforcementLevel, into: Judged[], defaultUrn?: string): ReportViolation {
  return ((
    violation: string | { message?: string; urn?: string; enforcementLevel?: EnforcementLevel },
    urn?: string,
  ) => {
    if (typeof violation === "string")
      into.push({ policyName, message: violation, urn: urn ?? defaultUrn, enforcementLevel: level });
    else
      into.push({
        policyName,
        message: violation.message ?? "",
        urn: violation.urn,
        enforcementLevel: violation.enforcementLevel ?? level,
      });
  }) as ReportViolation;
}

/** Runs `run` with `PULUMI_STACK` and `PULUMI_CONFIG` set as the CLI sets them for a pack's process, then restores them. */
export function withStack<T>(stack: DirectOptions["stack"], run: () => T): T {
  const saved = { stack: process.env.PULUMI_STACK, config: process.env.PULUMI_CONFIG };
  if (stack) process.env.PULUMI_STACK = stack.name;
  else delete process.env.PULUMI_STACK;
  if (stack?.config) process.env.PULUMI_CONFIG = JSON.stringify(stack.config);
  else delete process.env.PULUMI_CONFIG;
  try {
    return run();
  } finally {
    for (const [key, value] of [
      ["PULUMI_STACK", saved.stack],
      ["PULUMI_CONFIG", saved.config],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

function crashOf(policyName: string, error: unknown): PolicyCrash {
  const asError = error instanceof Error ? error : new Error(String(error));
  return { policyName, kind: error instanceof proxy.UnknownValueError ? "unknown-access" : "throw", error: asError };
}

/**
 * Runs every policy of the pack: resource policies on `analyze` (inputs, one at a time), stack
 * policies on `stack` (outputs, all at once). Never throws for a policy's sake: what a policy
 * throws is returned in `crashes`.
 */
export function judgeDirectly(
  analyze: readonly AnalyzerResource[],
  stack: readonly AnalyzerResource[],
  options: DirectOptions = {},
): DirectResult {
  const config = options.config ?? {};
  const diagnostics: Judged[] = [];
  const crashes: PolicyCrash[] = [];
  withStack(options.stack, () => {
    for (const policy of POLICIES) {
      if (options.policies && !options.policies.includes(policy.name)) continue;
      const level = levelOf(policy.name, policy.enforcementLevel ?? "advisory", config);
      if (level === "disabled") continue;
      const properties = propertiesOf(policy.name, config);
      const getConfig = <T>() => clone(properties) as T;
      if ("validateResource" in policy && policy.validateResource) {
        const validate = (policy as ResourceValidationPolicy).validateResource;
        if (!validate || Array.isArray(validate)) throw new Error(`${policy.name}: one validation per policy`);
        for (const resource of analyze) {
          const args = {
            type: resource.type,
            props: proxy.unknownCheckingProxy(clone(resource.properties)),
            urn: resource.urn,
            name: resource.name,
            provider: providerOf(resource),
            opts: {
              parent: resource.options?.parent ?? resource.parent,
              protect: false,
              ignoreChanges: [],
              aliases: [],
              additionalSecretOutputs: [],
              customTimeouts: {},
            },
            getConfig,
            notApplicable: (reason?: string) => {
              throw new Error(`notApplicable: ${reason}`);
            },
          } as unknown as ResourceValidationArgs;
          try {
            void validate(args, reporter(policy.name, level, diagnostics, resource.urn));
          } catch (error) {
            crashes.push(crashOf(policy.name, error));
          }
        }
      } else if ("validateStack" in policy) {
        const byUrn = new Map<string, PulumiPolicyResource>();
        const resources = stack.map((resource, _position) => {
          const entry = {
            type: resource.type,
            props: proxy.unknownCheckingProxy(clone(resource.properties)),
            urn: resource.urn,
            name: resource.name,
            provider: providerOf(resource),
            opts: { parent: resource.options?.parent ?? resource.parent },
            dependencies: [] as PulumiPolicyResource[],
            propertyDependencies: {} as Record<string, PulumiPolicyResource[]>,
          } as unknown as PulumiPolicyResource;
          byUrn.set(resource.urn, entry);
          return entry;
        });
        stack.forEach((resource, index) => {
          const entry = resources[index]! as {
            parent?: PulumiPolicyResource;
            dependencies: PulumiPolicyResource[];
            propertyDependencies: Record<string, PulumiPolicyResource[]>;
          };
          const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
          if (parent) entry.parent = parent;
          entry.dependencies = (resource.dependencies ?? [])
            .map((urn) => byUrn.get(urn))
            .filter((found): found is PulumiPolicyResource => found !== undefined);
          for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {}))
            entry.propertyDependencies[key] = urns
              .map((urn) => byUrn.get(urn))
              .filter((found): found is PulumiPolicyResource => found !== undefined);
        });
        try {
          void (policy as Required<Pick<StackValidationPolicy, "validateStack">>).validateStack(
            { resources, getConfig } as unknown as StackValidationArgs,
            reporter(policy.name, level, diagnostics),
          );
        } catch (error) {
          crashes.push(crashOf(policy.name, error));
        }
      }
    }
  });
  return { diagnostics, crashes };
}

/** A resource's provider as `@pulumi/policy` hands it to policies (`PolicyProviderResource`). */
function providerOf(
  resource: AnalyzerResource,
): { type: string; name: string; urn: string; props: unknown } | undefined {
  const provider = resource.provider;
  return provider
    ? { type: provider.type, name: provider.name, urn: provider.urn, props: clone(provider.properties) }
    : undefined;
}

/** The names of the pack's policies, in order. */
export const POLICY_NAMES: readonly string[] = POLICIES.map((policy) => policy.name);
