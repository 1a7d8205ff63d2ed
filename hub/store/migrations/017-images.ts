import type { Migration } from "./migration";

/** Registered container images (ModelArts image management), one reference once per quota unit. */
export const images: Migration = {
  version: 17,
  name: "images",
  sql: `
    CREATE TABLE images (
      id TEXT PRIMARY KEY,
      reference TEXT NOT NULL,
      owner TEXT NOT NULL,
      quota_unit_id TEXT REFERENCES quota_units(id) ON DELETE CASCADE,
      description TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL,
      status_message TEXT NOT NULL DEFAULT '',
      meta TEXT NOT NULL DEFAULT '{}',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX images_quota_unit ON images(quota_unit_id);
  `,
};
