/**
 * The quota view's bars: one track per node pool and resource showing what a unit holds
 * (allocated), its guarantee (deserved), its cap (limit) and its fair share now. Pure maths on
 * the API's numbers.
 */

export interface QuotaNumbers {
  deserved: number;
  /** null: no limit. */
  limit: number | null;
  allocated: number;
  /** What the scheduler would give the unit now (absent: not known). */
  fairShare?: number;
}

export interface QuotaBar {
  /** Width of the filled part, percent of the track (0-100). */
  allocatedPct: number;
  /** Where the deserved marker sits, percent of the track. */
  deservedPct: number;
  /** Where the limit marker sits, percent of the track; null when there is no limit. */
  limitPct: number | null;
  /** Where the fair-share marker sits, percent of the track; null when not known. */
  fairSharePct: number | null;
  /** The part of allocated above deserved (borrowed over-quota), percent of the track. */
  overPct: number;
  /** What 100% of the track stands for. */
  scale: number;
  /** allocated > deserved: running on borrowed capacity. */
  over: boolean;
  /** allocated >= limit: nothing more fits. */
  atLimit: boolean;
}

const pct = (v: number, scale: number): number =>
  scale <= 0 ? 0 : Math.min(100, Math.max(0, (v / scale) * 100));

/**
 * The track spans the largest of limit, deserved and allocated (and `capacity` when no limit is
 * set: the pool's total), so every marker fits and an unlimited unit is drawn against the pool.
 */
export function quotaBar(q: QuotaNumbers, capacity = 0): QuotaBar {
  const scale = Math.max(q.limit ?? capacity, q.deserved, q.allocated, 0);
  const allocatedPct = pct(q.allocated, scale);
  const deservedPct = pct(q.deserved, scale);
  return {
    allocatedPct,
    deservedPct,
    limitPct: q.limit === null ? null : pct(q.limit, scale),
    fairSharePct: q.fairShare === undefined ? null : pct(q.fairShare, scale),
    overPct: q.allocated > q.deserved ? allocatedPct - deservedPct : 0,
    scale,
    over: q.allocated > q.deserved,
    atLimit: q.limit !== null && q.allocated >= q.limit,
  };
}

/** Used of total as a percentage for the overview's capacity bars (0 when total is 0). */
export function usePercent(used: number, total: number): number {
  return total <= 0 ? 0 : Math.min(100, Math.max(0, (used / total) * 100));
}
