import type { Migration } from "./migration";

/** Crash-loop back-off of service tasks: when a restarted task may be placed, and the last delay. */
export const restartBackoff: Migration = {
  version: 7,
  name: "restart-backoff",
  sql: `
    ALTER TABLE tasks ADD COLUMN retry_at INTEGER;
    ALTER TABLE tasks ADD COLUMN backoff_ms INTEGER NOT NULL DEFAULT 0;
  `,
};
