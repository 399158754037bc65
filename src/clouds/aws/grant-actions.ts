import type { AccessLevel } from "../../model/access";
import type { ActionClass } from "../../model/action-classes";

/**
 * What a grant means on AWS, per resource type: the exact actions each access level gives, the
 * actions each opt-in class (`include`) adds, and the wildcard-only actions the job also needs
 * (they name no resource). Curated from what the real tools call and the pages named on each
 * row, not derived from the IAM catalog's access levels: an action AWS adds later never enters a
 * grant by itself. `test/clouds/aws-grant-actions.test.ts` checks every action against the IAM
 * catalog and against the independent action classes (`src/model/action-classes.ts`), and the
 * task scenarios (`test/fixtures/scenarios/`) evaluate the generated policies with an
 * independent IAM simulator.
 */

/** Actions for one access level or one opt-in class of one resource type. */
export interface AwsActionSet {
  /** Scoped to the named resource (`service:Action`, as the Service Authorization Reference spells it). */
  readonly actions: readonly string[];
  /** Wildcard-only actions the same job needs (`Resource: "*"`): the catalog marks each wildcard-only (tested). */
  readonly accountWide?: readonly string[];
  /** Where the list comes from. */
  readonly source: string;
}

/** The curated grants of one AWS resource type (`service:type` of the IAM catalog). */
export interface AwsTypeGrants {
  readonly levels: Partial<Readonly<Record<AccessLevel, AwsActionSet>>>;
  readonly include?: Partial<Readonly<Record<ActionClass, AwsActionSet>>>;
}

const S3_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html";

export const AWS_GRANT_ACTIONS: Readonly<Record<string, AwsTypeGrants>> = {
  "s3:bucket": {
    levels: {
      list: {
        actions: ["s3:ListBucket", "s3:GetBucketLocation"],
        source: `aws s3 ls and aws s3 sync list the bucket (ListObjectsV2 needs s3:ListBucket): ${S3_ACTIONS}`,
      },
      read: { actions: ["s3:GetBucketLocation"], source: `the AWS CLI asks a bucket's region first: ${S3_ACTIONS}` },
      write: {
        actions: ["s3:ListBucketMultipartUploads"],
        source: `uploads above the CLI's multipart threshold (8 MiB) are multipart: ${S3_ACTIONS}`,
      },
      tag: { actions: ["s3:GetBucketTagging", "s3:PutBucketTagging"], source: S3_ACTIONS },
      permissions: { actions: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], source: S3_ACTIONS },
    },
  },
  "s3:object": {
    levels: {
      read: {
        actions: ["s3:GetObject"],
        source: `aws s3 cp/sync downloads with GetObject (and HeadObject): ${S3_ACTIONS}`,
      },
      list: {
        actions: ["s3:ListMultipartUploadParts"],
        source: `the CLI resumes multipart uploads by listing their parts: ${S3_ACTIONS}`,
      },
      write: {
        actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        source: `aws s3 cp/sync uploads with PutObject and multipart uploads: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions`,
      },
      tag: { actions: ["s3:GetObjectTagging", "s3:PutObjectTagging"], source: S3_ACTIONS },
    },
    include: {
      delete: { actions: ["s3:DeleteObject"], source: `aws s3 rm and sync --delete: ${S3_ACTIONS}` },
    },
  },
  "dynamodb:table": {
    levels: {
      read: {
        actions: [
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:ConditionCheckItem",
          "dynamodb:PartiQLSelect",
          "dynamodb:DescribeTable",
        ],
        source:
          "the item reads of the DynamoDB API permissions reference: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html",
      },
      list: {
        actions: ["dynamodb:DescribeTable"],
        accountWide: ["dynamodb:ListTables"],
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html",
      },
      write: {
        actions: [
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:PartiQLInsert",
          "dynamodb:PartiQLUpdate",
          "dynamodb:ConditionCheckItem",
          "dynamodb:DescribeTable",
        ],
        source:
          "item writes; BatchWriteItem is left to include delete, as it also deletes items: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html",
      },
      tag: { actions: ["dynamodb:ListTagsOfResource", "dynamodb:TagResource"], source: "DynamoDB tagging" },
    },
    include: {
      delete: {
        actions: ["dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLDelete"],
        source:
          "item deletes only; never DeleteTable: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html",
      },
      export: {
        actions: ["dynamodb:ExportTableToPointInTime"],
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport_Requesting.html",
      },
    },
  },
  "sqs:queue": {
    levels: {
      read: {
        actions: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
        ],
        source:
          "consuming a queue: receive, then delete each message handled or extend its visibility; the permissions Lambda's SQS event source documents: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions",
      },
      list: {
        actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        accountWide: ["sqs:ListQueues"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html",
      },
      write: {
        actions: ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
        source:
          "aws sqs send-message resolves the queue URL, then sends: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html",
      },
      tag: { actions: ["sqs:ListQueueTags", "sqs:TagQueue"], source: "SQS tagging" },
    },
    include: {
      delete: { actions: ["sqs:PurgeQueue"], source: "drops every message of the queue" },
    },
  },
  "sns:topic": {
    levels: {
      read: {
        actions: ["sns:GetTopicAttributes"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html",
      },
      list: {
        actions: ["sns:ListSubscriptionsByTopic"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html",
      },
      write: {
        actions: ["sns:Publish"],
        source: "aws sns publish: https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
      },
      tag: { actions: ["sns:ListTagsForResource", "sns:TagResource"], source: "SNS tagging" },
    },
  },
  "logs:log-group": {
    levels: {
      read: {
        actions: [
          "logs:FilterLogEvents",
          "logs:StartQuery",
          "logs:GetQueryResults",
          "logs:GetLogGroupFields",
          "logs:StartLiveTail",
        ],
        accountWide: ["logs:StopQuery", "logs:DescribeQueries"],
        source:
          "aws logs filter-log-events, aws logs tail --follow and CloudWatch Logs Insights queries (logs:Unmask, which shows masked data, is left out): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html",
      },
      list: {
        actions: ["logs:DescribeLogStreams"],
        accountWide: ["logs:DescribeLogGroups"],
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html",
      },
      tag: { actions: ["logs:ListTagsForResource", "logs:TagResource"], source: "CloudWatch Logs tagging" },
    },
  },
  "logs:log-stream": {
    levels: {
      read: {
        actions: ["logs:GetLogEvents"],
        source:
          "aws logs get-log-events reads one stream of the group: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html",
      },
      write: {
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        source:
          "what the CloudWatch agent and SDKs call to ship logs into the group's streams: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html",
      },
    },
  },
  "lambda:function": {
    levels: {
      read: {
        actions: ["lambda:GetFunctionConfiguration"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html",
      },
      list: {
        actions: ["lambda:ListVersionsByFunction", "lambda:ListAliases"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html",
      },
      write: {
        actions: ["lambda:InvokeFunction"],
        source:
          "calling the function; UpdateFunctionCode would run code as the function's role (a privilege-escalation path): https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html",
      },
      tag: { actions: ["lambda:ListTags", "lambda:TagResource"], source: "Lambda tagging" },
    },
  },
  "ecs:service": {
    levels: {
      read: {
        actions: ["ecs:DescribeServices"],
        source:
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security_iam_id-based-policy-examples.html",
      },
      list: {
        actions: ["ecs:DescribeServices"],
        source:
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security_iam_id-based-policy-examples.html",
      },
      write: {
        actions: ["ecs:UpdateService", "ecs:DescribeServices"],
        accountWide: ["ecs:DescribeTaskDefinition"],
        source:
          "aws-actions/amazon-ecs-deploy-task-definition, 'Permissions': UpdateService and DescribeServices on the service, RegisterTaskDefinition, iam:PassRole on the task and execution roles (see the runtime grants): https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions",
      },
      tag: { actions: ["ecs:ListTagsForResource", "ecs:TagResource"], source: "ECS tagging" },
    },
  },
  "ecs:task-definition": {
    levels: {
      read: {
        actions: [],
        accountWide: ["ecs:DescribeTaskDefinition"],
        source:
          "DescribeTaskDefinition names no resource (wildcard-only): https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html",
      },
      write: {
        actions: ["ecs:RegisterTaskDefinition"],
        accountWide: ["ecs:DescribeTaskDefinition"],
        source:
          "a new revision of the service's task definition family: https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions",
      },
    },
  },
  "ecr:repository": {
    levels: {
      read: {
        actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        accountWide: ["ecr:GetAuthorizationToken"],
        source:
          "IAM permissions for pulling an image: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-pull-iam.html",
      },
      list: {
        actions: ["ecr:DescribeImages", "ecr:ListImages", "ecr:DescribeRepositories"],
        source:
          "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html",
      },
      write: {
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage",
        ],
        accountWide: ["ecr:GetAuthorizationToken"],
        source:
          "IAM permissions for pushing an image: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html",
      },
      tag: { actions: ["ecr:ListTagsForResource", "ecr:TagResource"], source: "ECR tagging" },
    },
    include: {
      delete: { actions: ["ecr:BatchDeleteImage"], source: "deletes images of the repository" },
    },
  },
  "kms:key": {
    levels: {
      read: {
        actions: ["kms:DescribeKey"],
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
      },
      write: {
        actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        source:
          "using the key for data: https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
      },
      tag: { actions: ["kms:ListResourceTags", "kms:TagResource"], source: "KMS tagging" },
    },
  },
  "secretsmanager:Secret": {
    levels: {
      read: {
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        source:
          "reading the named secret: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html",
      },
      list: {
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html",
      },
      write: {
        actions: ["secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"],
        source:
          "storing a new version: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html",
      },
      tag: { actions: ["secretsmanager:TagResource"], source: "Secrets Manager tagging" },
    },
    include: {
      delete: { actions: ["secretsmanager:DeleteSecret"], source: "schedules the secret's deletion" },
    },
  },
  "ssm:parameter": {
    levels: {
      read: {
        actions: ["ssm:GetParameter", "ssm:GetParameters"],
        source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html",
      },
      list: {
        actions: ["ssm:GetParameterHistory"],
        source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html",
      },
      write: {
        actions: ["ssm:PutParameter"],
        source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html",
      },
      tag: { actions: ["ssm:AddTagsToResource", "ssm:ListTagsForResource"], source: "SSM tagging" },
    },
    include: {
      delete: {
        actions: ["ssm:DeleteParameter"],
        source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html",
      },
    },
  },
  "iam:role": {
    levels: {
      write: {
        actions: ["iam:PassRole"],
        source:
          "a deployed service runs as this role: iam:PassRole on exactly the task and execution roles, to ECS only (iam:PassedToService): https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
      },
    },
  },
};

/** `iam:PassRole` is limited to the services that run what the agent deploys (IAM User Guide, "Granting a user permissions to pass a role"). */
export const PASS_ROLE_SERVICES: readonly string[] = ["ecs-tasks.amazonaws.com"];
