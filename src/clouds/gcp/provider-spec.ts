/** Everything a provider needs, derived from one agent's trust; agents whose specs are equal share the provider. */
export interface GcpProviderSpec {
  /** Equal for agents that can share the provider. */
  readonly key: string;
  readonly providerId: string;
  readonly displayName: string;
  readonly description: string;
  /** The OIDC issuer; absent for an AWS provider. */
  readonly issuerUri?: string;
  /** The AWS account of an AWS provider (type `aws`). */
  readonly awsAccountId?: string;
  readonly attributeMapping: Readonly<Record<string, string>>;
  readonly attributeCondition: string;
  /** Empty: Google's default audience, the provider's own resource name. */
  readonly allowedAudiences: readonly string[];
}
