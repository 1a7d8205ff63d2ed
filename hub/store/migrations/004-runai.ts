import type { Migration } from "./migration";

/**
 * Fair-share scheduling and Run:ai metrics: open and past preemptions (a task attempt asked to stop
 * so another quota unit gets its fair share back) and per-project metric samples, one row per
 * unit, node pool and sampling instant (written in batches, never per heartbeat).
 */
export const runai: Migration = {
  version: 4,
  name: "runai",
  sql: `
    CREATE TABLE preemptions (
      task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      attempt INTEGER NOT NULL,
      workload_id TEXT NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
      node_id TEXT,
      reason TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      finished_at INTEGER,
      PRIMARY KEY (task_id, attempt)
    );
    CREATE INDEX preemptions_workload ON preemptions(workload_id);
    CREATE INDEX preemptions_open ON preemptions(finished_at);

    CREATE TABLE project_metrics (
      unit_id TEXT NOT NULL,
      pool_id TEXT NOT NULL,
      at INTEGER NOT NULL,
      sample TEXT NOT NULL
    );
    CREATE INDEX project_metrics_unit_at ON project_metrics(unit_id, at);
    CREATE INDEX project_metrics_at ON project_metrics(at);
  `,
};
