/**
 * Fair shares by water-filling (Run:ai / KAI): per node pool and per resource, each queue first
 * gets min(deserved, demand), then what is left of the pool is split among the queues that still
 * want more in proportion to their over-quota weight, never beyond their limit. Pure.
 */

/** One queue (a project, a department, or the no-quota bucket) for one resource in one pool. */
export interface Queue {
  id: string;
  /** Guaranteed share (GPU devices, millicores or MiB). */
  deserved: number;
  /** Hard cap including borrowed capacity; null = unlimited. */
  limit: number | null;
  /** Relative share of idle capacity; 0 borrows nothing. */
  weight: number;
  /** What the queue uses now plus what it waits for. */
  demand: number;
  /** Run:ai rank in this pool: higher ranks get over-quota strictly first. @default 0 (MediumLow) */
  rank?: number;
}

const EPS = 1e-9;

/**
 * Fair share of each queue (same units as `capacity`). Over-quota goes to higher ranks strictly
 * first; weights split it within one rank (Run:ai). With `scaleDeserved` (the projects of one
 * department), deserved quotas that together exceed `capacity` are scaled down to fit it: the
 * department's share takes precedence over the sum of its projects' quotas.
 */
export function waterFill(
  capacity: number,
  queues: readonly Queue[],
  scaleDeserved = false,
): Map<string, number> {
  const share = new Map<string, number>();
  const want = (q: Queue) => Math.min(q.demand, q.limit ?? Number.POSITIVE_INFINITY);
  const first = (q: Queue) => Math.max(0, Math.min(q.deserved, want(q)));
  const owed = queues.reduce((s, q) => s + first(q), 0);
  const scale = scaleDeserved && owed > capacity + EPS ? Math.max(0, capacity) / owed : 1;
  let remaining = capacity;
  for (const q of queues) {
    const s = first(q) * scale;
    share.set(q.id, s);
    remaining -= s;
  }
  // Over-subscribed deserved quotas (allowed) leave nothing to lend.
  remaining = Math.max(0, remaining);
  const ranks = [...new Set(queues.map((q) => q.rank ?? 0))].sort((a, b) => b - a);
  for (const rank of ranks) {
    const tier = queues.filter((q) => (q.rank ?? 0) === rank);
    for (let round = 0; round < tier.length + 1 && remaining > EPS; round++) {
      const active = tier.filter((q) => q.weight > 0 && (share.get(q.id) ?? 0) < want(q) - EPS);
      const total = active.reduce((s, q) => s + q.weight, 0);
      if (total <= 0) break;
      let given = 0;
      for (const q of active) {
        const s = share.get(q.id) ?? 0;
        const add = Math.min((remaining * q.weight) / total, want(q) - s);
        share.set(q.id, s + add);
        given += add;
      }
      remaining -= given;
      if (given <= EPS) break;
    }
  }
  return share;
}

/** A project-level queue with its department (null: a top-level queue). */
export interface UnitQueue extends Queue {
  parentId: string | null;
}

/** A department's own quota in the pool; absent: it passes its projects' quotas through. */
export interface ParentQuota {
  id: string;
  deserved: number;
  limit: number | null;
  weight: number;
  rank?: number;
}

/**
 * Two levels, as Run:ai: over-quota is balanced between departments first, then between the
 * projects of each department within what the department got. A department caps its projects'
 * sum at its limit, and at its share when their deserved quotas over-subscribe it.
 */
export function fairShares(
  capacity: number,
  units: readonly UnitQueue[],
  parents: ReadonlyMap<string, ParentQuota>,
): Map<string, number> {
  const top: Queue[] = [];
  const children = new Map<string, UnitQueue[]>();
  for (const u of units) {
    if (u.parentId === null) {
      top.push(u);
      continue;
    }
    const list = children.get(u.parentId) ?? [];
    list.push(u);
    children.set(u.parentId, list);
  }
  for (const [parentId, kids] of children) {
    const own = parents.get(parentId);
    const kidDemand = kids.reduce((s, k) => s + Math.min(k.demand, k.limit ?? Number.POSITIVE_INFINITY), 0);
    top.push({
      id: parentId,
      deserved: own?.deserved ?? kids.reduce((s, k) => s + k.deserved, 0),
      limit: own?.limit ?? null,
      weight: own?.weight ?? kids.reduce((s, k) => s + k.weight, 0),
      demand: kidDemand,
      rank: own?.rank ?? Math.max(...kids.map((k) => k.rank ?? 0)),
    });
  }
  const topShares = waterFill(capacity, top);
  const out = new Map<string, number>();
  for (const q of top) if (!children.has(q.id)) out.set(q.id, topShares.get(q.id) ?? 0);
  for (const [parentId, kids] of children) {
    for (const [id, s] of waterFill(topShares.get(parentId) ?? 0, kids, true)) out.set(id, s);
  }
  return out;
}
