import type { Clock } from "./clock";
import type { InvocationCountRepository } from "./repositories";

/**
 * How many calls reached each inference target (a ModelArts service id), counted in memory and
 * written in batches by flush() (docs/architecture.md §3: no synchronous SQLite write on the hot
 * path). Totals survive a restart up to the last flush (the hub flushes every 500 ms and on close).
 */
export class InvocationCounts {
  private readonly totals = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private loaded = false;

  constructor(
    private readonly repo: InvocationCountRepository,
    private readonly clock: Clock,
  ) {}

  /** Counts `n` more calls of `targetId`. */
  add(targetId: string, n = 1): void {
    this.load();
    this.totals.set(targetId, (this.totals.get(targetId) ?? 0) + n);
    this.dirty.add(targetId);
  }

  /** Calls of `targetId` so far, flushed or not. */
  get(targetId: string): number {
    this.load();
    return this.totals.get(targetId) ?? 0;
  }

  /** Writes the totals changed since the last flush, in one transaction. Returns how many. */
  flush(): number {
    if (this.dirty.size === 0) return 0;
    const at = this.clock.now();
    const rows = [...this.dirty].map((id) => ({ targetId: id, count: this.totals.get(id) ?? 0, at }));
    this.repo.saveMany(rows);
    this.dirty.clear();
    return rows.length;
  }

  /** Drops a target's count (its service was deleted). */
  forget(targetId: string): void {
    this.load();
    this.totals.delete(targetId);
    this.dirty.delete(targetId);
    this.repo.delete(targetId);
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const r of this.repo.list()) this.totals.set(r.targetId, r.count);
  }
}
