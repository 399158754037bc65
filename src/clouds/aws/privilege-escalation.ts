/**
 * AWS privilege escalation and credentials exposure, as data.
 *
 * Source: cloudsplaining (github.com/salesforce/cloudsplaining, BSD-3-Clause),
 * `cloudsplaining/shared/constants.py` at commit 5012eab1f7429ef3702e8f8379ed0a207ba77804
 * (2026-08-16): `PRIVILEGE_ESCALATION_METHODS` (Rhino Security Labs' methods plus the
 * pathfinding.cloud paths), `ACTIONS_THAT_RETURN_CREDENTIALS` and
 * `READ_ONLY_DATA_EXFILTRATION_ACTIONS`. Names and action lists are copied as published; the only
 * change is `gamelist:` → `gamelift:` (a typo in the published list that matches no action).
 *
 * A method is present when a principal is allowed every one of its actions (cloudsplaining's rule).
 */

/** One published escalation method: its name and the actions that together allow it. */
export interface EscalationMethod {
  readonly name: string;
  /** Lower-case `service:action` names. */
  readonly actions: readonly string[];
}

const METHODS: Readonly<Record<string, readonly string[]>> = {
  // 1. IAM permissions on other users
  CreateAccessKey: ["iam:createaccesskey"],
  CreateLoginProfile: ["iam:createloginprofile"],
  UpdateLoginProfile: ["iam:updateloginprofile"],
  AddUserToGroup: ["iam:addusertogroup"],
  // 2. Permissions on policies
  CreateNewPolicyVersion: ["iam:createpolicyversion"],
  SetExistingDefaultPolicyVersion: ["iam:setdefaultpolicyversion"],
  AttachUserPolicy: ["iam:attachuserpolicy"],
  AttachGroupPolicy: ["iam:attachgrouppolicy"],
  AttachRolePolicy: ["iam:attachrolepolicy"],
  PutUserPolicy: ["iam:putuserpolicy"],
  PutGroupPolicy: ["iam:putgrouppolicy"],
  PutRolePolicy: ["iam:putrolepolicy"],
  // 3. Updating an AssumeRole policy
  UpdateRolePolicyToAssumeIt: ["iam:updateassumerolepolicy"],
  // 4. iam:PassRole
  CreateEC2WithExistingIP: ["iam:passrole", "ec2:runinstances"],
  PassExistingRoleToNewLambdaThenInvoke: ["iam:passrole", "lambda:createfunction", "lambda:invokefunction"],
  PassExistingRoleToNewLambdaThenTriggerWithNewDynamo: [
    "iam:passrole",
    "lambda:createfunction",
    "lambda:createeventsourcemapping",
    "dynamodb:createtable",
    "dynamodb:putitem",
  ],
  PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo: [
    "iam:passrole",
    "lambda:createfunction",
    "lambda:createeventsourcemapping",
  ],
  PassExistingRoleToNewGlueDevEndpoint: ["iam:passrole", "glue:createdevendpoint"],
  PassExistingRoleToCloudFormation: ["iam:passrole", "cloudformation:createstack"],
  PassExistingRoleToNewDataPipeline: ["iam:passrole", "datapipeline:createpipeline"],
  // 5. Privilege escalation using AWS services
  UpdateExistingGlueDevEndpoint: ["glue:updatedevendpoint"],
  EditExistingLambdaFunctionWithRole: ["lambda:updatefunctioncode"],
  // pathfinding.cloud: existing-passrole / update-existing-resource
  AccessExistingBedrockCodeInterpreterSession: [
    "bedrock-agentcore:startcodeinterpretersession",
    "bedrock-agentcore:invokecodeinterpreter",
  ],
  ExecuteCloudFormationChangeSet: ["cloudformation:createchangeset", "cloudformation:executechangeset"],
  ModifyEC2InstanceUserDataThenRestart: ["ec2:modifyinstanceattribute", "ec2:stopinstances", "ec2:startinstances"],
  ModifyExistingEC2LaunchTemplate: ["ec2:createlaunchtemplateversion", "ec2:modifylaunchtemplate"],
  EC2InstanceConnectSendSSHPublicKey: ["ec2-instance-connect:sendsshpublickey", "ec2:describeinstances"],
  ECSExecuteCommandOnRunningTask: ["ecs:executecommand", "ecs:describetasks"],
  UpdateAndInvokeLambdaFunction: ["lambda:updatefunctioncode", "lambda:invokefunction"],
  UpdateLambdaFunctionAndAddPermission: ["lambda:updatefunctioncode", "lambda:addpermission"],
  CreatePresignedSageMakerNotebookUrl: ["sagemaker:createpresignednotebookinstanceurl"],
  UpdateSageMakerNotebookLifecycleConfig: [
    "sagemaker:createnotebookinstancelifecycleconfig",
    "sagemaker:stopnotebookinstance",
    "sagemaker:updatenotebookinstance",
    "sagemaker:startnotebookinstance",
  ],
  // pathfinding.cloud: new-passrole
  PassExistingRoleToNewAppRunnerService: ["iam:passrole", "apprunner:createservice"],
  PassExistingRoleToNewBedrockCodeInterpreter: [
    "iam:passrole",
    "bedrock-agentcore:createcodeinterpreter",
    "bedrock-agentcore:startcodeinterpretersession",
    "bedrock-agentcore:invokecodeinterpreter",
  ],
  PassExistingRoleToNewCloudFormationStackSet: [
    "iam:passrole",
    "cloudformation:createstackset",
    "cloudformation:createstackinstances",
  ],
  PassRoleToUpdateCloudFormationStackSet: ["iam:passrole", "cloudformation:updatestackset"],
  PassExistingRoleToNewCodeBuildProjectThenBuild: ["iam:passrole", "codebuild:createproject", "codebuild:startbuild"],
  PassExistingRoleToNewCodeBuildProjectThenBuildBatch: [
    "iam:passrole",
    "codebuild:createproject",
    "codebuild:startbuildbatch",
  ],
  PassExistingRoleToNewEC2SpotInstance: ["iam:passrole", "ec2:requestspotinstances"],
  PassExistingRoleToNewECSClusterServiceTask: [
    "iam:passrole",
    "ecs:createcluster",
    "ecs:registertaskdefinition",
    "ecs:createservice",
  ],
  PassExistingRoleToNewECSClusterRunTask: [
    "iam:passrole",
    "ecs:createcluster",
    "ecs:registertaskdefinition",
    "ecs:runtask",
  ],
  PassExistingRoleToNewECSService: ["iam:passrole", "ecs:registertaskdefinition", "ecs:createservice"],
  PassExistingRoleToNewECSTaskViaRunTask: ["iam:passrole", "ecs:registertaskdefinition", "ecs:runtask"],
  PassExistingRoleToNewECSTaskViaStartTask: ["iam:passrole", "ecs:registertaskdefinition", "ecs:starttask"],
  PassExistingRoleToNewGlueJobThenRun: ["iam:passrole", "glue:createjob", "glue:startjobrun"],
  PassExistingRoleToNewGlueJobViaTrigger: ["iam:passrole", "glue:createjob", "glue:createtrigger"],
  PassExistingRoleToUpdatedGlueJobThenRun: ["iam:passrole", "glue:updatejob", "glue:startjobrun"],
  PassExistingRoleToUpdatedGlueJobViaTrigger: ["iam:passrole", "glue:updatejob", "glue:createtrigger"],
  PassExistingRoleToNewLambdaThenAddPermission: ["iam:passrole", "lambda:createfunction", "lambda:addpermission"],
  PassExistingRoleToNewSageMakerNotebookInstance: ["iam:passrole", "sagemaker:createnotebookinstance"],
  PassExistingRoleToNewSageMakerTrainingJob: ["iam:passrole", "sagemaker:createtrainingjob"],
  PassExistingRoleToNewSageMakerProcessingJob: ["iam:passrole", "sagemaker:createprocessingjob"],
  // pathfinding.cloud: principal-access
  CreateAndRotateAccessKey: ["iam:createaccesskey", "iam:deleteaccesskey"],
  AttachUserPolicyThenCreateAccessKey: ["iam:attachuserpolicy", "iam:createaccesskey"],
  CreatePolicyVersionThenAssumeRole: ["iam:createpolicyversion", "sts:assumerole"],
  PutUserPolicyThenCreateAccessKey: ["iam:putuserpolicy", "iam:createaccesskey"],
  AttachRolePolicyThenUpdateAssumeRolePolicy: ["iam:attachrolepolicy", "iam:updateassumerolepolicy"],
  CreatePolicyVersionThenUpdateAssumeRolePolicy: ["iam:createpolicyversion", "iam:updateassumerolepolicy"],
  PutRolePolicyThenUpdateAssumeRolePolicy: ["iam:putrolepolicy", "iam:updateassumerolepolicy"],
};

/** Every published method, in the published order. */
export const PRIVILEGE_ESCALATION_METHODS: readonly EscalationMethod[] = Object.entries(METHODS).map(
  ([name, actions]) => ({ name, actions }),
);

/** AWS API calls that return credentials (cloudsplaining `ACTIONS_THAT_RETURN_CREDENTIALS`). */
export const CREDENTIALS_EXPOSURE_ACTIONS: readonly string[] = [
  "airflow:createclitoken",
  "airflow:createweblogintoken",
  "appsync:createapikey",
  "chime:createapikey",
  "cloud9:createenvironmenttoken",
  "codeartifact:getauthorizationtoken",
  "codepipeline:pollforjobs",
  "cognito-identity:getopenidtoken",
  "cognito-identity:getopenidtokenfordeveloperidentity",
  "cognito-identity:getcredentialsforidentity",
  "cognito-idp:getsigningcertificate",
  "connect:getfederationtoken",
  "connect:getfederationtokens",
  "ec2:getpassworddata",
  "ecr:getauthorizationtoken",
  "ecr-public:getauthorizationtoken",
  "emr-containers:getmanagedendpointsessioncredentials",
  "finspace-api:getprogrammaticaccesscredentials",
  "gamelift:requestuploadcredentials",
  "gamelift:getinstanceaccess",
  "gamelift:getcomputeaccess",
  "gamelift:getcomputeauthtoken",
  "grafana:createworkspaceapikey",
  "iam:createaccesskey",
  "iam:createloginprofile",
  "iam:createservicespecificcredential",
  "iam:resetservicespecificcredential",
  "iam:updateaccesskey",
  "license-manager:getaccesstoken",
  "lightsail:getinstanceaccessdetails",
  "lightsail:downloaddefaultkeypair",
  "lightsail:createbucketaccesskey",
  "lightsail:getrelationaldatabasemasteruserpassword",
  "mediapackage:rotatechannelcredentials",
  "mediapackage:rotateingestendpointcredentials",
  "rds-db:connect",
  "redshift:getclustercredentials",
  "redshift:getclustercredentialswithiam",
  "redshift-serverless:getcredentials",
  "sso:getrolecredentials",
  "sts:assumerole",
  "sts:assumerolewithsaml",
  "sts:assumerolewithwebidentity",
  "sts:getfederationtoken",
  "sts:getsessiontoken",
];

/**
 * Read actions that leak data when allowed on every resource (cloudsplaining
 * `READ_ONLY_DATA_EXFILTRATION_ACTIONS`). Scoped to a named resource they are ordinary reads.
 */
export const READ_ONLY_DATA_EXFILTRATION_ACTIONS: readonly string[] = [
  "s3:getobject",
  "ssm:getparameter",
  "ssm:getparameters",
  "ssm:getparametersbypath",
  "secretsmanager:getsecretvalue",
];

/**
 * Token actions whose credential carries no more than the caller's own permissions (a registry or
 * package-repository login); the default exceptions to the credentials-exposure rule.
 */
export const SELF_SCOPED_TOKEN_ACTIONS: readonly string[] = [
  "ecr:getauthorizationtoken",
  "ecr-public:getauthorizationtoken",
  "codeartifact:getauthorizationtoken",
];

/** Actions that let a principal become another role when allowed on every role (`iam:PassRole`, `sts:AssumeRole`). */
export const ROLE_HOPPING_ACTIONS: readonly string[] = ["iam:passrole", "sts:assumerole"];

/**
 * The methods whose every action `isAllowed` accepts (given lower-case action names), except those
 * named in `ignore` (method names, compared case-insensitively).
 */
export function escalationMethodsAllowed(
  isAllowed: (action: string) => boolean,
  ignore: readonly string[] = [],
): EscalationMethod[] {
  const ignored = new Set(ignore.map((name) => name.toLowerCase()));
  return PRIVILEGE_ESCALATION_METHODS.filter(
    (method) => !ignored.has(method.name.toLowerCase()) && method.actions.every((action) => isAllowed(action)),
  );
}
