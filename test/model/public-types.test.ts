import { describe, expectTypeOf, it } from "vitest";
import type {
  AgentGatewayReference,
  ArgumentTest,
  GatewayCatalog,
  GatewayTarget,
  GatewayTool,
  SerialisableAgentGatewayArgs,
  TargetCredentials,
  ToolAccess,
  ToolPermission,
} from "../../src/model/serialisable-tools";

import type { z } from "zod";
import type { AgentSpec, AwsBlock, AzureBlock, BreakGlassSpec, BudgetSpec, GcpBlock } from "../../src/model/agent-spec";
import type { budgetSchema } from "../../src/model/budget";
import type {
  AgentCloudIdentities,
  InventoryGrant,
  InventoryRecord,
  InventoryTool,
} from "../../src/model/inventory/record";
import type {
  AgentGatewayArgs,
  ArgumentCondition,
  GatewayIssuerSpec,
  GatewayTargetSpec,
  AgentGatewayLike,
  PerCallApprovalSpec,
  RateLimitSpec,
  ToolAccessSpec,
  ToolInputSpec,
  ToolPermissionSpec,
  ToolSpec,
} from "../../src/model/tool-spec";
import type { gatewayArgsSchema } from "../../src/model/gateway";
import type {
  argumentConditionSchema,
  argumentTestSchema,
  perCallApprovalSchema,
  rateLimitSchema,
  toolAccessSchema,
  toolCatalogSchema,
  toolInputSchema,
  toolPermissionSchema,
  toolSpecSchema,
} from "../../src/model/tools";
import type {
  awsIdentitySchema,
  azureIdentitySchema,
  gcpIdentitySchema,
  inventoryGrantSchema,
  inventoryRecordSchema,
  inventoryToolSchema,
} from "../../src/model/inventory/schema";
import type {
  awsWorkloadSchema,
  azureWorkloadSchema,
  gcpWorkloadSchema,
  genericOidcSchema,
  githubActionsSchema,
  gitlabCiSchema,
  kubernetesSchema,
} from "../../src/model/issuers";
import type {
  AwsWorkloadArgs,
  AzureWorkloadArgs,
  GcpWorkloadArgs,
  GithubActionsArgs,
  GitlabCiArgs,
  KubernetesArgs,
  OidcArgs,
} from "../../src/model/runs-on";
import type { agentSpecSchema, awsBlockSchema, azureBlockSchema, gcpBlockSchema } from "../../src/model/spec";
import type {
  AwsSettings,
  AzureSettings,
  BreakGlass,
  Budget,
  GcpSettings,
  GithubActions,
  GitlabCi,
  Kubernetes,
  Oidc,
  SerialisableAgentSpec,
} from "../../src/model/serialisable-spec";

/**
 * The package's public types are written by hand (so that its declarations carry no schema
 * library's types into a user's compile); the schemas are what every spec is checked against.
 * These compile-time checks keep the two from drifting: the same fields on every object, and the
 * inventory record's shape the same both ways. `npm run typecheck` runs them.
 */

type Keys<T> = keyof T & string;

describe("public types against the schemas", () => {
  it("the agent spec and its blocks have exactly the schema's fields", () => {
    expectTypeOf<Keys<AgentSpec>>().toEqualTypeOf<Keys<z.input<typeof agentSpecSchema>>>();
    expectTypeOf<Keys<AwsBlock>>().toEqualTypeOf<Keys<z.input<typeof awsBlockSchema>>>();
    expectTypeOf<Keys<GcpBlock>>().toEqualTypeOf<Keys<z.input<typeof gcpBlockSchema>>>();
    expectTypeOf<Keys<AzureBlock>>().toEqualTypeOf<Keys<z.input<typeof azureBlockSchema>>>();
    expectTypeOf<Keys<BudgetSpec>>().toEqualTypeOf<Keys<z.input<typeof budgetSchema>>>();
    expectTypeOf<Keys<BreakGlassSpec>>().toEqualTypeOf<
      Keys<NonNullable<z.input<typeof agentSpecSchema>["breakGlass"]>>
    >();
  });

  it("an agent's tools and a gateway's arguments have exactly the schemas' fields", () => {
    expectTypeOf<Keys<ToolAccessSpec>>().toEqualTypeOf<Keys<z.input<typeof toolAccessSchema>>>();
    expectTypeOf<Keys<ToolPermissionSpec>>().toEqualTypeOf<Keys<z.input<typeof toolPermissionSchema>>>();
    expectTypeOf<Keys<ArgumentCondition>>().toEqualTypeOf<Keys<z.input<typeof argumentConditionSchema>>>();
    expectTypeOf<Keys<RateLimitSpec>>().toEqualTypeOf<Keys<z.input<typeof rateLimitSchema>>>();
    expectTypeOf<Keys<PerCallApprovalSpec>>().toEqualTypeOf<Keys<z.input<typeof perCallApprovalSchema>>>();
    expectTypeOf<Keys<ToolSpec>>().toEqualTypeOf<Keys<z.input<typeof toolSpecSchema>>>();
    expectTypeOf<Keys<ToolInputSpec>>().toEqualTypeOf<Keys<z.input<typeof toolInputSchema>>>();
    expectTypeOf<Keys<AgentGatewayArgs>>().toEqualTypeOf<Keys<z.input<typeof gatewayArgsSchema>>>();
    expectTypeOf<Keys<GatewayIssuerSpec>>().toEqualTypeOf<Keys<z.input<typeof gatewayArgsSchema>["issuer"]>>();
    expectTypeOf<Keys<GatewayTargetSpec>>().toEqualTypeOf<Keys<z.input<typeof gatewayArgsSchema>["targets"][number]>>();
  });

  it("each runsOn preset has exactly its schema's fields", () => {
    expectTypeOf<Keys<GithubActionsArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof githubActionsSchema>>, "kind">>();
    expectTypeOf<Keys<GitlabCiArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof gitlabCiSchema>>, "kind">>();
    expectTypeOf<Keys<KubernetesArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof kubernetesSchema>>, "kind">>();
    expectTypeOf<Keys<OidcArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof genericOidcSchema>>, "kind">>();
    expectTypeOf<Keys<AwsWorkloadArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof awsWorkloadSchema>>, "kind">>();
    expectTypeOf<Keys<GcpWorkloadArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof gcpWorkloadSchema>>, "kind">>();
    expectTypeOf<Keys<AzureWorkloadArgs>>().toEqualTypeOf<Exclude<Keys<z.input<typeof azureWorkloadSchema>>, "kind">>();
    expectTypeOf<AwsWorkloadArgs["service"]>().toEqualTypeOf<z.input<typeof awsWorkloadSchema>["service"]>();
    expectTypeOf<GcpWorkloadArgs["service"]>().toEqualTypeOf<z.input<typeof gcpWorkloadSchema>["service"]>();
    expectTypeOf<AzureWorkloadArgs["service"]>().toEqualTypeOf<z.input<typeof azureWorkloadSchema>["service"]>();
  });

  it("the inventory record is the schema's record, both ways", () => {
    expectTypeOf<z.infer<typeof inventoryRecordSchema>>().toExtend<InventoryRecord>();
    expectTypeOf<InventoryRecord>().toExtend<z.infer<typeof inventoryRecordSchema>>();
    expectTypeOf<z.infer<typeof inventoryGrantSchema>>().toExtend<InventoryGrant>();
    expectTypeOf<InventoryGrant>().toExtend<z.infer<typeof inventoryGrantSchema>>();
    expectTypeOf<Keys<InventoryRecord>>().toEqualTypeOf<Keys<z.infer<typeof inventoryRecordSchema>>>();
    expectTypeOf<z.infer<typeof inventoryToolSchema>>().toExtend<InventoryTool>();
    expectTypeOf<InventoryTool>().toExtend<z.infer<typeof inventoryToolSchema>>();
    expectTypeOf<NonNullable<AgentCloudIdentities["aws"]>>().toExtend<z.infer<typeof awsIdentitySchema>>();
    expectTypeOf<z.infer<typeof awsIdentitySchema>>().toExtend<NonNullable<AgentCloudIdentities["aws"]>>();
    expectTypeOf<NonNullable<AgentCloudIdentities["gcp"]>>().toExtend<z.infer<typeof gcpIdentitySchema>>();
    expectTypeOf<z.infer<typeof gcpIdentitySchema>>().toExtend<NonNullable<AgentCloudIdentities["gcp"]>>();
    expectTypeOf<NonNullable<AgentCloudIdentities["azure"]>>().toExtend<z.infer<typeof azureIdentitySchema>>();
    expectTypeOf<z.infer<typeof azureIdentitySchema>>().toExtend<NonNullable<AgentCloudIdentities["azure"]>>();
  });

  it("the form other Pulumi languages write has the schema's fields", () => {
    expectTypeOf<Keys<SerialisableAgentSpec>>().toEqualTypeOf<Keys<z.input<typeof agentSpecSchema>>>();
    expectTypeOf<Keys<ToolAccess>>().toEqualTypeOf<Keys<z.input<typeof toolAccessSchema>>>();
    // A gateway's reference holds what an agent reads of a TypeScript AgentGateway.
    expectTypeOf<Keys<AgentGatewayReference>>().toEqualTypeOf<Keys<AgentGatewayLike>>();
    expectTypeOf<Keys<GatewayCatalog>>().toEqualTypeOf<Keys<z.input<typeof toolCatalogSchema>>>();
    expectTypeOf<Keys<ToolPermission>>().toEqualTypeOf<Keys<z.input<typeof toolPermissionSchema>>>();
    expectTypeOf<Keys<ArgumentTest>>().toEqualTypeOf<Keys<z.input<typeof argumentTestSchema>>>();
    expectTypeOf<Keys<GatewayTool>>().toEqualTypeOf<Keys<z.input<typeof toolSpecSchema>>>();
    expectTypeOf<Keys<SerialisableAgentGatewayArgs>>().toEqualTypeOf<Keys<z.input<typeof gatewayArgsSchema>>>();
    expectTypeOf<Keys<GatewayTarget>>().toEqualTypeOf<Keys<z.input<typeof gatewayArgsSchema>["targets"][number]>>();
    expectTypeOf<Keys<TargetCredentials>>().toEqualTypeOf<"oauth2" | "apiKey" | "gatewayRole">();
    expectTypeOf<Keys<AwsSettings>>().toEqualTypeOf<Keys<z.input<typeof awsBlockSchema>>>();
    expectTypeOf<Keys<GcpSettings>>().toEqualTypeOf<Keys<z.input<typeof gcpBlockSchema>>>();
    expectTypeOf<Keys<AzureSettings>>().toEqualTypeOf<Keys<z.input<typeof azureBlockSchema>>>();
    expectTypeOf<Keys<Budget>>().toEqualTypeOf<Keys<z.input<typeof budgetSchema>>>();
    expectTypeOf<Keys<BreakGlass>>().toEqualTypeOf<Keys<NonNullable<z.input<typeof agentSpecSchema>["breakGlass"]>>>();
    expectTypeOf<Keys<GithubActions>>().toEqualTypeOf<Keys<GithubActionsArgs>>();
    expectTypeOf<Keys<GitlabCi>>().toEqualTypeOf<Keys<GitlabCiArgs>>();
    expectTypeOf<Keys<Kubernetes>>().toEqualTypeOf<Keys<KubernetesArgs>>();
    expectTypeOf<Keys<Oidc>>().toEqualTypeOf<Keys<OidcArgs>>();
  });
});
