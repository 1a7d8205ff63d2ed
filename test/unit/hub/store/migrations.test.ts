import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, openDatabase } from "../../../../hub/store/database";
import type { Db } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";

/** The tables of migration 1; later migrations add more. */
const FOUNDATION_TABLES = [
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

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);

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
      const have = tables(db);
      for (const t of FOUNDATION_TABLES) assert.ok(have.includes(t), `table ${t}`);
      assert.deepEqual(versions(db)[0], { version: 1, name: "foundation" });
      assert.deepEqual(
        versions(db).map((v) => v.version),
        ALL_VERSIONS,
      );
      assert.deepEqual(migrate(db, MIGRATIONS), [], "a second run applies nothing");
      assert.equal(versions(db).length, MIGRATIONS.length);
    });
  }

  it("reopening a migrated file applies nothing and keeps the data", () => {
    const file = path.join(dir, "corral.db");
    const first = track(openDatabase(file));
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
    first.close();
    const again = track(openDatabase(file));
    assert.deepEqual(migrate(again, MIGRATIONS), []);
    assert.deepEqual(
      versions(again).map((v) => v.version),
      ALL_VERSIONS,
    );
    assert.deepEqual(again.prepare("SELECT value FROM settings WHERE key = 'k'").get(), { value: "v" });
  });

  it("opens a file database in WAL mode with foreign keys on", () => {
    const db = track(openDatabase(path.join(dir, "corral.db")));
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.ok(fs.existsSync(path.join(dir, "corral.db-wal")), "WAL file beside the database");
  });

  it("applies only migrations not yet recorded, in version order", () => {
    const db = track(openDatabase(":memory:", MIGRATIONS.slice(0, 1)));
    const later = [
      { version: 1001, name: "b", sql: "CREATE TABLE t1001 (x INTEGER)" },
      { version: 1000, name: "a", sql: "CREATE TABLE t1000 (x INTEGER)" },
    ];
    assert.deepEqual(migrate(db, [...MIGRATIONS, ...later]), [...ALL_VERSIONS.slice(1), 1000, 1001]);
    assert.deepEqual(
      versions(db).map((v) => v.version),
      [...ALL_VERSIONS, 1000, 1001],
    );
    assert.deepEqual(migrate(db, [...MIGRATIONS, ...later]), []);
  });

  it("applies a lower number that landed after a higher one (versions are a set, not a maximum)", () => {
    const db = track(openDatabase(":memory:"));
    const high = { version: 2000, name: "high", sql: "CREATE TABLE high (x INTEGER)" };
    const low = { version: 1500, name: "low", sql: "CREATE TABLE low (x INTEGER)" };
    assert.deepEqual(migrate(db, [...MIGRATIONS, high]), [2000]);
    assert.deepEqual(migrate(db, [...MIGRATIONS, high, low]), [1500]);
    assert.ok(tables(db).includes("low"));
  });

  it("a failing migration leaves neither its tables nor its version behind", () => {
    const db = track(openDatabase(":memory:"));
    const broken = { version: 9999, name: "broken", sql: "CREATE TABLE half (x INTEGER); THIS IS NOT SQL" };
    assert.throws(() => migrate(db, [...MIGRATIONS, broken]));
    assert.ok(!tables(db).includes("half"));
    assert.deepEqual(
      versions(db).map((v) => v.version),
      ALL_VERSIONS,
    );
  });
});
