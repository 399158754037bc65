/**
 * The cloud providers are optional peer dependencies of `@agent-iam/pulumi`: a team that declares
 * only AWS agents installs `@pulumi/aws` and not `@pulumi/gcp` or `@pulumi/azure-native` (hundreds
 * of MB). Each provider module below is loaded the first time a component uses it; when its
 * package is not installed, that use fails with the package to install.
 */

/** A provider module that loads on first use; `packageName` is what to install when it is missing. */
function onFirstUse<T extends object>(specifier: string, packageName: string, cloud: string): T {
  let loaded: T | undefined;
  const load = (): T => {
    if (loaded) return loaded;
    try {
      loaded = require(specifier) as T;
    } catch (error) {
      const missing = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String(error).includes(packageName);
      if (!missing) throw error;
      throw new Error(
        `an agent on ${cloud} needs the ${packageName} package, which is not installed: run npm install ${packageName} in your Pulumi project (agent-iam uses your own copy of the provider)`,
      );
    }
    return loaded;
  };
  return new Proxy({} as T, { get: (_target, key) => Reflect.get(load(), key) });
}

export const aws = onFirstUse<typeof import("@pulumi/aws")>("@pulumi/aws", "@pulumi/aws", "AWS");

export const gcpArtifactRegistry = onFirstUse<typeof import("@pulumi/gcp/artifactregistry")>(
  "@pulumi/gcp/artifactregistry",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpBigQuery = onFirstUse<typeof import("@pulumi/gcp/bigquery")>(
  "@pulumi/gcp/bigquery",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpBilling = onFirstUse<typeof import("@pulumi/gcp/billing")>(
  "@pulumi/gcp/billing",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpCloudFunctionsV2 = onFirstUse<typeof import("@pulumi/gcp/cloudfunctionsv2")>(
  "@pulumi/gcp/cloudfunctionsv2",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpCloudScheduler = onFirstUse<typeof import("@pulumi/gcp/cloudscheduler")>(
  "@pulumi/gcp/cloudscheduler",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpCloudRunV2 = onFirstUse<typeof import("@pulumi/gcp/cloudrunv2")>(
  "@pulumi/gcp/cloudrunv2",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpIam = onFirstUse<typeof import("@pulumi/gcp/iam")>("@pulumi/gcp/iam", "@pulumi/gcp", "Google Cloud");
export const gcpKms = onFirstUse<typeof import("@pulumi/gcp/kms")>("@pulumi/gcp/kms", "@pulumi/gcp", "Google Cloud");
export const gcpMonitoring = onFirstUse<typeof import("@pulumi/gcp/monitoring")>(
  "@pulumi/gcp/monitoring",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpProjects = onFirstUse<typeof import("@pulumi/gcp/projects")>(
  "@pulumi/gcp/projects",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpPubSub = onFirstUse<typeof import("@pulumi/gcp/pubsub")>(
  "@pulumi/gcp/pubsub",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpSecretManager = onFirstUse<typeof import("@pulumi/gcp/secretmanager")>(
  "@pulumi/gcp/secretmanager",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpServiceAccount = onFirstUse<typeof import("@pulumi/gcp/serviceaccount")>(
  "@pulumi/gcp/serviceaccount",
  "@pulumi/gcp",
  "Google Cloud",
);
export const gcpStorage = onFirstUse<typeof import("@pulumi/gcp/storage")>(
  "@pulumi/gcp/storage",
  "@pulumi/gcp",
  "Google Cloud",
);

export const azureAuthorization = onFirstUse<typeof import("@pulumi/azure-native/authorization")>(
  "@pulumi/azure-native/authorization",
  "@pulumi/azure-native",
  "Azure",
);
export const azureConsumption = onFirstUse<typeof import("@pulumi/azure-native/consumption")>(
  "@pulumi/azure-native/consumption",
  "@pulumi/azure-native",
  "Azure",
);
export const azureManagedIdentity = onFirstUse<typeof import("@pulumi/azure-native/managedidentity")>(
  "@pulumi/azure-native/managedidentity",
  "@pulumi/azure-native",
  "Azure",
);
export const azureMonitor = onFirstUse<typeof import("@pulumi/azure-native/monitor")>(
  "@pulumi/azure-native/monitor",
  "@pulumi/azure-native",
  "Azure",
);
