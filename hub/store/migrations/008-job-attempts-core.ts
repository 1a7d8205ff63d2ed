import type { Migration } from "./migration";

/**
 * Past whole-workload attempts become a core fact for every workload: one `job_attempts` table
 * (each attempt that failed and was retried, with its tasks as they ended, JSON). The rows OpenPAI
 * kept in its own table (migration 006) move over, and that table goes.
 */
export const jobAttemptsCore: Migration = {
  version: 8,
  name: "job-attempts-core",
  sql: `
    CREATE TABLE job_attempts (
      workload_id TEXT NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
      attempt INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      finished_at INTEGER NOT NULL,
      tasks TEXT NOT NULL,
      PRIMARY KEY (workload_id, attempt)
    );
    INSERT INTO job_attempts (workload_id, attempt, started_at, finished_at, tasks)
      SELECT workload_id, attempt, started_at, finished_at, tasks FROM openpai_job_attempts;
    DROP TABLE openpai_job_attempts;
  `,
};
