import type { Task } from "./model";
import type { Store } from "./repositories";

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
 * `store` whose workload and task writes bump `versions`, and whose failed transactions reset it.
 * createCore builds every service over this store, so no write path can forget to. The tables
 * make the compiler ask, for each method a repository gains, whether it writes and what.
 */
export function trackWorkloadVersions(store: Store, versions: WorkloadVersions): Store {
  const tasks = wrap(
    store.tasks,
    TASK_METHODS,
    (args) => versions.bump((args[0] as Task).workloadId),
    versions,
  );
  const workloads = wrap(
    store.workloads,
    WORKLOAD_METHODS,
    (args) => versions.bump((args[0] as { id: string }).id),
    versions,
  );
  return {
    ...store,
    tasks,
    workloads,
    transaction: <T>(fn: () => T): T => {
      try {
        return store.transaction(fn);
      } catch (err) {
        versions.reset();
        throw err;
      }
    },
  };
}

/** `row`: writes the one row it is given (its first argument); `other`: some other write; `read`. */
type Kind = "row" | "other" | "read";

function wrap<R extends object>(
  repo: R,
  table: Record<keyof R, Kind>,
  row: (args: unknown[]) => void,
  versions: WorkloadVersions,
): R {
  const out = { ...repo };
  for (const [name, kind] of Object.entries(table) as [keyof R, Kind][]) {
    // Looked up on the repository at each call (as trackAllocations does), so a method replaced
    // later is the one that runs.
    const original = (...args: unknown[]) => (repo[name] as (...a: unknown[]) => unknown).apply(repo, args);
    if (kind === "read") {
      (out as Record<keyof R, unknown>)[name] = original;
      continue;
    }
    (out as Record<keyof R, unknown>)[name] = (...args: unknown[]) => {
      const result = original(...args);
      if (kind === "row") row(args);
      else versions.reset();
      return result;
    };
  }
  return out;
}

const TASK_METHODS: Record<keyof Store["tasks"], Kind> = {
  insert: "row",
  update: "row",
  byId: "read",
  byWorkload: "read",
  byStates: "read",
  byNode: "read",
  byWorkloads: "read",
  stateCounts: "read",
};

const WORKLOAD_METHODS: Record<keyof Store["workloads"], Kind> = {
  insert: "row",
  update: "row",
  byId: "read",
  idsByPrefix: "read",
  byOwnerAndName: "read",
  list: "read",
  listIds: "read",
  countByState: "read",
};
