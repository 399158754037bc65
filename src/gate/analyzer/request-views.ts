import { WireReader, decodeMapEntries, decodeStruct, type ByteRange } from "./struct-decoding";

/**
 * `AnalyzeRequest` and `AnalyzeStackRequest` decoded into light objects that answer the getters of
 * the generated protobuf classes (`@pulumi/pulumi/proto/analyzer_pb.js`) that `@pulumi/policy`'s
 * analyzer server calls, with the values those classes give: unset strings "", unset bools false,
 * unset numbers 0, unset lists [], unset messages `undefined`. A resource's properties stay bytes
 * until a policy reads them (`getProperties().toJavaScript()`), so a resource no policy looks at
 * costs only its few strings.
 *
 * Field numbers: pulumi/proto/pulumi/analyzer.proto (`AnalyzeRequest`, `AnalyzerResource`,
 * `AnalyzerResourceOptions`, `AnalyzerProviderResource`, `AnalyzerPropertyDependencies`).
 * `test/gate/analyzer-decoding.test.ts` compares every getter with google-protobuf's on generated requests.
 */

/** A `google.protobuf.Struct` not decoded yet: `toJavaScript()` decodes it, as `Struct.toJavaScript()` would. */
export class StructView {
  constructor(
    private readonly buffer: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  toJavaScript(): Record<string, unknown> {
    return decodeStruct(this.buffer, this.start, this.end);
  }
}

/** `AnalyzerResourceOptions.CustomTimeouts`. */
export class CustomTimeoutsView {
  create = 0;
  update = 0;
  delete = 0;
  read = 0;

  getCreate(): number {
    return this.create;
  }
  getUpdate(): number {
    return this.update;
  }
  getDelete(): number {
    return this.delete;
  }
  getRead(): number {
    return this.read;
  }
}

/** `AnalyzerResourceOptions`. */
export class ResourceOptionsView {
  protect = false;
  readonly ignoreChanges: string[] = [];
  deleteBeforeReplace = false;
  deleteBeforeReplaceDefined = false;
  readonly additionalSecretOutputs: string[] = [];
  readonly aliases: string[] = [];
  customTimeouts: CustomTimeoutsView | undefined;
  parent = "";

  getProtect(): boolean {
    return this.protect;
  }
  getIgnorechangesList(): string[] {
    return this.ignoreChanges;
  }
  getDeletebeforereplace(): boolean {
    return this.deleteBeforeReplace;
  }
  getDeletebeforereplacedefined(): boolean {
    return this.deleteBeforeReplaceDefined;
  }
  getAdditionalsecretoutputsList(): string[] {
    return this.additionalSecretOutputs;
  }
  getAliasesList(): string[] {
    return this.aliases;
  }
  getCustomtimeouts(): CustomTimeoutsView | undefined {
    return this.customTimeouts;
  }
  getParent(): string {
    return this.parent;
  }
}

/** Fields 1–4, numbered alike in `AnalyzerProviderResource`, `AnalyzeRequest` and `AnalyzerResource`. */
class NamingFieldsView {
  type = "";
  properties: StructView | undefined;
  urn = "";
  name = "";

  getType(): string {
    return this.type;
  }
  getProperties(): StructView | undefined {
    return this.properties;
  }
  getUrn(): string {
    return this.urn;
  }
  getName(): string {
    return this.name;
  }
}

/** `AnalyzerProviderResource`. */
export class ProviderView extends NamingFieldsView {}

/** `AnalyzerPropertyDependencies`. */
export class PropertyDependenciesView {
  readonly urns: string[] = [];

  getUrnsList(): string[] {
    return this.urns;
  }
}

/** `AnalyzeRequest` (fields 1–6) and `AnalyzerResource` (the same fields, and 7–9). */
export class ResourceView extends NamingFieldsView {
  options: ResourceOptionsView | undefined;
  provider: ProviderView | undefined;
  parent = "";
  readonly dependencies: string[] = [];
  propertyDependencies: Map<string, PropertyDependenciesView> = new Map();

  getOptions(): ResourceOptionsView | undefined {
    return this.options;
  }
  getProvider(): ProviderView | undefined {
    return this.provider;
  }
  getParent(): string {
    return this.parent;
  }
  getDependenciesList(): string[] {
    return this.dependencies;
  }
  /** jspb.Map's reads that matter here (`entries`, `forEach`, `get`, `has`), in its order: sorted by key. */
  getPropertydependenciesMap(): Map<string, PropertyDependenciesView> {
    return this.propertyDependencies;
  }
}

/** `AnalyzeStackRequest`. */
export class AnalyzeStackRequestView {
  constructor(private readonly resources: ResourceView[]) {}

  getResourcesList(): ResourceView[] {
    return this.resources;
  }
}

// Each message is read by the one reader of its request (`WireReader.within`), as the properties are.

function readTimeouts(reader: WireReader): CustomTimeoutsView {
  const view = new CustomTimeoutsView();
  while (reader.next()) {
    if (reader.field === 1) view.create = reader.double();
    else if (reader.field === 2) view.update = reader.double();
    else if (reader.field === 3) view.delete = reader.double();
    else if (reader.field === 4) view.read = reader.double();
    else reader.skip();
  }
  return view;
}

function readOptions(reader: WireReader): ResourceOptionsView {
  const view = new ResourceOptionsView();
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        view.protect = reader.bool();
        break;
      case 2:
        view.ignoreChanges.push(reader.string());
        break;
      case 3:
        view.deleteBeforeReplace = reader.bool();
        break;
      case 4:
        view.deleteBeforeReplaceDefined = reader.bool();
        break;
      case 5:
        view.additionalSecretOutputs.push(reader.string());
        break;
      case 6:
        view.aliases.push(reader.string());
        break;
      case 7:
        view.customTimeouts = reader.within(reader.range(), readTimeouts);
        break;
      case 8:
        view.parent = reader.string();
        break;
      default:
        reader.skip();
    }
  }
  return view;
}

/** Reads one of the fields of {@link NamingFieldsView}; false for any other field. */
function readNamingField(reader: WireReader, view: NamingFieldsView): boolean {
  switch (reader.field) {
    case 1:
      view.type = reader.string();
      return true;
    case 2: {
      const range = reader.range();
      view.properties = new StructView(reader.buffer, range.start, range.end);
      return true;
    }
    case 3:
      view.urn = reader.string();
      return true;
    case 4:
      view.name = reader.string();
      return true;
    default:
      return false;
  }
}

function readProvider(reader: WireReader): ProviderView {
  const view = new ProviderView();
  while (reader.next()) if (!readNamingField(reader, view)) reader.skip();
  return view;
}

function readPropertyDependencies(reader: WireReader): PropertyDependenciesView {
  const view = new PropertyDependenciesView();
  while (reader.next()) {
    if (reader.field === 1) view.urns.push(reader.string());
    else reader.skip();
  }
  return view;
}

/**
 * One resource: an `AnalyzeRequest` when `inStack` is false (fields 7–9 are not part of that
 * message and are skipped, as its generated reader skips them), an `AnalyzerResource` when true.
 */
function readResource(reader: WireReader, inStack: boolean): ResourceView {
  const view = new ResourceView();
  let dependencyRecords: ByteRange[] | undefined;
  while (reader.next()) {
    if (readNamingField(reader, view)) continue;
    switch (reader.field) {
      case 5:
        view.options = reader.within(reader.range(), readOptions);
        break;
      case 6:
        view.provider = reader.within(reader.range(), readProvider);
        break;
      case 7:
        if (inStack) view.parent = reader.string();
        else reader.skip();
        break;
      case 8:
        if (inStack) view.dependencies.push(reader.string());
        else reader.skip();
        break;
      case 9:
        if (inStack) (dependencyRecords ??= []).push(reader.range());
        else reader.skip();
        break;
      default:
        reader.skip();
    }
  }
  if (dependencyRecords) {
    for (const [key, value] of decodeMapEntries(reader.buffer, dependencyRecords))
      view.propertyDependencies.set(key, value ? reader.within(value, readPropertyDependencies) : new PropertyDependenciesView());
  }
  return view;
}

const readStackResource = (reader: WireReader) => readResource(reader, true);

/** An encoded `AnalyzeRequest`, as a view. */
export function decodeAnalyzeRequest(bytes: Buffer): ResourceView {
  return readResource(new WireReader(bytes, 0, bytes.length), false);
}

/** An encoded `AnalyzeStackRequest`, as a view. */
export function decodeAnalyzeStackRequest(bytes: Buffer): AnalyzeStackRequestView {
  const reader = new WireReader(bytes, 0, bytes.length);
  const resources: ResourceView[] = [];
  while (reader.next()) {
    if (reader.field !== 1) {
      reader.skip();
      continue;
    }
    resources.push(reader.within(reader.range(), readStackResource));
  }
  return new AnalyzeStackRequestView(resources);
}
