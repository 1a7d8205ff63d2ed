import type { Core } from "../../core";
import { NotFoundError, ValidationError } from "../../core/errors";
import type { NodePool, QuotaAllocation, QuotaAmount, QuotaUnit } from "../../core/model";
import type { ResourcesInput } from "./schemas";

/** Run:ai-only fields of a project or department, kept in QuotaUnit.meta.runai. */
export interface RunaiMeta {
  /** Stable integer id (new API: its decimal string; deprecated API: the number). */
  intId: number;
  description: string;
  requestedNamespace: string | null;
  enforceRunaiScheduler: boolean;
  schedulingRules: Record<string, number | null> | null;
  defaultNodePools: string[] | null;
  nodeTypes: { training: string[]; workspace: string[]; names?: Record<string, string> } | null;
  /** Rank per node pool id ("priority" in the spec). @default MediumLow */
  ranks: Record<string, string>;
  createdBy: string;
  updatedBy: string;
}

export type RunaiKind = "project" | "department";
/** Run:ai's default over-quota weight when the setting is on. */
export const DEFAULT_WEIGHT = 2;
const MIB_PER_MB = 1_000_000 / 1_048_576;

export function runaiMeta(u: QuotaUnit): RunaiMeta {
  const m = (u.meta.runai ?? {}) as Partial<RunaiMeta>;
  return {
    intId: m.intId ?? 0,
    description: m.description ?? "",
    requestedNamespace: m.requestedNamespace ?? null,
    enforceRunaiScheduler: m.enforceRunaiScheduler ?? true,
    schedulingRules: m.schedulingRules ?? null,
    defaultNodePools: m.defaultNodePools ?? null,
    nodeTypes: m.nodeTypes ?? null,
    ranks: m.ranks ?? {},
    createdBy: m.createdBy ?? "",
    updatedBy: m.updatedBy ?? "",
  };
}

/** MiB from a Run:ai memory value in `units`. */
export function toMiB(v: number, units: "Mib" | "MB" | "GB"): number {
  return units === "Mib" ? v : units === "MB" ? v * MIB_PER_MB : v * 1000 * MIB_PER_MB;
}
/** Decimal megabytes (Run:ai's MB) from MiB. */
export const toMB = (mib: number): number => Math.round((mib / MIB_PER_MB) * 100) / 100;

/** Projects and departments over core quota units: ids, defaults, resources and guards. */
export class RunaiProjects {
  constructor(private readonly core: Core) {}

  /** The hub's cluster id: the one named, else the `default` cluster. */
  clusterId(id?: string, field = "clusterId"): string {
    if (id === undefined) return this.core.clusters.ensure("default").id;
    const c = this.core.clusters.byId(id) ?? this.core.clusters.find(id);
    if (!c) throw new ValidationError(field, `unknown cluster ${id}`);
    return c.id;
  }

  list(kind: RunaiKind): QuotaUnit[] {
    return this.core.quotaUnits.list(kind).sort((a, b) => runaiMeta(a).intId - runaiMeta(b).intId);
  }

  /** By the integer id (as a number or its decimal string). */
  get(kind: RunaiKind, id: string | number): QuotaUnit {
    const n = typeof id === "number" ? id : /^\d+$/.test(id) ? Number(id) : NaN;
    const u = this.core.quotaUnits.list(kind).find((x) => runaiMeta(x).intId === n);
    if (!u) throw new NotFoundError(kind, String(id));
    return u;
  }

  /** Run:ai always has a department; projects created without one land in `default`. */
  defaultDepartment(clusterId: string): QuotaUnit {
    return (
      this.core.quotaUnits.byName("department", "default") ??
      this.create("department", "default", clusterId, null, [], {}, "system")
    );
  }

  create(
    kind: RunaiKind,
    name: string,
    clusterId: string,
    parentId: string | null,
    allocations: QuotaAllocation[],
    meta: Partial<RunaiMeta>,
    user: string,
  ): QuotaUnit {
    return this.core.store.transaction(() => {
      const intId = Math.max(0, ...this.core.quotaUnits.list().map((u) => runaiMeta(u).intId)) + 1;
      return this.core.quotaUnits.create({
        name,
        kind,
        clusterId,
        parentId,
        allocations,
        meta: {
          runai: {
            ...runaiMeta({ meta: {} } as QuotaUnit),
            ...meta,
            intId,
            createdBy: user,
            updatedBy: user,
          },
        },
      });
    });
  }

  /** Saves new allocations and Run:ai fields; refuses to go below non-preemptible use. */
  update(
    u: QuotaUnit,
    allocations: QuotaAllocation[] | null,
    meta: Partial<RunaiMeta>,
    user: string,
    field = "resources",
  ): QuotaUnit {
    if (allocations) this.checkReduction(u, allocations, field);
    return this.core.quotaUnits.save({
      ...u,
      allocations: allocations ?? u.allocations,
      meta: { ...u.meta, runai: { ...runaiMeta(u), ...meta, updatedBy: user } },
    });
  }

  /** Core allocations from Run:ai resources; `base` (PATCH) keeps pools not named. */
  allocations(
    input: readonly ResourcesInput[],
    base: readonly QuotaAllocation[] = [],
    field = "resources",
  ): {
    allocations: QuotaAllocation[];
    ranks: Record<string, string>;
  } {
    const out = new Map(base.map((a) => [a.nodePoolId, a]));
    const ranks: Record<string, string> = {};
    input.forEach((r, i) => {
      const pool = this.pool(r.nodePool?.id ?? null, `${field}.${i}.nodePool.id`);
      const old = out.get(pool.id);
      const amount = (
        q: { deserved?: number; limit?: number | null; overQuotaWeight?: number | null } | null | undefined,
        prev: QuotaAmount | undefined,
        conv: (v: number) => number,
        f: string,
      ): QuotaAmount => {
        const deserved = q?.deserved !== undefined ? conv(q.deserved) : (prev?.deserved ?? 0);
        const lim =
          q?.limit === undefined
            ? (prev?.limit ?? null)
            : q.limit === null || q.limit === -1
              ? null
              : conv(q.limit);
        if (lim !== null && lim < deserved)
          throw new ValidationError(`${field}.${i}.${f}.limit`, "must be -1 (unlimited) or >= deserved");
        const w = q?.overQuotaWeight ?? prev?.overQuotaWeight ?? DEFAULT_WEIGHT;
        return { deserved, limit: lim, overQuotaWeight: w };
      };
      const units = r.memory?.units ?? "Mib";
      out.set(pool.id, {
        nodePoolId: pool.id,
        gpu: amount(r.gpu, old?.gpu, (v) => v, "gpu"),
        cpuMilli: amount(r.cpu, old?.cpuMilli, (v) => v, "cpu"),
        memoryMiB: amount(r.memory, old?.memoryMiB, (v) => toMiB(v, units), "memory"),
      });
      if (r.priority) ranks[pool.id] = r.priority;
    });
    return { allocations: [...out.values()], ranks };
  }

  pool(idOrName: string | null, field: string): NodePool {
    if (idOrName === null) return this.core.nodePools.defaultPool();
    const p = this.core.nodePools.find(idOrName);
    if (!p) throw new ValidationError(field, `unknown node pool ${idOrName}`);
    return p;
  }

  /** Lowering deserved quota below what non-preemptible work uses is refused (Run:ai rule). */
  private checkReduction(u: QuotaUnit, next: readonly QuotaAllocation[], field: string): void {
    for (const s of this.core.projectMetrics.current().filter((x) => x.unitId === u.id)) {
      const a = next.find((x) => x.nodePoolId === s.poolId);
      const used = s.allocatedNonPreemptible;
      const checks: [keyof typeof used, number][] = [
        ["gpu", a?.gpu.deserved ?? 0],
        ["cpuMilli", a?.cpuMilli.deserved ?? 0],
        ["memoryMiB", a?.memoryMiB.deserved ?? 0],
      ];
      for (const [r, deserved] of checks) {
        if (used[r] > deserved + 1e-9) {
          const pool = this.core.nodePools.find(s.poolId)?.name ?? s.poolId;
          const what = r === "gpu" ? "gpu" : r === "cpuMilli" ? "cpu" : "memory";
          throw new ValidationError(
            `${field}.${what}.deserved`,
            `cannot go below the ${used[r]} ${r === "gpu" ? "GPUs" : r === "cpuMilli" ? "millicores" : "MiB"} non-preemptible workloads use in node pool ${pool}`,
          );
        }
      }
    }
  }
}
