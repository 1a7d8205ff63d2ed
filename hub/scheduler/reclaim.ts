/**
 * Reclaim (Run:ai cross-project preemption): when work that keeps its unit within its fair share
 * does not fit, stop preemptible tasks of units above their fair share until it fits. Victims come
 * from the unit furthest above its share first (saturation = used / fair share), then the lowest
 * priority, then the newest task. No thrashing: a victim's unit never falls below its own fair
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
  const already = input.tryPlace([]);
  if (pending.length > 0 && input.fits(already)) {
    return { victims: [], owners: pending.map((t) => t.unitId), plan: already };
  }
  const projected = new Map<string | null, number>();
  const used = (u: string | null) => projected.get(u) ?? input.planned.get(poolId, u)[r];
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
  const victims: RunningTask[] = [];
  for (const v of candidates) {
    const fair = input.fairOf(poolId, v.unitId)[r];
    // A unit without quota has a fair share of 0: its preemptible work can always be reclaimed.
    if (used(v.unitId) - v.request[r] < fair - EPS) continue;
    victims.push(v);
    projected.set(v.unitId, used(v.unitId) - v.request[r]);
    const plan = input.tryPlace(
      victims.map((t) => ({ nodeId: t.nodeId, ...t.request, gpuUuids: t.gpuUuids })),
    );
    if (input.fits(plan)) {
      return { victims, owners: [...victims, ...pending].map((t) => t.unitId), plan };
    }
  }
  return null;
}
