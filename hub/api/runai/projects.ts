import type { Core } from "../../core";
import { ConflictError, NotFoundError, QuotaBelowUseError, ValidationError } from "../../core/errors";
import type { NodePool, QuotaAllocation, QuotaAmount, QuotaRank, QuotaUnit } from "../../core/model";
import { WORK_KINDS, type NameGrammar } from "../../core/quota-units";
import { rankOf } from "./ranks";
import type { ResourcesInput } from "./schemas";

/**
 * Run:ai-only fields of a project or department, kept in QuotaUnit.meta.runai. Its integer id is
 * not among them: core.surfaceIds keeps it (see RunaiProjects.id).
 */
export interface RunaiMeta {
  description: string;
  requestedNamespace: string | null;
  enforceRunaiScheduler: boolean;
  schedulingRules: Record<string, number | null> | null;
  nodeTypes: { training: string[]; workspace: string[]; names?: Record<string, string> } | null;
  createdBy: string;
  updatedBy: string;
  /** Departments only: usernames given by the deprecated access-control route. */
  departmentAdmins: string[];
}

/** What a create or update changes besides allocations. */
export interface RunaiChange {
  meta?: Partial<RunaiMeta>;
  /** Pool names or ids, in order; null: follow the department. */
  defaultNodePools?: string[] | null;
  /** Rank per pool id. */
  ranks?: Record<string, QuotaRank>;
}

export type RunaiKind = "project" | "department";
/** Run:ai's default over-quota weight when the setting is on. */
export const DEFAULT_WEIGHT = 2;
const MIB_PER_MB = 1_000_000 / 1_048_576;
/**
 * The core.surfaceIds key of Run:ai's integer project and department ids: one id space for both
 * (a project's id is never a department's), as Run:ai's org units have always had here.
 */
export const RUNAI_ID_KEY = "runai/org-unit";

/**
 * Units shown as Run:ai projects: every kind that holds work, OpenPAI's virtual clusters too (their
 * quota is OpenPAI's; see sharedByOpenPai and the `kind` note in core/quota-units.ts).
 */
const KINDS: Record<RunaiKind, ReadonlySet<QuotaUnit["kind"]>> = {
  project: WORK_KINDS,
  department: new Set(["department"]),
};

/** A Kubernetes name (the namespace is runai-<name>): lowercase letters, digits, '-', at most 57. */
export const RUNAI_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,55}[a-z0-9])?$/;
const RUNAI_NAME: NameGrammar = {
  accepts: (name) => RUNAI_NAME_PATTERN.test(name),
  spell: (name, attempt) => {
    let s = name
      .toLowerCase()
      .replace(/[^-a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    if (!/^[a-z]/.test(s)) s = `p-${s}`;
    const suffix = attempt === 0 ? "" : `-${attempt + 1}`;
    return s.slice(0, 57 - suffix.length).replace(/-+$/, "") + suffix;
  },
};

export function runaiMeta(u: QuotaUnit): RunaiMeta {
  const m = (u.meta.runai ?? {}) as Partial<RunaiMeta>;
  return {
    description: m.description ?? "",
    requestedNamespace: m.requestedNamespace ?? null,
    enforceRunaiScheduler: m.enforceRunaiScheduler ?? true,
    schedulingRules: m.schedulingRules ?? null,
    nodeTypes: m.nodeTypes ?? null,
    createdBy: m.createdBy ?? "",
    updatedBy: m.updatedBy ?? "",
    departmentAdmins: m.departmentAdmins ?? [],
  };
}

/** MiB from a Run:ai memory value in `units`. */
export function toMiB(v: number, units: "Mib" | "MB" | "GB"): number {
  return units === "Mib" ? v : units === "MB" ? v * MIB_PER_MB : v * 1000 * MIB_PER_MB;
}
/** Decimal megabytes (Run:ai's MB) from MiB. */
export const toMB = (mib: number): number => Math.round((mib / MIB_PER_MB) * 100) / 100;

/** Projects and departments over core quota units: ids, names, defaults, resources and guards. */
export class RunaiProjects {
  constructor(private readonly core: Core) {}

  /** The hub's cluster id: the one named, else the `default` cluster. */
  clusterId(id?: string, field = "clusterId"): string {
    if (id === undefined) return this.core.clusters.ensure("default").id;
    const c = this.core.clusters.byId(id) ?? this.core.clusters.find(id);
    if (!c) throw new ValidationError(field, `unknown cluster ${id}`);
    return c.id;
  }

  /**
   * The unit's Run:ai integer id (new API: its decimal string; deprecated API: the number); a
   * unit made on another face gets the next one the first time Run:ai shows it.
   */
  id(u: QuotaUnit): number {
    return this.core.surfaceIds.assign(RUNAI_ID_KEY, u.id);
  }

  /** Every unit shown as a `kind`, by integer id. */
  list(kind: RunaiKind): QuotaUnit[] {
    return this.core.quotaUnits
      .listKinds(KINDS[kind])
      .map((u) => ({ u, id: this.id(u) }))
      .sort((a, b) => a.id - b.id)
      .map(({ u }) => u);
  }

  /** By the integer id (as a number or its decimal string), among the units shown as `kind`. */
  get(kind: RunaiKind, id: string | number): QuotaUnit {
    const n = typeof id === "number" ? id : /^\d+$/.test(id) ? Number(id) : NaN;
    const objectId = Number.isSafeInteger(n) ? this.core.surfaceIds.objectOf(RUNAI_ID_KEY, n) : undefined;
    const u = objectId === undefined ? undefined : this.core.quotaUnits.find(objectId);
    if (!u || !KINDS[kind].has(u.kind)) throw new NotFoundError(kind, String(id));
    return u;
  }

  /** The unit of `kind` shown under this Run:ai name. */
  byName(kind: RunaiKind, name: string): QuotaUnit | undefined {
    return this.core.quotaUnits.byFaceName(name, KINDS[kind]);
  }

  /** The unit's name in Run:ai's grammar (an alias where its own name is not one). */
  name(u: QuotaUnit): string {
    return this.core.quotaUnits.faceName(u, RUNAI_NAME);
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
    change: RunaiChange,
    user: string,
  ): QuotaUnit {
    const defaultNodePools = this.poolIds(change.defaultNodePools);
    const unit = this.core.quotaUnits.create({
      name,
      kind,
      clusterId,
      parentId,
      allocations,
      ...(defaultNodePools !== undefined ? { defaultNodePools } : {}),
      ranks: change.ranks ?? {},
      meta: {
        runai: {
          ...runaiMeta({ meta: {} } as QuotaUnit),
          ...change.meta,
          createdBy: user,
          updatedBy: user,
        },
      },
    });
    this.id(unit);
    return unit;
  }

  /** Saves new allocations and Run:ai fields; the core refuses to go below non-preemptible use. */
  update(
    u: QuotaUnit,
    allocations: QuotaAllocation[] | null,
    change: RunaiChange,
    user: string,
    field = "resources",
  ): QuotaUnit {
    if (allocations !== null) this.sharedByOpenPai(u, "quota");
    const defaultNodePools = this.poolIds(change.defaultNodePools);
    try {
      return this.core.quotaUnits.save({
        ...u,
        allocations: allocations ?? u.allocations,
        defaultNodePools: defaultNodePools === undefined ? u.defaultNodePools : defaultNodePools,
        ranks: change.ranks ?? u.ranks,
        meta: { ...u.meta, runai: { ...runaiMeta(u), ...change.meta, updatedBy: user } },
      });
    } catch (err) {
      if (!(err instanceof QuotaBelowUseError)) throw err;
      // Run:ai's words for the core rule: the field, and the amount in the resource's unit.
      const what = err.resource === "gpu" ? "gpu" : err.resource === "cpuMilli" ? "cpu" : "memory";
      const unit = err.resource === "gpu" ? "GPUs" : err.resource === "cpuMilli" ? "millicores" : "MiB";
      throw new ValidationError(
        `${field}.${what}.deserved`,
        `cannot go below the ${err.used} ${unit} non-preemptible workloads use in node pool ${err.nodePoolName}`,
      );
    }
  }

  /**
   * Refuses a quota write to an OpenPAI virtual cluster before the new amounts are read, so the
   * answer is the same whatever they are.
   */
  quotaWritable(u: QuotaUnit): QuotaUnit {
    this.sharedByOpenPai(u, "quota");
    return u;
  }

  /** Removes the unit (core refuses one with children or live work); OpenPAI's VCs stay. */
  remove(u: QuotaUnit): void {
    this.sharedByOpenPai(u, "deletion");
    this.core.quotaUnits.remove(u);
  }

  /**
   * Refuses (409) to write an OpenPAI virtual cluster's quota or delete it: its allocation is a
   * percentage of the cluster that OpenPAI recomputes when nodes come and go (and `default` holds
   * the remainder), so a Run:ai amount would be overwritten; OpenPAI refuses Run:ai's units alike.
   */
  private sharedByOpenPai(u: QuotaUnit, what: "quota" | "deletion"): void {
    if (u.kind !== "virtual-cluster") return;
    const change = what === "quota" ? "its quota is" : "it is";
    throw new ConflictError(
      `project ${this.name(u)} is an OpenPAI virtual cluster: ${change} managed by OpenPAI as a share of the cluster; use OpenPAI's virtual-clusters API`,
    );
  }

  /** Core allocations from Run:ai resources; `base` (PATCH) keeps pools not named. */
  allocations(
    input: readonly ResourcesInput[],
    base: readonly QuotaAllocation[] = [],
    field = "resources",
  ): {
    allocations: QuotaAllocation[];
    ranks: Record<string, QuotaRank>;
  } {
    const out = new Map(base.map((a) => [a.nodePoolId, a]));
    const ranks: Record<string, QuotaRank> = {};
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
      if (r.priority) ranks[pool.id] = rankOf(r.priority);
    });
    return { allocations: [...out.values()], ranks };
  }

  pool(idOrName: string | null, field: string): NodePool {
    if (idOrName === null) return this.core.nodePools.defaultPool();
    const p = this.core.nodePools.find(idOrName);
    if (!p) throw new ValidationError(field, `unknown node pool ${idOrName}`);
    return p;
  }

  /** How many node pools the hub has (the deprecated `resources` total needs exactly one). */
  poolCount(): number {
    return this.core.nodePools.list().length;
  }

  /** The deprecated API's integer id of a pool: its 1-based place in the pool list. */
  poolInt(id: string): number {
    return this.core.nodePools.list().findIndex((p) => p.id === id) + 1;
  }

  /** A pool named the deprecated way: by integer id (number or digits), else by name. */
  deprecatedPool(
    ref: { id?: number | string | undefined; name?: string | undefined },
    field: string,
  ): NodePool {
    const pools = this.core.nodePools.list();
    const n = typeof ref.id === "number" ? ref.id : /^\d+$/.test(ref.id ?? "") ? Number(ref.id) : NaN;
    const byInt = Number.isInteger(n) ? pools[n - 1] : undefined;
    if (byInt) return byInt;
    const key = ref.name ?? (typeof ref.id === "string" ? ref.id : undefined);
    if (key !== undefined) return this.pool(key, `${field}.name`);
    throw new ValidationError(`${field}.id`, `unknown node pool ${String(ref.id)}`);
  }

  /** Pool names as Run:ai shows them, from the core's pool ids. */
  poolNames(ids: readonly string[] | null): string[] | null {
    return ids === null ? null : ids.map((id) => this.core.nodePools.find(id)?.name ?? id);
  }

  /** Pool ids from the names or ids a client gave (undefined: unchanged). */
  private poolIds(list: string[] | null | undefined): string[] | null | undefined {
    if (list === undefined || list === null) return list;
    return list.map((p, i) => this.pool(p, `defaultNodePools.${i}`).id);
  }
}
