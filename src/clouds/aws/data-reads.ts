/**
 * AWS actions that read the data a service stores (not its configuration or metadata), as data.
 * Allowed on every resource of their type, they are the blanket read of the incident agent-iam
 * starts from ("we'd given it blanket read access"): every object, item, row, message, secret,
 * parameter, log event or snapshot block of the account. Scoped to named resources they are the
 * ordinary reads of an agent's job.
 *
 * Each action is named as the Service Authorization Reference names it (its description says it
 * returns stored content: "Grants permission to retrieve objects from Amazon S3", "…to return the
 * attributes of an item", "…to retrieve messages from a queue", …); cloudsplaining's
 * `READ_ONLY_DATA_EXFILTRATION_ACTIONS` (`src/clouds/aws/privilege-escalation.ts`) are among them.
 * Every action must exist in the IAM catalog at the Read level and accept resource scoping
 * (`test/clouds/aws-data-reads.test.ts`).
 */

/** The data one group of actions reads. */
export interface AwsDataRead {
  /** What is read, plural (`objects`, `items`). */
  readonly data: string;
  /** Lower-case `service:action` names. */
  readonly actions: readonly string[];
}

export const AWS_DATA_READS: readonly AwsDataRead[] = [
  {
    data: "S3 objects",
    actions: [
      "s3:getobject",
      "s3:getobjectversion",
      "s3:getobjecttorrent",
      "s3:getobjectversiontorrent",
      "s3-object-lambda:getobject",
      "s3-object-lambda:getobjectversion",
      "s3tables:gettabledata",
    ],
  },
  {
    data: "DynamoDB items",
    actions: [
      "dynamodb:getitem",
      "dynamodb:batchgetitem",
      "dynamodb:query",
      "dynamodb:scan",
      "dynamodb:partiqlselect",
      "dynamodb:getrecords",
      "dax:getitem",
      "dax:batchgetitem",
      "dax:query",
      "dax:scan",
    ],
  },
  {
    data: "table rows",
    actions: ["cassandra:select", "timestream:select", "neptune-db:readdataviaquery", "athena:getqueryresults"],
  },
  { data: "queue messages and stream records", actions: ["sqs:receivemessage", "kinesis:getrecords"] },
  { data: "secrets", actions: ["secretsmanager:getsecretvalue"] },
  {
    data: "SSM parameters",
    actions: ["ssm:getparameter", "ssm:getparameters", "ssm:getparametersbypath", "ssm:getparameterhistory"],
  },
  {
    data: "log events",
    actions: ["logs:getlogevents", "logs:filterlogevents", "logs:startquery", "logs:startlivetail"],
  },
  { data: "EBS snapshot blocks", actions: ["ebs:getsnapshotblock"] },
  { data: "source code", actions: ["codecommit:gitpull", "codecommit:getblob", "codecommit:getfile"] },
  { data: "archives", actions: ["glacier:getjoboutput"] },
  { data: "search documents", actions: ["es:eshttpget"] },
  { data: "knowledge-base documents", actions: ["bedrock:retrieve"] },
];

const BY_ACTION: ReadonlyMap<string, string> = new Map(
  AWS_DATA_READS.flatMap((group) => group.actions.map((action) => [action, group.data] as const)),
);

/** The data an action reads (`S3 objects`), or undefined when it reads none. */
export function awsDataReadOf(action: string): string | undefined {
  return BY_ACTION.get(action.toLowerCase());
}
