import type { Migration } from "./migration";

/**
 * Issue 10: permanent access keys (AK/SK) that Huawei Cloud SDK clients sign requests with. The
 * secret is sealed (SecretBox); a user's keys go with the user.
 */
export const accessKeys: Migration = {
  version: 16,
  name: "access-keys",
  sql: `
    CREATE TABLE access_keys (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      description TEXT NOT NULL DEFAULT '',
      secret_sealed TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
      created_at INTEGER NOT NULL
    );
    CREATE INDEX access_keys_user ON access_keys (user_id);
  `,
};
