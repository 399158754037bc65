/**
 * The Pulumi SDK wraps every promise it makes (dozens per resource: four per output property, each
 * dependency, each RPC) in `debuggablePromise`, which formats `new Error().stack` for it at once,
 * stores that stack and a context string on the promise, and tracks it as a leak candidate until it
 * settles through `.then(…).catch(…)`. The stack and context are read only when
 * `PULUMI_DEBUG_PROMISE_LEAKS` is set, to print leaked promises at exit.
 *
 * Profiling `agent-iam check` on generated fleets (bench/README.md) showed two thirds of a program's
 * run formatting those stacks (source-mapped under tsx), and, at 5,000 agents, a heap of over 12 GB
 * while the program's resources waited to register, mostly promises: the SDK made three promises
 * for each one it tracks. Without leak debugging, the wrapper here keeps what the SDK relies on (the
 * leak tracking that fails a run which leaves promises behind, and the rejection annotated with its
 * promise) and makes one tracking promise instead of two, with no stack and no stored context.
 */

interface DebuggableModule {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T>;
}

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };
const original = debuggable.debuggablePromise;
let installed = false;

/**
 * Replaces the SDK's promise wrapper with the lean one (idempotent). With
 * `PULUMI_DEBUG_PROMISE_LEAKS` set, the SDK's own wrapper runs unchanged.
 */
export function skipUnreadPromiseStacks(): void {
  if (installed || debuggable.debugPromiseLeaks) return;
  installed = true;
  // The SDK's first wrapped promise schedules its leak report at exit; that one goes through the SDK's own wrapper.
  let first = true;
  debuggable.debuggablePromise = function debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T> {
    if (first || debuggable.debugPromiseLeaks) {
      first = false;
      return original(promise, context);
    }
    const candidates = state.getStore().leakCandidates;
    candidates.add(promise);
    // One derived promise, settling as the SDK's `.then(resolve).catch(annotate and rethrow)` does.
    return promise.then(
      (value) => {
        candidates.delete(promise);
        return value;
      },
      (error: unknown) => {
        candidates.delete(promise);
        (error as { promise?: unknown }).promise = promise;
        throw error;
      },
    );
  };
}
