/**
 * Access levels, as the AWS Service Authorization Reference classifies every action.
 * The same five words describe grants on every cloud.
 */
export const ACCESS_LEVELS = ["list", "read", "tag", "write", "permissions"] as const;

/** How much an action can do, from least to most. */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Rank of an access level: higher is riskier. */
export function accessRank(level: AccessLevel): number {
  return ACCESS_LEVELS.indexOf(level);
}

/** The highest of several access levels, or undefined for none. */
export function highestAccess(levels: Iterable<AccessLevel>): AccessLevel | undefined {
  let best: AccessLevel | undefined;
  for (const level of levels) if (best === undefined || accessRank(level) > accessRank(best)) best = level;
  return best;
}

/** Plain words for each level, for plans, inventories and dashboards. */
export const ACCESS_LEVEL_WORDS: Record<AccessLevel, string> = {
  list: "list",
  read: "read",
  tag: "tag",
  write: "write to",
  permissions: "change permissions on",
};

/**
 * The AWS catalog's names for its access levels. Some catalog entries carry compound values
 * ("Read, Write"); {@link awsAccessLevel} takes the highest part.
 */
const AWS_ACCESS_LEVEL_NAMES: Record<string, AccessLevel> = {
  List: "list",
  Read: "read",
  Tagging: "tag",
  Write: "write",
  "Permissions management": "permissions",
};

/** Maps an AWS catalog access level (possibly compound) to ours; undefined when unknown. */
export function awsAccessLevel(catalogLevel: string): AccessLevel | undefined {
  const parts = catalogLevel
    .split(",")
    .map((part) => AWS_ACCESS_LEVEL_NAMES[part.trim()])
    .filter((level): level is AccessLevel => level !== undefined);
  return highestAccess(parts);
}
