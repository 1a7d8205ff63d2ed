import type { WorkloadEvent } from "../core/model";
import type { EventQuery, EventRepository } from "../core/repositories";
import type { Db } from "./database";

interface EventRow {
  id: number;
  workload_id: string;
  task_id: string | null;
  type: WorkloadEvent["type"];
  reason: string;
  message: string;
  at: number;
}

export function eventRepository(db: Db): EventRepository {
  const append = db.prepare(
    "INSERT INTO events (workload_id, task_id, type, reason, message, at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const byWorkload = db.prepare("SELECT * FROM events WHERE workload_id = ? ORDER BY id DESC LIMIT ?");
  const list = db.prepare(
    `SELECT * FROM events WHERE id > @afterId AND at >= @since AND at < @until
       AND (@type IS NULL OR type = @type) ORDER BY id LIMIT @limit`,
  );
  const recentAll = db.prepare("SELECT * FROM events ORDER BY id DESC LIMIT ?");
  const recentOf = db.prepare(
    `SELECT e.* FROM events e JOIN workloads w ON w.id = e.workload_id
     WHERE w.owner = ? ORDER BY e.id DESC LIMIT ?`,
  );
  const fromRow = (r: EventRow): WorkloadEvent => ({
    id: r.id,
    workloadId: r.workload_id,
    taskId: r.task_id,
    type: r.type,
    reason: r.reason,
    message: r.message,
    at: r.at,
  });
  return {
    list: (q: EventQuery) =>
      (
        list.all({
          afterId: q.afterId ?? 0,
          since: q.since ?? 0,
          until: q.until ?? Number.MAX_SAFE_INTEGER,
          type: q.type ?? null,
          limit: q.limit,
        }) as EventRow[]
      ).map(fromRow),
    recent: (limit, owner) =>
      ((owner === undefined ? recentAll.all(limit) : recentOf.all(owner, limit)) as EventRow[])
        .reverse()
        .map(fromRow),
    append: (e) => void append.run(e.workloadId, e.taskId, e.type, e.reason, e.message, e.at),
    byWorkload: (workloadId, limit) =>
      (byWorkload.all(workloadId, limit) as EventRow[]).reverse().map((r) => ({
        id: r.id,
        workloadId: r.workload_id,
        taskId: r.task_id,
        type: r.type,
        reason: r.reason,
        message: r.message,
        at: r.at,
      })),
  };
}
