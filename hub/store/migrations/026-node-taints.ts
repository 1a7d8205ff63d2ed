import type { Migration } from "./migration";

/**
 * Issue 11, nodes of a resource pool: node taints (JSON [{key, value, effect}]) that the scheduler
 * honours, the tolerations a workload carries (JSON [{key, operator, value, effect}]), and when an
 * admin removed a node (batch-delete: its credential is revoked and it leaves every list).
 */
export const nodeTaints: Migration = {
  version: 26,
  name: "node-taints",
  sql: `
    ALTER TABLE nodes ADD COLUMN taints TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE nodes ADD COLUMN removed_at INTEGER;
    ALTER TABLE workloads ADD COLUMN tolerations TEXT NOT NULL DEFAULT '[]';
  `,
};
