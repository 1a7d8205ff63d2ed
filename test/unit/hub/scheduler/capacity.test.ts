import assert from "node:assert/strict";
import { Capacity, place, placeOn } from "../../../../hub/scheduler/place";
import type { NodeView, PendingTask } from "../../../../hub/scheduler/snapshot";

/**
 * The kept free capacity of a pass (place.ts Capacity): a shape that did not fit is tried again as
 * soon as any capacity changes, a trial leaves the capacity exactly as it was, and many tasks of
 * one shape share one feasibility answer without sharing a placement.
 */
function node(name: string, over: Partial<NodeView> = {}): NodeView {
  return {
    id: `id-${name}`,
    name,
    clusterId: "c1",
    labels: [],
    ready: true,
    schedulable: true,
    runtimeAvailable: true,
    capacity: { cpuMilli: 2000, memoryMiB: 8192 },
    gpus: [],
    used: { cpuMilli: 0, memoryMiB: 0, gpus: new Set() },
    ...over,
  };
}

function task(taskId: string, over: Partial<PendingTask> = {}): PendingTask {
  return {
    taskId,
    workloadId: "w",
    gang: null,
    clusterId: null,
    nodeSelector: [],
    nodeId: null,
    cpuMilli: 1000,
    memoryMiB: 256,
    gpu: 0,
    ...over,
  };
}

describe("scheduler kept capacity", () => {
  it("retries a shape that failed inside a gang once the gang's rollback frees capacity", () => {
    // g2 (1500m) fails while g1 holds 1000m of the 2000m; after the rollback y (1500m) fits.
    const plan = place(
      [node("a")],
      [
        task("g1", { gang: "g", workloadId: "g" }),
        task("g2", { gang: "g", workloadId: "g", cpuMilli: 1500 }),
        task("y", { cpuMilli: 1500 }),
      ],
    );
    assert.deepEqual(plan.assignments, [{ taskId: "y", nodeId: "id-a", gpuUuids: [] }]);
    assert.equal(
      plan.waiting.get("g2"),
      "gang of 2 tasks cannot be placed together: insufficient cpu (1500m) on 1 ready matching node",
    );
  });

  it("a trial leaves free CPU, memory and the GPU order exactly as they were", () => {
    const cap = new Capacity([
      node("a", { gpus: ["G0", "G1", "G2"], used: { cpuMilli: 0, memoryMiB: 0, gpus: new Set(["G1"]) } }),
    ]);
    const before = JSON.stringify(cap.free);
    const plan = placeOn(cap, [task("t", { gpu: 2, cpuMilli: 500 })], true);
    assert.deepEqual(plan.assignments, [{ taskId: "t", nodeId: "id-a", gpuUuids: ["G0", "G2"] }]);
    assert.equal(JSON.stringify(cap.free), before);
    // Without trial the placement stays taken.
    placeOn(cap, [task("u", { gpu: 1 })], false);
    assert.deepEqual(cap.free[0]?.gpus, ["G2"]);
  });

  it("many tasks of one shape fill nodes one by one, then all wait for the same reason", () => {
    const tasks = Array.from({ length: 7 }, (_, i) => task(`t${i}`));
    const plan = place([node("a"), node("b")], tasks);
    assert.equal(plan.assignments.length, 4);
    assert.deepEqual(
      plan.assignments.map((a) => a.nodeId),
      ["id-a", "id-b", "id-a", "id-b"],
      "spread: most free CPU, ties by name",
    );
    assert.deepEqual(
      new Set(plan.waiting.values()),
      new Set(["insufficient cpu (1000m) on 2 ready matching nodes"]),
    );
    assert.equal(plan.waiting.size, 3);
  });

  it("tasks that differ only in selector or cluster do not share a feasibility answer", () => {
    const plan = place(
      [node("a", { labels: ["ssd"] }), node("b", { clusterId: "c2" })],
      [
        task("plain"),
        task("ssd", { nodeSelector: ["ssd"] }),
        task("c2", { clusterId: "c2" }),
        task("gpu-label", { nodeSelector: ["gpu"] }),
      ],
    );
    assert.deepEqual(Object.fromEntries(plan.assignments.map((a) => [a.taskId, a.nodeId])), {
      plain: "id-a",
      ssd: "id-a",
      c2: "id-b",
    });
    assert.equal(plan.waiting.get("gpu-label"), 'no node carries the labels ["gpu"]');
  });
});
