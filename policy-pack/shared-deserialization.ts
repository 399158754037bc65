/**
 * `@pulumi/policy`'s analyzer server (`server.js`) turns a resource's protobuf properties into
 * plain values once per policy: for `Analyze`, once per resource policy; for `AnalyzeStack`, every
 * resource once per stack policy. A pack of many policies pays that many times for the same bytes.
 * Profiling this pack on a generated fleet (bench/README.md) showed that repeated deserialization
 * was most of its cost per resource, while a pack whose policies name one resource type each (as
 * awsguard's do) skips it for other types.
 *
 * {@link shareDeserializedProperties} makes the server deserialize each request's properties once:
 * every policy gets the same plain object (each still wrapped in its own unknown-checking proxy).
 * The pack's checks only read properties, so sharing them changes no verdict. Only the analysis
 * path (`proxySecrets` false) is shared; remediation, which may change properties, is left alone.
 */

type Deserialize = (struct: unknown, proxySecrets: boolean) => unknown;

interface DeserializeModule {
  deserializeProperties: Deserialize & { shared?: true };
}

/** Installs the sharing in `@pulumi/policy`'s deserializer (idempotent; a no-op if its shape differs). */
export function shareDeserializedProperties(): void {
  let module: DeserializeModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require("@pulumi/policy/deserialize") as DeserializeModule;
  } catch {
    return;
  }
  const original = module.deserializeProperties;
  if (typeof original !== "function" || original.shared) return;
  // Keyed by the request's Struct message: one per resource per request, collected with the request.
  const cache = new WeakMap<object, unknown>();
  const shared: DeserializeModule["deserializeProperties"] = (struct, proxySecrets) => {
    if (proxySecrets !== false || typeof struct !== "object" || struct === null) return original(struct, proxySecrets);
    if (cache.has(struct)) return cache.get(struct);
    const value = original(struct, proxySecrets);
    cache.set(struct, value);
    return value;
  };
  shared.shared = true;
  module.deserializeProperties = shared;
}
