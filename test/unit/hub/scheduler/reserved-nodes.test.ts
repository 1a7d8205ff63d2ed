import assert from "node:assert/strict";
import { planFairShare } from "../../../../hub/scheduler/fair-plan";
import type { FairNode, FairPending, RunningTask } from "../../../../hub/scheduler/fair-snapshot";
import { place } from "../../../../hub/scheduler/place";
import type { NodeView, PendingTask } from "../../../../hub/scheduler/snapshot";

/** A ready, schedulable, 8-core node; `reservedFor` as told. */
function node(name: string, over: Partial<NodeView> = {}): NodeView {
  return {
    id: `id-${name}`,
    name,
    clusterId: "c1",
    labels: [],
    ready: true,
    schedulable: true,
    runtimeAvailable: true,
    capacity: { cpuMilli: 8000, memoryMiB: 32768 },
    gpus: [],
    used: { cpuMilli: 0, memoryMiB: 0, gpus: new Set() },
    ...over,
  };
}

function task(taskId: string, over: Partial<PendingTask> = {}): PendingTask {
  return {
    taskId,
    workloadId: `w-${taskId}`,
    gang: null,
    clusterId: null,
    nodeSelector: [],
    nodeId: null,
    cpuMilli: 1000,
    memoryMiB: 1024,
    gpu: 0,
    ownerId: "u-other",
    ...over,
  };
}

const RESERVED_REASON = /reserved as a Lite Server: only its holder's jobs pinned to it run there/;

describe("scheduler: nodes reserved for one user (Lite Servers)", () => {
  it("keeps other work off a reserved node and says why it waits", () => {
    const plan = place([node("a", { reservedFor: "u-holder" })], [task("t1")]);
    assert.deepEqual(plan.assignments, []);
    assert.match(plan.waiting.get("t1") ?? "", RESERVED_REASON);
  });

  it("places the holder's task pinned to the node there", () => {
    const plan = place(
      [node("a", { reservedFor: "u-holder" })],
      [task("t1", { nodeId: "id-a", ownerId: "u-holder" })],
    );
    assert.deepEqual(
      plan.assignments.map((a) => a.nodeId),
      ["id-a"],
    );
  });

  it("refuses the holder's unpinned task and another user's task pinned to the node", () => {
    const nodes = [node("a", { reservedFor: "u-holder" })];
    const plan = place(nodes, [
      task("unpinned", { ownerId: "u-holder" }),
      task("intruder", { nodeId: "id-a", ownerId: "u-other" }),
      task("unknown-owner", { nodeId: "id-a", ownerId: null }),
    ]);
    assert.deepEqual(plan.assignments, []);
    for (const t of ["unpinned", "intruder", "unknown-owner"])
      assert.match(plan.waiting.get(t) ?? "", RESERVED_REASON);
  });

  it("sends other work to the unreserved node, even when the reserved one has more room", () => {
    const plan = place(
      [
        node("big", { reservedFor: "u-holder", capacity: { cpuMilli: 64000, memoryMiB: 262144 } }),
        node("small"),
      ],
      [task("t1")],
    );
    assert.deepEqual(
      plan.assignments.map((a) => a.nodeId),
      ["id-small"],
    );
  });

  it("treats a node without the field, or with null, as unreserved", () => {
    const plan = place([node("a", { reservedFor: null }), node("b")], [task("t1"), task("t2")]);
    assert.equal(plan.assignments.length, 2);
  });

  it("lets the fair-share planner place the holder's pinned task on the reserved node", () => {
    const plan = planFairShare({
      pools: [{ id: "p", name: "default" }],
      nodes: [
        { ...node("a", { reservedFor: "u-holder" }), poolId: "p" },
        { ...node("b"), poolId: "p" },
      ],
      units: [],
      running: [],
      pending: [
        {
          ...task("lite", { nodeId: "id-a", ownerId: "u-holder" }),
          unitId: null,
          poolId: null,
          priority: 0,
          preemptible: false,
        },
        { ...task("other"), unitId: null, poolId: null, priority: 0, preemptible: false },
      ],
    });
    assert.deepEqual(Object.fromEntries(plan.assignments.map((a) => [a.taskId, a.nodeId])), {
      lite: "id-a",
      other: "id-b",
    });
  });

  it("holds through the fair-share planner: no reclaim opens a reserved node to other work", () => {
    const fair = (n: NodeView): FairNode => ({ ...n, poolId: "p" });
    const pending = (t: PendingTask, unitId: string | null): FairPending => ({
      ...t,
      unitId,
      poolId: null,
      priority: 0,
      preemptible: true,
    });
    // The holder's job fills the reserved node; a unit with deserved quota asks for room.
    const running: RunningTask = {
      taskId: "lite-job",
      workloadId: "w-lite",
      unitId: null,
      poolId: "p",
      nodeId: "id-a",
      request: { gpu: 0, cpuMilli: 8000, memoryMiB: 1024 },
      gpuUuids: [],
      priority: 0,
      preemptible: true,
      startedAt: 1,
      preempting: false,
    };
    const plan = planFairShare({
      pools: [{ id: "p", name: "default" }],
      nodes: [
        fair(
          node("a", { reservedFor: "u-holder", used: { cpuMilli: 8000, memoryMiB: 1024, gpus: new Set() } }),
        ),
      ],
      units: [
        {
          id: "u1",
          name: "ml",
          kind: "project",
          parentId: null,
          quotas: new Map([
            [
              "p",
              {
                gpu: { deserved: 0, limit: null, overQuotaWeight: 1 },
                cpuMilli: { deserved: 8000, limit: null, overQuotaWeight: 1 },
                memoryMiB: { deserved: 32768, limit: null, overQuotaWeight: 1 },
              },
            ],
          ]),
          defaultPools: null,
        },
      ],
      running: [running],
      pending: [pending(task("t1"), "u1")],
    });
    assert.deepEqual(plan.assignments, []);
    assert.deepEqual(plan.preemptions, []);
    assert.match(plan.waiting.get("t1") ?? "", RESERVED_REASON);
  });
});
