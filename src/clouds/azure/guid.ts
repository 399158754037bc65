import { createHash } from "node:crypto";

/** agent-iam's namespace for name-based GUIDs (RFC 4122 §4.3). */
const NAMESPACE = "6f1c2b7e-3d4a-5e8f-9a0b-1c2d3e4f5a6b";

/**
 * A name-based GUID (RFC 4122 version 5): the same name always gives the same GUID, so role
 * assignment and role definition names stay stable across deployments.
 */
export function nameBasedGuid(name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(NAMESPACE.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
