import { parentPort, workerData } from "node:worker_threads";
import type { AnalyzerResource } from "../../analyzer";
import { ANALYZER_MESSAGE_LIMIT, exceedsMessageLimit } from "../../analyzer/message-limit";
import {
  analyzeStackRequestBytes,
  analyzeStackRequestSize,
  analyzerResourceBytes,
} from "../../analyzer/request-encoding";
import { startPacks, type PackSession } from "./packs";
import type { PackThreadRequest, PackThreadReply, PackThreadSetup, SerializedError } from "./pack-thread";
import type { DiagnosticLike } from "./violations";

/**
 * The policy packs' side of `agent-iam check`, in a worker thread (see `pack-thread.ts`): starts
 * and configures the packs, analyzes each resource the program registers as it arrives, then the
 * stack, and closes the packs. The program's thread is busy for long stretches; this one keeps the
 * packs' gRPC conversation going meanwhile.
 */

/** How many analyze requests are in flight at once. */
const IN_FLIGHT = 64;

function serialize(error: unknown): SerializedError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

const port = parentPort;
if (!port) throw new Error("pack-worker runs as a worker thread of agent-iam check");
const setup = workerData as PackThreadSetup;
const send = (reply: PackThreadReply) => port.postMessage(reply);

const starting = startPacks(setup.packDirs, setup.config, setup.stack, setup.configLabel);
const started: Promise<{ packs: PackSession[] } | { error: unknown }> = starting.then(
  (packs) => ({ packs }),
  (error: unknown) => ({ error }),
);
void started.then((outcome) =>
  send(
    "packs" in outcome
      ? { kind: "started", infos: outcome.packs.map((pack) => pack.info) }
      : { kind: "start-failed", error: serialize(outcome.error) },
  ),
);

type Outcome = { diagnostics: DiagnosticLike[] } | { error: unknown };

/** In registration order, each resource's outputs encoded for `AnalyzeStack`, as they arrive. */
const stackParts: Uint8Array[] = [];

/** In registration order, each resource's outcome; the first failure is the one reported. */
const outcomes: Promise<Outcome>[] = [];
let running = 0;
const waiting: (() => void)[] = [];
let analyzed = 0;

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= IN_FLIGHT) await new Promise<void>((ready) => waiting.push(ready));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function analyze(resource: AnalyzerResource): void {
  outcomes.push(
    started
      .then((outcome) => {
        if (!("packs" in outcome)) return { diagnostics: [] };
        return Promise.all(
          outcome.packs.map((pack) =>
            // A resource policy's diagnostic names no URN: the engine knows which resource it asked about.
            limited(() => pack.analyze(resource)).then((found) =>
              found.map((diagnostic) => ({ ...diagnostic, urn: diagnostic.urn || resource.urn })),
            ),
          ),
        ).then((found): Outcome => ({ diagnostics: found.flat() }));
      })
      .catch((error: unknown): Outcome => ({ error }))
      .finally(() => {
        analyzed += 1;
        if (analyzed % 250 === 0) send({ kind: "progress", analyzed });
      }),
  );
}

async function finish(changed: readonly { index: number; resource: AnalyzerResource }[]): Promise<void> {
  const outcome = await started;
  if (!("packs" in outcome)) return send({ kind: "finished", error: serialize(outcome.error) });
  const diagnostics: DiagnosticLike[] = [];
  for (const analysis of await Promise.all(outcomes)) {
    if ("error" in analysis) return send({ kind: "finished", error: serialize(analysis.error) });
    diagnostics.push(...analysis.diagnostics);
  }
  send({ kind: "analyzed", count: outcomes.length });
  try {
    // Outputs registered after a resource (a component's registerOutputs) replace what was encoded then.
    for (const { index, resource } of changed) stackParts[index] = analyzerResourceBytes(resource);
    // A request the packs' servers would refuse is not sent: the check says so instead of failing on the server's error.
    const limit = setup.stackMessageLimit ?? ANALYZER_MESSAGE_LIMIT;
    const bytes = analyzeStackRequestSize(stackParts.map((part) => part.length));
    if (exceedsMessageLimit(bytes, limit))
      return send({ kind: "finished", diagnostics, stackTooLarge: { resources: stackParts.length, bytes, limit } });
    const request = analyzeStackRequestBytes(stackParts);
    for (const pack of outcome.packs) diagnostics.push(...(await pack.analyzeStackEncoded(request)));
  } catch (error) {
    return send({ kind: "finished", error: serialize(error) });
  }
  send({ kind: "finished", diagnostics });
}

async function close(): Promise<void> {
  const outcome = await started;
  if ("packs" in outcome) await Promise.all(outcome.packs.map((pack) => pack.close().catch(() => undefined)));
  send({ kind: "closed" });
  port!.close();
}

port.on("message", (request: PackThreadRequest) => {
  if (request.kind === "resources") {
    for (const { resource, stack } of request.resources) {
      analyze(resource);
      stackParts.push(analyzerResourceBytes(stack));
    }
  } else if (request.kind === "finish") void finish(request.changed);
  else void close();
});
