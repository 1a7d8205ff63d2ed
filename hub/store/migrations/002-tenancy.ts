import type { Migration } from "./migration";

/**
 * Tenancy shared by every surface: quota units (OpenPAI virtual clusters, Run:ai projects and
 * departments, OTE businesses, ModelArts workspaces), node pools (label selectors over nodes),
 * user groups, and the workload fields that tie work to them.
 */
export const tenancy: Migration = {
  version: 2,
  name: "tenancy",
  sql: `
    CREATE TABLE node_pools (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      label_selector TEXT NOT NULL DEFAULT '[]',
      meta TEXT NOT NULL DEFAULT '{}',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

    CREATE TABLE quota_units (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL,
      parent_id TEXT REFERENCES quota_units(id),
      cluster_id TEXT REFERENCES clusters(id),
      allocations TEXT NOT NULL DEFAULT '[]',
      meta TEXT NOT NULL DEFAULT '{}',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (kind, name)
    );
    CREATE INDEX quota_units_parent ON quota_units(parent_id);

    CREATE TABLE groups (
      name TEXT PRIMARY KEY,
      description TEXT NOT NULL DEFAULT '',
      external_name TEXT NOT NULL DEFAULT '',
      extension TEXT NOT NULL DEFAULT '{}',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

    ALTER TABLE users ADD COLUMN groups TEXT NOT NULL DEFAULT '[]';

    ALTER TABLE workloads ADD COLUMN quota_unit_id TEXT REFERENCES quota_units(id);
    ALTER TABLE workloads ADD COLUMN node_pool_id TEXT REFERENCES node_pools(id);
    ALTER TABLE workloads ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workloads ADD COLUMN preemptible INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX workloads_quota_unit ON workloads(quota_unit_id);
  `,
};
