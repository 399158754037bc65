import { isUnknown } from "./unknown";

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

/** The type token of the `AgentIdentity` component. */
export const AGENT_IDENTITY_TYPE = "agent-iam:index:AgentIdentity";

/** The type chain a URN carries (`urn:pulumi:S::P::parentType$childType::name` → [parentType, childType]). */
export function urnTypeChain(urn: string): string[] {
  const qualified = urn.split("::")[2];
  return qualified ? qualified.split("$") : [];
}

/** Text of a property that is known and non-empty. */
export function knownString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && !isUnknown(value) ? value : undefined;
}

/** An index over every resource of a stack. */
export class StackIndex {
  private readonly byUrn = new Map<string, PolicyResource>();

  constructor(readonly resources: readonly PolicyResource[]) {
    for (const resource of resources) this.byUrn.set(resource.urn, resource);
  }

  get(urn: string): PolicyResource | undefined {
    return this.byUrn.get(urn);
  }

  ofType(...types: string[]): PolicyResource[] {
    return this.resources.filter((resource) => types.includes(resource.type));
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
  references(from: PolicyResource, property: string, candidates: readonly PolicyResource[], keys: (candidate: PolicyResource) => readonly string[]): { targets: PolicyResource[]; unknown: boolean } {
    const raw = from.props[property];
    const values = (Array.isArray(raw) ? raw : [raw]).filter((value) => value !== undefined && value !== null);
    const known = values.map(knownString).filter((value): value is string => value !== undefined);
    const targets = new Set<PolicyResource>();
    for (const candidate of candidates) {
      const candidateKeys = keys(candidate);
      if (known.some((value) => candidateKeys.includes(value))) targets.add(candidate);
    }
    const dependencies = new Set(from.propertyDependencies?.[property] ?? []);
    for (const candidate of candidates) if (dependencies.has(candidate.urn)) targets.add(candidate);
    const unknown = targets.size === 0 && (isUnknown(raw) || values.some(isUnknown));
    return { targets: [...targets], unknown };
  }
}
