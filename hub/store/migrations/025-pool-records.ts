import type { Migration } from "./migration";

/**
 * Issue 11, ModelArts resource pools: a node pool may size one cluster (its nodes' flavor, the
 * desired and the largest node count), and small records kept about a cluster (a pool's tags,
 * plug-ins, node configuration; network records of the hub under cluster_id '') live in their
 * own table, removed with their cluster.
 */
export const poolRecords: Migration = {
  version: 25,
  name: "pool-records",
  sql: `
    ALTER TABLE node_pools ADD COLUMN cluster_id TEXT;
    ALTER TABLE node_pools ADD COLUMN flavor_id TEXT;
    ALTER TABLE node_pools ADD COLUMN desired_count INTEGER;
    ALTER TABLE node_pools ADD COLUMN max_count INTEGER;
    CREATE TABLE cluster_records (
      cluster_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (cluster_id, kind, name)
    );
    CREATE INDEX cluster_records_kind ON cluster_records (kind);
  `,
};
