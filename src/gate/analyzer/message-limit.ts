/**
 * The largest gRPC message a CrossGuard pack's analyzer accepts: `@pulumi/policy`'s `serve()` starts
 * its server with `grpc.max_receive_message_length` 1024 × 1024 × 400 = 419,430,400 bytes
 * (`@pulumi/policy` 1.21, server.js, `maxRPCMessageSize`), and `@grpc/grpc-js` refuses a message
 * whose length is above it (stream-decoder.js: "Received message larger than max"). The Pulumi
 * engine sends the whole stack in one `AnalyzeStack` request, so `pulumi preview --policy-pack`
 * fails on a stack past it, with any pack that has stack policies.
 */
export const ANALYZER_MESSAGE_LIMIT = 419_430_400;

/** An `AnalyzeStack` request that was not sent because the analyzer would refuse it. */
export interface StackTooLarge {
  /** Resources in the request (the stack resource included). */
  readonly resources: number;
  /** The request's size in bytes. */
  readonly bytes: number;
  /** The analyzer's limit in bytes. */
  readonly limit: number;
}

/** Whether a request of `bytes` is refused by an analyzer that accepts at most `limit` bytes (the limit itself passes). */
export function exceedsMessageLimit(bytes: number, limit: number = ANALYZER_MESSAGE_LIMIT): boolean {
  return bytes > limit;
}
