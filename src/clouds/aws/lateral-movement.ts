/**
 * AWS actions that run code on, or log in to, other compute (lateral movement), as data. On every
 * instance, task or function of the account they let an agent act as whatever those run as; the
 * escalation methods cloudsplaining publishes (`privilege-escalation.ts`) list some of them only in
 * combination with a describe action, or not at all.
 *
 * Sources: AWS Systems Manager User Guide, "Restricting Run Command access based on tags" and
 * "Control user session access to instances" (SendCommand and StartSession run as root or SYSTEM on
 * the instance); Amazon EC2 User Guide, "Connect using EC2 Instance Connect" (a pushed key logs in
 * for 60 seconds); Amazon ECS Developer Guide, "Monitor Amazon ECS containers with ECS Exec"
 * (a shell in the task, with the task role's credentials); AWS Lambda Developer Guide, "Lambda
 * execution role" (the function's code runs with its role's credentials); pathfinding.cloud
 * (Datadog) paths ssm-001, ssm-002, ec2-instance-connect-001, ecs-004, lambda-003.
 *
 * `types` are the catalog resource types the action reaches compute through: allowed on every
 * resource of one of them, the agent can run code anywhere that type runs.
 */

export interface AwsLateralMove {
  /** Lower-case `service:action`. */
  readonly action: string;
  /** Catalog resource types of the action that are compute the agent gets into. */
  readonly types: readonly string[];
  /** What the agent can do there, in words. */
  readonly does: string;
}

export const AWS_LATERAL_MOVES: readonly AwsLateralMove[] = [
  {
    action: "ssm:sendcommand",
    types: ["instance", "managed-instance"],
    does: "run commands as root on every instance",
  },
  {
    action: "ssm:startsession",
    types: ["instance", "managed-instance", "task"],
    does: "open a shell on every instance",
  },
  {
    action: "ssm:createassociation",
    types: ["instance", "managed-instance"],
    does: "run documents on every instance",
  },
  {
    action: "ec2-instance-connect:sendsshpublickey",
    types: ["instance"],
    does: "log in to every instance over SSH",
  },
  {
    action: "ec2-instance-connect:sendserialconsolesshpublickey",
    types: ["instance"],
    does: "log in to every instance's serial console",
  },
  { action: "ecs:executecommand", types: ["cluster", "task"], does: "open a shell in every task, as its task role" },
  {
    action: "lambda:updatefunctioncode",
    types: ["function"],
    does: "replace the code of every function, which then runs as the function's role",
  },
  {
    action: "lambda:updatefunctionconfiguration",
    types: ["function"],
    does: "add layers and environment to every function, which then run as the function's role",
  },
  {
    action: "eks:createaccessentry",
    types: ["cluster"],
    does: "give any IAM principal access to every EKS cluster",
  },
  {
    action: "eks:associateaccesspolicy",
    types: ["access-entry"],
    does: "give any access entry of every EKS cluster cluster-admin",
  },
];

/**
 * EKS access policies that make a principal administrator of a cluster (Amazon EKS User Guide,
 * "Review access policy permissions": AmazonEKSClusterAdminPolicy is cluster-admin,
 * AmazonEKSAdminPolicy is admin of every namespace it is scoped to).
 */
export const EKS_ADMIN_ACCESS_POLICIES: readonly string[] = [
  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
];
