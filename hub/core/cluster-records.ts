import type { Clock } from "./clock";
import { NotFoundError, ValidationError } from "./errors";
import type { ClusterRecord } from "./model";
import type { Store } from "./repositories";

/** The `clusterId` of records about the hub as a whole (ModelArts networks). */
export const HUB_SCOPE = "";

/** Most records of one kind per cluster (tags, plug-ins...): bounds what one caller can store. @default 1000 */
export const MAX_RECORDS_PER_KIND = 1000;

/**
 * Small JSON documents kept about a cluster, by kind and name (a pool's tags, plug-ins and node
 * configuration; network records of the hub): stored in the store (migration 025), removed with
 * their cluster by ClusterService.remove.
 */
export class ClusterRecords {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  list(clusterId: string, kind: string): ClusterRecord[] {
    return this.store.clusterRecords.list(clusterId, kind);
  }

  listKind(kind: string): ClusterRecord[] {
    return this.store.clusterRecords.listKind(kind);
  }

  find(clusterId: string, kind: string, name: string): ClusterRecord | undefined {
    return this.store.clusterRecords.get(clusterId, kind, name);
  }

  get(clusterId: string, kind: string, name: string): ClusterRecord {
    const r = this.find(clusterId, kind, name);
    if (!r) throw new NotFoundError(kind, name);
    return r;
  }

  /** Creates or replaces the record; keeps its creation time. */
  put(clusterId: string, kind: string, name: string, data: Record<string, unknown>): ClusterRecord {
    if (name.length === 0 || name.length > 253) throw new ValidationError("name", "must be 1-253 characters");
    const known = this.find(clusterId, kind, name);
    if (!known && this.list(clusterId, kind).length >= MAX_RECORDS_PER_KIND) {
      throw new ValidationError(kind, `at most ${MAX_RECORDS_PER_KIND} per cluster`);
    }
    const now = this.clock.now();
    const record: ClusterRecord = {
      clusterId,
      kind,
      name,
      data,
      createdAt: known?.createdAt ?? now,
      updatedAt: now,
    };
    this.store.clusterRecords.save(record);
    return record;
  }

  remove(clusterId: string, kind: string, name: string): void {
    this.store.clusterRecords.delete(clusterId, kind, name);
  }
}
