import type { Migration } from "./migration";

/**
 * OpenPAI job attempt history: each whole-job attempt that failed and was retried, with its tasks
 * as they ended (JSON), so /job-attempts and per-attempt logs can answer for past attempts.
 */
export const openpaiAttempts: Migration = {
  version: 6,
  name: "openpai-attempts",
  sql: `
    CREATE TABLE openpai_job_attempts (
      workload_id TEXT NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
      attempt INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      finished_at INTEGER NOT NULL,
      tasks TEXT NOT NULL,
      PRIMARY KEY (workload_id, attempt)
    );
  `,
};
