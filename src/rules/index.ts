import { agentHasBudget } from "./agent-has-budget";
import { agentIdentityExpiry } from "./agent-identity-expiry";
import { agentIdentityRegistered } from "./agent-identity-registered";
import { agentMustHaveOwner } from "./agent-must-have-owner";
import { breakGlassTimeBound } from "./break-glass-time-bound";
import { delegationWithinApproval } from "./delegation-within-approval";
import { environmentIsolation } from "./environment-isolation";
import { federatedTrustPinned } from "./federated-trust-pinned";
import { grantsTakeEffect } from "./grants-take-effect";
import { highRiskRequiresApproval } from "./high-risk-requires-approval";
import { noOverbroadAwsScopes } from "./no-overbroad-aws-scopes";
import { noOverbroadAzureScopes } from "./no-overbroad-azure-scopes";
import { noOverbroadGcpScopes } from "./no-overbroad-gcp-scopes";
import { noStaticCredentials } from "./no-static-credentials";
import { permissionsBoundaryRequired } from "./permissions-boundary-required";
import { shortLivedCredentials } from "./short-lived-credentials";
import { toolAccessGoverned } from "./tool-access-governed";
import type { Rule } from "./support/rule";

/** Every rule of the pack, in the order of the README: the pack serves them as its policies. */
export const RULES: readonly Rule[] = [
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
  toolAccessGoverned,
  grantsTakeEffect,
];

export type { Rule, ResourceRule, StackRule } from "./support/rule";
