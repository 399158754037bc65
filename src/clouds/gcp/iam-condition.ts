import { everyPathRequires } from "./attribute-condition";
import { type CelNode, CelSyntaxError, parseCelExpression } from "./cel";

/**
 * Whether an IAM condition on a project-, folder- or organisation-level binding narrows it to named
 * resources: every way of making it true requires `resource.name` to equal a name, be in a list of
 * names, or start with a prefix of at least one whole resource path segment (`projects/_/buckets/x`)
 * (Google Cloud IAM, "Resource attributes for IAM Conditions": `resource.name`, `resource.type`,
 * `resource.service`). A condition on time alone (an expiry) or on `resource.type` names no resource.
 */

/** Whether the node is `resource.name` (or `resource['name']`). */
function isResourceName(node: CelNode): boolean {
  if (node.kind === "select")
    return node.field === "name" && node.target.kind === "ident" && node.target.name === "resource";
  return (
    node.kind === "index" &&
    node.key.kind === "string" &&
    node.key.value === "name" &&
    node.target.kind === "ident" &&
    node.target.name === "resource"
  );
}

/** A resource-name prefix that names at least one resource: a collection and an id, such as `projects/_/buckets/reports`. */
function namesResource(prefix: string): boolean {
  const segments = prefix.split("/").filter(Boolean);
  return segments.length >= 2 && !prefix.includes("*");
}

function atom(node: CelNode): string | undefined {
  if (node.kind === "binary" && node.op === "==") {
    const [name, value] = isResourceName(node.left) ? [node.left, node.right] : [node.right, node.left];
    if (isResourceName(name) && value.kind === "string" && namesResource(value.value)) return value.value;
  }
  if (node.kind === "binary" && node.op === "in" && isResourceName(node.left) && node.right.kind === "list") {
    const names = node.right.items.map((item) => (item.kind === "string" ? item.value : ""));
    if (names.length > 0 && names.every(namesResource)) return names.join(", ");
  }
  if (
    node.kind === "call" &&
    node.name === "startsWith" &&
    node.target &&
    isResourceName(node.target) &&
    node.args[0]?.kind === "string" &&
    namesResource(node.args[0].value)
  )
    return `${node.args[0].value}…`;
  return undefined;
}

/** The resources a condition narrows a binding to, `none` when it names none, `unreadable` when it does not parse. */
export function conditionResources(expression: string): readonly string[] | "none" | "unreadable" {
  let node: CelNode;
  try {
    node = parseCelExpression(expression);
  } catch (error) {
    if (error instanceof CelSyntaxError) return "unreadable";
    throw error;
  }
  const names = new Set<string>();
  return everyPathRequires(node, true, atom, names) ? [...names] : "none";
}
