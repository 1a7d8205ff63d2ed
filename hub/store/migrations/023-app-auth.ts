import type { Migration } from "./migration";

/**
 * Issue 11: app authentication (ModelArts "APP认证", APIG apps). Apps belong to a user (their
 * AppSecret sealed), app codes are sealed and indexed by their hash, APIs are registered per
 * real-time service (by its ModelArts id), and grants join APIs to apps. An app that is granted
 * an API cannot be deleted (the core refuses); a user's apps go with the user.
 */
export const appAuth: Migration = {
  version: 23,
  name: "app-auth",
  sql: `
    CREATE TABLE app_auth_apps (
      id TEXT PRIMARY KEY,
      owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      remark TEXT NOT NULL DEFAULT '',
      app_key TEXT NOT NULL UNIQUE,
      secret_sealed TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (owner_id, name)
    );
    CREATE TABLE app_auth_codes (
      id TEXT PRIMARY KEY,
      app_id TEXT NOT NULL REFERENCES app_auth_apps(id) ON DELETE CASCADE,
      code_hash TEXT NOT NULL UNIQUE,
      code_sealed TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX app_auth_codes_app ON app_auth_codes (app_id);
    CREATE TABLE app_auth_apis (
      id TEXT PRIMARY KEY,
      service_id TEXT NOT NULL,
      service_name TEXT NOT NULL DEFAULT '',
      name TEXT NOT NULL,
      remark TEXT NOT NULL DEFAULT '',
      path TEXT NOT NULL,
      method TEXT NOT NULL DEFAULT 'ANY',
      auth_type TEXT NOT NULL DEFAULT 'APP' CHECK (auth_type IN ('APP')),
      support_app_code INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      UNIQUE (service_id, path, method)
    );
    CREATE TABLE app_auth_grants (
      id TEXT PRIMARY KEY,
      api_id TEXT NOT NULL REFERENCES app_auth_apis(id) ON DELETE CASCADE,
      app_id TEXT NOT NULL REFERENCES app_auth_apps(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      UNIQUE (api_id, app_id)
    );
    CREATE INDEX app_auth_grants_app ON app_auth_grants (app_id);
  `,
};
