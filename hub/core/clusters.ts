import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { checkLabel, withLabel, withoutLabel } from "./labels";
import type { Cluster, Node } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { Store } from "./repositories";
import { newId } from "./secrets";

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export class ClusterService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  static checkName(name: unknown, field = "cluster"): string {
    if (typeof name !== "string" || !CLUSTER_NAME.test(name)) {
      throw new ValidationError(
        field,
        "must be 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit",
      );
    }
    return name;
  }

  create(name: string): Cluster {
    ClusterService.checkName(name, "name");
    if (this.store.clusters.byName(name)) throw new ConflictError(`cluster ${name} already exists`);
    return this.insert(name);
  }

  /** The cluster of this name, created when the first agent joins with it. */
  ensure(name: string): Cluster {
    return this.store.clusters.byName(ClusterService.checkName(name)) ?? this.insert(name);
  }

  /** By name first, then by id. */
  get(nameOrId: string): Cluster {
    const c = this.store.clusters.byName(nameOrId) ?? this.store.clusters.byId(nameOrId);
    if (!c) throw new NotFoundError("cluster", nameOrId);
    return c;
  }

  find(nameOrId: string): Cluster | undefined {
    return this.store.clusters.byName(nameOrId) ?? this.store.clusters.byId(nameOrId);
  }

  byId(id: string): Cluster | undefined {
    return this.store.clusters.byId(id);
  }

  list(): Cluster[] {
    return this.store.clusters.list();
  }

  addLabel(nameOrId: string, label: string): Cluster {
    const c = this.get(nameOrId);
    const updated = { ...c, labels: withLabel(c.labels, checkLabel(label)) };
    this.store.clusters.update(updated);
    return updated;
  }

  removeLabel(nameOrId: string, label: string): Cluster {
    const c = this.get(nameOrId);
    if (!c.labels.includes(label)) throw new NotFoundError("label", label);
    const updated = { ...c, labels: withoutLabel(c.labels, label) };
    this.store.clusters.update(updated);
    return updated;
  }

  /**
   * Removes a cluster with its node pools and records. Refused (ClusterInUseError) while work is
   * live in it and while a quota unit is bound to it; while nodes are joined to it (they hold
   * credentials) unless `removeNode` is given, which is called for each of them once the cluster
   * is known to run nothing (ModelArts deletes a pool's nodes with the pool). Finished workloads
   * keep their history without the reference; removed nodes keep theirs with it (a tombstone).
   */
  remove(nameOrId: string, removeNode?: (node: Node) => void): void {
    const c = this.get(nameOrId);
    const joined = this.store.nodes.list().filter((n) => n.clusterId === c.id && !n.removedAt);
    const nodeIds = new Set(joined.map((n) => n.id));
    const live = this.store.workloads
      .list({ states: ["pending", "running", "stopping"] })
      .filter((w) => w.clusterId === c.id);
    const placed = this.store.tasks
      .byStates([...PLACED_TASK_STATES])
      .filter((t) => t.nodeId !== null && nodeIds.has(t.nodeId));
    if (live.length > 0 || placed.length > 0) {
      const count = new Set([...live.map((w) => w.id), ...placed.map((t) => t.workloadId)]).size;
      throw new ClusterInUseError("work", `cluster ${c.name} runs ${count} workload(s); stop them first`);
    }
    if (joined.length > 0 && !removeNode) {
      throw new ClusterInUseError(
        "nodes",
        `cluster ${c.name} has ${joined.length} node(s); remove them first`,
      );
    }
    const unit = this.store.quotaUnits.list().find((u) => u.clusterId === c.id);
    if (unit)
      throw new ClusterInUseError("quota unit", `cluster ${c.name} is bound to quota unit ${unit.name}`);
    for (const n of joined) removeNode?.(n);
    this.store.transaction(() => {
      for (const w of this.store.workloads.list({}).filter((x) => x.clusterId === c.id)) {
        this.store.workloads.update({ ...w, clusterId: null });
      }
      for (const p of this.store.nodePools.list().filter((x) => x.clusterId === c.id)) {
        this.store.nodePools.delete(p.id);
      }
      this.store.clusterRecords.deleteCluster(c.id);
      this.store.clusters.delete(c.id, this.clock.now());
    });
  }

  private insert(name: string): Cluster {
    const cluster: Cluster = { id: newId(), name, labels: [], createdAt: this.clock.now() };
    this.store.clusters.insert(cluster);
    return cluster;
  }
}

/** A cluster cannot be removed yet: `reason` says what still holds it. */
export class ClusterInUseError extends ConflictError {
  constructor(
    readonly reason: "work" | "nodes" | "quota unit",
    message: string,
  ) {
    super(message);
  }
}
