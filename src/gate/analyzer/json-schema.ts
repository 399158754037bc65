/**
 * The part of JSON Schema policy config schemas use (type, enum, const, bounds, pattern, items,
 * properties, required, additionalProperties), checked the way the Pulumi CLI checks a policy
 * pack's config before `Configure` (it uses gojsonschema). Errors name the property and say what
 * is expected.
 */
export type JsonSchema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** Every way `value` breaks `schema`; `path` names the property in messages. */
export function validateJsonSchema(schema: JsonSchema, value: unknown, path: string): string[] {
  const problems: string[] = [];
  const types =
    schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.length > 0 && !types.some((type) => matchesType(value, type)))
    return [`${path}: expected ${types.join(" or ")}, got ${typeOf(value)} ${JSON.stringify(value)}`];
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value)))
    problems.push(`${path}: must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`);
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    problems.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      problems.push(`${path}: must be at least ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      problems.push(`${path}: must be at most ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      problems.push(`${path}: must have at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      problems.push(`${path}: must have at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      problems.push(`${path}: must match ${schema.pattern}`);
  }
  if (Array.isArray(value) && typeof schema.items === "object" && schema.items !== null)
    value.forEach((item, index) =>
      problems.push(...validateJsonSchema(schema.items as JsonSchema, item, `${path}[${index}]`)),
    );
  if (typeOf(value) === "object") problems.push(...validateObject(schema, value as Record<string, unknown>, path));
  return problems;
}

/** Checks an object's properties, required keys and (when false) additional properties. */
export function validateObject(schema: JsonSchema, value: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const key of (schema.required as string[] | undefined) ?? [])
    if (!(key in value)) problems.push(`${path ? `${path}.` : ""}${key}: is required`);
  for (const [key, item] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;
    if (properties[key]) problems.push(...validateJsonSchema(properties[key], item, where));
    else if (schema.additionalProperties === false)
      problems.push(`${where}: is not a known property (known: ${Object.keys(properties).join(", ") || "none"})`);
  }
  return problems;
}
