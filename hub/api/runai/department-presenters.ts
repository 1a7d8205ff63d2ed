/** Core quota units of kind department -> Run:ai `Department` and deprecated `Department2` JSON. */
import type { QuotaAmount, QuotaUnit } from "../../core/model";
import { overtime, presentDeprecated, presentResources, sum, usage, type PresentEnv } from "./presenters";
import { runaiMeta, toMB } from "./projects";

const iso = (ms: number) => new Date(ms).toISOString();

/** The department's projects (every unit it parents that is shown as a project). */
export function projectsOf(u: QuotaUnit, env: PresentEnv): QuotaUnit[] {
  return env.projects.list("project").filter((p) => p.parentId === u.id);
}

/** The swagger `Department`: its own quota, its projects' usage summed, its children listed. */
export function presentDepartment(u: QuotaUnit, env: PresentEnv) {
  const { core, projects } = env;
  const meta = runaiMeta(u);
  const kids = projectsOf(u, env);
  const mine = usage(
    u.id,
    env,
    kids.map((k) => k.id),
  );
  const pools = new Set([...u.allocations.map((a) => a.nodePoolId), ...mine.map((s) => s.poolId)]);
  const poolName = (id: string) => core.nodePools.find(id)?.name ?? id;
  const aggregated = new Map<string, { gpu: number; cpu: number; memory: number }>();
  for (const k of kids)
    for (const a of k.allocations) {
      const t = aggregated.get(a.nodePoolId) ?? { gpu: 0, cpu: 0, memory: 0 };
      t.gpu += a.gpu.deserved;
      t.cpu += a.cpuMilli.deserved;
      t.memory += a.memoryMiB.deserved;
      aggregated.set(a.nodePoolId, t);
    }
  return {
    id: String(projects.id(u)),
    name: projects.name(u),
    clusterId: u.clusterId ?? "",
    description: meta.description,
    schedulingRules: meta.schedulingRules,
    defaultNodePools: projects.poolNames(u.defaultNodePools),
    nodeTypes: meta.nodeTypes,
    resources: presentResources(u, core),
    projectsAggregatedResources: [...aggregated].map(([poolId, t]) => ({
      nodePool: { id: poolId, name: poolName(poolId) },
      gpu: { deserved: t.gpu },
      cpu: { deserved: t.cpu },
      memory: { deserved: t.memory, units: "Mib" },
    })),
    children: kids.map((k) => ({ id: String(projects.id(k)), name: projects.name(k) })),
    status: {
      quotaStatus: {
        allocated: sum(mine, "allocated"),
        allocatedNonPreemptible: sum(mine, "allocatedNonPreemptible"),
        requested: sum(mine, "requested"),
      },
      nodePoolQuotaStatuses: [...pools].map((poolId) => ({
        nodePoolId: poolId,
        nodePoolName: poolName(poolId),
        allocated: sum(mine, "allocated", poolId),
        allocatedNonPreemptible: sum(mine, "allocatedNonPreemptible", poolId),
        requested: sum(mine, "requested", poolId),
      })),
    },
    totalResources: u.allocations.reduce(
      (t, a) => ({
        gpuQuota: t.gpuQuota + a.gpu.deserved,
        cpuQuota: t.cpuQuota + a.cpuMilli.deserved,
        memoryQuota: t.memoryQuota + toMB(a.memoryMiB.deserved),
      }),
      { gpuQuota: 0, cpuQuota: 0, memoryQuota: 0 },
    ),
    overtimeData: overtime(
      u,
      core,
      kids.map((k) => k.id),
    ),
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
    createdBy: meta.createdBy,
    updatedBy: meta.updatedBy,
  };
}

/** The deprecated `Department2`: integer ids, per-pool maxAllowed, its projects in Project2 shape. */
export function presentDeprecatedDepartment(u: QuotaUnit, env: PresentEnv, excludePermissions: boolean) {
  const { core, projects } = env;
  const meta = runaiMeta(u);
  const mem = (mib: number) => (env.memoryMb ? toMB(mib) : Math.round(mib));
  const q = (a: QuotaAmount, conv: (v: number) => number = (v) => v) => ({
    deserved: conv(a.deserved),
    maxAllowed: a.limit === null ? -1 : conv(a.limit),
    overQuotaWeight: a.overQuotaWeight,
  });
  const kids = projectsOf(u, env);
  const gpu = u.allocations.reduce((s, a) => s + a.gpu.deserved, 0);
  const projectsGpus = kids.reduce((s, k) => s + k.allocations.reduce((t, a) => t + a.gpu.deserved, 0), 0);
  const nodePoolsResources = u.allocations.map((a) => ({
    id: projects.poolInt(a.nodePoolId),
    nodePool: { id: projects.poolInt(a.nodePoolId), name: core.nodePools.find(a.nodePoolId)?.name ?? "" },
    gpu: q(a.gpu),
    cpu: q(a.cpuMilli),
    memory: q(a.memoryMiB, mem),
  }));
  const total = (k: "gpu" | "cpu" | "memory") => ({
    deserved: nodePoolsResources.reduce((s, r) => s + r[k].deserved, 0),
    maxAllowed: nodePoolsResources.some((r) => r[k].maxAllowed === -1)
      ? -1
      : nodePoolsResources.reduce((s, r) => s + r[k].maxAllowed, 0),
    overQuotaWeight: nodePoolsResources[0]?.[k].overQuotaWeight ?? 2,
  });
  return {
    id: projects.id(u),
    name: projects.name(u),
    tenantId: 1,
    clusterUuid: u.clusterId ?? "",
    createdAt: iso(u.createdAt),
    nodePoolsResources,
    projects: kids.map((k) => presentDeprecated(k, env, excludePermissions)),
    projectsDeservedGpus: projectsGpus.toFixed(2),
    departmentAdmins: meta.departmentAdmins,
    deservedGpus: gpu,
    allowOverQuota: u.allocations.some((a) => a.gpu.limit === null || a.gpu.limit > a.gpu.deserved),
    maxAllowedGpus: total("gpu").maxAllowed,
    resources: { gpu: total("gpu"), cpu: total("cpu"), memory: total("memory") },
  };
}
