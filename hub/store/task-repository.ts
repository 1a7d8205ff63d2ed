import type { Task, TaskStateCount } from "../core/model";
import type { TaskRepository } from "../core/repositories";
import type { Statement } from "better-sqlite3";
import type { Db } from "./database";
import { parseJson } from "./rows";

interface TaskRow {
  id: string;
  workload_id: string;
  role: string;
  idx: number;
  attempt: number;
  state: Task["state"];
  node_id: string | null;
  gpu_uuids: string;
  container_id: string | null;
  ip: string | null;
  ports: string;
  exit_code: number | null;
  message: string | null;
  reason: string | null;
  retry_at: number | null;
  backoff_ms: number;
  volume_node_id: string | null;
  attempt_base: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const toTask = (r: TaskRow): Task => ({
  id: r.id,
  workloadId: r.workload_id,
  role: r.role,
  index: r.idx,
  attempt: r.attempt,
  state: r.state,
  nodeId: r.node_id,
  gpuUuids: parseJson(r.gpu_uuids, []),
  containerId: r.container_id,
  ip: r.ip,
  ports: parseJson(r.ports, []),
  exitCode: r.exit_code,
  message: r.message,
  reason: r.reason,
  retryAt: r.retry_at,
  backoffMs: r.backoff_ms,
  volumeNodeId: r.volume_node_id,
  attemptBase: r.attempt_base,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const params = (t: Task) => ({
  id: t.id,
  workload_id: t.workloadId,
  role: t.role,
  idx: t.index,
  attempt: t.attempt,
  state: t.state,
  node_id: t.nodeId,
  gpu_uuids: JSON.stringify(t.gpuUuids),
  container_id: t.containerId,
  ip: t.ip,
  ports: JSON.stringify(t.ports),
  exit_code: t.exitCode,
  message: t.message,
  reason: t.reason,
  retry_at: t.retryAt,
  backoff_ms: t.backoffMs,
  volume_node_id: t.volumeNodeId,
  attempt_base: t.attemptBase,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
  started_at: t.startedAt,
  finished_at: t.finishedAt,
});

export function taskRepository(db: Db): TaskRepository {
  const insert = db.prepare(
    `INSERT INTO tasks (id, workload_id, role, idx, attempt, state, node_id, gpu_uuids, container_id, ip, ports,
       exit_code, message, reason, retry_at, backoff_ms, created_at, updated_at, started_at, finished_at,
       volume_node_id, attempt_base)
     VALUES (@id, @workload_id, @role, @idx, @attempt, @state, @node_id, @gpu_uuids, @container_id, @ip, @ports,
       @exit_code, @message, @reason, @retry_at, @backoff_ms, @created_at, @updated_at, @started_at, @finished_at,
       @volume_node_id, @attempt_base)`,
  );
  const update = db.prepare(
    `UPDATE tasks SET attempt=@attempt, state=@state, node_id=@node_id, gpu_uuids=@gpu_uuids,
       container_id=@container_id, ip=@ip, ports=@ports, exit_code=@exit_code, message=@message, reason=@reason,
       retry_at=@retry_at, backoff_ms=@backoff_ms, volume_node_id=@volume_node_id, attempt_base=@attempt_base,
       updated_at=@updated_at, started_at=@started_at, finished_at=@finished_at
     WHERE id=@id`,
  );
  const byId = db.prepare("SELECT * FROM tasks WHERE id = ?");
  const byWorkload = db.prepare("SELECT * FROM tasks WHERE workload_id = ? ORDER BY role, idx");
  const inList = (n: number) => Array.from({ length: n }, () => "?").join(",");
  // Statements whose SQL depends on the number of values in an IN list (byWorkloads: 1-500 ids,
  // byStates / byNode: the states asked), by SQL, prepared once each: preparing costs ~0.2 ms,
  // and byNode runs at every agent's Hello (issue 15, join storms).
  const prepared = new Map<string, Statement<unknown[]>>();
  const statement = (sql: string) => {
    let st = prepared.get(sql);
    if (!st) {
      st = db.prepare(sql);
      prepared.set(sql, st);
    }
    return st;
  };
  // Kept by migration 029's triggers; the primary key (workload_id, role, state) serves the lookup.
  const stateCounts = db.prepare(
    "SELECT role, state, n AS count FROM workload_task_counts WHERE workload_id = ? AND n > 0",
  );
  return {
    insert: (t) => void insert.run(params(t)),
    update: (t) => void update.run(params(t)),
    byId: (id) => {
      const r = byId.get(id) as TaskRow | undefined;
      return r && toTask(r);
    },
    byWorkload: (workloadId) => (byWorkload.all(workloadId) as TaskRow[]).map(toTask),
    stateCounts: (workloadId) => stateCounts.all(workloadId) as TaskStateCount[],
    byStates: (states) =>
      (
        statement(
          `SELECT * FROM tasks WHERE state IN (${inList(states.length)}) ORDER BY created_at, role, idx`,
        ).all(...states) as TaskRow[]
      ).map(toTask),
    // Chunks stay well under SQLite's bound-parameter limit (32766).
    byWorkloads: (ids) => {
      const out: Task[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = statement(
          `SELECT * FROM tasks WHERE workload_id IN (${inList(chunk.length)}) ORDER BY workload_id, role, idx`,
        ).all(...chunk) as TaskRow[];
        for (const r of rows) out.push(toTask(r));
      }
      return out;
    },
    byNode: (nodeId, states) =>
      (
        statement(`SELECT * FROM tasks WHERE node_id = ? AND state IN (${inList(states.length)})`).all(
          nodeId,
          ...states,
        ) as TaskRow[]
      ).map(toTask),
  };
}
