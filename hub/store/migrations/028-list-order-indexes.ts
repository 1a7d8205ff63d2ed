import type { Migration } from "./migration";

/**
 * Issue 15, reads: the workload list is paged newest first (created_at, then id, both descending),
 * alone, by owner and by state. Each form gets an index SQLite reads backwards from the page's
 * position, so a page costs its own rows rather than a sort of every workload (EXPLAIN QUERY
 * PLAN: an index range, no temp B-tree; test/unit/hub/store/list-query-plans.test.ts).
 */
export const listOrderIndexes: Migration = {
  version: 28,
  name: "list-order-indexes",
  sql: `
    CREATE INDEX workloads_created ON workloads (created_at, id);
    CREATE INDEX workloads_owner_created ON workloads (owner, created_at, id);
    CREATE INDEX workloads_state_created ON workloads (state, created_at, id);
  `,
};
