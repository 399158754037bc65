import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type * as grpcJs from "@grpc/grpc-js";
import fc from "fast-check";
import { AnalyzerService } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalyzerResource } from "../../src/gate/analyzer";
import { ANALYZER_MESSAGE_LIMIT, exceedsMessageLimit } from "../../src/gate/analyzer/message-limit";
import {
  analyzeStackRequestBytes,
  analyzeStackRequestSize,
  analyzerResourceBytes,
} from "../../src/gate/analyzer/request-encoding";
import { type CheckResult, runCheck } from "../../src/gate/cli/check/run-check";
import { splitAdvice, stackTooLargeLines } from "../../src/gate/cli/check/stack-limit";
import { humanReport } from "../../src/gate/cli/report/human";
import { jsonDocument } from "../../src/gate/cli/report/json";
import { runOrganisation } from "../../src/gate/cli/org/run-org";
import { RULES } from "../../src/rules";
import { analyzeStackRequest } from "../support/analyzer-oracle";
import { REPO } from "../support/cli";
import { runs } from "../support/property";
import { resourceArbitrary } from "../support/analyzer-arbitraries";
import pc from "picocolors";

/**
 * The analyzer's message limit. `@pulumi/policy`'s server refuses any request above 400 MiB, and
 * the engine sends a whole stack in one `AnalyzeStack`: `agent-iam check` knows the request's size
 * before it sends it, says what `pulumi preview` would hit, and still reports the resource
 * policies. Nothing here builds a 400 MiB message: the size is computed from encoded resources'
 * lengths (checked against the bytes google-protobuf writes), the limit's meaning against a real
 * gRPC server at a small limit, and the check's behaviour with the limit lowered.
 */

const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkRoot] })) as typeof grpcJs;

/** A resource as a 2,000-agent fleet's stack holds them: an agent role with its trust and tags. */
const ROLE: AnalyzerResource = {
  urn: "urn:pulumi:prod::agent-fleet::agent-iam:index:AgentIdentity$aws:iam/role:Role::platform-rev-prod-1234",
  type: "aws:iam/role:Role",
  name: "platform-rev-prod-1234",
  properties: {
    name: "agent-platform-rev-prod-1234-prod",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": "repo:acme/api:environment:prod",
            },
          },
        },
      ],
    }),
    maxSessionDuration: 3600,
    tags: { "agent-iam:agent": "platform-rev-prod-1234", owner: "keisha@acme.example", environment: "prod" },
    arn: "arn:aws:iam::123456789012:role/agent-platform-rev-prod-1234-prod",
  },
  options: { parent: "urn:pulumi:prod::agent-fleet::agent-iam:index:AgentIdentity::platform-rev-prod-1234" },
  parent: "urn:pulumi:prod::agent-fleet::agent-iam:index:AgentIdentity::platform-rev-prod-1234",
  dependencies: [],
};

describe("the size of an AnalyzeStack request, known before it is put together", () => {
  it("is the length of the bytes google-protobuf writes for the whole request", () => {
    fc.assert(
      fc.property(fc.array(resourceArbitrary, { maxLength: 6 }), (resources) => {
        const parts = resources.map(analyzerResourceBytes);
        const size = analyzeStackRequestSize(parts.map((part) => part.length));
        expect(size).toBe(analyzeStackRequestBytes(parts).length);
        expect(size).toBe(analyzeStackRequest(resources).serializeBinary().length);
      }),
      runs(100),
    );
  });

  it("puts a synthetic stack of realistic resources past the limit where the issue saw it fail", () => {
    const length = analyzerResourceBytes(ROLE).length;
    // As many such resources as fit in the limit, then one more (lengths only: no 400 MiB buffer).
    const perResource = analyzeStackRequestSize([length]);
    const fitting = Math.floor(ANALYZER_MESSAGE_LIMIT / perResource);
    const lengths = new Array<number>(fitting).fill(length);
    expect(exceedsMessageLimit(analyzeStackRequestSize(lengths))).toBe(false);
    lengths.push(length);
    expect(exceedsMessageLimit(analyzeStackRequestSize(lengths))).toBe(true);
    // The issue's 15,000-agent stack: 270,000 resources of 2,210 bytes on average made 596,689,146 bytes.
    expect(exceedsMessageLimit(596_689_146)).toBe(true);
  });

  it("is @pulumi/policy's own limit, as its server sets it", () => {
    const server = readFileSync(require.resolve("@pulumi/policy/server.js"), "utf8");
    const declared = /const maxRPCMessageSize = ([\d\s*]+);/.exec(server)?.[1];
    expect(declared, "@pulumi/policy/server.js no longer declares maxRPCMessageSize").toBeDefined();
    expect(declared!.split("*").reduce((product, factor) => product * Number(factor.trim()), 1)).toBe(
      ANALYZER_MESSAGE_LIMIT,
    );
    expect(server).toContain('"grpc.max_receive_message_length": maxRPCMessageSize');
  });
});

describe("the limit as the analyzer's gRPC server applies it", () => {
  const LIMIT = 4_096;
  let server: grpcJs.Server;
  let client: grpcJs.Client;

  beforeAll(async () => {
    server = new grpc.Server({ "grpc.max_receive_message_length": LIMIT });
    server.addService(AnalyzerService, {
      analyzeStack: (_call: unknown, callback: (error: null, response: analyzerPb.AnalyzeResponse) => void) =>
        callback(null, new analyzerPb.AnalyzeResponse()),
    } as unknown as grpcJs.UntypedServiceImplementation);
    const port = await new Promise<number>((resolvePromise, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolvePromise(bound),
      ),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  /** An AnalyzeStack request of exactly `bytes` bytes: one resource with a padded property. */
  function requestOf(bytes: number): Uint8Array {
    // A length crossing a varint boundary grows the request by two bytes: a second property evens it out.
    for (const extra of [{}, { more: "" }])
      for (let pad = 0; pad < bytes; pad += 1) {
        const part = analyzerResourceBytes({ ...ROLE, properties: { pad: "x".repeat(pad), ...extra } });
        const size = analyzeStackRequestSize([part.length]);
        if (size === bytes) return analyzeStackRequestBytes([part]);
        if (size > bytes) break;
      }
    throw new Error(`no request of ${bytes} bytes`);
  }

  const send = (request: Uint8Array) =>
    new Promise<string>((resolvePromise) =>
      client.makeUnaryRequest(
        AnalyzerService.analyzeStack.path,
        (bytes: Uint8Array) => Buffer.from(bytes),
        (buffer: Buffer) => buffer,
        request,
        (error) => resolvePromise(error ? error.details || error.message : "accepted"),
      ),
    );

  it("accepts a request of exactly the limit and refuses one byte more, as exceedsMessageLimit says", async () => {
    const atLimit = requestOf(LIMIT);
    const over = requestOf(LIMIT + 1);
    expect(await send(atLimit)).toBe("accepted");
    expect(await send(over)).toMatch(/Received message larger than max \(4097 vs 4096\)/);
    expect(exceedsMessageLimit(atLimit.length, LIMIT)).toBe(false);
    expect(exceedsMessageLimit(over.length, LIMIT)).toBe(true);
  });
});

describe("the message", () => {
  const issue = { resources: 270_114, bytes: 596_689_146, limit: ANALYZER_MESSAGE_LIMIT };

  it("says the resources, the bytes, the limit, that pulumi preview fails the same way, and how to split", () => {
    const text = stackTooLargeLines(issue, { project: "agent-fleet-15000", stack: "fleet" }, [
      "environment-isolation",
      "delegation-within-approval",
    ]).join("\n");
    expect(text).toContain("agent-fleet-15000/fleet");
    expect(text).toContain("270,114 resources");
    expect(text).toContain("596,689,146 bytes");
    expect(text).toContain("419,430,400 bytes (400 MiB)");
    expect(text).toContain("pulumi preview --policy-pack would fail the same way");
    expect(text).toContain("Received message larger than max (596689146 vs 419430400)");
    expect(text).toContain("the stack policies did not run (environment-isolation, delegation-within-approval)");
    expect(text).toContain("2 or more stacks of at most about 135,057 resources each");
    expect(text).toContain("agent-iam check DIR");
  });

  it("splits into stacks that each stay under four fifths of the limit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: ANALYZER_MESSAGE_LIMIT + 1, max: 20 * ANALYZER_MESSAGE_LIMIT }),
        fc.integer({ min: 1_000, max: 5_000_000 }),
        (bytes, resources) => {
          const { stacks, resourcesPerStack } = splitAdvice({ resources, bytes, limit: ANALYZER_MESSAGE_LIMIT });
          expect(stacks).toBeGreaterThanOrEqual(2);
          expect(bytes / stacks).toBeLessThanOrEqual(ANALYZER_MESSAGE_LIMIT * 0.8);
          expect(resourcesPerStack * stacks).toBeLessThanOrEqual(resources);
        },
      ),
      runs(200),
    );
  });
});

describe("agent-iam check with a stack past the limit (the limit lowered to a small program's size)", () => {
  const STACK_POLICIES = new Set(RULES.filter((rule) => rule.scope === "stack").map((rule) => rule.name));
  let full: CheckResult;
  let limited: CheckResult;

  beforeAll(async () => {
    const options = { programDir: join(REPO, "examples", "insecure"), cwd: REPO };
    full = await runCheck(options);
    limited = await runCheck({ ...options, stackMessageLimit: 10_000 });
  }, 300_000);

  it("does not send the stack, says how large it was, and exits 2", () => {
    expect(full.stackTooLarge).toBeUndefined();
    expect(limited.stackTooLarge).toMatchObject({ resources: limited.recorded.resources.length, limit: 10_000 });
    expect(limited.stackTooLarge!.bytes).toBeGreaterThan(10_000);
    expect(limited.exitCode).toBe(2);
  });

  it("still reports every finding of the resource policies, and none of the stack policies", () => {
    const key = (violation: CheckResult["violations"][number]) =>
      `${violation.policy}|${violation.urn}|${violation.message}`;
    const resourceFindings = full.violations.filter((violation) => !STACK_POLICIES.has(violation.policy));
    expect(full.violations.some((violation) => STACK_POLICIES.has(violation.policy))).toBe(true);
    expect(resourceFindings.length).toBeGreaterThan(0);
    expect(limited.violations.map(key)).toEqual(resourceFindings.map(key));
  });

  it("says so in the human report and the JSON document", () => {
    const text = humanReport(limited, pc.createColors(false), REPO);
    expect(text.trimEnd().split("\n").pop()).toMatch(/^✖ INCOMPLETE: the stack policies did not run/);
    const document = jsonDocument(limited, REPO);
    expect(document.check).toMatchObject({ passed: false, exitCode: 2, stackPoliciesSkipped: limited.stackTooLarge });
    expect(jsonDocument(full, REPO).check).not.toHaveProperty("stackPoliciesSkipped");
  });

  it("in a folder of several programs, reports the stack as not checked and the others as checked", async () => {
    const result = await runOrganisation({
      dir: join(REPO, "test", "fixtures", "organisation", "programs"),
      cwd: REPO,
      stacks: ["dev"],
      stackMessageLimit: 4_000,
      log: () => undefined,
    });
    try {
      const byLabel = Object.fromEntries(result.outcomes.map((outcome) => [outcome.label, outcome]));
      expect(Object.keys(byLabel).sort()).toEqual(["org-broken/dev", "org-two-stacks/dev"]);
      expect(byLabel["org-two-stacks/dev"]!.report!.stackTooLarge).toMatchObject({ limit: 4_000 });
      expect(byLabel["org-two-stacks/dev"]!.report!.violations.length).toBeGreaterThan(0);
      expect(result.exitCode).toBe(2);
    } finally {
      result.dispose();
    }
  }, 300_000);
});
