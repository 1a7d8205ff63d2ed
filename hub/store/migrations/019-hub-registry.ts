import type { Migration } from "./migration";

/**
 * Issue 12, OTE-stack repository users and projects: a user's account for the hub's registry
 * (password sealed; it goes with its user) and the registry projects people created.
 */
export const hubRegistry: Migration = {
  version: 19,
  name: "hub-registry",
  sql: `
    CREATE TABLE registry_accounts (
      user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      username TEXT NOT NULL UNIQUE,
      password_sealed TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

    CREATE TABLE registry_projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      public INTEGER NOT NULL,
      owner TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
  `,
};
