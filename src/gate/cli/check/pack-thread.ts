import { Worker } from "node:worker_threads";
import type { AnalyzerResource } from "../../analyzer";
import { PolicyPackError } from "../../analyzer";
import type { StackTooLarge } from "../../analyzer/message-limit";
import { UsageError } from "../../program/errors";
import type { PackInfo, PackStackInfo } from "./packs";
import type { PolicyConfig } from "./policy-config";
import type { DiagnosticLike } from "./violations";

/**
 * The policy packs of a check, driven from a worker thread (`pack-worker.ts`). A program run under
 * mocks keeps its thread busy for long stretches (its registrations are one chain of promises),
 * so packs spoken to from that thread would only get their requests, and answer, after the program
 * had finished; and the requests' encoding and gRPC traffic would add to that thread's garbage
 * collection. Here the program's thread only posts each resource to the worker; the worker encodes,
 * sends and collects while the program runs, on another core.
 */

/** What the worker is started with. */
export interface PackThreadSetup {
  readonly packDirs: readonly string[];
  readonly config: PolicyConfig | undefined;
  readonly stack: PackStackInfo;
  readonly configLabel: string;
  /** The largest `AnalyzeStack` request to send (default: `@pulumi/policy`'s limit, `ANALYZER_MESSAGE_LIMIT`). */
  readonly stackMessageLimit?: number;
}

/** An error crossing the thread boundary: its class by name, and its message. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

/** Messages to the worker. */
export type PackThreadRequest =
  /** Registered resources, in order: each one's inputs for `Analyze`, its outputs so far for `AnalyzeStack`. */
  | {
      readonly kind: "resources";
      readonly resources: readonly { readonly resource: AnalyzerResource; readonly stack: AnalyzerResource }[];
    }
  /** The program has finished: the resources (by registration index) whose outputs changed since they were sent. */
  | {
      readonly kind: "finish";
      readonly changed: readonly { readonly index: number; readonly resource: AnalyzerResource }[];
    }
  | { readonly kind: "close" };

/** Messages from the worker. */
export type PackThreadReply =
  | { readonly kind: "started"; readonly infos: PackInfo[] }
  | { readonly kind: "start-failed"; readonly error: SerializedError }
  | { readonly kind: "progress"; readonly analyzed: number }
  | { readonly kind: "analyzed"; readonly count: number }
  | {
      readonly kind: "finished";
      readonly diagnostics?: DiagnosticLike[];
      /** Set when the stack's request was past the limit and not sent: `diagnostics` are the resources' only. */
      readonly stackTooLarge?: StackTooLarge;
      readonly error?: SerializedError;
    }
  | { readonly kind: "closed" };

/** The error the worker reported, as the class the rest of the check expects. */
function revive(error: SerializedError): Error {
  if (error.name === "UsageError") return new UsageError(error.message);
  if (error.name === "PolicyPackError") return new PolicyPackError(error.message);
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}

/** The packs of one check, in their own thread. */
export interface PackThread {
  /** The packs' self-descriptions once started; rejects with the start's error. */
  readonly started: Promise<PackInfo[]>;
  /**
   * Sends a registered resource to every pack (`Analyze` of its inputs, as the engine does), and
   * its outputs so far, which the thread encodes for `AnalyzeStack` while the program runs.
   */
  analyze(resource: AnalyzerResource, stack: AnalyzerResource): void;
  /**
   * Every resource diagnostic (in registration order) and then the stack's (`AnalyzeStack` of every
   * resource sent, with the outputs in `changed` for those whose outputs changed since); rejects
   * with the first failure. A stack request past the analyzer's limit is not sent: `stackTooLarge`
   * says so, and the diagnostics are the resources' only.
   */
  finish(
    changed: readonly { readonly index: number; readonly resource: AnalyzerResource }[],
    onAnalyzed?: (count: number) => void,
  ): Promise<{ diagnostics: DiagnosticLike[]; stackTooLarge?: StackTooLarge }>;
  /** Progress: resources analyzed so far. */
  onProgress(listener: (analyzed: number) => void): void;
  /** Stops the packs and the thread. */
  close(): Promise<void>;
}

/**
 * The worker's code: the compiled module beside this one, or (when this module runs from its
 * TypeScript source, as in the tests) the source through tsx.
 */
const WORKER_SOURCE = __filename.endsWith(".ts")
  ? `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(require.resolve("./pack-worker.ts"))});`
  : `require(${JSON.stringify(require.resolve("./pack-worker.js"))});`;

/** Starts the packs in a worker thread; they start while the caller runs the program. */
export function startPackThread(setup: PackThreadSetup): PackThread {
  // A young generation three times Node's default (3 × 32 MiB semi-spaces): the thread encodes a
  // request per resource, garbage that a small young generation scavenges over and over.
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: setup,
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
  const listeners = new Set<(reply: PackThreadReply) => void>();
  let exited: Error | undefined;
  const broadcast = (reply: PackThreadReply) => listeners.forEach((listener) => listener(reply));
  worker.on("message", broadcast);
  const fail = (error: Error) => {
    exited ??= error;
    broadcast({ kind: "finished", error: { name: error.name, message: error.message } });
    broadcast({ kind: "start-failed", error: { name: error.name, message: error.message } });
    broadcast({ kind: "closed" });
  };
  worker.on("error", (error) => fail(error));
  worker.on("exit", (code) => fail(new Error(`the policy packs' thread stopped (exit code ${code})`)));
  const next = <K extends PackThreadReply["kind"]>(
    kinds: readonly K[],
  ): Promise<Extract<PackThreadReply, { kind: K }>> =>
    new Promise((resolvePromise) => {
      const listener = (reply: PackThreadReply) => {
        if (!(kinds as readonly string[]).includes(reply.kind)) return;
        listeners.delete(listener);
        resolvePromise(reply as Extract<PackThreadReply, { kind: K }>);
      };
      listeners.add(listener);
    });

  const started = next(["started", "start-failed"]).then((reply) => {
    if (reply.kind === "start-failed") throw revive(reply.error);
    return reply.infos;
  });
  // Observed at once: a pack failing while the program still runs is reported after the run, not as an unhandled rejection.
  started.catch(() => undefined);
  let closed: Promise<void> | undefined;
  // Resources registered in one turn of the event loop go in one message: a program registers them
  // in bursts, and each message costs both threads a dispatch.
  let pending: { resource: AnalyzerResource; stack: AnalyzerResource }[] = [];
  const flush = () => {
    if (pending.length === 0 || exited) return;
    worker.postMessage({ kind: "resources", resources: pending } satisfies PackThreadRequest);
    pending = [];
  };
  return {
    started,
    analyze(resource, stack) {
      if (exited) return;
      pending.push({ resource, stack });
      if (pending.length === 1) setImmediate(flush);
    },
    async finish(changed, onAnalyzed) {
      flush();
      const analyzed = onAnalyzed ? next(["analyzed", "finished"]) : undefined;
      void analyzed?.then((reply) => reply.kind === "analyzed" && onAnalyzed?.(reply.count));
      const finished = next(["finished"]);
      if (!exited) worker.postMessage({ kind: "finish", changed } satisfies PackThreadRequest);
      const reply = await finished;
      if (reply.error) throw revive(reply.error);
      return {
        diagnostics: reply.diagnostics ?? [],
        ...(reply.stackTooLarge ? { stackTooLarge: reply.stackTooLarge } : {}),
      };
    },
    onProgress(listener) {
      listeners.add((reply) => reply.kind === "progress" && listener(reply.analyzed));
    },
    close() {
      closed ??= (async () => {
        if (!exited) {
          const done = next(["closed"]);
          worker.postMessage({ kind: "close" } satisfies PackThreadRequest);
          // A pack that will not stop does not hold the check: the packs' processes are the worker's children.
          await Promise.race([done, new Promise((resolvePromise) => setTimeout(resolvePromise, 10_000).unref())]);
        }
        worker.removeAllListeners("exit");
        await worker.terminate();
      })();
      return closed;
    },
  };
}
