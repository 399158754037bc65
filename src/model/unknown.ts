import { UNKNOWN } from "./engine-values";

/**
 * Values that are not known yet. During `pulumi preview` the engine sends an output of another
 * resource that has not been created as a sentinel string in its place (the engine's
 * `UnknownStringValue`, whatever the property's type). `@pulumi/policy` knows one sentinel per
 * type (`@pulumi/policy/proxy.js`); every policy decision reads them through {@link isUnknown} so
 * that an unknown value never crashes a check and never passes one silently.
 */

/** The sentinel the engine sends for any unknown value (`plugin.UnknownStringValue`). */
export { UNKNOWN };

/** Every sentinel `@pulumi/policy` recognises: string, boolean, number, array, asset, archive, object. */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** A value that will only be known after apply. */
export interface Unknown {
  readonly unknown: true;
}

/** The one {@link Unknown} instance readers return. */
export const UNKNOWN_VALUE: Unknown = Object.freeze({ unknown: true as const });

/** The sentinel as a local constant: an imported binding compiled to CommonJS is a property read on every use, and this runs once per property value. */
const UNKNOWN_TEXT: string = UNKNOWN;

/** Whether a raw property value is an unknown sentinel (or an {@link Unknown} marker). */
export function isUnknown(value: unknown): boolean {
  if (typeof value === "string") return UNKNOWN_SENTINELS.has(value) || value.includes(UNKNOWN_TEXT);
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { unknown?: unknown }).unknown === true &&
    Object.keys(value).length === 1
  );
}

/** Whether a value holds an unknown anywhere inside it (lists, objects, interpolated strings). */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}
