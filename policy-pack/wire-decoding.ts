import { dirname } from "node:path";
import { decodeAnalyzeRequest, decodeAnalyzeStackRequest } from "../src/gate/analyzer/request-views";

/**
 * `@pulumi/policy`'s analyzer server decodes each request with google-protobuf's generated classes,
 * which build a message object for every property value of every resource before any policy runs.
 * For an `AnalyzeStack` of a 300-agent fleet that decoding alone cost more pack CPU per resource
 * than all of this pack's stack policies (bench/README.md). {@link decodeRequestsDirectly} has the
 * server decode `Analyze` and `AnalyzeStack` requests into light views (src/gate/analyzer/request-views.ts)
 * that answer the same getters with the same values; everything else the server does (enforcement
 * levels, config, not-applicable notes, the response) stays its own.
 *
 * The views answer the getters `@pulumi/policy`'s `server.js` calls in the versions it was tested
 * with (`test/gate/analyzer-decoding.test.ts` compares them message by message, and
 * `test/policy-pack/policy-pack-decoding.test.ts` compares the pack's answers with either decoder), so it is
 * installed only for those versions; with any other, the server keeps google-protobuf.
 *
 * `AGENT_IAM_PACK_DECODER` chooses: `google-protobuf` keeps google-protobuf's decoding (to compare,
 * or to rule the views out); `views` insists on the views, and the pack refuses to start without
 * them; unset, the views when they can be installed.
 */

/** The `@pulumi/policy` versions whose server the views were tested against. */
const TESTED_POLICY_SDK = /^1\.21\./;

/** The environment variable that chooses the decoder. */
export const DECODER_ENV = "AGENT_IAM_PACK_DECODER";

interface MethodDefinition {
  readonly path: string;
  requestDeserialize: (bytes: Buffer) => unknown;
}

/** The decoder the pack's server uses. */
export type DecoderChoice = "views" | "google-protobuf";

/**
 * Points the analyzer service definition `@pulumi/policy`'s server registers at the direct
 * decoders. Call before the `PolicyPack` is constructed: gRPC reads a method's deserializer when
 * the service is added. Returns the decoder the server will use.
 */
export function decodeRequestsDirectly(env: NodeJS.ProcessEnv = process.env): DecoderChoice {
  const wanted = env[DECODER_ENV];
  if (wanted !== undefined && wanted !== "" && wanted !== "views" && wanted !== "google-protobuf")
    throw new Error(`${DECODER_ENV}=${wanted} is not a decoder: set it to "views" or "google-protobuf", or leave it unset`);
  if (wanted === "google-protobuf") return "google-protobuf";
  const installed = installViews();
  if (wanted === "views" && !installed.ok)
    throw new Error(`${DECODER_ENV}=views, but the views cannot be installed: ${installed.why}. Unset ${DECODER_ENV} to let the pack use google-protobuf.`);
  return installed.ok ? "views" : "google-protobuf";
}

function installViews(): { readonly ok: true } | { readonly ok: false; readonly why: string } {
  let service: Record<string, MethodDefinition>;
  try {
    // The very modules the server requires: resolved from @pulumi/policy's own folder.
    const policyRoot = dirname(require.resolve("@pulumi/policy/package.json"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = (require("@pulumi/policy/package.json") as { version: string }).version;
    if (!TESTED_POLICY_SDK.test(version.replace(/^v/, ""))) return { ok: false, why: `@pulumi/policy ${version} is not a version they were tested with (${TESTED_POLICY_SDK.source})` };
    const grpcPb = require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb", { paths: [policyRoot] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    service = (require(grpcPb) as { AnalyzerService: Record<string, MethodDefinition> }).AnalyzerService;
  } catch (error) {
    return { ok: false, why: `@pulumi/policy's analyzer service was not found (${(error as Error).message.split("\n")[0]})` };
  }
  const analyze = service.analyze;
  const analyzeStack = service.analyzeStack;
  if (analyze?.path !== "/pulumirpc.Analyzer/Analyze" || analyzeStack?.path !== "/pulumirpc.Analyzer/AnalyzeStack") return { ok: false, why: "the analyzer service has no Analyze and AnalyzeStack methods" };
  analyze.requestDeserialize = decodeAnalyzeRequest;
  analyzeStack.requestDeserialize = decodeAnalyzeStackRequest;
  return { ok: true };
}
