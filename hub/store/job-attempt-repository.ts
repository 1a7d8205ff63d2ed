import type { PastJobAttempt, Task } from "../core/model";
import type { JobAttemptRepository } from "../core/repositories";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface AttemptRow {
  workload_id: string;
  attempt: number;
  started_at: number;
  finished_at: number;
  tasks: string;
}

const fromRow = (r: AttemptRow): PastJobAttempt => ({
  workloadId: r.workload_id,
  attempt: r.attempt,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  tasks: parseJson<Task[]>(r.tasks, []),
});

/** Past whole-workload attempts of every workload (migration 008): the tasks as one JSON array. */
export function jobAttemptRepository(db: Db): JobAttemptRepository {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO job_attempts (workload_id, attempt, started_at, finished_at, tasks)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const byWorkload = db.prepare("SELECT * FROM job_attempts WHERE workload_id = ? ORDER BY attempt");
  return {
    insert: (a) =>
      void insert.run(a.workloadId, a.attempt, a.startedAt, a.finishedAt, JSON.stringify(a.tasks)),
    byWorkload: (workloadId) => (byWorkload.all(workloadId) as AttemptRow[]).map(fromRow),
  };
}
