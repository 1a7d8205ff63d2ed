/**
 * Golden outputs: the planner's exact decisions (which task goes to which node with which GPUs,
 * every waiting reason, every preemption and its reason, every fair share) for hundreds of seeded
 * random states (golden-scenarios.ts), recorded from the planner before its rewrite for speed and
 * compared on every run. A faster planner must give the same answers.
 *
 * To record again (only with a planner whose decisions you mean to change, and say so in the
 * commit): GOLDEN_UPDATE=1 npx mocha dist/test/unit/hub/scheduler/golden.test.js
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { planFairShare } from "../../../../hub/scheduler/fair-plan";
import type { FairPlan } from "../../../../hub/scheduler/fair-snapshot";
import { place } from "../../../../hub/scheduler/place";
import type { Plan } from "../../../../hub/scheduler/snapshot";
import { repoRoot } from "../../../helpers/fixtures";
import { fairScenario, placeScenario } from "./golden-scenarios";

const PLACE_SEEDS = 200;
const FAIR_SEEDS = 300;
const BIG_SEEDS = 30;
const DIR = path.join(repoRoot(), "test", "fixtures", "scheduler");
const UPDATE = process.env.GOLDEN_UPDATE === "1";

interface Recorded {
  seed: number;
  assignments: Plan["assignments"];
  /** Reason -> the task ids waiting for it, sorted (the caller reads reasons by task, not in order). */
  waiting: Record<string, string[]>;
  preemptions?: FairPlan["preemptions"];
  fairShares?: Record<
    string,
    Record<string, FairPlan["fairShares"] extends Map<string, Map<string, infer A>> ? A : never>
  >;
}

function record(seed: number, plan: Plan | FairPlan): Recorded {
  const out: Recorded = {
    seed,
    assignments: plan.assignments,
    waiting: byReason(plan.waiting),
  };
  if ("preemptions" in plan) {
    out.preemptions = plan.preemptions;
    out.fairShares = Object.fromEntries(
      [...plan.fairShares].map(([pool, byUnit]) => [pool, Object.fromEntries(byUnit)]),
    );
  }
  return out;
}

function byReason(waiting: ReadonlyMap<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [taskId, reason] of [...waiting].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    (out[reason] ??= []).push(taskId);
  }
  return out;
}

function golden(file: string, seeds: number, run: (seed: number) => Plan | FairPlan): void {
  const full = path.join(DIR, file);
  const actual = Array.from({ length: seeds }, (_, seed) => record(seed, run(seed)));
  if (UPDATE) {
    fs.writeFileSync(full, `[\n${actual.map((r) => JSON.stringify(r)).join(",\n")}\n]\n`);
    return;
  }
  const expected = JSON.parse(fs.readFileSync(full, "utf8")) as Recorded[];
  assert.equal(expected.length, seeds, `${file} holds ${expected.length} scenarios`);
  for (const e of expected) {
    const a = actual[e.seed];
    assert.deepEqual(JSON.parse(JSON.stringify(a)), e, `seed ${e.seed} of ${file}`);
  }
}

describe("scheduler golden decisions", () => {
  it(`place() gives the recorded plan for ${PLACE_SEEDS} seeded states`, () => {
    golden("golden-place.json", PLACE_SEEDS, (seed) => {
      const s = placeScenario(seed);
      return place(s.nodes, s.pending);
    });
  });

  it(`planFairShare() gives the recorded plan for ${FAIR_SEEDS} seeded states`, () => {
    golden("golden-fair.json", FAIR_SEEDS, (seed) => planFairShare(fairScenario(seed)));
  });

  it(`planFairShare() gives the recorded plan for ${BIG_SEEDS} bigger states of few task shapes`, () => {
    golden("golden-fair-big.json", BIG_SEEDS, (seed) => planFairShare(fairScenario(seed, true)));
  });

  it("the scenarios reach every kind of decision (so the fixtures pin something)", () => {
    const plans = Array.from({ length: FAIR_SEEDS }, (_, seed) => planFairShare(fairScenario(seed)));
    const reasons = plans.flatMap((p) => [...p.waiting.values()]);
    const has = (re: RegExp) => reasons.filter((r) => re.test(r)).length;
    const counts = {
      placed: plans.reduce((n, p) => n + p.assignments.length, 0),
      preemptions: plans.reduce((n, p) => n + p.preemptions.length, 0),
      gangWaits: has(/^gang of|gang of \d+ tasks/),
      waitingForPreempted: has(/waiting for preempted tasks/),
      insufficient: has(/insufficient/),
      labels: has(/no node carries the labels/),
      cordoned: has(/is cordoned/),
      notReady: has(/is ready/),
      runtime: has(/working container runtime/),
      cluster: has(/no node in the workload's cluster/),
      pinned: has(/pinned to is gone/),
      limit: has(/its limit of/),
      nonPreemptible: has(/non-preemptible work may not exceed/),
      department: has(/caps its projects/),
      overShare: has(/over its fair share/),
      held: has(/is held for/),
      pools: has(/no room in pools/),
      noPool: has(/no node pool to run in/),
    };
    for (const [what, n] of Object.entries(counts))
      assert.ok(n > 0, `no scenario reaches ${what}: ${JSON.stringify(counts)}`);
  });
});
