import assert from "node:assert/strict";
import { migrate, openDatabase } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";
import { quotaUnitRepository } from "../../../../hub/store/tenancy-repositories";

describe("store migration 010: quota-unit fields and sequences", () => {
  it("moves meta.runai default pools (names to ids) and ranks (words to numbers) into columns", () => {
    const db = openDatabase(
      ":memory:",
      MIGRATIONS.filter((m) => m.version < 10),
    );
    try {
      db.prepare(
        "INSERT INTO node_pools (id, name, created_at, updated_at) VALUES ('p-small', 'small', 1, 1), ('p-def', 'default', 1, 1)",
      ).run();
      const unit = (id: string, name: string, runai: unknown) =>
        db
          .prepare(
            "INSERT INTO quota_units (id, name, kind, meta, created_at, updated_at) VALUES (?, ?, 'project', ?, 1, 1)",
          )
          .run(id, name, JSON.stringify({ runai, other: { keep: true } }));
      unit("u1", "ml-a", {
        intId: 7,
        description: "d",
        defaultNodePools: ["small", "p-def", "gone"],
        ranks: { "p-small": "High", "p-def": "Normal", x: "VeryLow" },
      });
      unit("u2", "ml-b", { intId: 3, defaultNodePools: [] });
      db.prepare("INSERT INTO settings (key, value) VALUES ('otestack_next_business_id', '5')").run();

      assert.deepEqual(
        migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 10),
        ),
        [10],
      );
      const units = quotaUnitRepository(db);
      const a = units.byId("u1");
      assert.deepEqual(a?.defaultNodePools, ["p-small", "p-def", "gone"], "ordered; unknown kept");
      assert.deepEqual(a?.ranks, { "p-small": 3, "p-def": 0, x: -2 });
      assert.deepEqual(a?.aliases, []);
      assert.deepEqual(a?.meta, { runai: { intId: 7, description: "d" }, other: { keep: true } });
      assert.equal(units.byId("u2")?.defaultNodePools, null, "an empty list follows the department");
      // The last value handed out per sequence (migration 013 folds them into surface ids).
      const last = (name: string) =>
        (db.prepare("SELECT value FROM sequences WHERE name = ?").get(name) as { value: number } | undefined)
          ?.value;
      assert.equal(last("runai.org-unit"), 7, "Run:ai ids go on after the highest");
      assert.equal(last("otestack.business"), 4, "OTE ids go on from the stored next id");
      assert.equal(last("new"), undefined);
    } finally {
      db.close();
    }
  });
});
