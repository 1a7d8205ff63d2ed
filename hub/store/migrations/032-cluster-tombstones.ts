import type { Migration } from "./migration";

/**
 * Issue 11, deleting a ModelArts resource pool with its nodes: a removed node keeps its row (its
 * tasks' history points at it), and that row keeps its cluster, so a cluster its removed nodes
 * still refer to is kept as a tombstone (deleted_at set, name freed) instead of being deleted.
 */
export const clusterTombstones: Migration = {
  version: 32,
  name: "cluster-tombstones",
  sql: `
    ALTER TABLE clusters ADD COLUMN deleted_at INTEGER;
  `,
};
