import type { Migration } from "./migration";

/** Whole-workload attempts (OpenPAI's jobRetryCount): how many are allowed and which one runs. */
export const jobAttempts: Migration = {
  version: 3,
  name: "job-attempts",
  sql: `
    ALTER TABLE workloads ADD COLUMN max_job_attempts INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE workloads ADD COLUMN job_attempt INTEGER NOT NULL DEFAULT 1;
  `,
};
