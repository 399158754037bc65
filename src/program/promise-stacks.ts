/**
 * The Pulumi SDK wraps every promise it makes (dozens per resource: each output property, each
 * dependency, each RPC) in `debuggablePromise`, which formats `new Error().stack` for it at once.
 * That string is read only when `PULUMI_DEBUG_PROMISE_LEAKS` is set, to print leaked promises at
 * exit. Under a TypeScript loader with source maps, formatting a stack maps every frame: profiling
 * `agent-iam check` on a 100-agent fleet showed two thirds of the program's run in that formatting
 * (bench/README.md). Here the wrapper keeps everything else (ids, context, leak tracking) and
 * formats the stack only when leak debugging asks for it.
 */

interface DebuggableModule {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
const original = debuggable.debuggablePromise;
let installed = false;

/**
 * Makes the SDK's promise wrapper skip the stack it would never read (idempotent). With
 * `PULUMI_DEBUG_PROMISE_LEAKS` set, the SDK's own wrapper runs unchanged.
 */
export function skipUnreadPromiseStacks(): void {
  if (installed || debuggable.debugPromiseLeaks) return;
  installed = true;
  const noStack = "(set PULUMI_DEBUG_PROMISE_LEAKS=1 to record where this promise was made)";
  debuggable.debuggablePromise = function debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T> {
    if (debuggable.debugPromiseLeaks) return original(promise, context);
    // The SDK's wrapper, with the stack it would format left out: it sets `_debugStackTrace` from
    // `new Error().stack`; the property stays, with a note, so leak messages keep their shape.
    const error = Error as { stackTraceLimit: number };
    const limit = error.stackTraceLimit;
    error.stackTraceLimit = 0;
    try {
      const wrapped = original(promise, context);
      Object.defineProperty(promise, "_debugStackTrace", { writable: true, value: noStack });
      return wrapped;
    } finally {
      error.stackTraceLimit = limit;
    }
  };
}
