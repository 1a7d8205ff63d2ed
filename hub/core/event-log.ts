import type { WorkloadEvent } from "./model";
import type { EventQuery, Store } from "./repositories";

export type { EventQuery } from "./repositories";

/** The hub's event trail across workloads (scheduling, starts, exits...), for trace lists. */
export class EventLog {
  constructor(private readonly store: Store) {}

  /** Oldest first; page on with `afterId` = the last id seen. */
  list(query: EventQuery): WorkloadEvent[] {
    return this.store.events.list(query);
  }
}
