import type { User } from "../../core/model";
import type { WorkloadHead } from "../../core/workloads";
import { jobMeta } from "./job-meta";
import type { Jobs } from "./jobs";
import { presentListItem, type PresentContext } from "./presenters";

type Item = ReturnType<typeof presentListItem>;

/** A job's v2 list item, its JSON text and what decides whether it is still right and who sees it. */
export interface CachedJob {
  version: number;
  item: Item;
  json: string;
  /** An OpenPAI job (it has OpenPAI's meta): shown to every caller that may list jobs. */
  pai: boolean;
  deleted: boolean;
  /** The quota unit whose name is the item's virtualCluster (a workload of another surface), or null. */
  vcUnitId: string | null;
}

/** At most this many jobs' list items are kept (≈0.5 KiB each); past it the cache starts again. */
const MAX_ENTRIES = 50_000;

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
   * as listJobs sorts them): `first` heads, then 500 at a time; rows read only for stale entries.
   */
  *newestFirst(c: PresentContext, viewer: User | null, first = 500): Generator<CachedJob> {
    let after: { createdAt: number; id: string } | undefined;
    let batch = Math.max(1, Math.min(first, 500));
    for (; ; batch = 500) {
      const heads = c.core.workloads.heads({ limit: batch, after });
      for (const job of this.fresh(c, heads)) {
        const h = job.head;
        const e = job.entry;
        if (e.deleted) continue;
        if (this.jobs.visibleAs(e.pai, h, viewer)) yield e;
      }
      const last = heads[heads.length - 1];
      if (heads.length < batch || !last) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Each head with its current entry, in order: stale or missing ones made in one task query. */
  private fresh(
    c: PresentContext,
    heads: readonly WorkloadHead[],
  ): { head: WorkloadHead; entry: CachedJob }[] {
    const core = c.core;
    const unitName = new Map<string, string | undefined>();
    const unit = (id: string) => {
      if (!unitName.has(id)) unitName.set(id, core.quotaUnits.find(id)?.name);
      return unitName.get(id);
    };
    const valid = (h: WorkloadHead, e: CachedJob | undefined): e is CachedJob =>
      e !== undefined &&
      e.version === core.workloadVersions.versionOf(h.id) &&
      (e.vcUnitId === null ? true : (unit(e.vcUnitId) ?? "unknown") === e.item.virtualCluster);
    const made = new Map<string, CachedJob>();
    const stale = heads.filter((h) => !valid(h, this.entries.get(h.id)));
    if (stale.length > 0) {
      const rows = stale.flatMap((h) => core.workloads.find(h.id) ?? []);
      const tasks = core.workloads.tasksOf(rows.map((w) => w.id));
      for (const w of rows) {
        const version = core.workloadVersions.versionOf(w.id);
        const meta = jobMeta(w);
        const item = presentListItem(c, w, tasks.get(w.id) ?? []);
        made.set(w.id, {
          version,
          item,
          json: JSON.stringify(item),
          pai: meta !== null,
          deleted: meta?.deleted === true,
          vcUnitId: meta === null ? w.quotaUnitId : null,
        });
      }
    }
    // A workload cannot vanish between heads() and find() (no delete; one synchronous request).
    const out = heads.flatMap((h) => {
      const entry = made.get(h.id) ?? this.entries.get(h.id);
      return entry ? [{ head: h, entry }] : [];
    });
    if (this.entries.size + made.size > MAX_ENTRIES) this.entries.clear();
    for (const [id, e] of made) this.entries.set(id, e);
    return out;
  }
}
