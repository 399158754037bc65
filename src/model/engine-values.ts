/**
 * Property values as the Pulumi engine passes them to a policy pack: plain JSON, with a sentinel
 * string for a value a preview does not know yet. The SDK's wire forms (secrets, resource
 * references) are unwrapped the way the engine unwraps them for analyzers.
 */

/** The engine's marker for a value not known until apply (`rpc.unknownValue` in the Pulumi SDK). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Signature key and values of the SDK's special objects (`rpc.specialSigKey` and friends). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** Whether a value is, or contains, an unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * A property value from the wire (`Struct.toJavaScript()`) as an analyzer receives it: secrets
 * become their plain value, a resource reference its id (or its URN for a component), an output
 * value its value (or unknown). Object keys keep their order.
 */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SECRET_SIG:
      return fromWire(record.value);
    case RESOURCE_SIG:
      return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
    case OUTPUT_SIG:
      return "value" in record ? fromWire(record.value) : UNKNOWN;
    default: {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(record)) if (item !== undefined) result[key] = fromWire(item);
      return result;
    }
  }
}

/** {@link fromWire} for a property map. */
export function propertiesFromWire(struct: Record<string, unknown>): Record<string, unknown> {
  return fromWire(struct) as Record<string, unknown>;
}
