import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, openDatabase } from "../../../../hub/store/database";
import type { Db } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations";

const TABLES = [
  "clusters",
  "events",
  "join_tokens",
  "node_metrics",
  "nodes",
  "schema_migrations",
  "settings",
  "tasks",
  "tokens",
  "users",
  "workloads",
];

function tables(db: Db): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

function versions(db: Db): { version: number; name: string }[] {
  return db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all() as {
    version: number;
    name: string;
  }[];
}

describe("store migrations", () => {
  let dir: string;
  const open: Db[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-migrations-"));
  });

  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const track = (db: Db): Db => {
    open.push(db);
    return db;
  };

  for (const where of [":memory:", "a temp file"]) {
    it(`creates every table from empty and records version 1 (${where})`, () => {
      const file = where === ":memory:" ? ":memory:" : path.join(dir, "sub", "corral.db");
      const db = track(openDatabase(file));
      assert.deepEqual(tables(db), TABLES);
      assert.deepEqual(versions(db), [{ version: 1, name: "foundation" }]);
      assert.deepEqual(migrate(db, MIGRATIONS), [], "a second run applies nothing");
      assert.equal(versions(db).length, 1);
    });
  }

  it("reopening a migrated file applies nothing and keeps the data", () => {
    const file = path.join(dir, "corral.db");
    const first = track(openDatabase(file));
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
    first.close();
    const again = track(openDatabase(file));
    assert.deepEqual(migrate(again, MIGRATIONS), []);
    assert.deepEqual(versions(again), [{ version: 1, name: "foundation" }]);
    assert.deepEqual(again.prepare("SELECT value FROM settings WHERE key = 'k'").get(), { value: "v" });
  });

  it("opens a file database in WAL mode with foreign keys on", () => {
    const db = track(openDatabase(path.join(dir, "corral.db")));
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.ok(fs.existsSync(path.join(dir, "corral.db-wal")), "WAL file beside the database");
  });

  it("applies only migrations newer than the recorded version, in version order", () => {
    const db = track(openDatabase(":memory:"));
    const later = [
      { version: 3, name: "three", sql: "CREATE TABLE t3 (x INTEGER)" },
      { version: 2, name: "two", sql: "CREATE TABLE t2 (x INTEGER)" },
    ];
    assert.deepEqual(migrate(db, [...MIGRATIONS, ...later]), [2, 3]);
    assert.deepEqual(
      versions(db).map((v) => v.version),
      [1, 2, 3],
    );
    assert.deepEqual(migrate(db, [...MIGRATIONS, ...later]), []);
  });

  it("a failing migration leaves neither its tables nor its version behind", () => {
    const db = track(openDatabase(":memory:"));
    const broken = { version: 2, name: "broken", sql: "CREATE TABLE half (x INTEGER); THIS IS NOT SQL" };
    assert.throws(() => migrate(db, [...MIGRATIONS, broken]));
    assert.ok(!tables(db).includes("half"));
    assert.deepEqual(
      versions(db).map((v) => v.version),
      [1],
    );
  });
});
