import type { Clock } from "./clock";
import { ConflictError, NotFoundError, QuotaBelowUseError, ValidationError } from "./errors";
import type { QuotaAllocation, QuotaAmount, QuotaRank, QuotaUnit } from "./model";
import type { NodePoolService } from "./node-pools";
import type { NodeService } from "./nodes";
import { nonPreemptibleUse } from "./quota-use";
import type { Store } from "./repositories";
import { checkName } from "./names";
import { newId } from "./secrets";
import type { CoreSignals } from "./signals";

export interface NewQuotaUnit {
  name: string;
  kind: QuotaUnit["kind"];
  parentId?: string | null;
  clusterId?: string | null;
  allocations?: QuotaAllocation[];
  defaultNodePools?: string[] | null;
  ranks?: Record<string, QuotaRank>;
  meta?: Record<string, unknown>;
}

/** An amount nobody is guaranteed and nobody is capped at. */
export const NO_QUOTA: QuotaAmount = { deserved: 0, limit: null, overQuotaWeight: 1 };

/**
 * How `kind` works (one quota unit, every face; docs/architecture.md §2):
 *
 * - `kind` is the unit's origin: the surface word it was made as (a Run:ai project or department,
 *   an OpenPAI virtual cluster, an OTE business, a ModelArts workspace). It says which surface's
 *   quota grammar owns the unit's allocations, and nothing else; it does not hide the unit.
 * - Every surface lists every unit of the kinds it can present, whatever face made it: a face that
 *   holds work (an OpenPAI VC, a Run:ai project, an OTE business namespace, a ModelArts workspace)
 *   presents every kind in WORK_KINDS; Run:ai's departments present departments only (they group
 *   projects and hold no work). OpenPAI VCs (`default` too) are listed and take work on every face,
 *   showing the allocation OpenPAI last derived for them.
 * - A face writes a unit's quota only in the unit's own grammar: OpenPAI answers its read-only
 *   error for units it did not make; Run:ai may give quota to any unit it presents (OTE
 *   businesses carry none of their own) but an OpenPAI VC: a VC's quota is a percentage share of
 *   the hub that OpenPAI recomputes from the cluster's size (and `default` is the remainder), so
 *   an absolute amount written elsewhere would be overwritten. Run:ai refuses (409) to write it or
 *   delete the VC, as OpenPAI refuses to write or delete units it did not make.
 * - Names are unique among the units a face lists together (all WORK_KINDS; departments), and
 *   aliases among every name and alias, so a name or alias finds one unit on every face.
 * - Where a name is not valid in a face's grammar, the face shows a stable alias (faceName()):
 *   made once, stored in `aliases`, and accepted by byFaceName() like the name itself.
 */
export const WORK_KINDS: ReadonlySet<QuotaUnit["kind"]> = new Set([
  "project",
  "virtual-cluster",
  "business",
  "workspace",
]);

/** The names a surface accepts for a quota unit (e.g. OpenPAI VC names: `[A-Za-z0-9_]+`). */
export interface NameGrammar {
  accepts(name: string): boolean;
  /** A spelling of `name` the grammar accepts; `attempt` 1, 2... when earlier spellings are taken. */
  spell(name: string, attempt: number): string;
}

const family = (kind: QuotaUnit["kind"]) => (WORK_KINDS.has(kind) ? "work" : kind);

/**
 * Tenants with per-node-pool quota (docs/architecture.md §2): one service behind OpenPAI virtual clusters, Run:ai
 * projects and departments, OTE businesses and ModelArts workspaces. It holds the rule that
 * deserved quota is never lowered below the non-preemptible work placed in the unit now.
 */
export class QuotaUnitService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
    private readonly nodes: NodeService,
    private readonly nodePools: NodePoolService,
  ) {}

  create(input: NewQuotaUnit): QuotaUnit {
    if (!input.name) throw new ValidationError("name", "is required");
    checkName("name", input.name);
    const taken = this.holder(input.name, input.kind);
    if (taken) {
      throw new ConflictError(
        taken.kind === input.kind && taken.name === input.name
          ? `${input.kind} ${input.name} already exists`
          : `${input.name} is already used by ${taken.kind} ${taken.name}`,
      );
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
      defaultNodePools: input.defaultNodePools ?? null,
      ranks: input.ranks ?? {},
      aliases: [],
      meta: input.meta ?? {},
      createdAt: now,
      updatedAt: now,
    };
    this.store.quotaUnits.save(unit);
    this.signals.schedulingNeeded.emit(`quota unit ${unit.name} created`);
    return unit;
  }

  /**
   * Saves a changed unit. Refuses (QuotaBelowUseError) to lower a deserved amount below what the
   * unit's non-preemptible work holds now in that pool, whichever surface asks.
   */
  save(unit: QuotaUnit): QuotaUnit {
    const stored = this.store.quotaUnits.byId(unit.id);
    if (stored) this.checkLowering(stored, unit.allocations);
    return this.write(unit);
  }

  /**
   * Saves allocations recomputed from the hub's size rather than asked for (OpenPAI's percentage
   * shares when nodes come and go): not a request to lower quota, so the lowering rule does not
   * apply. A request that leads to such a recomputation checks it first (checkLowering).
   */
  saveDerived(unit: QuotaUnit): QuotaUnit {
    return this.write(unit);
  }

  /**
   * Sets one surface's entry in `meta` (its own ids and words). Meta never steers scheduling, so
   * this neither asks for a pass nor changes updatedAt.
   */
  setMeta(unit: QuotaUnit, surface: string, value: unknown): QuotaUnit {
    const updated = { ...unit, meta: { ...unit.meta, [surface]: value } };
    this.store.quotaUnits.save(updated);
    return updated;
  }

  /**
   * Throws QuotaBelowUseError when `next` lowers a deserved amount of `unit` below what its
   * non-preemptible work holds now (placed tasks, from the task store) in that node pool.
   */
  checkLowering(unit: QuotaUnit, next: readonly QuotaAllocation[]): void {
    const pools = this.nodePools.list();
    const poolOfNode = (nodeId: string) => {
      const node = this.nodes.findById(nodeId);
      return node ? this.nodePools.poolOf(node, pools).id : this.nodePools.defaultPool().id;
    };
    for (const [poolId, used] of nonPreemptibleUse(this.store, unit.id, poolOfNode)) {
      const before = QuotaUnitService.allocationIn(unit, poolId);
      const after = QuotaUnitService.allocationIn({ ...unit, allocations: [...next] }, poolId);
      for (const r of ["gpu", "cpuMilli", "memoryMiB"] as const) {
        const deserved = after[r].deserved;
        if (deserved < before[r].deserved && used[r] > deserved + 1e-9) {
          const poolName = pools.find((p) => p.id === poolId)?.name ?? poolId;
          throw new QuotaBelowUseError(unit.id, unit.name, poolId, poolName, r, deserved, used[r]);
        }
      }
    }
  }

  /**
   * The unit's name in a face's grammar: its name when the grammar accepts it, else an alias it
   * accepts, made (unique among every name and alias) and stored the first time it is asked for.
   */
  faceName(unit: QuotaUnit, grammar: NameGrammar): string {
    if (grammar.accepts(unit.name)) return unit.name;
    const known = unit.aliases.find((a) => grammar.accepts(a));
    if (known !== undefined) return known;
    const used = new Set(this.store.quotaUnits.list().flatMap((u) => [u.name, ...u.aliases]));
    let alias = grammar.spell(unit.name, 0);
    for (let attempt = 1; used.has(alias) || !grammar.accepts(alias); attempt++) {
      if (attempt > 1000) throw new ConflictError(`no free alias for ${unit.kind} ${unit.name}`);
      alias = grammar.spell(unit.name, attempt);
    }
    const fresh = this.store.quotaUnits.byId(unit.id) ?? unit;
    this.store.quotaUnits.save({ ...fresh, aliases: [...fresh.aliases, alias] });
    // The caller's copy too, so that it spells the unit the same way for the rest of its work.
    unit.aliases = [...unit.aliases, alias];
    return alias;
  }

  /** The unit of one of `kinds` with this name or alias. */
  byFaceName(name: string, kinds: ReadonlySet<QuotaUnit["kind"]>): QuotaUnit | undefined {
    const units = this.store.quotaUnits.list().filter((u) => kinds.has(u.kind));
    return units.find((u) => u.name === name) ?? units.find((u) => u.aliases.includes(name));
  }

  /** Units of any of `kinds`, oldest first. */
  listKinds(kinds: ReadonlySet<QuotaUnit["kind"]>): QuotaUnit[] {
    return this.store.quotaUnits.list().filter((u) => kinds.has(u.kind));
  }

  private write(unit: QuotaUnit): QuotaUnit {
    unit.allocations.forEach((a, i) => checkAllocation(a, `allocations.${i}`));
    const updated = { ...unit, updatedAt: this.clock.now() };
    this.store.quotaUnits.save(updated);
    this.signals.schedulingNeeded.emit(`quota unit ${unit.name} changed`);
    return updated;
  }

  /** A unit a new unit's name would clash with: same family by name, or any unit by alias. */
  private holder(name: string, kind: QuotaUnit["kind"]): QuotaUnit | undefined {
    const all = this.store.quotaUnits.list();
    return (
      all.find((u) => u.name === name && family(u.kind) === family(kind)) ??
      all.find((u) => u.aliases.includes(name))
    );
  }

  /**
   * The unit to charge new work to: `unit` while it has allocations, else none. A unit without
   * allocations would hold non-preemptible work on a zero share, so that work runs unlimited
   * (quotaUnitId null) until an administrator gives the unit quota, as replicated services do.
   */
  chargedUnitId(unit: QuotaUnit): string | null {
    return unit.allocations.length > 0 ? unit.id : null;
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
    // Ended work keeps its record but no longer names the unit (the store's reference would
    // refuse the delete otherwise).
    this.store.transaction(() => {
      for (const w of this.store.workloads.list({}))
        if (w.quotaUnitId === unit.id) this.store.workloads.update({ ...w, quotaUnitId: null });
      this.store.quotaUnits.delete(unit.id);
    });
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
