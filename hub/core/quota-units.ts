import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import type { QuotaAllocation, QuotaAmount, QuotaUnit } from "./model";
import type { Store } from "./repositories";
import { newId } from "./secrets";
import type { CoreSignals } from "./signals";

export interface NewQuotaUnit {
  name: string;
  kind: QuotaUnit["kind"];
  parentId?: string | null;
  clusterId?: string | null;
  allocations?: QuotaAllocation[];
  meta?: Record<string, unknown>;
}

/** An amount nobody is guaranteed and nobody is capped at. */
export const NO_QUOTA: QuotaAmount = { deserved: 0, limit: null, overQuotaWeight: 1 };

/**
 * Tenants with per-node-pool quota (docs/architecture.md §2): one service behind OpenPAI virtual clusters, Run:ai
 * projects and departments, OTE businesses and ModelArts workspaces.
 */
export class QuotaUnitService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
  ) {}

  create(input: NewQuotaUnit): QuotaUnit {
    if (!input.name) throw new ValidationError("name", "is required");
    if (this.store.quotaUnits.byName(input.kind, input.name)) {
      throw new ConflictError(`${input.kind} ${input.name} already exists`);
    }
    if (input.parentId && !this.store.quotaUnits.byId(input.parentId))
      throw new NotFoundError("parent", input.parentId);
    const allocations = input.allocations ?? [];
    allocations.forEach((a, i) => checkAllocation(a, `allocations.${i}`));
    const now = this.clock.now();
    const unit: QuotaUnit = {
      id: newId(),
      name: input.name,
      kind: input.kind,
      parentId: input.parentId ?? null,
      clusterId: input.clusterId ?? null,
      allocations,
      meta: input.meta ?? {},
      createdAt: now,
      updatedAt: now,
    };
    this.store.quotaUnits.save(unit);
    this.signals.schedulingNeeded.emit(`quota unit ${unit.name} created`);
    return unit;
  }

  save(unit: QuotaUnit): QuotaUnit {
    unit.allocations.forEach((a, i) => checkAllocation(a, `allocations.${i}`));
    const updated = { ...unit, updatedAt: this.clock.now() };
    this.store.quotaUnits.save(updated);
    this.signals.schedulingNeeded.emit(`quota unit ${unit.name} changed`);
    return updated;
  }

  get(id: string): QuotaUnit {
    const u = this.store.quotaUnits.byId(id);
    if (!u) throw new NotFoundError("quota unit", id);
    return u;
  }

  find(id: string): QuotaUnit | undefined {
    return this.store.quotaUnits.byId(id);
  }

  byName(kind: QuotaUnit["kind"], name: string): QuotaUnit | undefined {
    return this.store.quotaUnits.byName(kind, name);
  }

  list(kind?: QuotaUnit["kind"]): QuotaUnit[] {
    const all = this.store.quotaUnits.list();
    return kind === undefined ? all : all.filter((u) => u.kind === kind);
  }

  children(parentId: string): QuotaUnit[] {
    return this.store.quotaUnits.list().filter((u) => u.parentId === parentId);
  }

  remove(unit: QuotaUnit): void {
    if (this.children(unit.id).length > 0)
      throw new ConflictError(`${unit.kind} ${unit.name} still has children`);
    const live = this.store.workloads
      .list({ states: ["pending", "running", "stopping"] })
      .filter((w) => w.quotaUnitId === unit.id);
    if (live.length > 0)
      throw new ConflictError(`${unit.kind} ${unit.name} still has ${live.length} live workloads`);
    this.store.quotaUnits.delete(unit.id);
    this.signals.schedulingNeeded.emit(`quota unit ${unit.name} removed`);
  }

  /** The allocation of a node pool (zero quota when the unit has none there). */
  static allocationIn(unit: QuotaUnit, nodePoolId: string): QuotaAllocation {
    return (
      unit.allocations.find((a) => a.nodePoolId === nodePoolId) ?? {
        nodePoolId,
        gpu: NO_QUOTA,
        cpuMilli: NO_QUOTA,
        memoryMiB: NO_QUOTA,
      }
    );
  }
}

function checkAllocation(a: QuotaAllocation, field: string): void {
  for (const r of ["gpu", "cpuMilli", "memoryMiB"] as const) {
    const q = a[r];
    if (!Number.isFinite(q.deserved) || q.deserved < 0)
      throw new ValidationError(`${field}.${r}.deserved`, "must be >= 0");
    if (q.limit !== null && (!Number.isFinite(q.limit) || q.limit < q.deserved)) {
      throw new ValidationError(`${field}.${r}.limit`, "must be unlimited or >= deserved");
    }
    if (!Number.isFinite(q.overQuotaWeight) || q.overQuotaWeight < 0) {
      throw new ValidationError(`${field}.${r}.overQuotaWeight`, "must be >= 0");
    }
  }
}
