import assert from "node:assert/strict";
import { migrate, openDatabase } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";
import { userRepository } from "../../../../hub/store/user-repository";

describe("store migration 014: user status as a column", () => {
  it("moves OTE's 0-3 status out of the extension; users without one are active", () => {
    const db = openDatabase(
      ":memory:",
      MIGRATIONS.filter((m) => m.version < 14),
    );
    try {
      const user = (name: string, extension: unknown) =>
        db
          .prepare(
            "INSERT INTO users (id, username, password_hash, extension, created_at, updated_at) VALUES (?, ?, 'h', ?, 1, 1)",
          )
          .run(name, name, JSON.stringify(extension));
      user("p", { otestack: { status: 0, role: 0, phone: "1" } });
      user("a", { otestack: { status: 1, role: 2 } });
      user("r", { otestack: { status: 2, role: 0 } });
      user("d", { otestack: { status: 3, role: 1 }, openpai: { x: 1 } });
      user("o", { openpai: { virtualClusters: ["default"] } });

      assert.deepEqual(
        migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 14),
        ),
        [14],
      );
      const users = userRepository(db);
      assert.deepEqual(
        ["p", "a", "r", "d", "o"].map((id) => users.byId(id)?.status),
        ["pending", "active", "rejected", "disabled", "active"],
      );
      assert.deepEqual(users.byId("p")?.extension, { otestack: { role: 0, phone: "1" } });
      assert.deepEqual(users.byId("d")?.extension, { otestack: { role: 1 }, openpai: { x: 1 } });
      assert.deepEqual(users.byId("o")?.extension, { openpai: { virtualClusters: ["default"] } });
      assert.throws(() => db.prepare("UPDATE users SET status = 'sleeping' WHERE id = 'o'").run(), /CHECK/);
    } finally {
      db.close();
    }
  });
});
