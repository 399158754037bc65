import { AGENT_IDENTITY_TYPE } from "../../model/contract";
import { isUnknown } from "../../model/unknown";

/**
 * Resources as a policy sees them, and how they refer to one another. The same shape serves a
 * single `Analyze` (one resource, its inputs) and `AnalyzeStack` (every resource, its outputs).
 */

/** One resource handed to a policy: its properties raw, unknown values as the engine's sentinel. */
export interface PolicyResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  /** The parent's URN, when known. */
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  /** Per property, the URNs of the resources its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** The provider the resource is created with (its inputs), when the engine says. */
  readonly provider?: PolicyProvider;
}

/** A resource's provider as the engine describes it: `pulumi:providers:aws` and its inputs. */
export interface PolicyProvider {
  readonly type: string;
  readonly urn: string;
  readonly props: Readonly<Record<string, unknown>>;
}

/** What a policy reports: a violation at the policy's level, or a decision that waits for apply. */
export interface Finding {
  readonly message: string;
  /** The resource the finding is about (stack policies name one; resource policies default to theirs). */
  readonly urn?: string;
  /**
   * `advisory`: the decision had to wait for apply (an unknown value). `mandatory`: the finding
   * is mandatory whatever the policy's default (a threshold the team configured). Absent: the
   * policy's own enforcement level.
   */
  readonly level?: "advisory" | "mandatory";
}

/** Facts about the run a policy may use. */
export interface CheckContext {
  /** Today, `YYYY-MM-DD` (UTC). */
  readonly today: string;
  /** The stack's name (`PULUMI_STACK`, set by the Pulumi CLI for a pack), when known. */
  readonly stackName?: string;
  /** The stack's configuration (`PULUMI_CONFIG`), keys as `namespace:key`. */
  readonly stackConfig: Readonly<Record<string, unknown>>;
}

/** The type chain a URN carries (`urn:pulumi:S::P::parentType$childType::name` → [parentType, childType]). */
export function urnTypeChain(urn: string): string[] {
  const qualified = urn.split("::")[2];
  return qualified ? qualified.split("$") : [];
}

/** Text of a property that is known and non-empty. */
export function knownString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && !isUnknown(value) ? value : undefined;
}

/** Keys a candidate may be referred to by (its name, ARN, email …). */
export type ReferenceKeys = (candidate: PolicyResource) => readonly string[];

/** The known string values of a property (one value, or each item of a list). */
function knownValues(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : [raw];
  const known: string[] = [];
  for (const value of values) {
    const text = knownString(value);
    if (text !== undefined) known.push(text);
  }
  return known;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A candidate list, indexed: each candidate's first position, candidates by URN and, per keys function, by key. */
interface CandidateTable {
  readonly order: Map<PolicyResource, number>;
  readonly byUrn: Map<string, PolicyResource[]>;
  readonly byKeys: Map<ReferenceKeys, Map<string, PolicyResource[]>>;
}

/** Above this many candidates, {@link StackIndex.references} looks them up by key instead of scanning them. */
const SCAN_LIMIT = 16;

/**
 * An index over every resource of a stack. Lookups that every agent needs (resources of a type, the
 * resources that refer to one resource) are built once per index and answered by key, so a stack
 * check stays linear in the number of resources instead of scanning the stack once per agent.
 */
export class StackIndex {
  private readonly byUrn = new Map<string, PolicyResource>();
  private readonly position = new Map<PolicyResource, number>();
  private readonly byType = new Map<string, PolicyResource[]>();
  /** Per `types|property`, who refers to what: by known value and by property dependency. */
  private readonly referrers = new Map<
    string,
    { byValue: Map<string, PolicyResource[]>; byDependency: Map<string, PolicyResource[]> }
  >();
  /** Long candidate lists handed to {@link references}, indexed. */
  private readonly candidateTables = new WeakMap<readonly PolicyResource[], CandidateTable>();
  private readonly memos = new Map<string, unknown>();
  private readonly resourceMemos = new WeakMap<object, Map<string, unknown>>();
  private static readonly indexes = new WeakMap<readonly PolicyResource[], StackIndex>();

  /**
   * The index of a list of resources, built once per list: the helpers of one check all ask for
   * it, and get one index with its memos. The resources must not change while it is in use.
   */
  static of(resources: readonly PolicyResource[]): StackIndex {
    let index = StackIndex.indexes.get(resources);
    if (!index) StackIndex.indexes.set(resources, (index = new StackIndex(resources)));
    return index;
  }

  constructor(readonly resources: readonly PolicyResource[]) {
    resources.forEach((resource, index) => {
      this.byUrn.set(resource.urn, resource);
      this.position.set(resource, index);
      pushTo(this.byType, resource.type, resource);
    });
  }

  get(urn: string): PolicyResource | undefined {
    return this.byUrn.get(urn);
  }

  /** The resources of the given types, in stack order (do not modify the list). */
  ofType(...types: string[]): PolicyResource[] {
    if (types.length === 1) return this.byType.get(types[0]!) ?? [];
    return this.inOrder(types.flatMap((type) => this.byType.get(type) ?? []));
  }

  /** The types present in the stack that start with `prefix`. */
  typesStartingWith(prefix: string): string[] {
    return [...this.byType.keys()].filter((type) => type.startsWith(prefix));
  }

  /**
   * A value derived from the whole stack, computed once per index (`key` names what it is; the
   * same key must always compute the same thing).
   */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** A value derived for one resource (or other object) from the whole stack, computed once per index. */
  memoFor<T>(owner: object, key: string, compute: () => T): T {
    let memos = this.resourceMemos.get(owner);
    if (!memos) this.resourceMemos.set(owner, (memos = new Map()));
    if (!memos.has(key)) memos.set(key, compute());
    return memos.get(key) as T;
  }

  private inOrder(resources: Iterable<PolicyResource>): PolicyResource[] {
    return [...new Set(resources)].sort((a, b) => (this.position.get(a) ?? 0) - (this.position.get(b) ?? 0));
  }

  /**
   * The resources of `types` whose `property` refers to `target`: by value (against the target's
   * `keys`), or by the engine's property dependencies. In stack order; the same as filtering
   * `ofType(...types)` with {@link references} against `[target]`, answered by key.
   */
  referencing(
    types: readonly string[],
    property: string,
    target: PolicyResource,
    keys: ReferenceKeys,
  ): PolicyResource[] {
    const cacheKey = `${types.join(",")}|${property}`;
    let table = this.referrers.get(cacheKey);
    if (!table) {
      table = { byValue: new Map(), byDependency: new Map() };
      for (const resource of this.ofType(...types)) {
        for (const value of new Set(knownValues(resource.props[property]))) pushTo(table.byValue, value, resource);
        for (const urn of new Set(resource.propertyDependencies?.[property] ?? []))
          pushTo(table.byDependency, urn, resource);
      }
      this.referrers.set(cacheKey, table);
    }
    const found: PolicyResource[] = [];
    for (const key of keys(target)) found.push(...(table.byValue.get(key) ?? []));
    found.push(...(table.byDependency.get(target.urn) ?? []));
    return this.inOrder(found);
  }

  /** A long candidate list, indexed once: position, URN and, per keys function, key. */
  private candidateTable(candidates: readonly PolicyResource[]): CandidateTable {
    let table = this.candidateTables.get(candidates);
    if (!table) {
      table = { order: new Map(), byUrn: new Map(), byKeys: new Map() };
      candidates.forEach((candidate, index) => {
        if (!table!.order.has(candidate)) table!.order.set(candidate, index);
        pushTo(table!.byUrn, candidate.urn, candidate);
      });
      this.candidateTables.set(candidates, table);
    }
    return table;
  }

  private candidatesWithKey(
    table: CandidateTable,
    candidates: readonly PolicyResource[],
    keys: ReferenceKeys,
    value: string,
  ): PolicyResource[] {
    let byKey = table.byKeys.get(keys);
    if (!byKey) {
      byKey = new Map();
      for (const candidate of candidates) for (const key of new Set(keys(candidate))) pushTo(byKey, key, candidate);
      table.byKeys.set(keys, byKey);
    }
    return byKey.get(value) ?? [];
  }

  /** The `AgentIdentity` a resource was declared in, when its parent chain reaches one in the stack. */
  enclosingAgentIdentity(resource: PolicyResource): PolicyResource | undefined {
    const seen = new Set<string>();
    let current: PolicyResource | undefined = resource;
    while (current?.parent && !seen.has(current.parent)) {
      seen.add(current.parent);
      const parent = this.byUrn.get(current.parent);
      if (!parent) return undefined;
      if (parent.type === AGENT_IDENTITY_TYPE) return parent;
      current = parent;
    }
    return undefined;
  }

  /** Whether a resource was declared inside an `AgentIdentity` (by its parent chain, else by the type chain of its URN). */
  isInsideAgentIdentity(resource: PolicyResource): boolean {
    const seen = new Set<string>();
    let current: PolicyResource | undefined = resource;
    while (current?.parent && !seen.has(current.parent)) {
      seen.add(current.parent);
      const parent = this.byUrn.get(current.parent);
      if (!parent) break;
      if (parent.type === AGENT_IDENTITY_TYPE) return true;
      current = parent;
    }
    return urnTypeChain(resource.urn).slice(0, -1).includes(AGENT_IDENTITY_TYPE);
  }

  /**
   * The resources among `candidates` a property of `from` refers to: by value (against each
   * candidate's `keys`), and by the engine's property dependencies. `unknown` is true when the
   * value is not known yet and no dependency names a candidate.
   */
  references(
    from: PolicyResource,
    property: string,
    candidates: readonly PolicyResource[],
    keys: ReferenceKeys,
  ): { targets: PolicyResource[]; unknown: boolean } {
    const raw = from.props[property];
    const values = (Array.isArray(raw) ? raw : [raw]).filter((value) => value !== undefined && value !== null);
    const known = values.map(knownString).filter((value): value is string => value !== undefined);
    const targets = new Set<PolicyResource>();
    if (candidates.length > SCAN_LIMIT) {
      // The same targets in the same order as the scan below: by value first, then by dependency, each in candidate order.
      const table = this.candidateTable(candidates);
      const sorted = (found: PolicyResource[]) =>
        [...new Set(found)].sort((a, b) => table.order.get(a)! - table.order.get(b)!);
      for (const candidate of sorted(known.flatMap((value) => this.candidatesWithKey(table, candidates, keys, value))))
        targets.add(candidate);
      for (const candidate of sorted(
        (from.propertyDependencies?.[property] ?? []).flatMap((urn) => table.byUrn.get(urn) ?? []),
      ))
        targets.add(candidate);
    } else {
      for (const candidate of candidates) {
        const candidateKeys = keys(candidate);
        if (known.some((value) => candidateKeys.includes(value))) targets.add(candidate);
      }
      const dependencies = new Set(from.propertyDependencies?.[property] ?? []);
      for (const candidate of candidates) if (dependencies.has(candidate.urn)) targets.add(candidate);
    }
    const unknown = targets.size === 0 && (isUnknown(raw) || values.some(isUnknown));
    return { targets: [...targets], unknown };
  }
}
