import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { checkLabel } from "./labels";
import type { Node, NodePool } from "./model";
import type { NodePoolSizing } from "./model";
import type { Store } from "./repositories";
import { newId } from "./secrets";
import type { CoreSignals } from "./signals";

export const DEFAULT_POOL = "default";
const POOL_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Node pools are label selectors over nodes. A node belongs to the oldest non-default pool whose
 * every selector label it carries, else to `default` (which always exists and cannot be removed).
 */
export class NodePoolService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
  ) {
    if (!this.find(DEFAULT_POOL)) this.insert(DEFAULT_POOL, []);
  }

  list(): NodePool[] {
    return this.store.nodePools.list();
  }

  find(nameOrId: string): NodePool | undefined {
    return this.list().find((p) => p.name === nameOrId || p.id === nameOrId);
  }

  get(nameOrId: string): NodePool {
    const p = this.find(nameOrId);
    if (!p) throw new NotFoundError("node pool", nameOrId);
    return p;
  }

  defaultPool(): NodePool {
    return this.get(DEFAULT_POOL);
  }

  create(name: string, labelSelector: string[], meta: Record<string, unknown> = {}): NodePool {
    if (!POOL_NAME.test(name))
      throw new ValidationError("name", "must be 1-63 lowercase letters, digits or '-'");
    if (this.find(name)) throw new ConflictError(`node pool ${name} already exists`);
    if (labelSelector.length === 0)
      throw new ValidationError("labelSelector", "must name at least one label");
    labelSelector.forEach((l, i) => checkLabel(l, `labelSelector.${i}`));
    return this.insert(name, labelSelector, meta);
  }

  update(pool: NodePool, changes: { labelSelector?: string[]; meta?: Record<string, unknown> }): NodePool {
    if (changes.labelSelector) {
      if (pool.name === DEFAULT_POOL)
        throw new ValidationError("labelSelector", "the default pool selects the remaining nodes");
      changes.labelSelector.forEach((l, i) => checkLabel(l, `labelSelector.${i}`));
    }
    const updated: NodePool = { ...pool, ...changes, updatedAt: this.clock.now() };
    this.store.nodePools.save(updated);
    this.signals.schedulingNeeded.emit(`node pool ${pool.name} changed`);
    return updated;
  }

  remove(pool: NodePool): void {
    if (pool.name === DEFAULT_POOL) throw new ValidationError("name", "the default pool cannot be removed");
    this.store.nodePools.delete(pool.id);
    this.signals.schedulingNeeded.emit(`node pool ${pool.name} removed`);
  }

  /** The pools sizing `clusterId` (a ModelArts resource pool's node pools), oldest first. */
  ofCluster(clusterId: string): NodePool[] {
    return this.list().filter((p) => p.clusterId === clusterId);
  }

  /** Sets which cluster a pool sizes, its nodes' flavor and its desired and largest node counts. */
  size(pool: NodePool, sizing: NodePoolSizing): NodePool {
    if (pool.name === DEFAULT_POOL) throw new ValidationError("name", "the default pool is not sized");
    const bad = (n: number | null) => n !== null && (!Number.isInteger(n) || n < 0);
    if (bad(sizing.count)) throw new ValidationError("count", "must be a whole number >= 0");
    if (bad(sizing.maxCount)) throw new ValidationError("maxCount", "must be a whole number >= 0");
    if (sizing.count !== null && sizing.maxCount !== null && sizing.maxCount < sizing.count) {
      throw new ValidationError("maxCount", "must be at least count");
    }
    const updated: NodePool = { ...pool, ...sizing, updatedAt: this.clock.now() };
    this.store.nodePools.save(updated);
    return updated;
  }

  /** The pool a node belongs to. */
  poolOf(node: Pick<Node, "labels">, pools: readonly NodePool[] = this.list()): NodePool {
    for (const p of pools) {
      if (p.name !== DEFAULT_POOL && p.labelSelector.every((l) => node.labels.includes(l))) return p;
    }
    return pools.find((p) => p.name === DEFAULT_POOL) ?? this.defaultPool();
  }

  private insert(name: string, labelSelector: string[], meta: Record<string, unknown> = {}): NodePool {
    const now = this.clock.now();
    const pool: NodePool = { id: newId(), name, labelSelector, meta, createdAt: now, updatedAt: now };
    this.store.nodePools.save(pool);
    return pool;
  }
}
