/**
 * The deprecated /v1/k8s/clusters/{clusterUuid}/{projects,departments}[/{id}]/metrics shapes
 * (docs/compat/runai.md §1.6): `current.resources` summed to the unit, its division per node pool
 * (`current.nodepoolResources` for a project, per-pool `resources` and `projectResources` for a
 * department) and, with a time range, `timeRange.resources` resampled. Memory in MB.
 */
import type { Core } from "../../core";
import type { QuotaUnit } from "../../core/model";
import type { ProjectSample } from "../../core/model";
import { resample, samplesOf, type Range } from "./metrics";
import { toMB, type RunaiProjects } from "./projects";

/** A department's samples: its own quota, its projects' use (their quota counted once, in it). */
export function departmentSamples(dept: QuotaUnit, kids: readonly string[], xs: readonly ProjectSample[]) {
  const ids = new Set(kids);
  const none = { gpu: 0, cpuMilli: 0, memoryMiB: 0 };
  return xs.flatMap((s) => (s.unitId === dept.id ? [s] : ids.has(s.unitId) ? [{ ...s, quota: none }] : []));
}

/** Run:ai's ResourcesData of some samples (summed; utilisation averaged, left out when unknown). */
export function resourcesData(xs: readonly ProjectSample[], instants = 1) {
  const sum = (f: (s: ProjectSample) => number) => xs.reduce((a, s) => a + f(s), 0) / instants;
  const mean = (f: (s: ProjectSample) => number | null) => {
    const v = xs.flatMap((s) => {
      const x = f(s);
      return x === null ? [] : [x];
    });
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  const part = (quota: number, allocated: number, utilization: number | undefined) =>
    utilization === undefined ? { quota, allocated } : { quota, allocated, utilization };
  return {
    numberOfPendingWorkloads: Math.round(sum((s) => s.pendingWorkloads)),
    gpu: part(
      sum((s) => s.quota.gpu),
      sum((s) => s.allocated.gpu),
      mean((s) => s.utilization.gpu),
    ),
    cpu: part(
      sum((s) => s.quota.cpuMilli),
      sum((s) => s.allocated.cpuMilli),
      mean((s) => s.utilization.cpu),
    ),
    memory: part(
      sum((s) => toMB(s.quota.memoryMiB)),
      sum((s) => toMB(s.allocated.memoryMiB)),
      mean((s) => s.utilization.memory),
    ),
  };
}

/** `timeRange.resources`: the samples resampled into r.samples buckets, one entry each. */
export function timeRange(samples: readonly ProjectSample[], r: Range) {
  const at = resample(samples, r, (xs) => xs[0]?.at ?? null);
  return {
    resources: at.map((p, i) => {
      const prev = i === 0 ? r.start - 1 : (at[i - 1]?.timestamp ?? r.start - 1);
      const inBucket = samples.filter((s) => s.at > prev && s.at <= p.timestamp);
      const instants = new Set(inBucket.map((s) => s.at)).size || 1;
      return { ...resourcesData(inBucket, instants), timestamp: new Date(p.timestamp).toISOString() };
    }),
  };
}

const byPool = (core: Core, xs: readonly ProjectSample[]) => {
  const pools = new Map<string, ProjectSample[]>();
  for (const s of xs) pools.set(s.poolId, [...(pools.get(s.poolId) ?? []), s]);
  return [...pools].map(([poolId, ys]) => ({
    ...resourcesData(ys),
    nodepoolName: core.nodePools.find(poolId)?.name ?? poolId,
  }));
};

export interface MetricsEnv {
  core: Core;
  projects: RunaiProjects;
  range: Range | null;
  nodepoolName?: string | undefined;
}

/** Current samples of some units, in the named pool only when one is named. */
function current(env: MetricsEnv, ids: ReadonlySet<string>): ProjectSample[] {
  const pool = env.nodepoolName ? env.core.nodePools.find(env.nodepoolName) : undefined;
  return env.core.projectMetrics
    .current()
    .filter((s) => ids.has(s.unitId) && (!pool || s.poolId === pool.id));
}

function clusterOf(core: Core, u: QuotaUnit) {
  const cluster = u.clusterId ? core.clusters.byId(u.clusterId) : undefined;
  return { clusterId: u.clusterId ?? "", clusterName: cluster?.name ?? "" };
}

/** The deprecated `project` metrics of one project (timeRange only with a range). */
export function projectMetrics(env: MetricsEnv, u: QuotaUnit, withRange = true) {
  const { core, projects, range: r } = env;
  const dept = u.parentId ? core.quotaUnits.find(u.parentId) : undefined;
  const now = current(env, new Set([u.id]));
  const out: Record<string, unknown> = {
    metadata: {
      projectId: projects.id(u),
      projectName: projects.name(u),
      departmentId: dept ? projects.id(dept) : 0,
      departmentName: dept ? projects.name(dept) : "",
      ...clusterOf(core, u),
    },
    current: { resources: [resourcesData(now)], nodepoolResources: byPool(core, now) },
  };
  if (r && withRange) out.timeRange = timeRange(samplesOf(core, u.id, r, env.nodepoolName), r);
  return out;
}

/** The deprecated `department` metrics: per-pool resources and per-project, per-pool division. */
export function departmentMetrics(env: MetricsEnv, u: QuotaUnit, withRange = true) {
  const { core, projects, range: r } = env;
  const kids = projects.list("project").filter((p) => p.parentId === u.id);
  const kidIds = kids.map((k) => k.id);
  const raw = current(env, new Set([u.id, ...kidIds]));
  const now = departmentSamples(u, kidIds, raw);
  const names = new Map(kids.map((k) => [k.id, projects.name(k)]));
  const out: Record<string, unknown> = {
    metadata: { departmentId: projects.id(u), departmentName: projects.name(u), ...clusterOf(core, u) },
    current: {
      resources: byPool(core, now),
      projectResources: kids.flatMap((k) =>
        byPool(
          core,
          raw.filter((s) => s.unitId === k.id),
        ).map((x) => ({ ...x, projectName: names.get(k.id) ?? "" })),
      ),
    },
  };
  if (r && withRange) {
    const all = samplesOf(core, null, r, env.nodepoolName);
    out.timeRange = timeRange(departmentSamples(u, kidIds, all), r);
  }
  return out;
}
