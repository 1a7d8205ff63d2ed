import type { PreemptionRecord, ProjectSample } from "../core/model";
import type { PreemptionRepository, ProjectMetricsRepository } from "../core/repositories";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface PreemptionRow {
  task_id: string;
  attempt: number;
  workload_id: string;
  node_id: string | null;
  reason: string;
  requested_at: number;
  finished_at: number | null;
}

export function preemptionRepository(db: Db): PreemptionRepository {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO preemptions (task_id, attempt, workload_id, node_id, reason, requested_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const finish = db.prepare("UPDATE preemptions SET finished_at = ? WHERE task_id = ? AND attempt = ?");
  const open = db.prepare("SELECT * FROM preemptions WHERE finished_at IS NULL");
  const count = db.prepare("SELECT COUNT(*) AS n FROM preemptions WHERE workload_id = ?");
  const countTask = db.prepare(
    "SELECT COUNT(*) AS n FROM preemptions WHERE task_id = ? AND finished_at IS NOT NULL",
  );
  return {
    insert: (p) =>
      void insert.run(p.taskId, p.attempt, p.workloadId, p.nodeId, p.reason, p.requestedAt, p.finishedAt),
    finish: (taskId, attempt, at) => void finish.run(at, taskId, attempt),
    open: () =>
      (open.all() as PreemptionRow[]).map((r): PreemptionRecord => ({
        taskId: r.task_id,
        attempt: r.attempt,
        workloadId: r.workload_id,
        nodeId: r.node_id,
        reason: r.reason,
        requestedAt: r.requested_at,
        finishedAt: r.finished_at,
      })),
    countByWorkload: (id) => (count.get(id) as { n: number }).n,
    countByTask: (id) => (countTask.get(id) as { n: number }).n,
    countByWorkloads: (ids) => {
      const out = new Map<string, number>();
      // Chunks stay well under SQLite's bound-parameter limit.
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = db
          .prepare(
            `SELECT workload_id AS id, COUNT(*) AS n FROM preemptions WHERE workload_id IN (${chunk.map(() => "?").join(",")}) GROUP BY workload_id`,
          )
          .all(...chunk) as { id: string; n: number }[];
        for (const r of rows) out.set(r.id, r.n);
      }
      return out;
    },
  };
}

interface SampleRow {
  unit_id: string;
  pool_id: string;
  at: number;
  sample: string;
}

export function projectMetricsRepository(db: Db): ProjectMetricsRepository {
  const insert = db.prepare("INSERT INTO project_metrics (unit_id, pool_id, at, sample) VALUES (?, ?, ?, ?)");
  const insertMany = db.transaction((samples: readonly ProjectSample[]) => {
    for (const s of samples) {
      const { unitId, poolId, at, ...rest } = s;
      insert.run(unitId, poolId, at, JSON.stringify(rest));
    }
  });
  const one = db.prepare(
    "SELECT * FROM project_metrics WHERE unit_id = ? AND at >= ? AND at <= ? ORDER BY at, pool_id",
  );
  const all = db.prepare(
    "SELECT * FROM project_metrics WHERE at >= ? AND at <= ? ORDER BY at, unit_id, pool_id",
  );
  const prune = db.prepare("DELETE FROM project_metrics WHERE at < ?");
  const toSample = (r: SampleRow): ProjectSample => ({
    ...parseJson<Omit<ProjectSample, "unitId" | "poolId" | "at">>(r.sample, {} as never),
    unitId: r.unit_id,
    poolId: r.pool_id,
    at: r.at,
  });
  return {
    insertMany: (samples) => insertMany(samples),
    range: (unitId, from, to) =>
      ((unitId === null ? all.all(from, to) : one.all(unitId, from, to)) as SampleRow[]).map(toSample),
    prune: (before) => prune.run(before).changes,
  };
}
