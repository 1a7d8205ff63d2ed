import assert from "node:assert/strict";
import Database from "better-sqlite3";
import type { Store, TaskRepository } from "../../../../hub/core/repositories";
import type { Db } from "../../../../hub/store/database";
import { migrate } from "../../../../hub/store/database";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";
import { openSqliteStore } from "../../../../hub/store/sqlite-store";
import { taskRepository } from "../../../../hub/store/task-repository";
import { workloadRepository } from "../../../../hub/store/workload-repository";
import { task, workload } from "./fixtures";

/** Counts as a sorted "role/state=n" list, for readable assertions. */
const counts = (tasks: TaskRepository, workloadId: string): string[] =>
  tasks
    .stateCounts(workloadId)
    .map((c) => `${c.role}/${c.state}=${c.count}`)
    .sort();

describe("store: per-workload task state counts (migration 029, issue 15)", () => {
  let store: Store & { db: Db };

  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });

  afterEach(() => store.close());

  it("follows every insert and state change of a task, per role, and only its own workload", () => {
    store.workloads.insert(workload("w1"));
    store.workloads.insert(workload("w2"));
    const a = task("a", "w1", { index: 0 });
    const b = task("b", "w1", { index: 1 });
    const c = task("c", "w1", { role: "ps", index: 0 });
    for (const t of [a, b, c, task("d", "w2")]) store.tasks.insert(t);
    assert.deepEqual(counts(store.tasks, "w1"), ["ps/pending=1", "worker/pending=2"]);
    store.tasks.update({ ...a, state: "running" });
    store.tasks.update({ ...a, state: "running", message: "no state change: counted once" });
    store.tasks.update({ ...b, state: "failed" });
    store.tasks.update({ ...b, state: "pending", attempt: 2 });
    assert.deepEqual(counts(store.tasks, "w1"), ["ps/pending=1", "worker/pending=1", "worker/running=1"]);
    assert.deepEqual(counts(store.tasks, "w2"), ["worker/pending=1"]);
    assert.deepEqual(counts(store.tasks, "none"), []);
  });

  it("drops a deleted task and a deleted workload's counts", () => {
    store.workloads.insert(workload("w1"));
    store.tasks.insert(task("a", "w1"));
    store.tasks.insert(task("b", "w1", { index: 1 }));
    store.db.prepare("DELETE FROM tasks WHERE id = 'a'").run();
    assert.deepEqual(counts(store.tasks, "w1"), ["worker/pending=1"]);
    store.db.prepare("DELETE FROM workloads WHERE id = 'w1'").run();
    assert.equal(
      (store.db.prepare("SELECT count(*) AS n FROM workload_task_counts").get() as { n: number }).n,
      0,
    );
  });

  it("counts the tasks a database already had when the migration runs", () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    try {
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version < 29),
      );
      workloadRepository(db).insert(workload("w1"));
      const insert = db.prepare(
        `INSERT INTO tasks (id, workload_id, role, idx, attempt, state, created_at, updated_at)
         VALUES (?, 'w1', 'worker', ?, 1, ?, 1000, 1000)`,
      );
      insert.run("a", 0, "running");
      insert.run("b", 1, "running");
      insert.run("c", 2, "succeeded");
      migrate(db, MIGRATIONS);
      const tasks = taskRepository(db);
      assert.deepEqual(counts(tasks, "w1"), ["worker/running=2", "worker/succeeded=1"]);
      tasks.update(task("c", "w1", { index: 2, state: "running" }));
      assert.deepEqual(counts(tasks, "w1"), ["worker/running=3"], "and keeps them from then on");
    } finally {
      db.close();
    }
  });

  it("reads the counts by primary key (no scan)", () => {
    const plan = store.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT role, state, n AS count FROM workload_task_counts WHERE workload_id = ? AND n > 0",
      )
      .all("w1") as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join("\n"), /SEARCH workload_task_counts USING PRIMARY KEY/);
  });
});
