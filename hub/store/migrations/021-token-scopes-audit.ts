import type { Migration } from "./migration";

/**
 * Issue 13, tokens and logins: refresh tokens are a kind of their own (they only refresh), each
 * token remembers when the password login it descends from happened (auth_at, NULL: unknown, so
 * not fresh), and an audit trail of logins, failures and token changes.
 *
 * SQLite cannot change a CHECK constraint in place: the tokens table is rebuilt (nothing
 * references it).
 */
export const tokenScopesAudit: Migration = {
  version: 21,
  name: "token-scopes-audit",
  sql: `
    CREATE TABLE tokens_021 (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('login', 'application', 'refresh')),
      created_at INTEGER NOT NULL,
      expires_at INTEGER,
      revoked_at INTEGER,
      auth_at INTEGER
    );
    INSERT INTO tokens_021 (id, user_id, kind, created_at, expires_at, revoked_at)
      SELECT id, user_id, kind, created_at, expires_at, revoked_at FROM tokens;
    DROP TABLE tokens;
    ALTER TABLE tokens_021 RENAME TO tokens;
    CREATE INDEX tokens_user ON tokens(user_id);

    CREATE TABLE audit_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      type TEXT NOT NULL,
      username TEXT,
      address TEXT,
      token_id TEXT,
      detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_events_at ON audit_events(at);
  `,
};
