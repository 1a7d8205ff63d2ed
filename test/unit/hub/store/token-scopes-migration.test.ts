import assert from "node:assert/strict";
import { migrate, openDatabase } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";
import { tokenRepository } from "../../../../hub/store/token-repository";

describe("store migration 021: refresh tokens, auth_at, audit events", () => {
  it("keeps every token (no auth_at: not a fresh login) and admits the refresh kind", () => {
    const db = openDatabase(
      ":memory:",
      MIGRATIONS.filter((m) => m.version < 21),
    );
    try {
      db.prepare(
        "INSERT INTO users (id, username, password_hash, created_at, updated_at) VALUES ('u', 'u', 'h', 1, 1)",
      ).run();
      db.prepare(
        "INSERT INTO tokens (id, user_id, kind, created_at, expires_at, revoked_at) VALUES ('t1', 'u', 'login', 1, 2, NULL), ('t2', 'u', 'application', 3, NULL, 4)",
      ).run();
      assert.throws(
        () =>
          db
            .prepare("INSERT INTO tokens (id, user_id, kind, created_at) VALUES ('t3', 'u', 'refresh', 1)")
            .run(),
        /CHECK/,
      );
      assert.deepEqual(
        migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 21),
        ),
        [21],
      );
      const tokens = tokenRepository(db);
      assert.deepEqual(tokens.listForUser("u"), [
        { id: "t1", userId: "u", kind: "login", createdAt: 1, expiresAt: 2, revokedAt: null },
        { id: "t2", userId: "u", kind: "application", createdAt: 3, expiresAt: null, revokedAt: 4 },
      ]);
      tokens.insert({
        id: "t3",
        userId: "u",
        kind: "refresh",
        createdAt: 5,
        expiresAt: 6,
        revokedAt: null,
        authAt: 5,
      });
      assert.deepEqual(tokens.byId("t3")?.authAt, 5);
      db.prepare("DELETE FROM users WHERE id = 'u'").run();
      assert.deepEqual(tokens.listForUser("u"), [], "tokens still go with their user");
    } finally {
      db.close();
    }
  });
});
