import * as pulumi from "@pulumi/pulumi";

/**
 * Resources several agents share (a custom role per project or resource group): created once per
 * deployment by the first agent that needs it, at the top of the stack so that removing that agent
 * does not remove a role others still use; removed by Pulumi once no agent needs it.
 *
 * The registry is per resource monitor, so each program run (and each run under mocks) starts empty.
 */
const registries = new WeakMap<object, Map<string, unknown>>();
const noMonitor = {};

/** The value registered under `key` in this deployment, created by `create` the first time. */
export function sharedResource<T>(key: string, create: () => T): T {
  const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? noMonitor;
  let registry = registries.get(monitor);
  if (!registry) registries.set(monitor, (registry = new Map()));
  if (!registry.has(key)) registry.set(key, create());
  return registry.get(key) as T;
}

/** `opts` with the component's former type token as an alias, so a stack deployed under it keeps its resources. */
export function withFormerType(
  opts: pulumi.ComponentResourceOptions | undefined,
  formerType: string,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: formerType }] };
}
