import { awsScopesConfig, checkAwsScopes } from "../src/rules/aws-scopes";
import { stackPolicy } from "./support";

/** Agent roles hold exactly what their job needs, with no path to more. */
export const noOverbroadAwsScopes = stackPolicy(
  {
    name: "no-overbroad-aws-scopes",
    description:
      "Blocks, on agent roles: '*' or 'service:*' actions, NotAction allows, write or permissions-management actions on Resource '*' when the action can be scoped, AWS managed admin policies (AdministratorAccess, PowerUserAccess, IAMFullAccess, any *FullAccess on a production agent), iam:PassRole or sts:AssumeRole on every role, credential-returning actions on every resource, and every privilege-escalation method cloudsplaining publishes (single actions and combinations).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Grant named resources with the actions the job needs (AgentIdentity grants); keep '*' only for actions AWS offers without resource scoping.",
    config: awsScopesConfig,
  },
  checkAwsScopes,
);
