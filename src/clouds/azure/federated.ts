import { createHash } from "node:crypto";
import type { Trust } from "../../model/runs-on";
import { AZURE_FEDERATED_CREDENTIAL_LIMIT, AZURE_TOKEN_EXCHANGE_AUDIENCE } from "../../model/cloud-limits";

/** One federated identity credential: exact issuer, exact subject, Azure's token-exchange audience. */
export interface AzureFederatedCredentialSpec {
  /** 3–120 characters, letters, digits, `-` and `_`, starting with a letter or digit. */
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/** The credential for one trusted subject; its name is stable for issuer and subject. */
export function azureFederatedCredential(
  trust: Pick<Trust, "kind" | "issuerUrl" | "subject">,
): AzureFederatedCredentialSpec {
  const hash = createHash("sha256").update(`${trust.issuerUrl}\n${trust.subject}`).digest("hex").slice(0, 12);
  return {
    name: `${trust.kind}-${hash}`,
    issuer: trust.issuerUrl,
    subject: trust.subject,
    audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
  };
}

/**
 * The credentials of every subject an agent trusts on Azure, without duplicates. Throws a clear
 * error above Azure's limit, before anything is deployed.
 */
export function azureFederatedCredentials(
  subjects: readonly Pick<Trust, "kind" | "issuerUrl" | "subject">[],
): AzureFederatedCredentialSpec[] {
  const unique = new Map<string, AzureFederatedCredentialSpec>();
  for (const subject of subjects) {
    const spec = azureFederatedCredential(subject);
    unique.set(spec.name, spec);
  }
  if (unique.size > AZURE_FEDERATED_CREDENTIAL_LIMIT)
    throw new Error(
      `${unique.size} federated subjects: an Azure managed identity holds at most ${AZURE_FEDERATED_CREDENTIAL_LIMIT} federated identity credentials; split the agent or trust fewer subjects`,
    );
  return [...unique.values()];
}
