import type { AccessLevel } from "./access";
import type { Cloud, ResourceKind } from "./resources";

/**
 * The role catalog: named jobs an agent does, each a table of what it may do to which kind of
 * resource. A role is applied to named resources (`{ role: "data-reader", resources: [...] }`);
 * the kinds decide the access levels, so the same role means the same thing on every cloud.
 */
export interface CatalogRole {
  readonly name: string;
  /** What the role lets an agent do, in words a reviewer who does not read IAM understands. */
  readonly summary: string;
  /** Access levels per resource kind; a resource of a kind not listed is refused for this role. */
  readonly access: Partial<Readonly<Record<ResourceKind, readonly AccessLevel[]>>>;
  /**
   * What the summary promises the role never does, as access levels no action of the role reaches.
   * No catalog role holds an action of any class (`src/model/action-classes.ts`): opting into one
   * takes a `{ resource, access, include }` grant and an approval. Tests hold every cloud's grants to both.
   */
  readonly never: readonly AccessLevel[];
  /**
   * Account-wide read actions the role needs that the clouds only offer without a resource:
   * AWS actions that are wildcard-only in the IAM catalog (tested), GCP predefined roles bound
   * at project level with a time condition, Azure built-in roles at the agent's resource group.
   */
  readonly accountWide?: Partial<Readonly<Record<Cloud, readonly string[]>>>;
}

export const ROLE_CATALOG = {
  "read-only-monitor": {
    name: "read-only-monitor",
    summary: "Watches services: reads metrics, alarms and the named log groups; changes nothing.",
    access: { logs: ["read", "list"], metrics: ["read", "list"] },
    never: ["write", "tag", "permissions"],
    accountWide: {
      // What a dashboard reads from CloudWatch (Grafana's CloudWatch data source documents the same
      // reads): metrics, alarms and dashboards of the account, none of which IAM scopes to a named resource.
      aws: [
        "cloudwatch:GetMetricStatistics",
        "cloudwatch:GetMetricData",
        "cloudwatch:ListMetrics",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DescribeAlarmsForMetric",
        "cloudwatch:DescribeAlarmHistory",
        "cloudwatch:ListDashboards",
        "cloudwatch:GetDashboard",
        "logs:DescribeLogGroups",
      ],
    },
  },
  "code-reviewer": {
    name: "code-reviewer",
    summary:
      "Reviews code: reads source and build artifacts from the named buckets and posts its findings to the named queue or topic.",
    access: { bucket: ["read", "list"], object: ["read"], queue: ["write"], topic: ["write"] },
    never: ["tag", "permissions"],
  },
  "deployment-agent": {
    name: "deployment-agent",
    summary:
      "Ships releases: uploads artifacts and images to the named buckets and registries and rolls out the named services, running them as the named runtime identities; deletes nothing.",
    access: {
      bucket: ["read", "list", "write"],
      object: ["read", "write"],
      "container-repo": ["read", "list", "write"],
      service: ["read", "write"],
      runtime: ["write"],
    },
    never: ["tag", "permissions"],
  },
  "data-reader": {
    name: "data-reader",
    summary: "Reads data: reads and lists the named buckets, tables and datasets; cannot change or export them.",
    access: { bucket: ["read", "list"], object: ["read"], table: ["read", "list"] },
    never: ["write", "tag", "permissions"],
  },
} as const satisfies Record<string, CatalogRole>;

export type CatalogRoleName = keyof typeof ROLE_CATALOG;
export const CATALOG_ROLE_NAMES = Object.keys(ROLE_CATALOG) as CatalogRoleName[];
