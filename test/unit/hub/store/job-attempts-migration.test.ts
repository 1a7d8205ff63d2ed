import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Db } from "../../../../hub/store/database";
import { jobAttemptRepository } from "../../../../hub/store/job-attempt-repository";
import { MIGRATIONS } from "../../../../hub/store/migrations/index";
import { workloadRepository } from "../../../../hub/store/workload-repository";
import { task, workload } from "./fixtures";

const tableNames = (db: Db): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (r) => r.name,
  );

/** Migration 008: OpenPAI's own attempt table becomes the core's job_attempts, rows and all. */
describe("store migration 008 (job attempts in core)", () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "corral-attempts-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("moves the attempts OpenPAI kept into job_attempts and drops the old table", () => {
    const file = path.join(dir, "corral.db");
    const before = openDatabase(
      file,
      MIGRATIONS.filter((m) => m.version !== 8),
    );
    workloadRepository(before).insert(workload("w1"));
    const kept = [task("t1", "w1", { state: "failed", exitCode: 3 })];
    before
      .prepare(
        "INSERT INTO openpai_job_attempts (workload_id, attempt, started_at, finished_at, tasks) VALUES (?, ?, ?, ?, ?)",
      )
      .run("w1", 1, 100, 200, JSON.stringify(kept));
    before
      .prepare(
        "INSERT INTO openpai_job_attempts (workload_id, attempt, started_at, finished_at, tasks) VALUES (?, ?, ?, ?, ?)",
      )
      .run("w1", 2, 200, 300, "[]");
    before.close();

    const after = openDatabase(file);
    try {
      assert.ok(!tableNames(after).includes("openpai_job_attempts"), "the old table is gone");
      assert.deepEqual(jobAttemptRepository(after).byWorkload("w1"), [
        { workloadId: "w1", attempt: 1, startedAt: 100, finishedAt: 200, tasks: kept },
        { workloadId: "w1", attempt: 2, startedAt: 200, finishedAt: 300, tasks: [] },
      ]);
    } finally {
      after.close();
    }
  });

  it("a fresh database has job_attempts and no OpenPAI attempt table", () => {
    const db = openDatabase(":memory:");
    try {
      const names = tableNames(db);
      assert.ok(names.includes("job_attempts"));
      assert.ok(!names.includes("openpai_job_attempts"));
    } finally {
      db.close();
    }
  });
});
