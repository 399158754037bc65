import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { AnalyzerResource } from "../src/gate/analyzer";
import type { PackCost, PolicyCostFigure } from "./pack-figures";
import { withAncestors } from "./pack-figures";
import type { RecordedForPacks } from "./recorded";
import { workloadResources } from "./workload";

/**
 * Figure 3: what a pack's policies cost per resource, called in this process exactly as
 * `@pulumi/policy`'s analyzer server calls them (a validation per resource policy and resource,
 * skipping the types a policy names none of; each stack policy once with every resource), with
 * each pack's own `@pulumi/policy` building the arguments. The server's work (gRPC, decoding,
 * deserializing the properties, building the arguments) is done before the clock starts, so the
 * figure is the policies' own code: ours against `@pulumi/awsguard`'s on the same AWS resources, the
 * agents' identities of a recorded fleet and the workload resources beside them (`./workload.ts`).
 */

type Validate = ((args: unknown, report: (...violation: unknown[]) => void) => unknown) & { __pulumiType?: string };

/** A policy as a pack declares it (`@pulumi/policy`'s `ResourceValidationPolicy` or `StackValidationPolicy`). */
interface PolicyObject {
  readonly name: string;
  readonly validateResource?: Validate | Validate[];
  readonly validateStack?: Validate;
  readonly configSchema?: { readonly properties?: Record<string, { readonly default?: unknown }> };
}

/** A pack's policies and the `@pulumi/policy` it was built against. */
export interface LoadedPack {
  readonly name: string;
  readonly policies: readonly PolicyObject[];
  /** Where its `@pulumi/policy` resolves from. */
  readonly from: string;
}

/** agent-iam's pack: its policies, as `policy-pack/` serves them. */
export function ourPack(repo: string): LoadedPack {
  const manifest = JSON.parse(readFileSync(join(repo, "policy-pack", "package.json"), "utf8")) as { version: string };
  const { POLICIES } = require(join(repo, "policy-pack", "policies")) as { POLICIES: PolicyObject[] };
  return { name: `agent-iam@${manifest.version}`, policies: POLICIES, from: join(repo, "policy-pack", "package.json") };
}

/** `@pulumi/awsguard`: every policy its modules export, from its own install (bench/awsguard-pack). */
export function awsguardPack(packDir: string): LoadedPack {
  const load = createRequire(join(packDir, "package.json"));
  const root = load.resolve("@pulumi/awsguard/package.json").replace(/package\.json$/, "");
  const version = (load("@pulumi/awsguard/package.json") as { version: string }).version;
  const policies: PolicyObject[] = [];
  for (const module of ["apiGateway", "compute", "database", "elasticsearch", "network", "security", "storage"]) {
    const exported = load(join(root, module)) as Record<string, unknown>;
    for (const value of Object.values(exported))
      if (
        typeof value === "object" &&
        value !== null &&
        typeof (value as PolicyObject).name === "string" &&
        ("validateResource" in value || "validateStack" in value)
      )
        policies.push(value as PolicyObject);
  }
  return { name: `pulumi-awsguard@${version.replace(/^v/, "")}`, policies, from: join(packDir, "package.json") };
}

interface PolicyRuntime {
  unknownCheckingProxy<T extends object>(value: T): T;
  getPulumiType(value: unknown): string | undefined;
  isNotApplicable(error: unknown): boolean;
}

/** The pack's own `@pulumi/policy`: its proxy and how it names a resource class's type. */
function policyRuntime(from: string): PolicyRuntime {
  const load = createRequire(from);
  const proxy = load("@pulumi/policy/proxy") as { unknownCheckingProxy<T extends object>(value: T): T };
  const policy = load("@pulumi/policy/policy") as { getPulumiType(value: unknown): string | undefined };
  return {
    unknownCheckingProxy: proxy.unknownCheckingProxy,
    getPulumiType: policy.getPulumiType,
    isNotApplicable: (error) => (error as { name?: string })?.name === "NotApplicableError",
  };
}

/** The arguments the server builds for one resource (server.js, makeAnalyzeRpcFun), built once, ahead of timing. */
function resourceArgs(
  runtime: PolicyRuntime,
  resource: AnalyzerResource,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const props = runtime.unknownCheckingProxy(structuredClone(resource.properties));
  const isType = (resourceClass: unknown) => {
    const type = runtime.getPulumiType(resourceClass);
    if (type) return type === resource.type;
    const isInstance = (resourceClass as { isInstance?: (value: unknown) => boolean }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: resource.type }) === true;
  };
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: {
      parent: resource.parent,
      protect: false,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: {},
    },
    stackTags: new Map(),
    isType,
    asType: (resourceClass: unknown) => (isType(resourceClass) ? props : undefined),
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      const error = new Error(reason);
      error.name = "NotApplicableError";
      throw error;
    },
  };
}

/** The arguments of a stack policy: every resource with its parent and dependencies linked, as the server links them. */
function stackArgs(
  runtime: PolicyRuntime,
  resources: readonly AnalyzerResource[],
  config: Record<string, unknown>,
): Record<string, unknown> {
  const built: Record<string, unknown>[] = resources.map((resource) => ({
    ...resourceArgs(runtime, resource, config),
    dependencies: [],
    propertyDependencies: {},
  }));
  const byUrn = new Map(built.map((resource) => [resource.urn as string, resource]));
  resources.forEach((resource, index) => {
    const own = built[index] as Record<string, unknown>;
    if (resource.parent) own.parent = byUrn.get(resource.parent);
    own.dependencies = (resource.dependencies ?? []).map((urn) => byUrn.get(urn)).filter(Boolean);
  });
  return { resources: built, getConfig: () => config, stackTags: new Map(), notApplicable: () => undefined };
}

interface Work {
  readonly analyze: { readonly validate: Validate; readonly args: Record<string, unknown> }[];
  readonly stack: { readonly validate: Validate; readonly args: Record<string, unknown> }[];
}

/** Everything the server would call for one pass, with its arguments, prepared ahead of timing. */
function prepare(pack: LoadedPack, resources: readonly AnalyzerResource[], stack: readonly AnalyzerResource[]): Work {
  const runtime = policyRuntime(pack.from);
  const analyze: Work["analyze"][number][] = [];
  const stackCalls: Work["stack"][number][] = [];
  for (const policy of pack.policies) {
    // The server hands a policy its config with the schema's defaults filled in.
    const config = Object.fromEntries(
      Object.entries(policy.configSchema?.properties ?? {})
        .filter(([, property]) => property.default !== undefined)
        .map(([key, property]) => [key, property.default]),
    );
    if (policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      const only = validations.length === 1 ? runtime.getPulumiType(validations[0]) : undefined;
      for (const resource of resources) {
        if (only && only !== resource.type) continue;
        for (const validate of validations) analyze.push({ validate, args: resourceArgs(runtime, resource, config) });
      }
    }
    if (policy.validateStack)
      stackCalls.push({ validate: policy.validateStack, args: stackArgs(runtime, stack, config) });
  }
  return { analyze, stack: stackCalls };
}

/** Runs the calls; returns CPU (µs, this process) and wall time (ms) of each half, and the violations reported. */
function pass(
  runtime: PolicyRuntime,
  work: Work,
): { analyzeCpu: number; stackCpu: number; wall: number; diagnostics: number } {
  let diagnostics = 0;
  const report = () => {
    diagnostics += 1;
  };
  const call = (validate: Validate, args: unknown) => {
    try {
      validate(args, report);
    } catch (error) {
      if (!runtime.isNotApplicable(error) && (error as { name?: string })?.name !== "UnknownValueError") throw error;
    }
  };
  const started = process.hrtime.bigint();
  const before = process.cpuUsage();
  for (const { validate, args } of work.analyze) call(validate, args);
  const middle = process.cpuUsage();
  for (const { validate, args } of work.stack) call(validate, args);
  const after = process.cpuUsage();
  const cpu = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) => to.user - from.user + (to.system - from.system);
  return {
    analyzeCpu: cpu(before, middle),
    stackCpu: cpu(middle, after),
    wall: Number(process.hrtime.bigint() - started) / 1e6,
    diagnostics,
  };
}

/**
 * Figure 3: both packs' policies on the AWS resources of a recorded fleet (and the components they
 * belong to, for the stack policies); one warm-up pass each, then `passes` passes alternating
 * between the packs; the cheapest pass of each counts (noise only ever adds time).
 */
export function measurePolicyCost(
  recording: RecordedForPacks,
  agents: number,
  packs: { ours: LoadedPack; awsguard: LoadedPack },
  passes: number,
): PolicyCostFigure {
  const isAws = (resource: AnalyzerResource) => resource.type.startsWith("aws:");
  // The agents' AWS resources and, beside them, as many workload resources as there are agents.
  const workload = workloadResources(agents, recording.stack, recording.project);
  const resources = [...recording.analyze.filter(isAws), ...workload];
  const stack = [...withAncestors(recording.stackResources, isAws), ...workload];
  const types: Record<string, number> = {};
  for (const resource of resources) types[resource.type] = (types[resource.type] ?? 0) + 1;
  const previous = { stack: process.env.PULUMI_STACK, config: process.env.PULUMI_CONFIG };
  process.env.PULUMI_STACK = recording.stack;
  process.env.PULUMI_CONFIG = JSON.stringify(recording.config);
  try {
    const runs = [packs.ours, packs.awsguard].map((pack) => {
      const runtime = policyRuntime(pack.from);
      const work = prepare(pack, resources, stack);
      return { pack, run: () => pass(runtime, work), passes: [] as ReturnType<typeof pass>[] };
    });
    for (const entry of runs) entry.run();
    for (let index = 0; index < passes; index += 1) for (const entry of runs) entry.passes.push(entry.run());
    const costs = runs.map(({ pack, passes: done }): PackCost => {
      const best = done.reduce((cheapest, next) =>
        next.analyzeCpu + next.stackCpu < cheapest.analyzeCpu + cheapest.stackCpu ? next : cheapest,
      );
      return {
        pack: pack.name,
        policies: pack.policies.length,
        cpuUsPerResource: (best.analyzeCpu + best.stackCpu) / resources.length,
        analyzeCpuUsPerResource: best.analyzeCpu / resources.length,
        stackCpuUsPerResource: best.stackCpu / resources.length,
        wallUsPerResource: (best.wall * 1000) / resources.length,
        diagnostics: best.diagnostics,
      };
    });
    const [ours, awsguard] = costs as [PackCost, PackCost];
    return {
      agents,
      resources: resources.length,
      types,
      passes,
      ours,
      awsguard,
      ratio: ours.cpuUsPerResource! / awsguard.cpuUsPerResource!,
      analyzeRatio: ours.analyzeCpuUsPerResource! / awsguard.analyzeCpuUsPerResource!,
      basis: "cpu",
    };
  } finally {
    for (const [key, value] of [
      ["PULUMI_STACK", previous.stack],
      ["PULUMI_CONFIG", previous.config],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  }
}
