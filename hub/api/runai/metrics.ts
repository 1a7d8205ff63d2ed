/**
 * Project metric series in Run:ai's shapes (docs/compat/runai.md §1.6), from ProjectMetrics samples:
 * per-instant values (summed over node pools, or one pool by name), resampled into
 * `numberOfSamples` equal buckets between start and end (bucket mean; an empty bucket repeats the
 * previous value).
 */
import type { Core } from "../../core";
import { ValidationError } from "../../core/errors";
import type { ProjectSample } from "../../core/model";
import { toMB } from "./projects";

export interface Range {
  start: number;
  end: number;
  samples: number;
}

/** Parses start/end (ISO or epoch ms; always together) and numberOfSamples (0..1000, @default 20). */
export function parseRange(q: Record<string, unknown>, required: boolean): Range | null {
  const start = q.start as string | undefined;
  const end = q.end as string | undefined;
  const n = q.numberOfSamples === undefined ? 20 : Number(q.numberOfSamples);
  if (!Number.isInteger(n) || n < 0 || n > 1000)
    throw new ValidationError("numberOfSamples", "must be an integer 0..1000");
  if (start === undefined && end === undefined) {
    if (required) throw new ValidationError("start", "start and end are required");
    return null;
  }
  if (start === undefined || end === undefined)
    throw new ValidationError(start === undefined ? "start" : "end", "start and end go together");
  const t = (v: string, f: string) => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isNaN(ms)) throw new ValidationError(f, "must be an ISO-8601 date");
    return ms;
  };
  const r = { start: t(start, "start"), end: t(end, "end"), samples: n };
  if (r.end < r.start) throw new ValidationError("end", "must not be before start");
  return r;
}

export type Extract = (samples: readonly ProjectSample[]) => number | null;

const sumOf =
  (f: (s: ProjectSample) => number): Extract =>
  (xs) =>
    xs.reduce((a, s) => a + f(s), 0);
const meanOf =
  (f: (s: ProjectSample) => number | null): Extract =>
  (xs) => {
    const v = xs.flatMap((s) => {
      const x = f(s);
      return x === null ? [] : [x];
    });
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };

/** The new endpoint's metricType values (utilisations as percentages, memory in MB). */
export const METRIC_TYPES: Record<string, Extract> = {
  GPU_QUOTA: sumOf((s) => s.quota.gpu),
  CPU_QUOTA_MILLICORES: sumOf((s) => s.quota.cpuMilli),
  CPU_MEMORY_QUOTA_MB: sumOf((s) => toMB(s.quota.memoryMiB)),
  GPU_ALLOCATION: sumOf((s) => s.allocated.gpu),
  CPU_ALLOCATION_MILLICORES: sumOf((s) => s.allocated.cpuMilli),
  CPU_MEMORY_ALLOCATION_MB: sumOf((s) => toMB(s.allocated.memoryMiB)),
  GPU_UTILIZATION: meanOf((s) => (s.utilization.gpu === null ? null : s.utilization.gpu * 100)),
  GPU_MEMORY_UTILIZATION: meanOf((s) =>
    s.utilization.gpuMemory === null ? null : s.utilization.gpuMemory * 100,
  ),
  CPU_UTILIZATION: meanOf((s) => (s.utilization.cpu === null ? null : s.utilization.cpu * 100)),
  CPU_MEMORY_UTILIZATION: meanOf((s) => (s.utilization.memory === null ? null : s.utilization.memory * 100)),
};

/** Telemetry types: current quota / allocation of every project, grouped. */
export const TELEMETRY: Record<string, (s: ProjectSample) => number> = {
  GPU_QUOTA: (s) => s.quota.gpu,
  CPU_QUOTA: (s) => s.quota.cpuMilli,
  MEMORY_QUOTA: (s) => toMB(s.quota.memoryMiB),
  GPU_ALLOCATION: (s) => s.allocated.gpu,
  CPU_ALLOCATION: (s) => s.allocated.cpuMilli,
  MEMORY_ALLOCATION: (s) => toMB(s.allocated.memoryMiB),
  GPU_ALLOCATION_NON_PREEMPTIBLE: (s) => s.allocatedNonPreemptible.gpu,
  CPU_ALLOCATION_NON_PREEMPTIBLE: (s) => s.allocatedNonPreemptible.cpuMilli,
  MEMORY_ALLOCATION_NON_PREEMPTIBLE: (s) => toMB(s.allocatedNonPreemptible.memoryMiB),
};
/** What telemetry values may be grouped by (at most two). */
export const GROUPS = ["ClusterId", "NodepoolId", "ParentId"] as const;

/** One unit's samples in the range, keeping only the named pool when given. */
export function samplesOf(core: Core, unitId: string | null, r: Range, poolName?: string): ProjectSample[] {
  const pool = poolName ? core.nodePools.find(poolName) : undefined;
  if (poolName && !pool) throw new ValidationError("nodepoolName", `unknown node pool ${poolName}`);
  return core.projectMetrics.range(unitId, r.start, r.end).filter((s) => !pool || s.poolId === pool.id);
}

/** Resamples per-instant values into r.samples buckets (0: every instant as stored). */
export function resample(
  samples: readonly ProjectSample[],
  r: Range,
  f: Extract,
): { timestamp: number; value: number }[] {
  const byInstant = new Map<number, ProjectSample[]>();
  for (const s of samples) byInstant.set(s.at, [...(byInstant.get(s.at) ?? []), s]);
  const points = [...byInstant]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([at, xs]) => {
      const v = f(xs);
      return v === null ? [] : [{ timestamp: at, value: v }];
    });
  if (r.samples === 0 || points.length === 0) return points;
  const width = Math.max(1, (r.end - r.start) / r.samples);
  const out: { timestamp: number; value: number }[] = [];
  let prev: number | null = null;
  for (let i = 0; i < r.samples; i++) {
    const from = r.start + i * width;
    const to = i === r.samples - 1 ? r.end + 1 : from + width;
    const inside = points.filter((p) => p.timestamp >= from && p.timestamp < to);
    const v: number | null = inside.length ? inside.reduce((a, p) => a + p.value, 0) / inside.length : prev;
    if (v !== null) out.push({ timestamp: Math.round(to > r.end ? r.end : to), value: v });
    prev = v;
  }
  return out;
}
