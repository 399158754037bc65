import type { AnalyzerResource } from "../src/gate/analyzer";

/**
 * The workload resources a real stack holds beside its agents (the buckets, tables, instances and
 * databases they work on), as a program declares them: what `@pulumi/awsguard`'s policies judge,
 * so that figure 3 compares both packs on resources each has something to say about. One of each
 * kind in turn, half of them as a careless program writes them (no logging, no encryption), half
 * as a careful one does; the same list for the same count.
 */

const KINDS: readonly ((index: number, careful: boolean) => Pick<AnalyzerResource, "type" | "properties">)[] = [
  (index, careful) => ({
    type: "aws:s3/bucket:Bucket",
    properties: {
      bucket: `acme-data-${index}`,
      ...(careful ? { loggings: [{ targetBucket: "acme-logs", targetPrefix: `data-${index}/` }] } : {}),
      tags: { team: "data" },
    },
  }),
  (index, careful) => ({
    type: "aws:dynamodb/table:Table",
    properties: {
      name: `orders-${index}`,
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      ...(careful ? { serverSideEncryption: { enabled: true } } : {}),
    },
  }),
  (index, careful) => ({
    type: "aws:ec2/instance:Instance",
    properties: {
      ami: "ami-0abcdef1234567890",
      instanceType: "t3.micro",
      monitoring: careful,
      associatePublicIpAddress: !careful,
      ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 20, encrypted: careful }],
      tags: { Name: `worker-${index}` },
    },
  }),
  (index, careful) => ({
    type: "aws:rds/instance:Instance",
    properties: {
      identifier: `reports-${index}`,
      engine: "postgres",
      instanceClass: "db.t3.micro",
      allocatedStorage: 20,
      storageEncrypted: careful,
      multiAz: careful,
      publiclyAccessible: !careful,
      backupRetentionPeriod: careful ? 7 : 0,
    },
  }),
];

/** `count` workload resources of a stack, in the shape the engine sends them to a pack. */
export function workloadResources(count: number, stack: string, project: string): AnalyzerResource[] {
  return Array.from({ length: count }, (_, index) => {
    const { type, properties } = KINDS[index % KINDS.length]!(index, index % 2 === 0);
    const name = `workload-${index}`;
    return { urn: `urn:pulumi:${stack}::${project}::${type}::${name}`, type, name, properties };
  });
}
