/**
 * Actions that need a human approval even when scoped to one named resource: they destroy data or
 * move it out of the account. Matched on the action's verb, case-insensitively, for every cloud's
 * action names (AWS `s3:DeleteObject`, GCP `storage.objects.delete`, Azure `.../delete`).
 *
 * Sources: cloudsplaining's "data exfiltration" and "resource exposure" categories
 * (github.com/salesforce/cloudsplaining, shared/default-exclusions and the privilege-escalation
 * docs), and the AWS Service Authorization Reference for the action names.
 */
export type HighRiskClass = "delete" | "export";

interface HighRiskRule {
  readonly risk: HighRiskClass;
  /** Tested against the action name after the service prefix (`DeleteObject`, `objects.delete`). */
  readonly pattern: RegExp;
  readonly why: string;
}

export const HIGH_RISK_RULES: readonly HighRiskRule[] = [
  { risk: "delete", pattern: /^(delete|terminate|purge|destroy)/i, why: "destroys a resource or its data" },
  {
    risk: "delete",
    pattern: /(^|[./])(delete|destroy|purge)$/i,
    why: "destroys a resource or its data (GCP/Azure verb)",
  },
  { risk: "export", pattern: /export/i, why: "exports data out of its store" },
  {
    risk: "export",
    pattern: /^(Copy|Share)\w*Snapshot|^Modify\w*SnapshotAttribute$/i,
    why: "shares or copies a snapshot",
  },
  { risk: "export", pattern: /^ModifyImageAttribute$/i, why: "shares a machine image" },
  {
    risk: "export",
    pattern: /^Put(Bucket)?ReplicationConfiguration$|^ReplicateObject$/i,
    why: "replicates data to another bucket",
  },
  { risk: "export", pattern: /^(Create|Start)\w*BackupJob$|^StartCopyJob$/i, why: "copies a backup elsewhere" },
];

/** Splits `service:Action` and returns the action part, or the whole name when it has no prefix. */
function actionPart(action: string): string {
  const colon = action.indexOf(":");
  return colon >= 0 ? action.slice(colon + 1) : action;
}

/** The high-risk classes an action belongs to (empty for ordinary actions). */
export function highRiskClasses(action: string): HighRiskClass[] {
  const name = actionPart(action);
  const found = new Set<HighRiskClass>();
  for (const rule of HIGH_RISK_RULES) if (rule.pattern.test(name)) found.add(rule.risk);
  return [...found];
}
