/**
 * Reclaim (Run:ai cross-project preemption): when work that keeps its unit within its fair share
 * does not fit, stop preemptible tasks of units above their fair share until it fits. Victims come
 * from the unit furthest above its share first (saturation = used / fair share), then the lowest
 * priority, then the newest task; only victims that make room count: the fewest on one node where
 * the group then fits, else a pool-wide walk pruned of every victim the placement does not need. No thrashing: a victim's unit never falls below its own fair
 * share. Work of another unit's own, and tasks already being preempted, are never chosen.
 */
import type { Amounts, Group, ResourceKey, RunningTask } from "./fair-snapshot";
import type { Ledger } from "./ledger";
import type { Plan } from "./snapshot";

const EPS = 1e-9;

export interface ReclaimInput {
  group: Group;
  poolId: string;
  running: readonly RunningTask[];
  /** Victims chosen earlier in this pass. */
  alreadyChosen: ReadonlySet<string>;
  fairOf(poolId: string, unitId: string | null): Amounts;
  /** Use per unit in this pass (already without earlier victims). */
  planned: Ledger;
  /** Places the group as if `extra` victims had stopped. */
  tryPlace(
    extra: readonly { nodeId: string; cpuMilli: number; memoryMiB: number; gpuUuids: readonly string[] }[],
  ): Plan;
  fits(plan: Plan): boolean;
}

export interface Reclaim {
  /** Empty when tasks already being preempted free enough. */
  victims: RunningTask[];
  /** Units whose tasks are (or will be) stopping for the group. */
  owners: (string | null)[];
  plan: Plan;
}

/** The fewest victims (in preference order) that let the group fit, or null when none do. */
export function chooseVictims(input: ReclaimInput): Reclaim | null {
  const { group, poolId } = input;
  const r: ResourceKey = group.request.gpu > 0 ? "gpu" : "cpuMilli";
  const pending = input.running.filter((t) => t.poolId === poolId && t.preempting && t.request[r] > 0);
  // Only tasks already stopping can make room without new victims: try that only when there are some.
  const already = pending.length > 0 ? input.tryPlace([]) : null;
  if (already && input.fits(already)) {
    return { victims: [], owners: pending.map((t) => t.unitId), plan: already };
  }
  const used = (u: string | null) => input.planned.get(poolId, u)[r];
  const saturation = (u: string | null) => {
    const f = input.fairOf(poolId, u)[r];
    return f > EPS ? used(u) / f : Number.POSITIVE_INFINITY;
  };
  const candidates = input.running
    .filter(
      (t) =>
        t.poolId === poolId &&
        t.preemptible &&
        !t.preempting &&
        !input.alreadyChosen.has(t.taskId) &&
        t.unitId !== group.unitId &&
        t.request[r] > 0 &&
        used(t.unitId) > input.fairOf(poolId, t.unitId)[r] + EPS,
    )
    .sort(
      (a, b) =>
        saturation(b.unitId) - saturation(a.unitId) ||
        a.priority - b.priority ||
        b.startedAt - a.startedAt ||
        a.taskId.localeCompare(b.taskId),
    );
  const tryWith = (vs: readonly RunningTask[]) =>
    input.tryPlace(vs.map((t) => ({ nodeId: t.nodeId, ...t.request, gpuUuids: t.gpuUuids })));
  const done = (victims: RunningTask[], plan: Plan): Reclaim => ({
    victims,
    owners: [...victims, ...pending].map((t) => t.unitId),
    plan,
  });
  const found = pickVictims(candidates, r, used, input, tryWith, byNode(candidates));
  return found ? done(found.victims, found.plan) : null;
}

/**
 * Priority inside one project (Run:ai): a higher-priority group may stop lower-priority
 * preemptible tasks of its own unit in the same pool. The unit's use does not grow by it, so no
 * fair-share rule applies; the lowest priority, then the newest, goes first.
 */
export function chooseOwnVictims(input: ReclaimInput): Reclaim | null {
  const { group, poolId } = input;
  if (group.unitId === null) return null;
  const r: ResourceKey = group.request.gpu > 0 ? "gpu" : "cpuMilli";
  const candidates = input.running
    .filter(
      (t) =>
        t.poolId === poolId &&
        t.unitId === group.unitId &&
        t.preemptible &&
        !t.preempting &&
        !input.alreadyChosen.has(t.taskId) &&
        t.priority < group.priority &&
        t.request[r] > 0,
    )
    .sort((a, b) => a.priority - b.priority || b.startedAt - a.startedAt || a.taskId.localeCompare(b.taskId));
  const tryWith = (vs: readonly RunningTask[]) =>
    input.tryPlace(vs.map((t) => ({ nodeId: t.nodeId, ...t.request, gpuUuids: t.gpuUuids })));
  const found = pickVictims(
    candidates,
    r,
    () => Number.POSITIVE_INFINITY,
    { ...input, fairOf: () => ({ gpu: 0, cpuMilli: 0, memoryMiB: 0 }) },
    tryWith,
    byNode(candidates),
  );
  return found ? { ...found, owners: found.victims.map((t) => t.unitId) } : null;
}

/** Candidates per node, in preference order, nodes in the order their best candidate appears. */
function byNode(candidates: readonly RunningTask[]): RunningTask[][] {
  const m = new Map<string, RunningTask[]>();
  for (const c of candidates) m.set(c.nodeId, [...(m.get(c.nodeId) ?? []), c]);
  return [...m.values()];
}

/**
 * Victims that actually make room: first the fewest on one node (the node the group will use),
 * else a greedy walk over the whole pool pruned of every victim the placement does not need.
 * `used` gives a unit's use before any victim; a unit never falls below its fair share.
 */
export function pickVictims(
  candidates: readonly RunningTask[],
  r: ResourceKey,
  used: (unitId: string | null) => number,
  input: Pick<ReclaimInput, "fairOf" | "poolId" | "fits">,
  tryWith: (victims: readonly RunningTask[]) => Plan,
  nodes: readonly (readonly RunningTask[])[],
): { victims: RunningTask[]; plan: Plan } | null {
  const greedy = (list: readonly RunningTask[]) => {
    const projected = new Map<string | null, number>();
    const now = (u: string | null) => projected.get(u) ?? used(u);
    const victims: RunningTask[] = [];
    for (const v of list) {
      // A unit without quota has a fair share of 0: its preemptible work can always be reclaimed.
      if (now(v.unitId) - v.request[r] < input.fairOf(input.poolId, v.unitId)[r] - EPS) continue;
      victims.push(v);
      projected.set(v.unitId, now(v.unitId) - v.request[r]);
      const plan = tryWith(victims);
      if (input.fits(plan)) return { victims, plan };
    }
    return null;
  };
  let best: { victims: RunningTask[]; plan: Plan } | null = null;
  for (const list of nodes) {
    const f = greedy(list);
    if (f && (!best || f.victims.length < best.victims.length)) best = f;
  }
  if (best) return best;
  const wide = greedy(candidates);
  if (!wide) return null;
  // Prune: drop, least preferred first, each victim the group still fits without.
  let { victims, plan } = wide;
  for (let i = victims.length - 1; i >= 0; i--) {
    const fewer = victims.filter((_, j) => j !== i);
    const p = tryWith(fewer);
    if (input.fits(p)) {
      victims = fewer;
      plan = p;
    }
  }
  return { victims, plan };
}
