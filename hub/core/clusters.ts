import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { checkLabel, withLabel, withoutLabel } from "./labels";
import type { Cluster } from "./model";
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

  private insert(name: string): Cluster {
    const cluster: Cluster = { id: newId(), name, labels: [], createdAt: this.clock.now() };
    this.store.clusters.insert(cluster);
    return cluster;
  }
}
