import { checkFederatedTrust, federatedTrustConfig } from "../src/rules/federated-trust";
import { resourcePolicy } from "./support";

/** A federated trust names one audience and one exact subject. */
export const federatedTrustPinned = resourcePolicy(
  {
    name: "federated-trust-pinned",
    description:
      "Blocks AWS trust policies for sts:AssumeRoleWithWebIdentity without StringEquals on both aud and sub, or with a sub pattern spanning repositories, projects or namespaces (GitHub's immutable repo:ORG@ID/REPO@ID form is accepted); GCP pool providers without attributeCondition and grants to a whole pool or to an attribute spanning repositories or namespaces; Azure federated credentials with a non-exact subject or another audience.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Pin the exact subject (one repository and environment, one service account) with StringEquals, and the audience; on GCP grant one principal://…/subject/SUBJECT and set attributeCondition; on Azure use the exact subject and api://AzureADTokenExchange.",
    config: federatedTrustConfig,
  },
  checkFederatedTrust,
);
