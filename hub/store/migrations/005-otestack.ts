import type { Migration } from "./migration";

/**
 * OTE-stack: app versions, deployments (history kept as JSON on the row), external repositories
 * (password sealed with AES-256-GCM) and uploaded helm charts. Integer ids, as OTE clients expect.
 */
export const otestack: Migration = {
  version: 5,
  name: "otestack",
  sql: `
    CREATE TABLE ote_apps (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      namespace TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (namespace, name, version)
    );

    CREATE TABLE ote_deployments (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      namespace TEXT NOT NULL,
      body TEXT NOT NULL,
      deleted_at INTEGER,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX ote_deployments_name ON ote_deployments(namespace, name);

    CREATE TABLE ote_external_repos (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      address TEXT NOT NULL,
      username TEXT NOT NULL,
      password_sealed TEXT NOT NULL,
      owner TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );

    CREATE TABLE ote_charts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      namespace TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      file_name TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      content BLOB NOT NULL,
      owner TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (namespace, name, version)
    );
  `,
};
