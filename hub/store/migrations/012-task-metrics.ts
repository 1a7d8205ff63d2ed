import type { Migration } from "./migration";

/**
 * Per-task metrics history: one row per task and minute (the means of its heartbeats), pruned by
 * age. No foreign key: a batch must not fail because a task was removed meanwhile; the retention
 * prune removes its points.
 */
export const taskMetrics: Migration = {
  version: 12,
  name: "task-metrics",
  sql: `
    CREATE TABLE task_metric_points (
      task_id TEXT NOT NULL,
      at INTEGER NOT NULL,
      samples INTEGER NOT NULL,
      cpu_percent REAL NOT NULL,
      memory_mib REAL NOT NULL,
      gpu_util_percent REAL,
      gpu_memory_mib REAL,
      PRIMARY KEY (task_id, at)
    ) WITHOUT ROWID;
    CREATE INDEX task_metric_points_at ON task_metric_points (at);
  `,
};
