import type { Migration } from "./migration";

/**
 * Interactive workloads that stop and start again: their lease (duration and deadline; null: none)
 * and, per task, the node holding its named volumes, where every later attempt is placed.
 */
export const interactive: Migration = {
  version: 11,
  name: "interactive",
  sql: `
    ALTER TABLE workloads ADD COLUMN lease_ms INTEGER;
    ALTER TABLE workloads ADD COLUMN lease_expires_at INTEGER;
    ALTER TABLE tasks ADD COLUMN volume_node_id TEXT;
  `,
};
