/**
 * Property values as the Pulumi engine passes them to a policy pack: plain JSON, with a sentinel
 * string for a value a preview does not know yet. The SDK's wire forms (secrets, resource
 * references) are unwrapped the way the engine unwraps them for analyzers.
 */

import { SIGNATURES, UNKNOWN } from "./contract";

export { UNKNOWN };

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
  switch (record[SIGNATURES.key]) {
    case SIGNATURES.secret:
      return fromWire(record.value);
    case SIGNATURES.resource:
      return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
    case SIGNATURES.output:
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
