import {
  gcpCloudFunctionsV2 as cloudfunctionsv2,
  gcpCloudRunV2 as cloudrunv2,
  gcpCloudScheduler as cloudscheduler,
  gcpProjects as projects,
  gcpPubSub as pubsub,
  gcpServiceAccount as serviceaccount,
  gcpStorage as storage,
} from "../providers";
import { COMPONENT_TYPES } from "../../src/model/contract";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Agent } from "../../src/model/agent";
import { gcpAccountId, shortHash } from "../../src/clouds/gcp/account-id";
import {
  GCP_BUDGET_STOPPER_ENTRY_POINT,
  GCP_BUDGET_STOPPER_PACKAGE,
  GCP_BUDGET_STOPPER_PERMISSIONS,
  GCP_BUDGET_STOPPER_SOURCE,
  gcpExpiryMessage,
  gcpExpirySchedule,
} from "../../src/clouds/gcp/budget-stopper-source";
import { formatPath } from "../../src/model/agent-spec";

/** Arguments of {@link GcpBudgetStopper}. */
export interface GcpBudgetStopperArgs {
  /** The project of the agents' service accounts; the stopper runs there too. */
  project: string;
  /** The region of the function and its source bucket, such as `europe-west1`. */
  region: string;
}

const argsSchema = z
  .object({
    project: z.string({ error: "project is required" }).regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
      message: "a GCP project id has 6–30 lower-case letters, digits or hyphens and starts with a letter",
    }),
    region: z
      .string({ error: "region is required, such as europe-west1" })
      .regex(/^[a-z]+-[a-z]+\d+$/, { message: "write the region as Google names it, such as europe-west1" }),
  })
  .strict();

/** The custom role's id: it holds only the permission to disable a service account. */
export const GCP_BUDGET_STOPPER_ROLE_ID = "agentIamBudgetStopper";

/**
 * What stops a GCP agent when it has spent its budget (Google's budgets only notify) or reached its
 * review date: a Pub/Sub topic every agent's budget publishes to, a Cloud Scheduler job per agent
 * that publishes an expiry message there at 00:00 UTC on its review date, and a Cloud Run function
 * (2nd gen) subscribed to the topic that disables the agent's service account at the budget's
 * `stopAt` % or once the review date has come. The date matters for grants on resource types that
 * take no IAM condition (Pub/Sub, Artifact Registry, service accounts: see `GCP_EXPIRY_SUPPORT`),
 * which only this ends. No key exists anywhere: the function runs as its own service account, whose
 * only permission is `iam.serviceAccounts.disable` (a custom role), granted on each protected
 * agent's account and nowhere else. Pass it as `gcp.budgetStopper` of each `AgentIdentity` with a
 * budget or a grant that only it can end; one per project. Cloud Scheduler publishes as its service
 * agent, whose role (`roles/cloudscheduler.serviceAgent`) holds `pubsub.topics.publish`; the Cloud
 * Scheduler API must be enabled in the project.
 *
 * Disabling the account stops new tokens at once; a token already minted lives out its hour.
 * `pulumi up --refresh` would enable the account again (the component declares it enabled):
 * raise the budget, move the review date, or remove the agent instead.
 */
export class GcpBudgetStopper extends pulumi.ComponentResource {
  /** `projects/P/topics/T`: the budgets publish here. */
  readonly topicId: pulumi.Output<string>;
  /** The email of the function's service account. */
  readonly serviceAccountEmail: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly project: string;
  private readonly region: string;
  private readonly componentName: string;
  private readonly role: InstanceType<typeof projects.IAMCustomRole>;
  private readonly protectedAgents = new Set<string>();

  constructor(name: string, args: GcpBudgetStopperArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = argsSchema.safeParse(args);
    if (!parsed.success)
      throw new Error(
        `GcpBudgetStopper "${name}" is not valid:\n${parsed.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join("\n")}`,
      );
    super(COMPONENT_TYPES.GcpBudgetStopper, name, {}, opts);
    const { project, region } = parsed.data;
    this.project = project;
    this.region = region;
    this.componentName = name;

    const topic = new pubsub.Topic(
      name,
      { project, name: "agent-iam-budget-stop", labels: { "agent-iam": "budget-stop" } },
      { parent: this },
    );
    const account = new serviceaccount.Account(
      name,
      {
        project,
        accountId: "agent-iam-budget-stopper",
        displayName: "agent-iam budget stopper",
        description:
          "Disables an agent's service account when its budget is spent (agent-iam); may disable the agents' accounts and nothing else",
      },
      { parent: this },
    );
    this.role = new projects.IAMCustomRole(
      `${name}-disable`,
      {
        project,
        roleId: GCP_BUDGET_STOPPER_ROLE_ID,
        title: "agent-iam budget stopper",
        description:
          "Disable a service account: granted to the budget stopper on each agent's account only (agent-iam).",
        permissions: [...GCP_BUDGET_STOPPER_PERMISSIONS],
        stage: "GA",
      },
      { parent: this },
    );

    const bucket = new storage.Bucket(
      `${name}-source`,
      {
        project,
        location: region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: true,
        labels: { "agent-iam": "budget-stop" },
      },
      { parent: this },
    );
    // The object's name changes with the source, so a new source deploys a new revision.
    const source = new storage.BucketObject(
      `${name}-source`,
      {
        bucket: bucket.name,
        name: `budget-stopper-${shortHash(GCP_BUDGET_STOPPER_SOURCE + GCP_BUDGET_STOPPER_PACKAGE, 12)}.zip`,
        source: new pulumi.asset.AssetArchive({
          "index.js": new pulumi.asset.StringAsset(GCP_BUDGET_STOPPER_SOURCE),
          "package.json": new pulumi.asset.StringAsset(GCP_BUDGET_STOPPER_PACKAGE),
        }),
      },
      { parent: this },
    );

    const fn = new cloudfunctionsv2.Function(
      name,
      {
        project,
        location: region,
        name: "agent-iam-budget-stopper",
        description: "Disables an agent's service account when its budget reaches the stop percentage (agent-iam)",
        buildConfig: {
          runtime: "nodejs20",
          entryPoint: GCP_BUDGET_STOPPER_ENTRY_POINT,
          source: { storageSource: { bucket: bucket.name, object: source.name } },
        },
        serviceConfig: {
          serviceAccountEmail: account.email,
          ingressSettings: "ALLOW_INTERNAL_ONLY",
          maxInstanceCount: 1,
          availableMemory: "256M",
          timeoutSeconds: 60,
          allTrafficOnLatestRevision: true,
          environmentVariables: { AGENT_IAM_PROJECT: project },
        },
        eventTrigger: {
          triggerRegion: region,
          eventType: "google.cloud.pubsub.topic.v1.messagePublished",
          pubsubTopic: pulumi.interpolate`projects/${topic.project}/topics/${topic.name}`,
          retryPolicy: "RETRY_POLICY_RETRY",
          serviceAccountEmail: account.email,
        },
        labels: { "agent-iam": "budget-stop" },
      },
      { parent: this },
    );
    // The trigger delivers events as the stopper's account, which may invoke this function only.
    new cloudrunv2.ServiceIamMember(
      `${name}-invoker`,
      {
        project,
        location: region,
        name: fn.name,
        role: "roles/run.invoker",
        member: pulumi.interpolate`serviceAccount:${account.email}`,
      },
      { parent: this },
    );

    this.topicId = pulumi.interpolate`projects/${topic.project}/topics/${topic.name}`;
    this.serviceAccountEmail = account.email;
    this.functionName = fn.name;
    this.registerOutputs({
      topicId: this.topicId,
      serviceAccountEmail: this.serviceAccountEmail,
      functionName: this.functionName,
    });
  }

  /**
   * Lets the stopper disable one agent's service account (and no other), and schedules the message
   * that disables it on the agent's review date. The binding has no condition: service accounts
   * take none, and the stopper must still be able to act on the review date. `AgentIdentity` calls
   * it for an agent with `gcp.budgetStopper`.
   */
  protect(
    agent: Agent,
    serviceAccountName: pulumi.Input<string>,
    opts?: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource | undefined {
    if (this.protectedAgents.has(agent.id)) return undefined;
    this.protectedAgents.add(agent.id);
    const accountId = gcpAccountId(agent);
    new cloudscheduler.Job(
      `${this.componentName}-expire-${agent.id}`,
      {
        project: this.project,
        region: this.region,
        name: `agent-iam-expire-${accountId}`,
        description: `Disables the service account of agent ${agent.id} on its review date ${agent.expires} (agent-iam)`,
        schedule: gcpExpirySchedule(agent.expires),
        timeZone: "Etc/UTC",
        pubsubTarget: {
          topicName: this.topicId,
          data: Buffer.from(gcpExpiryMessage(accountId, agent.expires)).toString("base64"),
        },
        retryConfig: { retryCount: 5, minBackoffDuration: "60s" },
      },
      { parent: this, ...opts },
    );
    return new serviceaccount.IAMMember(
      `${this.componentName}-may-stop-${agent.id}`,
      {
        serviceAccountId: serviceAccountName,
        role: this.role.name,
        member: pulumi.interpolate`serviceAccount:${this.serviceAccountEmail}`,
      },
      { parent: this, ...opts, dependsOn: [this.role] },
    );
  }
}
