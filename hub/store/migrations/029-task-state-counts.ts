import type { Migration } from "./migration";

/**
 * Issue 15, reports at scale: how many tasks of each workload are in each state, per role, kept by
 * triggers on every insert, state change and delete of a task. Settling a workload after a task
 * report reads these few rows instead of every task of the workload (a 1000-instance workload
 * cost 1000 rows per report), and no code path that writes a task can forget to count it.
 * Rows at zero stay (a workload has at most roles x states of them); they go with the workload.
 */
export const taskStateCounts: Migration = {
  version: 29,
  name: "task-state-counts",
  sql: `
    CREATE TABLE workload_task_counts (
      workload_id TEXT NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
      role TEXT NOT NULL,
      state TEXT NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (workload_id, role, state)
    ) WITHOUT ROWID;

    INSERT INTO workload_task_counts (workload_id, role, state, n)
      SELECT workload_id, role, state, count(*) FROM tasks GROUP BY workload_id, role, state;

    CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks BEGIN
      INSERT INTO workload_task_counts (workload_id, role, state, n)
        VALUES (NEW.workload_id, NEW.role, NEW.state, 1)
        ON CONFLICT (workload_id, role, state) DO UPDATE SET n = n + 1;
    END;

    CREATE TRIGGER tasks_count_update AFTER UPDATE OF state, role, workload_id ON tasks
      WHEN OLD.state IS NOT NEW.state OR OLD.role IS NOT NEW.role OR OLD.workload_id IS NOT NEW.workload_id
    BEGIN
      UPDATE workload_task_counts SET n = n - 1
        WHERE workload_id = OLD.workload_id AND role = OLD.role AND state = OLD.state;
      INSERT INTO workload_task_counts (workload_id, role, state, n)
        VALUES (NEW.workload_id, NEW.role, NEW.state, 1)
        ON CONFLICT (workload_id, role, state) DO UPDATE SET n = n + 1;
    END;

    CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks BEGIN
      UPDATE workload_task_counts SET n = n - 1
        WHERE workload_id = OLD.workload_id AND role = OLD.role AND state = OLD.state;
    END;
  `,
};
