import { aws } from "../providers";
import { COMPONENT_TYPES, FORMER_COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import { issuerUrlSchema } from "../../src/model/issuers";
import { DEFAULT_AWS_AUDIENCE } from "../../src/clouds/aws/trust-policy";
import { formatPath } from "../../src/model/agent-spec";
import { withFormerType } from "../shared-resources";

/** Arguments of {@link AwsOidcProvider}. */
export interface AwsOidcProviderArgs {
  /** The issuer, such as `https://token.actions.githubusercontent.com`. */
  issuerUrl: string;
  /** Audiences (client ids) the provider accepts; default `sts.amazonaws.com`. */
  audiences?: string[];
  /**
   * Certificate thumbprints. Not needed for GitHub: AWS has trusted its root CAs since 2023-07-06
   * and no longer checks thumbprints there; other issuers may need one.
   */
  thumbprints?: string[];
  /** Tags of the provider, besides `agent-iam:managed`. */
  tags?: Record<string, string>;
}

/**
 * The IAM OIDC provider of one issuer, shared by every agent that runs there (an account holds one
 * provider per issuer URL). Pass it as `aws.oidcProvider` of each `AgentIdentity`.
 */
export class AwsOidcProvider extends pulumi.ComponentResource {
  /** The provider's ARN, the `Federated` principal of agent trust policies. */
  readonly arn: pulumi.Output<string>;
  readonly issuerUrl: string;

  constructor(name: string, args: AwsOidcProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = issuerUrlSchema.safeParse(args?.issuerUrl);
    if (!parsed.success)
      throw new Error(
        `AwsOidcProvider "${name}": ${parsed.error.issues.map((i) => `${formatPath(["issuerUrl", ...i.path])}: ${i.message}`).join("; ")}`,
      );
    super(COMPONENT_TYPES.AwsOidcProvider, name, {}, withFormerType(opts, FORMER_COMPONENT_TYPES.AwsOidcProvider));
    this.issuerUrl = parsed.data;
    const provider = new aws.iam.OpenIdConnectProvider(
      name,
      {
        url: parsed.data,
        clientIdLists: args.audiences ?? [DEFAULT_AWS_AUDIENCE],
        thumbprintLists: args.thumbprints,
        tags: { "agent-iam:managed": "true", ...args.tags },
      },
      { parent: this },
    );
    this.arn = provider.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
