import assert from "node:assert/strict";
import { migrate, openDatabase } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";
import { surfaceIdRepository } from "../../../../hub/store/surface-id-repository";
import { quotaUnitRepository } from "../../../../hub/store/tenancy-repositories";

describe("store migration 013: surface integers in one table", () => {
  it("moves Run:ai and OTE integers out of meta and counts on past the highest handed out", () => {
    const db = openDatabase(
      ":memory:",
      MIGRATIONS.filter((m) => m.version < 13),
    );
    try {
      const unit = (id: string, kind: string, meta: unknown) =>
        db
          .prepare(
            "INSERT INTO quota_units (id, name, kind, meta, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)",
          )
          .run(id, id, kind, JSON.stringify(meta));
      unit("d1", "department", { runai: { intId: 1, description: "x" } });
      unit("p4", "project", { runai: { intId: 4 }, otestack: { oteId: 9, status: 1 }, namespace: "ns9" });
      unit("b2", "business", { otestack: { oteId: 2, status: 0 }, other: true });
      unit("vc", "virtual-cluster", {});
      // Run:ai's counter is past its highest id (a deleted unit had 6); OTE's had no row yet.
      db.prepare("INSERT INTO sequences (name, value) VALUES ('runai.org-unit', 6)").run();
      // An OTE key counting already stays where it is.
      db.prepare("INSERT INTO surface_id_sequences (key, last) VALUES ('otestack/app', 3)").run();

      // Up to 13 only: later migrations (014, 015, ...) are not this test's subject.
      assert.deepEqual(
        migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 13),
        ),
        [13],
      );
      const ids = surfaceIdRepository(db);
      assert.deepEqual(
        [
          ids.objectOf("runai/org-unit", 1),
          ids.objectOf("runai/org-unit", 4),
          ids.find("runai/org-unit", "b2"),
        ],
        ["d1", "p4", undefined],
      );
      assert.deepEqual(
        [ids.objectOf("otestack/business", 9), ids.objectOf("otestack/business", 2)],
        ["p4", "b2"],
      );
      assert.equal(ids.assign("runai/org-unit", "b2"), 7, "after the sequence's last value");
      assert.equal(ids.assign("otestack/business", "d1"), 10, "after the highest id held");
      assert.equal(ids.assign("otestack/app", "a"), 4);
      const units = quotaUnitRepository(db);
      assert.deepEqual(units.byId("d1")?.meta, { runai: { description: "x" } });
      assert.deepEqual(units.byId("p4")?.meta, { runai: {}, otestack: { status: 1 }, namespace: "ns9" });
      assert.deepEqual(units.byId("b2")?.meta, { otestack: { status: 0 }, other: true });
      assert.equal(
        db.prepare("SELECT name FROM sqlite_master WHERE name = 'sequences'").get(),
        undefined,
        "the sequences table is gone",
      );
    } finally {
      db.close();
    }
  });
});
