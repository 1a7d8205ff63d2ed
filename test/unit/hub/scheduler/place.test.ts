import assert from "node:assert/strict";
import { place } from "../../../../hub/scheduler/place";
import type { NodeView, PendingTask, Plan } from "../../../../hub/scheduler/snapshot";

/** A ready, schedulable node with a working runtime, 8 cores, 32 GiB and no GPU unless told. */
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
    workloadId: "w1",
    gang: null,
    clusterId: null,
    nodeSelector: [],
    nodeId: null,
    cpuMilli: 1000,
    memoryMiB: 1024,
    gpu: 0,
    ...over,
  };
}

/** taskId -> node name (node ids are `id-<name>`). */
function placed(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.assignments.map((a) => [a.taskId, a.nodeId.replace(/^id-/, "")]));
}

describe("scheduler place()", () => {
  describe("resource fit", () => {
    it("places a task whose CPU fits in the free millicores and refuses one millicore more", () => {
      const n = node("a", {
        capacity: { cpuMilli: 4000, memoryMiB: 8192 },
        used: { cpuMilli: 3000, memoryMiB: 0, gpus: new Set() },
      });
      assert.deepEqual(placed(place([n], [task("t1", { cpuMilli: 1000 })])), { t1: "a" });
      const plan = place([n], [task("t2", { cpuMilli: 1001 })]);
      assert.deepEqual(plan.assignments, []);
      assert.equal(plan.waiting.get("t2"), "insufficient cpu (1001m) on 1 ready matching node");
    });

    it("places a task whose memory fits in the free MiB and refuses one MiB more", () => {
      const n = node("a", {
        capacity: { cpuMilli: 8000, memoryMiB: 4096 },
        used: { cpuMilli: 0, memoryMiB: 1024, gpus: new Set() },
      });
      assert.deepEqual(placed(place([n], [task("t1", { memoryMiB: 3072 })])), { t1: "a" });
      const plan = place([n], [task("t2", { memoryMiB: 3073 })]);
      assert.equal(plan.waiting.get("t2"), "insufficient memory (3073 MiB) on 1 ready matching node");
    });

    it("names every short resource and counts the matching nodes", () => {
      const plan = place([node("a"), node("b")], [task("t", { cpuMilli: 9000, memoryMiB: 40000, gpu: 1 })]);
      assert.equal(
        plan.waiting.get("t"),
        "insufficient cpu (9000m), memory (40000 MiB), gpu (1) on 2 ready matching nodes",
      );
    });

    it("hands out GPUs by UUID in the node's order; a MIG slice is one device", () => {
      const n = node("a", { gpus: ["MIG-1", "MIG-2", "GPU-3"] });
      const plan = place([n], [task("t", { gpu: 2 })]);
      assert.deepEqual(plan.assignments, [{ taskId: "t", nodeId: "id-a", gpuUuids: ["MIG-1", "MIG-2"] }]);
      const three = place([n], [task("t3", { gpu: 3 })]);
      assert.deepEqual(three.assignments[0]?.gpuUuids, ["MIG-1", "MIG-2", "GPU-3"]);
      assert.equal(
        place([n], [task("t4", { gpu: 4 })]).waiting.get("t4"),
        "insufficient gpu (4) on 1 ready matching node",
      );
    });

    it("never hands out a GPU that a placed task already holds", () => {
      const n = node("a", {
        gpus: ["G0", "G1", "G2"],
        used: { cpuMilli: 0, memoryMiB: 0, gpus: new Set(["G0", "G2"]) },
      });
      assert.deepEqual(place([n], [task("t", { gpu: 1 })]).assignments[0]?.gpuUuids, ["G1"]);
      assert.equal(
        place([n], [task("t2", { gpu: 2 })]).waiting.get("t2"),
        "insufficient gpu (2) on 1 ready matching node",
      );
    });

    it("does not give one GPU to two tasks of the same plan", () => {
      const plan = place(
        [node("a", { gpus: ["G0", "G1"] })],
        [task("t1", { gpu: 1 }), task("t2", { gpu: 1 }), task("t3", { gpu: 1 })],
      );
      assert.deepEqual(
        plan.assignments.map((a) => a.gpuUuids),
        [["G0"], ["G1"]],
      );
      assert.equal(plan.waiting.get("t3"), "insufficient gpu (1) on 1 ready matching node");
    });

    it("does not over-commit CPU or memory across tasks of the same plan", () => {
      const n = node("a", { capacity: { cpuMilli: 2000, memoryMiB: 4096 } });
      const plan = place(
        [n],
        [task("t1", { cpuMilli: 1500 }), task("t2", { cpuMilli: 1000 }), task("t3", { cpuMilli: 500 })],
      );
      assert.deepEqual(placed(plan), { t1: "a", t3: "a" });
      assert.equal(plan.waiting.get("t2"), "insufficient cpu (1000m) on 1 ready matching node");
      const mem = place(
        [n],
        [task("m1", { cpuMilli: 0, memoryMiB: 3000 }), task("m2", { cpuMilli: 0, memoryMiB: 1097 })],
      );
      assert.deepEqual(placed(mem), { m1: "a" });
    });
  });

  describe("node eligibility", () => {
    it("requires every selector label; `key=value` is a plain string", () => {
      const nodes = [
        node("a", { labels: ["gpu"] }),
        node("b", { labels: ["gpu", "zone=a"] }),
        node("c", { labels: ["zone=a"] }),
      ];
      assert.deepEqual(placed(place(nodes, [task("t", { nodeSelector: ["gpu", "zone=a"] })])), { t: "b" });
      const noMatch = place(nodes, [task("u", { nodeSelector: ["zone"] })]);
      assert.equal(noMatch.waiting.get("u"), 'no node carries the labels ["zone"]');
      const partial = place(nodes, [task("v", { nodeSelector: ["zone=a", "ssd"] })]);
      assert.equal(partial.waiting.get("v"), 'no node carries the labels ["ssd"]');
      const apart = place(
        [nodes[0] as NodeView, nodes[2] as NodeView],
        [task("w", { nodeSelector: ["gpu", "zone=a"] })],
      );
      assert.equal(apart.waiting.get("w"), 'no node carries the labels ["gpu","zone=a"]');
    });

    it("keeps a task in its cluster", () => {
      const nodes = [
        node("a", { clusterId: "c1" }),
        node("b", { clusterId: "c2", capacity: { cpuMilli: 64000, memoryMiB: 1 << 20 } }),
      ];
      assert.deepEqual(placed(place(nodes, [task("t", { clusterId: "c1" })])), { t: "a" });
      assert.deepEqual(placed(place(nodes, [task("t", { clusterId: null })])), { t: "b" });
      assert.equal(
        place(nodes, [task("u", { clusterId: "c3" })]).waiting.get("u"),
        "no node in the workload's cluster",
      );
    });

    it("skips nodes that are not ready, saying so when none is", () => {
      const plan = place([node("a", { ready: false })], [task("t")]);
      assert.deepEqual(plan.assignments, []);
      assert.equal(plan.waiting.get("t"), "none of 1 matching node is ready");
      assert.deepEqual(placed(place([node("a", { ready: false }), node("z")], [task("t")])), { t: "z" });
    });

    it("skips cordoned nodes, saying so when every ready node is", () => {
      const plan = place([node("a", { schedulable: false }), node("b", { ready: false })], [task("t")]);
      assert.equal(plan.waiting.get("t"), "every ready node of 2 matching nodes is cordoned");
      assert.deepEqual(placed(place([node("a", { schedulable: false }), node("z")], [task("t")])), {
        t: "z",
      });
    });

    it("skips nodes whose container runtime is unavailable", () => {
      const plan = place([node("a", { runtimeAvailable: false })], [task("t")]);
      assert.equal(plan.waiting.get("t"), "no ready node of 1 matching node has a working container runtime");
      assert.deepEqual(placed(place([node("a", { runtimeAvailable: false }), node("z")], [task("t")])), {
        t: "z",
      });
    });
    it("narrows by cluster and labels before node state, so the reason names the real obstacle", () => {
      const nodes = [
        node("a", { labels: ["gpu"], schedulable: false }),
        node("b"),
        node("c", { clusterId: "c2", labels: ["gpu"] }),
      ];
      const plan = place(nodes, [task("t", { clusterId: "c1", nodeSelector: ["gpu"] })]);
      assert.equal(plan.waiting.get("t"), "every ready node of 1 matching node is cordoned");
      const down = place(
        [node("a", { labels: ["gpu"], ready: false }), node("b")],
        [task("u", { nodeSelector: ["gpu"] })],
      );
      assert.equal(down.waiting.get("u"), "none of 1 matching node is ready");
    });
  });

  it("places a pinned task only on its node, and says so when that node is gone", () => {
    const nodes = [node("a"), node("b", { capacity: { cpuMilli: 64000, memoryMiB: 1 << 20 } })];
    assert.deepEqual(placed(place(nodes, [task("t", { nodeId: "id-a" })])), { t: "a" });
    const gone = place(nodes, [task("u", { nodeId: "id-zz" })]);
    assert.equal(gone.waiting.get("u"), "the node this task is pinned to is gone");
    const full = place(nodes, [task("v", { nodeId: "id-a", cpuMilli: 9000 })]);
    assert.equal(full.waiting.get("v"), "insufficient cpu (9000m) on 1 ready matching node");
  });

  describe("gangs", () => {
    it("places a gang entirely or not at all", () => {
      const nodes = [node("a", { gpus: ["A0", "A1"] }), node("b", { gpus: ["B0"] })];
      const ok = place(nodes, [task("g1", { gang: "w", gpu: 2 }), task("g2", { gang: "w", gpu: 1 })]);
      assert.deepEqual(placed(ok), { g1: "a", g2: "b" });
      const tooBig = place(nodes, [task("g1", { gang: "w", gpu: 2 }), task("g2", { gang: "w", gpu: 2 })]);
      assert.deepEqual(tooBig.assignments, []);
      const reason =
        "gang of 2 tasks cannot be placed together: insufficient gpu (2) on 2 ready matching nodes";
      assert.equal(tooBig.waiting.get("g1"), reason);
      assert.equal(tooBig.waiting.get("g2"), reason);
    });

    it("rolls a failed gang back so later tasks get what it had taken", () => {
      const nodes = [node("a", { gpus: ["A0", "A1"], capacity: { cpuMilli: 2000, memoryMiB: 4096 } })];
      const plan = place(nodes, [
        task("g1", { gang: "w", workloadId: "w", gpu: 2, cpuMilli: 2000 }),
        task("g2", { gang: "w", workloadId: "w", gpu: 1 }),
        task("later", { workloadId: "x", gpu: 2, cpuMilli: 2000, memoryMiB: 4096 }),
      ]);
      assert.deepEqual(plan.assignments, [{ taskId: "later", nodeId: "id-a", gpuUuids: ["A0", "A1"] }]);
      assert.ok(plan.waiting.has("g1") && plan.waiting.has("g2"));
    });

    it("keeps a gang together even when its tasks are interleaved with others", () => {
      const nodes = [node("a", { capacity: { cpuMilli: 3000, memoryMiB: 32768 } })];
      const plan = place(nodes, [
        task("g1", { gang: "w", cpuMilli: 1000 }),
        task("solo", { cpuMilli: 1000 }),
        task("g2", { gang: "w", cpuMilli: 1000 }),
        task("late", { cpuMilli: 1000 }),
      ]);
      // The gang is placed at its first task's position, before "solo".
      assert.deepEqual(
        plan.assignments.map((a) => a.taskId),
        ["g1", "g2", "solo"],
      );
      assert.equal(plan.waiting.get("late"), "insufficient cpu (1000m) on 1 ready matching node");
    });
  });

  describe("choice among fitting nodes", () => {
    it("bin-packs GPU tasks onto the node left with the fewest free GPUs", () => {
      const nodes = [node("a", { gpus: ["A0", "A1", "A2", "A3"] }), node("b", { gpus: ["B0", "B1"] })];
      assert.deepEqual(placed(place(nodes, [task("t", { gpu: 1 })])), { t: "b" });
      const plan = place(nodes, [task("t1", { gpu: 1 }), task("t2", { gpu: 1 }), task("t3", { gpu: 1 })]);
      assert.deepEqual(placed(plan), { t1: "b", t2: "b", t3: "a" });
    });

    it("spreads CPU-only tasks onto the node with the most free CPU", () => {
      const nodes = [
        node("a", { capacity: { cpuMilli: 4000, memoryMiB: 8192 } }),
        node("b", { capacity: { cpuMilli: 6000, memoryMiB: 8192 } }),
      ];
      assert.deepEqual(placed(place(nodes, [task("t", { cpuMilli: 1000, memoryMiB: 0 })])), { t: "b" });
      const plan = place(
        nodes,
        [1, 2, 3, 4].map((i) => task(`t${i}`, { cpuMilli: 1000, memoryMiB: 0 })),
      );
      // b 6000 -> 5000 -> 4000 (tie with a: name wins) -> a ...
      assert.deepEqual(placed(plan), { t1: "b", t2: "b", t3: "a", t4: "b" });
    });

    it("breaks ties by node name whatever the input order", () => {
      const names = ["m", "c", "x", "b"];
      for (const order of [names, [...names].reverse()]) {
        assert.deepEqual(
          placed(
            place(
              order.map((n) => node(n)),
              [task("t")],
            ),
          ),
          { t: "b" },
        );
        const gpu = order.map((n) => node(n, { gpus: [`${n}0`] }));
        assert.deepEqual(placed(place(gpu, [task("g", { gpu: 1 })])), { g: "b" });
      }
    });

    it("returns the same plan for the same snapshot", () => {
      const nodes = ["a", "b", "c"].map((n) => node(n, { gpus: [`${n}0`, `${n}1`] }));
      const tasks = [task("t1", { gpu: 1 }), task("t2"), task("t3", { gpu: 2 }), task("t4")];
      assert.deepEqual(place(nodes, tasks), place(nodes, tasks));
    });
  });
});
