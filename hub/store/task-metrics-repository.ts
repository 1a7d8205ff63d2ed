import type { TaskMetricPoint } from "../core/model";
import type { TaskMetricsRepository } from "../core/repositories";
import type { Db } from "./database";

interface PointRow {
  task_id: string;
  at: number;
  samples: number;
  cpu_percent: number;
  memory_mib: number;
  gpu_util_percent: number | null;
  gpu_memory_mib: number | null;
}

/** Weighted mean of the stored and the new value; a null side takes the other one. */
const merged = (col: string) =>
  `CASE WHEN ${col} IS NULL THEN excluded.${col} WHEN excluded.${col} IS NULL THEN ${col}
     ELSE (${col} * samples + excluded.${col} * excluded.samples) / (samples + excluded.samples) END`;

/** Task metric points (migration 012). */
export function taskMetricsRepository(db: Db): TaskMetricsRepository {
  const upsert = db.prepare(
    `INSERT INTO task_metric_points (task_id, at, samples, cpu_percent, memory_mib, gpu_util_percent, gpu_memory_mib)
     VALUES (@taskId, @at, @samples, @cpuPercent, @memoryMiB, @gpuUtilPercent, @gpuMemoryMiB)
     ON CONFLICT (task_id, at) DO UPDATE SET
       cpu_percent = ${merged("cpu_percent")},
       memory_mib = ${merged("memory_mib")},
       gpu_util_percent = ${merged("gpu_util_percent")},
       gpu_memory_mib = ${merged("gpu_memory_mib")},
       samples = samples + excluded.samples`,
  );
  const range = db.prepare(
    "SELECT * FROM task_metric_points WHERE task_id = ? AND at >= ? AND at < ? ORDER BY at",
  );
  const prune = db.prepare("DELETE FROM task_metric_points WHERE at < ?");
  const writeAll = db.transaction((points: readonly TaskMetricPoint[]) => {
    for (const p of points) upsert.run(p);
  });
  return {
    write: (points) => writeAll(points),
    range: (taskId, from, to) =>
      (range.all(taskId, from, to) as PointRow[]).map((r) => ({
        taskId: r.task_id,
        at: r.at,
        cpuPercent: r.cpu_percent,
        memoryMiB: r.memory_mib,
        gpuUtilPercent: r.gpu_util_percent,
        gpuMemoryMiB: r.gpu_memory_mib,
        samples: r.samples,
      })),
    prune: (before) => prune.run(before).changes,
  };
}
