import type { Task, Workload } from "./model";
import type { Store } from "./repositories";

/** What a write to the task or workload tables tells an observer (kept in memory beside the store). */
export interface WriteObserver {
  /** One task row was inserted or updated (the row as written). */
  taskWritten(task: Task): void;
  /** One workload row was inserted or updated. */
  workloadWritten(workloadId: string): void;
  /** A write the tables below cannot attribute to one row, or a rolled-back transaction: anything may have changed. */
  anyChanged(): void;
}

/**
 * `store` whose task and workload writes reach `observer`, and whose failed transactions tell it
 * anything may have changed. createCore builds every service over the observed store, so no write
 * path can bypass an observer (the allocation ledger, workload versions). The tables make the
 * compiler ask, for each method a repository gains, whether it writes.
 */
export function observeWrites(store: Store, observer: WriteObserver): Store {
  return {
    ...store,
    tasks: wrap(store.tasks, TASK_METHODS, (args) => observer.taskWritten(args[0] as Task), observer),
    workloads: wrap(
      store.workloads,
      WORKLOAD_METHODS,
      (args) => observer.workloadWritten((args[0] as Workload).id),
      observer,
    ),
    transaction: <T>(fn: () => T): T => {
      try {
        return store.transaction(fn);
      } catch (err) {
        observer.anyChanged();
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
  observer: WriteObserver,
): R {
  const out = { ...repo };
  for (const [name, kind] of Object.entries(table) as [keyof R, Kind][]) {
    // Looked up on the repository at each call, so what replaces one of its methods later (a
    // test counting reads, a fault injected) is what runs.
    const original = (...args: unknown[]) => (repo[name] as (...a: unknown[]) => unknown).apply(repo, args);
    (out as Record<keyof R, unknown>)[name] =
      kind === "read"
        ? original
        : (...args: unknown[]) => {
            const result = original(...args);
            if (kind === "row") row(args);
            else observer.anyChanged();
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
  liveInstancesOf: "read",
};
