import type { Policies } from "@pulumi/policy";
import { highRiskRequiresApproval } from "./approval";
import { noOverbroadAwsScopes } from "./aws-scopes";
import { noOverbroadAzureScopes } from "./azure-scopes";
import { permissionsBoundaryRequired } from "./boundaries";
import { environmentIsolation } from "./environment";
import { agentIdentityExpiry } from "./expiry";
import { federatedTrustPinned } from "./federated-trust";
import { noOverbroadGcpScopes } from "./gcp-scopes";
import { agentMustHaveOwner } from "./ownership";
import { agentIdentityRegistered } from "./registration";
import { shortLivedCredentials } from "./sessions";
import { noStaticCredentials } from "./static-credentials";
import { agentHasBudget } from "./budget";
import { breakGlassTimeBound } from "./break-glass";
import { delegationWithinApproval } from "./delegation";

/** Every policy of the pack, in the order of the README. Importing this starts nothing. */
export const POLICIES: Policies = [
  noStaticCredentials,
  agentMustHaveOwner,
  agentIdentityRegistered,
  noOverbroadAwsScopes,
  noOverbroadGcpScopes,
  noOverbroadAzureScopes,
  federatedTrustPinned,
  shortLivedCredentials,
  agentIdentityExpiry,
  environmentIsolation,
  highRiskRequiresApproval,
  permissionsBoundaryRequired,
  agentHasBudget,
  breakGlassTimeBound,
  delegationWithinApproval,
];
