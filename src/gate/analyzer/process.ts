import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { getPriority, setPriority } from "node:os";
import type * as grpcJs from "@grpc/grpc-js";
import type * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient, AnalyzerService } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { parse as parseYaml } from "yaml";
import { reconcilePackConfig, type PackConfig } from "./config";
import type { AnalyzerDiagnostic, AnalyzerInfo, AnalyzerResource, PolicyConfigEntry } from "./types";
import { analyzeRequestBytes, analyzeStackRequestBytes, analyzerResourceBytes } from "./request-encoding";
import { diagnosticsOf, infoOf, levelNumber, toStruct } from "./wire";

/**
 * A CrossGuard policy pack running in its own process, spoken to over the analyzer protocol as the
 * Pulumi engine speaks to it. The pack starts the way `pulumi preview --policy-pack DIR` starts it:
 * Node runs `@pulumi/pulumi/cmd/run-policy-pack` in the pack's folder (found from the pack's own
 * `node_modules`, as the CLI's `pulumi-analyzer-policy` does), which requires the pack's `main`;
 * `new PolicyPack(...)` then serves `AnalyzerService` on 127.0.0.1 and prints its port. Works for
 * any Node.js pack, not only agent-iam's.
 */

const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
// The gRPC and protobuf copies the SDK's generated client uses.
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkRoot] })) as typeof grpcJs;
const empty = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [sdkRoot] }),
) as typeof emptyPb;

/** The stack a pack judges, as the CLI tells a pack (environment variables and `ConfigureStack`). */
export interface PackStack {
  /** The stack's name (`PULUMI_STACK`). */
  readonly name: string;
  readonly project?: string;
  readonly organization?: string;
  /** Stack config, keys as `namespace:key` (`PULUMI_CONFIG`). */
  readonly config?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Whether this is a preview (`PULUMI_DRY_RUN`). */
  readonly preview?: boolean;
}

/** Options of {@link PolicyPackProcess.start}. */
export interface StartOptions {
  /** The pack config, as in `--policy-pack-config` (per policy a level or `{ enforcementLevel, ...properties }`, and `all`). */
  readonly config?: PackConfig;
  /** Extra environment variables for the pack's process. */
  readonly env?: Readonly<Record<string, string>>;
  /** The stack being judged. */
  readonly stack?: PackStack;
  /** How long the pack may take to print its port (default 60 s). */
  readonly startTimeoutMs?: number;
  /**
   * Lowers the pack process's scheduling priority by this much (Unix niceness, `os.setPriority`):
   * for a caller whose own thread is the critical path and the pack's work can use what it leaves.
   * Only ever lowered; where the system refuses, the pack runs at its normal priority.
   */
  readonly lowerPriorityBy?: number;
}

/** What went wrong starting or speaking to a pack, in one sentence. */
export class PolicyPackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyPackError";
  }
}

function call<Request, Response>(
  method: (request: Request, callback: (error: grpcJs.ServiceError | null, response: Response) => void) => unknown,
  request: Request,
  what: string,
): Promise<Response> {
  return new Promise((resolvePromise, reject) => {
    method(request, (error, response) => {
      if (error) reject(new PolicyPackError(`${what} failed: ${error.details || error.message}`));
      else resolvePromise(response);
    });
  });
}

/** Checks the folder and finds the pack runner the way the CLI does; throws {@link PolicyPackError}. */
function locate(packDir: string): { dir: string; runner: string } {
  const dir = resolve(packDir);
  if (!existsSync(dir)) throw new PolicyPackError(`policy pack "${packDir}" not found: no such folder`);
  if (!statSync(dir).isDirectory())
    throw new PolicyPackError(`policy pack "${packDir}" is a file; give the folder that holds PulumiPolicy.yaml`);
  const manifest = join(dir, "PulumiPolicy.yaml");
  if (!existsSync(manifest))
    throw new PolicyPackError(`"${packDir}" is not a policy pack: it has no PulumiPolicy.yaml`);
  let runtime: unknown;
  try {
    const parsed = parseYaml(readFileSync(manifest, "utf8")) as { runtime?: unknown } | null;
    runtime =
      typeof parsed?.runtime === "object" && parsed.runtime !== null
        ? (parsed.runtime as { name?: unknown }).name
        : parsed?.runtime;
  } catch (error) {
    throw new PolicyPackError(`"${manifest}" is not valid YAML: ${(error as Error).message}`);
  }
  if (runtime !== "nodejs")
    throw new PolicyPackError(
      `policy pack "${packDir}" has runtime ${JSON.stringify(runtime)}; this harness runs nodejs packs only`,
    );
  if (!existsSync(join(dir, "package.json")))
    throw new PolicyPackError(`policy pack "${packDir}" has no package.json (the pack's version lives there)`);
  try {
    return { dir, runner: require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] }) };
  } catch {
    throw new PolicyPackError(
      `the dependencies of policy pack "${packDir}" are not installed (no @pulumi/pulumi); run npm install in ${dir}`,
    );
  }
}

function stackEnvironment(stack: PackStack | undefined): Record<string, string> {
  if (!stack) return {};
  const env: Record<string, string> = { PULUMI_STACK: stack.name, PULUMI_NODEJS_STACK: stack.name };
  if (stack.project) Object.assign(env, { PULUMI_PROJECT: stack.project, PULUMI_NODEJS_PROJECT: stack.project });
  if (stack.organization)
    Object.assign(env, { PULUMI_ORGANIZATION: stack.organization, PULUMI_NODEJS_ORGANIZATION: stack.organization });
  if (stack.config && Object.keys(stack.config).length > 0) env.PULUMI_CONFIG = JSON.stringify(stack.config);
  env.PULUMI_DRY_RUN = env.PULUMI_NODEJS_DRY_RUN = String(stack.preview ?? true);
  return env;
}

/** Waits for the port line; rejects with the pack's own error output when it exits or stalls first. */
function waitForPort(child: ChildProcess, packDir: string, timeoutMs: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    let stdout = "";
    let stderr = "";
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      const output = (stderr.trim() || stdout.trim()).split("\n").slice(-12).join("\n");
      reject(new PolicyPackError(`policy pack "${packDir}" failed to start: ${reason}${output ? `\n${output}` : ""}`));
    };
    const onStdout = (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = stdout.split(/\r?\n/).find((candidate) => /^\d+$/.test(candidate.trim()));
      if (line && !settled) {
        settled = true;
        cleanup();
        resolvePromise(Number(line.trim()));
      }
    };
    const onStderr = (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(signal ? `it was stopped by ${signal}` : `it exited with code ${code}`);
    const onError = (error: Error) => fail(error.message);
    // A process that runs a program under mocks keeps its event loop busy for long stretches (the
    // registrations are one chain of promises): when the timer fires after such a stretch, the port
    // may be waiting unread in the pipe. One more turn lets the poll phase read it first.
    const timer = setTimeout(
      () => setImmediate(() => fail(`it printed no port within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off("data", onStdout);
      child.stderr?.off("data", onStderr);
      child.off("exit", onExit);
      child.off("error", onError);
    }
    child.stdout?.on("data", onStdout);
    child.stderr?.on("data", onStderr);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

/** `Configure` with a reconciled config. */
async function sendConfigure(
  client: AnalyzerClient,
  config: Readonly<Record<string, PolicyConfigEntry>>,
): Promise<void> {
  const request = new analyzerPb.ConfigureAnalyzerRequest();
  for (const [name, entry] of Object.entries(config)) {
    const message = new analyzerPb.PolicyConfig();
    message.setEnforcementlevel(levelNumber(entry.enforcementLevel));
    message.setProperties(toStruct(entry.properties));
    request.getPolicyconfigMap().set(name, message);
  }
  await call(client.configure.bind(client), request, "Configure");
}

/**
 * Node flags of a pack's process. A pack answers one request per resource, each a burst of
 * short-lived protobuf and property objects: a young generation of 32 MiB semi-spaces (Node's
 * default is 16 on 64-bit) keeps most of each burst from being copied at a scavenge.
 */
const PACK_NODE_FLAGS = ["--max-semi-space-size=32"];

function lowerPriority(pid: number, by: number): void {
  try {
    setPriority(pid, Math.min(19, getPriority(pid) + by));
  } catch {
    // A system that refuses (no such permission, no such notion): the pack keeps its priority.
  }
}

/** A policy pack in its own process, and a client of its analyzer. */
export class PolicyPackProcess {
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly client: AnalyzerClient,
    private readonly cachedInfo: AnalyzerInfo,
    private sentConfig: Readonly<Record<string, PolicyConfigEntry>>,
  ) {}

  /** The config last sent with `Configure`: every policy, with defaults. */
  get config(): Readonly<Record<string, PolicyConfigEntry>> {
    return this.sentConfig;
  }

  /**
   * Sends `Configure` again with another pack config (the engine configures once per run; a pack
   * takes a new config at any time). Throws `PackConfigError` for a config the pack refuses.
   */
  async configure(config: PackConfig = {}): Promise<void> {
    this.assertOpen();
    const reconciled = reconcilePackConfig(this.cachedInfo, config);
    await sendConfigure(this.client, reconciled);
    this.sentConfig = reconciled;
  }

  /**
   * Starts the pack in `packDir`, then, like the engine: `GetAnalyzerInfo`, `ConfigureStack` (when
   * a stack is given) and `Configure` with the reconciled config. Throws {@link PolicyPackError} for
   * a missing folder or a pack that fails to start, and `PackConfigError` for a config that names
   * no policy of the pack or breaks a policy's schema.
   */
  static async start(packDir: string, options: StartOptions = {}): Promise<PolicyPackProcess> {
    const { dir, runner } = locate(packDir);
    const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnvironment(options.stack), ...options.env };
    // The engine address is the runner's first argument; a pack never calls it back.
    const child = spawn(process.execPath, [...PACK_NODE_FLAGS, runner, "127.0.0.1:0", "."], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (options.lowerPriorityBy && options.lowerPriorityBy > 0 && child.pid !== undefined)
      lowerPriority(child.pid, options.lowerPriorityBy);
    let client: AnalyzerClient | undefined;
    try {
      const port = await waitForPort(child, packDir, options.startTimeoutMs ?? 60_000);
      child.stdout?.resume();
      child.stderr?.resume();
      client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const info = infoOf(await call(client.getAnalyzerInfo.bind(client), new empty.Empty(), "GetAnalyzerInfo"));
      if (options.stack) {
        const request = new analyzerPb.AnalyzerStackConfigureRequest();
        request.setStack(options.stack.name);
        request.setProject(options.stack.project ?? "");
        request.setOrganization(options.stack.organization ?? "");
        request.setDryRun(options.stack.preview ?? true);
        for (const [key, value] of Object.entries(options.stack.config ?? {})) request.getConfigMap().set(key, value);
        for (const [key, value] of Object.entries(options.stack.tags ?? {})) request.getTagsMap().set(key, value);
        await call(client.configureStack.bind(client), request, "ConfigureStack");
      }
      const config = reconcilePackConfig(info, options.config);
      await sendConfigure(client, config);
      return new PolicyPackProcess(dir, child, client, info, config);
    } catch (error) {
      client?.close();
      child.kill("SIGKILL");
      throw error;
    }
  }

  /** What the pack says about itself (`GetAnalyzerInfo`, asked again). */
  async info(): Promise<AnalyzerInfo> {
    this.assertOpen();
    return infoOf(await call(this.client.getAnalyzerInfo.bind(this.client), new empty.Empty(), "GetAnalyzerInfo"));
  }

  /** The info the pack gave at start. */
  get startInfo(): AnalyzerInfo {
    return this.cachedInfo;
  }

  /** The pack's process id (to measure what the pack itself costs; undefined if it did not spawn). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `Analyze`: the resource policies' verdict on one resource (its inputs). */
  async analyze(resource: AnalyzerResource): Promise<AnalyzerDiagnostic[]> {
    this.assertOpen();
    return this.encodedCall(AnalyzerService.analyze, analyzeRequestBytes(resource), `Analyze of ${resource.urn}`);
  }

  /** `AnalyzeStack`: the stack policies' verdict on every resource (their outputs). */
  async analyzeStack(resources: AnalyzerResource[]): Promise<AnalyzerDiagnostic[]> {
    this.assertOpen();
    return this.analyzeStackEncoded(analyzeStackRequestBytes(resources.map(analyzerResourceBytes)));
  }

  /**
   * `AnalyzeStack` with a request already encoded (`analyzeStackRequestBytes`): the stack's
   * resources can be encoded while the program still runs, so the request is ready when it ends.
   */
  async analyzeStackEncoded(request: Uint8Array): Promise<AnalyzerDiagnostic[]> {
    this.assertOpen();
    return this.encodedCall(AnalyzerService.analyzeStack, request, "AnalyzeStack");
  }

  /** A call whose request is already encoded (the analyzer's requests are encoded by `wire.ts` without message objects). */
  private encodedCall(
    method: typeof AnalyzerService.analyze | typeof AnalyzerService.analyzeStack,
    request: Uint8Array,
    what: string,
  ): Promise<AnalyzerDiagnostic[]> {
    return new Promise((resolvePromise, reject) => {
      this.client.makeUnaryRequest(
        method.path,
        (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        (buffer: Buffer) => method.responseDeserialize(buffer) as analyzerPb.AnalyzeResponse,
        request,
        (error: grpcJs.ServiceError | null, value?: analyzerPb.AnalyzeResponse) => {
          if (error) reject(new PolicyPackError(`${what} failed: ${error.details || error.message}`));
          else resolvePromise(diagnosticsOf(value!));
        },
      );
    });
  }

  /** Closes the connection and stops the pack's process. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolvePromise) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      this.child.once("exit", () => {
        clearTimeout(timer);
        resolvePromise();
      });
      this.child.kill("SIGTERM");
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new PolicyPackError(`policy pack "${this.dir}" is closed`);
  }
}
