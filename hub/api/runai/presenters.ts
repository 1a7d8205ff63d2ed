/** Core quota units -> Run:ai project and department JSON (new and deprecated shapes). */
import type { Core } from "../../core";
import type { ProjectSample, QuotaAllocation, QuotaAmount, QuotaUnit } from "../../core/model";
import { runaiMeta, toMB, type RunaiProjects } from "./projects";
import { rankName } from "./ranks";

const iso = (ms: number) => new Date(ms).toISOString();
const lim = (q: QuotaAmount) => (q.limit === null ? -1 : q.limit);

export interface PresentEnv {
  core: Core;
  projects: RunaiProjects;
  /** Current per-pool usage of every unit (ProjectMetrics.current()). */
  samples: readonly ProjectSample[];
  /** Memory in MB (true) or MiB (false) where the shape allows both. */
  memoryMb?: boolean;
}

type Status = { gpu: number; cpu: number; memory: number };
const status = (a: { gpu: number; cpuMilli: number; memoryMiB: number }): Status => ({
  gpu: a.gpu,
  cpu: a.cpuMilli,
  memory: toMB(a.memoryMiB),
});

export function usage(unitId: string, env: PresentEnv, descendants: readonly string[] = []) {
  const ids = new Set([unitId, ...descendants]);
  return env.samples.filter((s) => ids.has(s.unitId));
}

export function sum(
  samples: readonly ProjectSample[],
  key: "allocated" | "allocatedNonPreemptible" | "requested",
  poolId?: string,
): Status {
  const t = { gpu: 0, cpuMilli: 0, memoryMiB: 0 };
  for (const s of samples) {
    if (poolId !== undefined && s.poolId !== poolId) continue;
    t.gpu += s[key].gpu;
    t.cpuMilli += s[key].cpuMilli;
    t.memoryMiB += s[key].memoryMiB;
  }
  return status(t);
}

export function presentResources(u: QuotaUnit, core: Core) {
  return u.allocations.map((a: QuotaAllocation) => {
    const pool = core.nodePools.find(a.nodePoolId);
    return {
      nodePool: { id: a.nodePoolId, name: pool?.name ?? a.nodePoolId },
      gpu: { deserved: a.gpu.deserved, limit: lim(a.gpu), overQuotaWeight: a.gpu.overQuotaWeight },
      cpu: {
        deserved: a.cpuMilli.deserved,
        limit: lim(a.cpuMilli),
        overQuotaWeight: a.cpuMilli.overQuotaWeight,
      },
      memory: {
        deserved: a.memoryMiB.deserved,
        limit: lim(a.memoryMiB),
        overQuotaWeight: a.memoryMiB.overQuotaWeight,
        units: "Mib",
      },
      priority: rankName(u.ranks[a.nodePoolId]),
    };
  });
}

/** The swagger `Project` (departments: presentDepartment). */
export function presentProject(u: QuotaUnit, env: PresentEnv) {
  const { core, projects } = env;
  const meta = runaiMeta(u);
  const parent = u.parentId ? core.quotaUnits.find(u.parentId) : undefined;
  const mine = usage(u.id, env);
  const pools = new Set([...u.allocations.map((a) => a.nodePoolId), ...mine.map((s) => s.poolId)]);
  const quotaStatus = () => ({
    allocated: sum(mine, "allocated"),
    allocatedNonPreemptible: sum(mine, "allocatedNonPreemptible"),
    requested: sum(mine, "requested"),
  });
  const total = u.allocations.reduce(
    (t, a) => ({
      gpuQuota: t.gpuQuota + a.gpu.deserved,
      cpuQuota: t.cpuQuota + a.cpuMilli.deserved,
      memoryQuota: t.memoryQuota + toMB(a.memoryMiB.deserved),
    }),
    { gpuQuota: 0, cpuQuota: 0, memoryQuota: 0 },
  );
  const effective = {
    schedulingRules: meta.schedulingRules ?? (parent ? runaiMeta(parent).schedulingRules : null),
    defaultNodePools: projects.poolNames(u.defaultNodePools ?? parent?.defaultNodePools ?? null),
    nodeTypes: meta.nodeTypes ?? (parent ? runaiMeta(parent).nodeTypes : null),
  };
  return {
    // The API document's sample has an integer id (`"id": 33`); the swagger types it a string.
    id: projects.id(u),
    name: projects.name(u),
    clusterId: u.clusterId ?? "",
    parentId: parent ? String(projects.id(parent)) : null,
    description: meta.description,
    requestedNamespace: meta.requestedNamespace,
    enforceRunaiScheduler: meta.enforceRunaiScheduler,
    schedulingRules: meta.schedulingRules,
    defaultNodePools: projects.poolNames(u.defaultNodePools),
    nodeTypes: meta.nodeTypes,
    resources: presentResources(u, core),
    status: {
      namespace: meta.requestedNamespace ?? `runai-${projects.name(u)}`,
      phase: "Ready",
      phaseMessage: "",
      lastUpdatedTime: iso(u.updatedAt),
      quotaStatus: quotaStatus(),
      nodePoolQuotaStatuses: [...pools].map((poolId) => ({
        nodePoolId: poolId,
        nodePoolName: core.nodePools.find(poolId)?.name ?? poolId,
        allocated: sum(mine, "allocated", poolId),
        allocatedNonPreemptible: sum(mine, "allocatedNonPreemptible", poolId),
        requested: sum(mine, "requested", poolId),
      })),
    },
    totalResources: total,
    effective,
    overtimeData: overtime(u, core, []),
    parent: parent ? { id: String(projects.id(parent)), name: projects.name(parent) } : null,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
    createdBy: meta.createdBy,
    updatedBy: meta.updatedBy,
  };
}
export type ProjectJson = ReturnType<typeof presentProject>;

const RANGES = { range24hData: 24, range7dData: 24 * 7, range30dData: 24 * 30 } as const;

/** Average GPU allocation / utilisation over the last 24 h, 7 d and 30 d of stored samples. */
export function overtime(u: QuotaUnit, core: Core, kids: readonly string[]) {
  const now = core.clock.now();
  const all = [u.id, ...kids].flatMap((id) =>
    core.projectMetrics.range(id, now - RANGES.range30dData * 3600_000, now),
  );
  const out: Record<
    string,
    {
      averageGpuAllocation: number;
      averageGpuUtilization: number;
      averageGpuMemoryUtilization: number;
      updatedAt: string;
    }
  > = {};
  for (const [key, hours] of Object.entries(RANGES)) {
    const xs = all.filter((s) => s.at >= now - hours * 3600_000);
    const instants = new Set(xs.map((s) => s.at)).size || 1;
    const util = xs.flatMap((s) => (s.utilization.gpu === null ? [] : [s.utilization.gpu]));
    const mem = xs.flatMap((s) => (s.utilization.gpuMemory === null ? [] : [s.utilization.gpuMemory]));
    const avg = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
    out[key] = {
      averageGpuAllocation: xs.reduce((a, s) => a + s.allocated.gpu, 0) / instants,
      averageGpuUtilization: avg(util) * 100,
      averageGpuMemoryUtilization: avg(mem) * 100,
      updatedAt: iso(now),
    };
  }
  return out;
}

/** The deprecated `Project2` shape: integer ids, per-pool gpu/cpu/memory with maxAllowed. */
export function presentDeprecated(u: QuotaUnit, env: PresentEnv, excludePermissions: boolean) {
  const { core, projects } = env;
  const meta = runaiMeta(u);
  const parent = u.parentId ? core.quotaUnits.find(u.parentId) : undefined;
  const mine = usage(u.id, env);
  const mem = (mib: number) => (env.memoryMb ? toMB(mib) : Math.round(mib));
  const memQ = (q: QuotaAmount) => ({
    deserved: mem(q.deserved),
    maxAllowed: q.limit === null ? -1 : mem(q.limit),
    overQuotaWeight: q.overQuotaWeight,
  });
  const q = (a: QuotaAmount) => ({
    deserved: a.deserved,
    maxAllowed: lim(a),
    overQuotaWeight: a.overQuotaWeight,
  });
  const rules = meta.schedulingRules ?? {};
  const poolInt = (id: string) => projects.poolInt(id);
  const gpuTotal = u.allocations.reduce((s, a) => s + a.gpu.deserved, 0);
  const maxTotal = u.allocations.some((a) => a.gpu.limit === null)
    ? -1
    : u.allocations.reduce((s, a) => s + (a.gpu.limit ?? 0), 0);
  const affinity = { affinityType: "no_limit", selectedTypes: [] as { id: number; name: string }[] };
  const out = {
    id: projects.id(u),
    name: projects.name(u),
    namespace: meta.requestedNamespace ?? `runai-${projects.name(u)}`,
    departmentId: parent ? projects.id(parent) : 0,
    departmentName: parent ? projects.name(parent) : "",
    tenantId: 1,
    clusterUuid: u.clusterId ?? "",
    createdAt: iso(u.createdAt),
    phase: "Ready",
    status: {
      namespace: meta.requestedNamespace ?? `runai-${projects.name(u)}`,
      message: "",
      quotaStatuses: [
        ...new Set([...u.allocations.map((a) => a.nodePoolId), ...mine.map((s) => s.poolId)]),
      ].map((poolId) => ({
        nodePoolName: core.nodePools.find(poolId)?.name ?? poolId,
        allocated: sum(mine, "allocated", poolId),
        allocatedNonPreemptible: sum(mine, "allocatedNonPreemptible", poolId),
        requested: sum(mine, "requested", poolId),
      })),
    },
    nodePoolsResources: u.allocations.map((a) => ({
      id: poolInt(a.nodePoolId),
      nodePool: { id: poolInt(a.nodePoolId), name: core.nodePools.find(a.nodePoolId)?.name ?? a.nodePoolId },
      gpu: q(a.gpu),
      cpu: q(a.cpuMilli),
      memory: memQ(a.memoryMiB),
    })),
    deservedGpus: gpuTotal,
    maxAllowedGpus: maxTotal,
    gpuOverQuotaWeight: Math.min(3, Math.max(0, u.allocations[0]?.gpu.overQuotaWeight ?? 2)),
    defaultNodePools: projects.poolNames(u.defaultNodePools) ?? [],
    // Plain numbers in the swagger: a rule that is not set is left out, not null.
    ...secs(rules),
    interactiveNodeAffinity: "",
    trainNodeAffinity: "",
    nodeAffinity: { train: affinity, interactive: affinity },
  };
  const withTotal = { ...out, resources: deprecatedTotal(u.allocations, q, memQ) };
  return excludePermissions
    ? withTotal
    : {
        ...withTotal,
        permissions: { users: [meta.createdBy].filter(Boolean), groups: [], applications: [] },
      };
}

const SECS: [string, string][] = [
  ["interactiveJobTimeLimitSeconds", "interactiveJobTimeLimitSecs"],
  ["interactiveJobMaxIdleDurationSeconds", "interactiveJobMaxIdleDurationSecs"],
  ["interactiveJobPreemptIdleDurationSeconds", "interactivePreemptibleJobMaxIdleDurationSecs"],
  ["trainingJobTimeLimitSeconds", "trainingJobTimeLimitSecs"],
  ["trainingJobMaxIdleDurationSeconds", "trainingJobMaxIdleDurationSecs"],
];
/** The deprecated flat `...Secs` fields of the rules that are set. */
function secs(rules: Record<string, number | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [from, to] of SECS) {
    const v = rules[from];
    if (typeof v === "number") out[to] = v;
  }
  return out;
}

type Deprecated = { deserved: number; maxAllowed: number; overQuotaWeight: number };
/** The deprecated `resources`: the sum over node pools (-1 when any pool is unlimited). */
function deprecatedTotal(
  allocations: readonly QuotaAllocation[],
  q: (a: QuotaAmount) => Deprecated,
  memQ: (a: QuotaAmount) => Deprecated,
) {
  const total = (xs: Deprecated[]): Deprecated => ({
    deserved: xs.reduce((s, x) => s + x.deserved, 0),
    maxAllowed: xs.some((x) => x.maxAllowed === -1) ? -1 : xs.reduce((s, x) => s + x.maxAllowed, 0),
    overQuotaWeight: xs[0]?.overQuotaWeight ?? 2,
  });
  return {
    gpu: total(allocations.map((a) => q(a.gpu))),
    cpu: total(allocations.map((a) => q(a.cpuMilli))),
    memory: total(allocations.map((a) => memQ(a.memoryMiB))),
  };
}
