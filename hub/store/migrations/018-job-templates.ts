import type { Migration } from "./migration";

/**
 * Reusable batch-job definitions (ModelArts algorithms): the fields a list filters on as columns,
 * the definition itself (image, command, parameters, channels, env, meta) as one JSON document.
 */
export const jobTemplates: Migration = {
  version: 18,
  name: "job-templates",
  sql: `
    CREATE TABLE job_templates (
      id TEXT PRIMARY KEY,
      scope TEXT NOT NULL,
      name TEXT NOT NULL,
      owner TEXT NOT NULL,
      quota_unit_id TEXT,
      definition TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX job_templates_scope ON job_templates (scope, created_at);
  `,
};
