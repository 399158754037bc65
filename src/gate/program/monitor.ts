import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { realisticInvoke } from "./realistic-invokes";
import type { SourceFrame } from "./errors";
import type { ProgramSdk } from "./sdk";
import { previewOutputs, realisticOutputs } from "./realistic-outputs";
import { propertiesFromWire } from "../../model/engine-values";

/**
 * The resource monitor a program talks to when `agent-iam` runs it: Pulumi's mock monitor, extended
 * to record what the engine would know of each registration (parent, dependencies, provider,
 * options, where in the source it was declared) and to return realistic outputs, or, in a
 * preview, unknowns where the cloud has not answered yet.
 */

/** Options of a registration, as the engine passes them to a policy pack (only those that were set). */
export interface RecordedOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
  aliases?: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  retainOnDelete?: boolean;
  deletedWith?: string;
  replaceOnChanges?: string[];
  importId?: string;
}

/** A resource registered by a program run under mocks. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Whether a provider manages it (false for component resources and the stack). */
  readonly custom: boolean;
  /** The parent's URN (absent for the stack itself). */
  readonly parent?: string;
  /** The id the mocks gave it (absent for components, and in a preview). */
  readonly id?: string;
  /** The inputs as the program registered them (unknown values as {@link UNKNOWN} in a preview). */
  readonly inputs: Record<string, unknown>;
  /**
   * The outputs: the inputs plus realistic ids, ARNs and emails; for a component, what it passed
   * to `registerOutputs`. Unknown values as {@link UNKNOWN} in a preview.
   */
  state: Record<string, unknown>;
  /** URNs of the resources it depends on. */
  readonly dependencies: readonly string[];
  /** Per input property, the URNs it came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Reference to an explicit provider: `PROVIDER_URN::PROVIDER_ID`. */
  readonly provider?: string;
  readonly options: RecordedOptions;
  /** Whether it was read (`Resource.get`) rather than created. */
  readonly read?: boolean;
  /** Where the program registered it, innermost frame first (absolute paths). */
  readonly source: readonly SourceFrame[];
}

/** The type of the stack resource every program runs in. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** The URN of a resource, as the engine forms it: the parent's type chain, then the type and name. */
export function resourceUrn(stack: string, project: string, type: string, name: string, parentUrn?: string): string {
  let qualifiedType = type;
  if (parentUrn) {
    const parentQualified = parentUrn.split("::")[2] ?? "";
    if (parentQualified !== STACK_TYPE && parentQualified !== "") qualifiedType = `${parentQualified}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/* The request objects are generated protobuf classes; these are the getters read here. */
interface StructMessage {
  toJavaScript(): Record<string, unknown>;
}
interface SourcePositionMessage {
  getUri(): string;
  getLine(): number;
  getColumn(): number;
}
interface AliasMessage {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): StructMessage | undefined;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProtect?(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getAliasesList(): AliasMessage[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getRetainondelete?(): boolean | undefined;
  getDeletedwith(): string;
  getReplaceonchangesList(): string[];
  getImportid(): string;
  getVersion(): string;
  getSourceposition(): SourcePositionMessage | undefined;
  getStacktrace(): { getFramesList(): { getPc(): SourcePositionMessage | undefined }[] } | undefined;
}
interface ReadRequest {
  getType(): string;
  getName(): string;
  getId(): string;
  getParent(): string;
  getProperties(): StructMessage | undefined;
  getProvider(): string;
  getDependenciesList(): string[];
  getVersion(): string;
  getSourceposition(): SourcePositionMessage | undefined;
  getStacktrace(): { getFramesList(): { getPc(): SourcePositionMessage | undefined }[] } | undefined;
}
type Callback = (err: unknown, response?: unknown) => void;

function frameOf(position: SourcePositionMessage | undefined): SourceFrame | undefined {
  const uri = position?.getUri();
  if (!uri?.startsWith("file:")) return undefined;
  try {
    return {
      file: decodeURIComponent(new URL(uri).pathname),
      line: position!.getLine(),
      column: position!.getColumn(),
    };
  } catch {
    return undefined;
  }
}

function sourceOf(request: RegisterRequest | ReadRequest): SourceFrame[] {
  const frames = (request.getStacktrace()?.getFramesList() ?? [])
    .map((frame) => frameOf(frame.getPc()))
    .filter((frame): frame is SourceFrame => frame !== undefined);
  if (frames.length > 0) return frames;
  const position = frameOf(request.getSourceposition());
  return position ? [position] : [];
}

/** Options that were set, with empty lists and defaults left out so records stay small and stable. */
function optionsOf(request: RegisterRequest, aliases: string[]): RecordedOptions {
  const options: RecordedOptions = {};
  if (request.getProtect?.()) options.protect = true;
  if (request.getIgnorechangesList().length > 0) options.ignoreChanges = request.getIgnorechangesList();
  if (request.getDeletebeforereplace()) options.deleteBeforeReplace = true;
  if (request.getAdditionalsecretoutputsList().length > 0)
    options.additionalSecretOutputs = request.getAdditionalsecretoutputsList();
  if (aliases.length > 0) options.aliases = aliases;
  const timeouts = request.getCustomtimeouts();
  if (timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())) {
    options.customTimeouts = {};
    if (timeouts.getCreate()) options.customTimeouts.create = timeouts.getCreate();
    if (timeouts.getUpdate()) options.customTimeouts.update = timeouts.getUpdate();
    if (timeouts.getDelete()) options.customTimeouts.delete = timeouts.getDelete();
  }
  if (request.getRetainondelete?.()) options.retainOnDelete = true;
  if (request.getDeletedwith()) options.deletedWith = request.getDeletedwith();
  if (request.getReplaceonchangesList().length > 0) options.replaceOnChanges = request.getReplaceonchangesList();
  if (request.getImportid()) options.importId = request.getImportid();

  return options;
}

/** Where a recording monitor pretends to deploy. */
export interface MonitorTarget {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  /** Called for each resource as it is registered, as the engine hands it to analyzers. */
  readonly onResource?: (resource: RecordedResource) => void;
}

/** A mock monitor that records every registration in order. */
export interface RecordingMonitor extends MockMonitor {
  /** Every registered or read resource, in registration order. */
  readonly recorded: RecordedResource[];
  /** The resource registered under a URN. */
  get(urn: string): RecordedResource | undefined;
}

/**
 * A recording monitor for a program run with `sdk`: it extends that SDK's own `MockMonitor` and
 * answers with that SDK's protobuf messages, whichever copy of the SDK the program loaded.
 */
export function createRecordingMonitor(sdk: ProgramSdk, target: MonitorTarget): RecordingMonitor {
  const structproto = sdk.structPb;
  const resproto = sdk.resourcePb;
  class Recording extends sdk.MockMonitor implements RecordingMonitor {
    readonly recorded: RecordedResource[] = [];
    private readonly byUrn = new Map<string, RecordedResource>();

    constructor(private readonly target: MonitorTarget) {
      super({
        newResource: () => {
          throw new Error("RecordingMonitor registers resources itself");
        },
        call: (args) => realisticInvoke(args.token, args.inputs as Record<string, unknown>),
      });
    }

    get(urn: string): RecordedResource | undefined {
      return this.byUrn.get(urn);
    }

    private urnOf(type: string, name: string, parent: string): string {
      return resourceUrn(this.target.stack, this.target.project, type, name, parent || undefined);
    }

    private aliasUrns(request: RegisterRequest): string[] {
      const urns = [...request.getAliasurnsList()];
      for (const alias of request.getAliasesList()) {
        if (alias.getUrn()) urns.push(alias.getUrn());
        const spec = alias.hasSpec() ? alias.getSpec() : undefined;
        if (!spec) continue;
        const parent = spec.getNoparent() ? undefined : spec.getParenturn() || request.getParent() || undefined;
        urns.push(
          resourceUrn(
            spec.getStack() || this.target.stack,
            spec.getProject() || this.target.project,
            spec.getType() || request.getType(),
            spec.getName() || request.getName(),
            parent,
          ),
        );
      }
      return urns;
    }

    private outputsFor(
      type: string,
      name: string,
      custom: boolean,
      inputs: Record<string, unknown>,
    ): { id?: string; state: Record<string, unknown> } {
      if (!custom) return { state: {} };
      return this.target.preview ? previewOutputs(type, name, inputs) : realisticOutputs(type, name, inputs);
    }

    private store(resource: RecordedResource): void {
      this.recorded.push(resource);
      this.byUrn.set(resource.urn, resource);
      this.resources.set(resource.urn, { urn: resource.urn, id: resource.id ?? null, state: resource.state });
      this.target.onResource?.(resource);
    }

    override async registerResource(req: unknown, callback: Callback): Promise<void> {
      try {
        const request = req as RegisterRequest;
        const type = request.getType();
        const name = request.getName();
        const custom = request.getCustom();
        const inputs = propertiesFromWire(request.getObject()?.toJavaScript() ?? {});
        const urn = this.urnOf(type, name, request.getParent());
        const { id, state } = this.outputsFor(type, name, custom, inputs);
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((value, key) => {
          propertyDependencies[key] = value.getUrnsList();
        });
        const resource: RecordedResource = {
          urn,
          type,
          name,
          custom,
          ...(request.getParent() ? { parent: request.getParent() } : {}),
          ...(id !== undefined ? { id } : {}),
          inputs,
          state,
          dependencies: request.getDependenciesList(),
          propertyDependencies,
          ...(request.getProvider() ? { provider: request.getProvider() } : {}),
          options: optionsOf(request, this.aliasUrns(request)),
          source: sourceOf(request),
        };
        this.store(resource);
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(id ?? "");
        response.setObject(structproto.Struct.fromJavaScript(state));
        callback(null, response);
      } catch (err) {
        callback(err, undefined);
      }
    }

    override async readResource(req: unknown, callback: Callback): Promise<void> {
      try {
        const request = req as ReadRequest;
        const type = request.getType();
        const name = request.getName();
        const inputs = propertiesFromWire(request.getProperties()?.toJavaScript() ?? {});
        const urn = this.urnOf(type, name, request.getParent());
        const { state } = realisticOutputs(type, name, inputs);
        const resource: RecordedResource = {
          urn,
          type,
          name,
          custom: true,
          ...(request.getParent() ? { parent: request.getParent() } : {}),
          id: request.getId(),
          inputs,
          state,
          dependencies: request.getDependenciesList(),
          propertyDependencies: {},
          ...(request.getProvider() ? { provider: request.getProvider() } : {}),
          options: {},
          read: true,
          source: sourceOf(request),
        };
        this.store(resource);
        const response = new resproto.ReadResourceResponse();
        response.setUrn(urn);
        response.setProperties(structproto.Struct.fromJavaScript(state));
        callback(null, response);
      } catch (err) {
        callback(err, undefined);
      }
    }

    override registerResourceOutputs(req: unknown, callback: Callback): void {
      try {
        const request = req as { getUrn(): string; getOutputs(): StructMessage | undefined };
        const resource = this.byUrn.get(request.getUrn());
        if (!resource) throw new Error(`unknown resource ${request.getUrn()}`);
        const outputs = propertiesFromWire(request.getOutputs()?.toJavaScript() ?? {});
        // Custom resources keep their provider outputs; components and the stack get what they registered.
        resource.state = resource.custom ? { ...resource.state, ...outputs } : outputs;
        this.resources.set(resource.urn, { urn: resource.urn, id: resource.id ?? null, state: resource.state });
        callback(null, {});
      } catch (err) {
        callback(err, undefined);
      }
    }
  }
  return new Recording(target);
}
