import type { Migration } from "./migration";

/**
 * Servable models (ModelArts AI applications): the fields a list filters on as columns, the
 * serving container (image, port, health path, env), source and meta as one JSON document; and
 * call counts per inference target, written in batches (InvocationCounts).
 */
export const inferenceModels: Migration = {
  version: 24,
  name: "inference-models",
  sql: `
    CREATE TABLE inference_models (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      owner TEXT NOT NULL,
      quota_unit_id TEXT NOT NULL,
      status TEXT NOT NULL,
      definition TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX inference_models_name ON inference_models (quota_unit_id, name, version);
    CREATE TABLE invocation_counts (
      target_id TEXT PRIMARY KEY,
      count INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
  `,
};
