import type { Migration } from "./migration";

/**
 * Interactive workloads that stop and start again: their lease (duration and deadline; null: none)
 * and, per task, the node holding its named volumes, where every later attempt is placed, and the
 * attempts made before the current start (each start has its own retry budget).
 */
export const interactive: Migration = {
  version: 11,
  name: "interactive",
  sql: `
    ALTER TABLE workloads ADD COLUMN lease_ms INTEGER;
    ALTER TABLE workloads ADD COLUMN lease_expires_at INTEGER;
    ALTER TABLE tasks ADD COLUMN volume_node_id TEXT;
    ALTER TABLE tasks ADD COLUMN attempt_base INTEGER NOT NULL DEFAULT 0;
  `,
};
