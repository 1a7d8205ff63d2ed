import type { Store } from "./repositories";
import { observeWrites } from "./store-writes";

/**
 * A version per workload that changes with every write of the workload's row or of one of its
 * tasks, so a presenter can cache a workload's JSON text and know when it is stale (issue 15:
 * reading, parsing and presenting each row was ~30-40 µs of a page of 100). Versions live in
 * memory only: after a restart every cache is empty too. Values come from one counter, so a value
 * is never reused: an entry made at version v is valid exactly while versionOf() still says v.
 */
export class WorkloadVersions {
  private readonly versions = new Map<string, number>();
  private counter = 1;
  /** What an id not written since the last reset answers (a fresh counter value at each reset). */
  private base = 1;

  versionOf(workloadId: string): number {
    return this.versions.get(workloadId) ?? this.base;
  }

  /** The workload's row or one of its tasks was written. */
  bump(workloadId: string): void {
    this.versions.set(workloadId, ++this.counter);
  }

  /** Every workload may have changed (a write the table cannot attribute, a transaction rolled back). */
  reset(): void {
    this.versions.clear();
    this.base = ++this.counter;
  }
}

/**
 * `store` whose workload and task writes bump `versions`, and whose failed transactions reset it
 * (store-writes.ts). createCore builds every service over this store, so no write path can forget to.
 */
export const trackWorkloadVersions = (store: Store, versions: WorkloadVersions): Store =>
  observeWrites(store, {
    taskWritten: (task) => versions.bump(task.workloadId),
    workloadWritten: (workloadId) => versions.bump(workloadId),
    anyChanged: () => versions.reset(),
  });
