import { checkGcpScopes, gcpScopesConfig } from "../src/rules/gcp-scopes";
import { stackPolicy } from "./support";

/** No basic roles, no project-wide administration or unconditioned writes for agents on GCP. */
export const noOverbroadGcpScopes = stackPolicy(
  {
    name: "no-overbroad-gcp-scopes",
    description:
      "Blocks basic roles (roles/owner, roles/editor, roles/viewer) for any member; admin, token-creator and IAM-admin roles at project, folder or organisation level for agent service accounts and pool principals; and their project-wide write bindings without a condition.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Bind the narrowest predefined role on the named resource (AgentIdentity grants), with an expiry condition; project-wide roles only with a condition.",
    config: gcpScopesConfig,
  },
  checkGcpScopes,
);
