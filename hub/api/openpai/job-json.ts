import type { User, Workload } from "../../core/model";
import { jobMeta } from "./job-meta";
import type { Jobs } from "./jobs";
import { presentListItem, type PresentContext } from "./presenters";

type Item = ReturnType<typeof presentListItem>;

/** A job's v2 list item, its JSON text and what decides whether it is still right and who sees it. */
export interface CachedJob {
  version: number;
  /** The workload's place in the list (newest first) and who may read it. */
  head: Pick<Workload, "id" | "createdAt" | "owner" | "quotaUnitId">;
  item: Item;
  json: string;
  /** An OpenPAI job (it has OpenPAI's meta): shown to every caller that may list jobs. */
  pai: boolean;
  deleted: boolean;
  /** The quota unit whose name is the item's virtualCluster (a workload of another surface), or null. */
  vcUnitId: string | null;
}

/** At most this many jobs' list items are kept (≈0.5 KiB of text and the item, ~1.5 KiB each); past it the cache starts again. */
const MAX_ENTRIES = 20_000;

/**
 * GET /api/v2/jobs's items cached per workload (issue 15: reading, parsing and presenting each row
 * was most of a page of 100). An entry is served while its workload's version
 * (core.workloadVersions: every write of its row, meta included, or its tasks) is the one it was
 * made at and, when its virtualCluster is a quota unit's name, that name is unchanged.
 */
export class JobListCache {
  private readonly entries = new Map<string, CachedJob>();

  constructor(private readonly jobs: Jobs) {}

  /**
   * The jobs `viewer` may see (Jobs.visible), not deleted, newest first (ties by id, descending,
   * as listJobs sorts them): `first` ids, then 500 at a time; rows read only for stale entries.
   */
  *newestFirst(c: PresentContext, viewer: User | null, first = 500): Generator<CachedJob> {
    let after: { createdAt: number; id: string } | undefined;
    let batch = Math.max(1, Math.min(first, 500));
    for (; ; batch = 500) {
      const ids = c.core.workloads.listIds({ limit: batch, after });
      const entries = this.fresh(c, ids);
      for (const e of entries) if (!e.deleted && this.jobs.visibleAs(e.pai, e.head, viewer)) yield e;
      const last = entries[entries.length - 1]?.head;
      if (ids.length < batch || !last) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** The current entry of each id, in order: stale or missing ones made in one task query. */
  private fresh(c: PresentContext, ids: readonly string[]): CachedJob[] {
    const core = c.core;
    const unitName = new Map<string, string | undefined>();
    const unit = (id: string) => {
      if (!unitName.has(id)) unitName.set(id, core.quotaUnits.find(id)?.name);
      return unitName.get(id);
    };
    const valid = (id: string, e: CachedJob | undefined): e is CachedJob =>
      e !== undefined &&
      e.version === core.workloadVersions.versionOf(id) &&
      (e.vcUnitId === null ? true : (unit(e.vcUnitId) ?? "unknown") === e.item.virtualCluster);
    const made = new Map<string, CachedJob>();
    const stale = ids.filter((id) => !valid(id, this.entries.get(id)));
    if (stale.length > 0) {
      const rows = stale.flatMap((id) => core.workloads.find(id) ?? []);
      const tasks = core.workloads.tasksOf(rows.map((w) => w.id));
      for (const w of rows) {
        const version = core.workloadVersions.versionOf(w.id);
        const meta = jobMeta(w);
        const item = presentListItem(c, w, tasks.get(w.id) ?? []);
        made.set(w.id, {
          version,
          head: { id: w.id, createdAt: w.createdAt, owner: w.owner, quotaUnitId: w.quotaUnitId },
          item,
          json: JSON.stringify(item),
          pai: meta !== null,
          deleted: meta?.deleted === true,
          vcUnitId: meta === null ? w.quotaUnitId : null,
        });
      }
    }
    // A workload cannot vanish between listIds() and find() (no delete; one synchronous request).
    const out = ids.flatMap((id) => made.get(id) ?? this.entries.get(id) ?? []);
    if (this.entries.size + made.size > MAX_ENTRIES) this.entries.clear();
    for (const [id, e] of made) this.entries.set(id, e);
    return out;
  }
}
