import assert from "node:assert/strict";
import { planFairShare } from "../../../../hub/scheduler/fair-plan";
import type {
  FairNode,
  FairPending,
  FairSnapshot,
  FairUnit,
  Quota,
  RunningTask,
} from "../../../../hub/scheduler/fair-snapshot";

const POOL = "p-default";
function node(name: string, gpus: number, over: Partial<FairNode> = {}): FairNode {
  return {
    id: name,
    name,
    poolId: POOL,
    clusterId: "c",
    labels: [],
    ready: true,
    schedulable: true,
    runtimeAvailable: true,
    capacity: { cpuMilli: 64000, memoryMiB: 262144 },
    gpus: Array.from({ length: gpus }, (_, i) => `${name}-g${i}`),
    used: { cpuMilli: 0, memoryMiB: 0, gpus: new Set() },
    ...over,
  };
}
const quota = (deserved: number, limit: number | null = null, weight = 1): Quota => ({
  deserved,
  limit,
  overQuotaWeight: weight,
});
function unit(id: string, gpu: Quota, parentId: string | null = null): FairUnit {
  return {
    id,
    name: id,
    kind: parentId === null && id.startsWith("d") ? "department" : "project",
    parentId,
    quotas: new Map([[POOL, { gpu, cpuMilli: quota(0), memoryMiB: quota(0) }]]),
    defaultPools: null,
  };
}
function pending(taskId: string, unitId: string | null, over: Partial<FairPending> = {}): FairPending {
  return {
    taskId,
    workloadId: `w-${taskId}`,
    gang: null,
    clusterId: null,
    nodeSelector: [],
    nodeId: null,
    cpuMilli: 0,
    memoryMiB: 0,
    gpu: 1,
    unitId,
    poolId: null,
    priority: 0,
    preemptible: true,
    ...over,
  };
}
function running(taskId: string, unitId: string, gpu: string, over: Partial<RunningTask> = {}): RunningTask {
  return {
    taskId,
    workloadId: `w-${taskId}`,
    unitId,
    poolId: POOL,
    nodeId: gpu.split("-g")[0] as string,
    request: { gpu: 1, cpuMilli: 0, memoryMiB: 0 },
    gpuUuids: [gpu],
    priority: 0,
    preemptible: true,
    startedAt: 0,
    preempting: false,
    ...over,
  };
}
function snapshot(s: Partial<FairSnapshot>): FairSnapshot {
  const nodes = (s.nodes ?? [node("n", 4)]).map((n) => {
    const mine = (s.running ?? []).filter((r) => r.nodeId === n.id);
    return { ...n, used: { cpuMilli: 0, memoryMiB: 0, gpus: new Set(mine.flatMap((r) => r.gpuUuids)) } };
  });
  return { pools: [{ id: POOL, name: "default" }], units: [], running: [], pending: [], ...s, nodes };
}
const placedBy = (plan: ReturnType<typeof planFairShare>) => plan.assignments.map((a) => a.taskId).sort();

describe("scheduler fair-share planner", () => {
  it("lets one project borrow the whole pool while the other is idle", () => {
    const plan = planFairShare(
      snapshot({
        units: [unit("a", quota(2)), unit("b", quota(2))],
        pending: ["a1", "a2", "a3", "a4"].map((t) => pending(t, "a")),
      }),
    );
    assert.deepEqual(placedBy(plan), ["a1", "a2", "a3", "a4"]);
    assert.equal(plan.fairShares.get(POOL)?.get("a")?.gpu, 4);
  });

  it("reclaims for a starved project: two victims from the borrower, and it waits for them", () => {
    const plan = planFairShare(
      snapshot({
        units: [unit("a", quota(2)), unit("b", quota(2))],
        running: [0, 1, 2, 3].map((i) => running(`a${i}`, "a", `n-g${i}`, { startedAt: i })),
        pending: [pending("b1", "b"), pending("b2", "b")],
      }),
    );
    assert.deepEqual(plan.assignments, []);
    assert.deepEqual(plan.preemptions.map((p) => p.taskId).sort(), ["a2", "a3"], "newest first");
    assert.match(plan.preemptions[0]?.reason ?? "", /to give project b its fair share \(2 GPUs\)/);
    assert.equal(plan.waiting.get("b1"), "waiting for preempted tasks of project a to stop");
  });

  it("does not preempt again while victims stop, and never below the victim's fair share", () => {
    const plan = planFairShare(
      snapshot({
        units: [unit("a", quota(2)), unit("b", quota(2))],
        running: [
          running("a0", "a", "n-g0"),
          running("a1", "a", "n-g1"),
          running("a2", "a", "n-g2", { preempting: true }),
          running("a3", "a", "n-g3", { preempting: true }),
        ],
        pending: [pending("b1", "b"), pending("b2", "b"), pending("b3", "b")],
      }),
    );
    assert.deepEqual(plan.preemptions, []);
    assert.equal(plan.waiting.get("b1"), "waiting for preempted tasks of project a to stop");
    assert.match(plan.waiting.get("b3") ?? "", /over its fair share|held for/);
  });

  it("splits idle GPUs 1:3 by weight", () => {
    const plan = planFairShare(
      snapshot({
        nodes: [node("n", 8)],
        units: [unit("a", quota(0, null, 1)), unit("b", quota(0, null, 3))],
        pending: [
          ...Array.from({ length: 8 }, (_, i) => pending(`a${i}`, "a")),
          ...Array.from({ length: 8 }, (_, i) => pending(`b${i}`, "b")),
        ],
      }),
    );
    const got = placedBy(plan);
    assert.equal(got.filter((t) => t.startsWith("a")).length, 2);
    assert.equal(got.filter((t) => t.startsWith("b")).length, 6);
  });

  it("caps borrowing at the limit and says so", () => {
    const plan = planFairShare(
      snapshot({ units: [unit("a", quota(1, 2))], pending: ["a1", "a2", "a3"].map((t) => pending(t, "a")) }),
    );
    assert.deepEqual(placedBy(plan), ["a1", "a2"]);
    assert.equal(plan.waiting.get("a3"), "project a is at its limit of 2 GPUs in pool default");
  });

  it("keeps non-preemptible work within deserved quota", () => {
    const plan = planFairShare(
      snapshot({
        units: [unit("a", quota(1))],
        pending: ["a1", "a2"].map((t) => pending(t, "a", { preemptible: false })),
      }),
    );
    assert.deepEqual(placedBy(plan), ["a1"]);
    assert.equal(
      plan.waiting.get("a2"),
      "non-preemptible work may not exceed deserved quota (1 GPU) of project a in pool default",
    );
  });

  it("caps a department's projects at its limit", () => {
    const d = unit("d1", quota(2, 3));
    const plan = planFairShare(
      snapshot({
        nodes: [node("n", 8)],
        units: [d, unit("a", quota(1), "d1"), unit("b", quota(1), "d1")],
        pending: ["a1", "a2", "b1", "b2"].map((t) => pending(t, t.startsWith("a") ? "a" : "b")),
      }),
    );
    assert.equal(placedBy(plan).length, 3);
    const held = [...plan.waiting.values()];
    assert.deepEqual(held, ["department d1 caps its projects at 3 GPUs in pool default"]);
  });

  it("never reclaims non-preemptible work", () => {
    const plan = planFairShare(
      snapshot({
        units: [unit("a", quota(2)), unit("b", quota(2))],
        running: [0, 1, 2, 3].map((i) => running(`a${i}`, "a", `n-g${i}`, { preemptible: false })),
        pending: [pending("b1", "b")],
      }),
    );
    assert.deepEqual(plan.preemptions, []);
    assert.match(plan.waiting.get("b1") ?? "", /insufficient gpu/);
  });

  it("takes work without a quota unit last, and reclaims it when it is preemptible", () => {
    const plan = planFairShare(
      snapshot({
        units: [unit("a", quota(2))],
        running: [0, 1, 2, 3].map((i) => ({ ...running(`x${i}`, "a", `n-g${i}`), unitId: null })),
        pending: [pending("a1", "a")],
      }),
    );
    assert.equal(plan.preemptions.length, 1);
  });

  it("keeps work in the pool it asks for", () => {
    const gpuPool = "p-gpu";
    const plan = planFairShare({
      ...snapshot({ nodes: [node("n", 2), node("m", 2, { poolId: gpuPool })] }),
      pools: [
        { id: POOL, name: "default" },
        { id: gpuPool, name: "gpu" },
      ],
      pending: [pending("t1", null, { poolId: gpuPool }), pending("t2", null, { poolId: gpuPool })],
    });
    assert.deepEqual(
      plan.assignments.map((a) => a.nodeId),
      ["m", "m"],
    );
  });

  it("lets higher-priority work of a project at its share stop the project's own lower-priority work", () => {
    const plan = planFairShare(
      snapshot({
        nodes: [node("n", 2)],
        units: [unit("a", quota(1, 2)), unit("b", quota(1, 1))],
        running: [
          running("low", "a", "n-g0", { priority: 10 }),
          running("b1", "b", "n-g1", { preemptible: false }),
        ],
        pending: [pending("hi", "a", { priority: 50 }), pending("same", "a", { priority: 10 })],
      }),
    );
    assert.deepEqual(
      plan.preemptions.map((p) => p.taskId),
      ["low"],
    );
    assert.match(plan.preemptions[0]?.reason ?? "", /higher-priority work \(50\) of project a/);
    assert.match(plan.waiting.get("same") ?? "", /held for project a/, JSON.stringify([...plan.waiting]));
  });

  it("lends idle GPUs to the higher-ranked project first", () => {
    const ranked = (id: string, rank: number) => ({ ...unit(id, quota(0)), ranks: new Map([[POOL, rank]]) });
    const plan = planFairShare(
      snapshot({
        nodes: [node("n", 2)],
        units: [ranked("a", 0), ranked("b", 2)],
        pending: ["a1", "a2", "b1", "b2"].map((t) => pending(t, t.slice(0, 1))),
      }),
    );
    assert.deepEqual(placedBy(plan), ["b1", "b2"]);
  });

  describe("victims free what the starved task needs", () => {
    // n1: b's newest task and c's non-preemptible one; n2: two older tasks of b. a asks for 2 GPUs
    // on one node: only n2 can hold it. Greedy by preference stops b1 first, which frees nothing usable.
    const scene = (bWeight: number) =>
      planFairShare(
        snapshot({
          nodes: [node("n1", 2), node("n2", 2)],
          units: [unit("a", quota(2)), unit("b", quota(0, null, bWeight)), unit("c", quota(1))],
          running: [
            running("b1", "b", "n1-g0", { startedAt: 30 }),
            running("c1", "c", "n1-g1", { preemptible: false }),
            running("b2", "b", "n2-g0", { startedAt: 10 }),
            running("b3", "b", "n2-g1", { startedAt: 20 }),
          ],
          pending: [pending("a1", "a", { gpu: 2 })],
        }),
      );

    it("stops only tasks on the node where the task will fit", () => {
      const plan = scene(0);
      assert.deepEqual(plan.preemptions.map((p) => p.taskId).sort(), ["b2", "b3"]);
    });

    it("finds them even when a useless victim would have used up what may be reclaimed", () => {
      // b's fair share is 1 GPU: stopping b1 first would leave room to stop only one task on n2.
      const plan = scene(1);
      assert.deepEqual(plan.preemptions.map((p) => p.taskId).sort(), ["b2", "b3"]);
      assert.match(plan.waiting.get("a1") ?? "", /waiting for preempted tasks of project b/);
    });
  });

  describe("work that names no pool (Run:ai defaultNodePools)", () => {
    const GPU = "p-gpu";
    const pools = [
      { id: POOL, name: "default" },
      { id: GPU, name: "gpu" },
    ];
    const twoPools = (defaultPools: string[] | null, busy: string[] = []) => ({
      ...snapshot({
        nodes: [node("n", 1), node("m", 1, { poolId: GPU })],
        units: [{ ...unit("a", quota(1)), defaultPools }],
        running: busy.map((g) => ({
          ...running(`x-${g}`, "x", g),
          poolId: g.startsWith("m") ? GPU : POOL,
          preemptible: false,
        })),
        pending: [pending("a1", "a")],
      }),
      pools,
    });

    it("tries the project's pools in order", () => {
      const plan = planFairShare(twoPools([GPU, POOL]));
      assert.deepEqual(
        plan.assignments.map((a) => a.nodeId),
        ["m"],
      );
      assert.deepEqual(
        planFairShare(twoPools([GPU, POOL], ["m-g0"])).assignments.map((a) => a.nodeId),
        ["n"],
      );
    });

    it("never spills into a pool the project does not list", () => {
      const plan = planFairShare(twoPools([POOL], ["n-g0"]));
      assert.deepEqual(plan.assignments, []);
      assert.match(plan.waiting.get("a1") ?? "", /insufficient gpu/);
    });

    it("names every pool it tried when none has room", () => {
      const plan = planFairShare(twoPools([POOL, GPU], ["n-g0", "m-g0"]));
      assert.deepEqual(plan.assignments, []);
      assert.match(plan.waiting.get("a1") ?? "", /^no room in pools default, gpu for project a: /);
    });

    it("without a pool policy, may use any pool", () => {
      assert.deepEqual(
        planFairShare(twoPools(null, ["n-g0"])).assignments.map((a) => a.nodeId),
        ["m"],
      );
    });
  });
});
