/**
 * The fair-share planner (Run:ai semantics, docs/native-api.md "Quota units / workloads"). Per node
 * pool and resource:
 * 1. fair share = deserved + weighted part of what others leave idle, within limit (fair-share.ts);
 * 2. round 1 places work that keeps its unit within its fair share, starved units first; work that
 *    does not fit there reclaims: it preempts preemptible tasks of units above their fair share
 *    (reclaim.ts) and waits for them to stop;
 * 3. round 2 lends what is still idle to work over its fair share, units furthest below their share
 *    first, work without a quota unit last; nothing is lent while starved work waits on a reclaim.
 * Gates on every placement: a unit's limit, non-preemptible work within deserved quota, and a
 * department's limit over the sum of its projects. Pure: the caller re-checks and commits.
 * The pass's state and its steps are in fair-pass.ts; this file is the order of the rounds.
 */
import { FairPass } from "./fair-pass";
import type { FairPlan, FairSnapshot, Group } from "./fair-snapshot";
import { amountText } from "./fair-snapshot";

export function planFairShare(s: FairSnapshot): FairPlan {
  const pass = new FairPass(s);
  const overShare = withinFairShareRound(
    pass,
    pass.groups.filter((g) => g.unitId !== null),
  );
  lendIdleRound(pass, [...overShare, ...pass.groups.filter((g) => g.unitId === null)]);
  return pass.result();
}

/** Least served units first (planned use over fair share), then higher priority. */
function byNeed(pass: FairPass, groups: Group[]): Group[] {
  // Each group's ratio once (it does not change while sorting), not twice per comparison.
  const ratio = new Map(groups.map((g) => [g, pass.ratio(g)]));
  const r = (g: Group) => ratio.get(g) as number;
  return groups.sort((a, b) => r(a) - r(b) || b.priority - a.priority);
}

/**
 * Round 1: work that keeps its unit within its fair share, starved units first; where the pool is
 * full, reclaim from units above their share (or the unit's own lower-priority work). Returns the
 * groups that would go over their fair share, for round 2.
 */
function withinFairShareRound(pass: FairPass, groups: Group[]): Group[] {
  const overShare: Group[] = [];
  for (const g of byNeed(pass, groups)) {
    const outcome = placeWithinFairShare(pass, g);
    if (outcome === "over-share") overShare.push(g);
  }
  return overShare;
}

/** One group of round 1: placed (or reclaiming), over its fair share, or waiting with a reason. */
function placeWithinFairShare(pass: FairPass, g: Group): "placed" | "over-share" | "waiting" {
  let first: string | null = null;
  let overShare = false;
  // The first listed pool where it fits within its quota rules wins; reclaim only when none does.
  const full: string[] = [];
  for (const poolId of g.pools) {
    const blocked = pass.gate(g, poolId);
    if (blocked) {
      first ??= blocked;
      continue;
    }
    if (!pass.withinFair(g, poolId)) {
      overShare = true;
      continue;
    }
    const why = pass.placeIdle(g, poolId);
    if (why === null) return "placed";
    full.push(poolId);
    first ??= why;
  }
  if (pass.reclaimFairShare(g, full)) return "placed";
  if (!overShare && pass.ownPriority(g, full)) return "placed";
  if (overShare) return "over-share";
  pass.wait(g, pass.explain(g, first));
  return "waiting";
}

/**
 * Round 2: lend what is still idle, least served units first, work without a quota unit last;
 * a pool whose idle capacity a round-1 reclaim holds lends nothing.
 */
function lendIdleRound(pass: FairPass, groups: Group[]): void {
  for (const g of byNeed(pass, groups)) lendIdle(pass, g);
}

/** One group of round 2: placed in idle capacity, by the unit's own priority, or waiting. */
function lendIdle(pass: FairPass, g: Group): void {
  let first: string | null = null;
  const full: string[] = [];
  for (const poolId of g.pools) {
    const blocked = pass.gate(g, poolId);
    const held = pass.heldBy(poolId);
    if (blocked || held) {
      first ??=
        blocked ?? `idle capacity in pool ${pass.poolName(poolId)} is held for ${held}, below its fair share`;
      continue;
    }
    const why = pass.placeIdle(g, poolId);
    if (why === null) return;
    full.push(poolId);
    const f = g.unitId ? pass.fairOf(poolId, g.unitId)[pass.main(g)] : 0;
    first ??= g.unitId
      ? `${pass.name(g.unitId)} is over its fair share (${amountText(pass.main(g), f)}) in pool ${pass.poolName(poolId)} and nothing idle fits: ${why}`
      : why;
  }
  if (!pass.ownPriority(g, full)) pass.wait(g, pass.explain(g, first));
}
