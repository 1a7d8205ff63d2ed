import assert from "node:assert/strict";
import type { Taint, Toleration } from "../../../../hub/core/taint-model";
import { checkTaints, checkTolerations } from "../../../../hub/core/taints";
import { ValidationError } from "../../../../hub/core/errors";
import { place } from "../../../../hub/scheduler/place";
import type { NodeView, PendingTask } from "../../../../hub/scheduler/snapshot";
import { tolerates } from "../../../../hub/scheduler/taints";

function node(name: string, taints: Taint[] = [], over: Partial<NodeView> = {}): NodeView {
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
    taints,
    ...over,
  };
}

function task(taskId: string, tolerations: Toleration[] = []): PendingTask {
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
    tolerations,
  };
}

const noSchedule: Taint = { key: "dedicated", value: "infer", effect: "NoSchedule" };
const noExecute: Taint = { key: "maintenance", value: "", effect: "NoExecute" };
const prefer: Taint = { key: "spot", value: "true", effect: "PreferNoSchedule" };
const tol = (over: Partial<Toleration>): Toleration => ({
  key: "dedicated",
  operator: "Equal",
  value: "infer",
  effect: null,
  ...over,
});

const nodeOf = (nodes: NodeView[], t: PendingTask) => place(nodes, [t]).assignments[0]?.nodeId;

describe("scheduler place(): node taints and task tolerations", () => {
  it("keeps a task off a NoSchedule node it does not tolerate and says which taint", () => {
    const plan = place([node("a", [noSchedule])], [task("t1")]);
    assert.deepEqual(plan.assignments, []);
    assert.match(
      plan.waiting.get("t1") ?? "",
      /taint the task does not tolerate \(dedicated=infer:NoSchedule\)/,
    );
  });

  it("keeps a task off a NoExecute node too", () => {
    const plan = place([node("a", [noExecute])], [task("t1")]);
    assert.match(plan.waiting.get("t1") ?? "", /maintenance:NoExecute/);
  });

  it("places a tolerating task on the tainted node, and an untolerating one elsewhere", () => {
    const nodes = [
      node("a", [noSchedule]),
      node("b", [], { used: { cpuMilli: 7000, memoryMiB: 0, gpus: new Set() } }),
    ];
    assert.equal(nodeOf(nodes, task("t1", [tol({})])), "id-a", "the emptier tainted node, tolerated");
    assert.equal(nodeOf(nodes, task("t2")), "id-b");
  });

  it("matches Equal by value and Exists by key, and an empty Exists tolerates every taint", () => {
    const nodes = [node("a", [noSchedule])];
    assert.equal(nodeOf(nodes, task("t1", [tol({ value: "train" })])), undefined, "wrong value");
    assert.equal(nodeOf(nodes, task("t2", [tol({ operator: "Exists", value: "" })])), "id-a");
    assert.equal(nodeOf(nodes, task("t3", [tol({ key: "", operator: "Exists", value: "" })])), "id-a");
    assert.equal(nodeOf(nodes, task("t4", [tol({ effect: "NoExecute" })])), undefined, "other effect");
    assert.equal(nodeOf(nodes, task("t5", [tol({ effect: "NoSchedule" })])), "id-a");
  });

  it("uses a PreferNoSchedule node only when nothing else fits", () => {
    const busy = { used: { cpuMilli: 6000, memoryMiB: 0, gpus: new Set<string>() } };
    // The soft-tainted node is emptier, yet the busier untainted one wins...
    assert.equal(nodeOf([node("a", [prefer]), node("b", [], busy)], task("t1")), "id-b");
    // ...unless the task tolerates the taint, or no other node fits.
    assert.equal(
      nodeOf([node("a", [prefer]), node("b", [], busy)], task("t2", [tol({ key: "spot", value: "true" })])),
      "id-a",
    );
    const full = { used: { cpuMilli: 8000, memoryMiB: 0, gpus: new Set<string>() } };
    assert.equal(nodeOf([node("a", [prefer]), node("b", [], full)], task("t3")), "id-a");
  });

  it("treats a node without taints and a task without tolerations as before", () => {
    assert.equal(
      nodeOf([node("a", [], { taints: undefined })], { ...task("t1"), tolerations: undefined }),
      "id-a",
    );
  });

  it("tolerates() follows Kubernetes' rules", () => {
    assert.equal(tolerates(tol({}), noSchedule), true);
    assert.equal(tolerates(tol({ key: "other" }), noSchedule), false);
  });
});

describe("core taints: validation", () => {
  it("accepts taints with a known effect and refuses others, naming the field", () => {
    assert.deepEqual(checkTaints([{ key: "a", effect: "NoSchedule" }]), [
      { key: "a", value: "", effect: "NoSchedule" },
    ]);
    assert.throws(
      () => checkTaints([{ key: "a", effect: "Never" }]),
      (e: unknown) => e instanceof ValidationError && e.field === "taints.0.effect",
    );
    assert.throws(() => checkTaints([{ key: "a b", effect: "NoSchedule" }]), ValidationError);
    assert.throws(
      () =>
        checkTaints([
          { key: "a", effect: "NoSchedule" },
          { key: "a", value: "x", effect: "NoSchedule" },
        ]),
      /duplicate taint/,
    );
  });

  it("defaults a toleration to Equal and refuses a value with Exists", () => {
    assert.deepEqual(checkTolerations([{ key: "a", value: "b" }]), [
      { key: "a", operator: "Equal", value: "b", effect: null },
    ]);
    assert.throws(() => checkTolerations([{ key: "a", operator: "Exists", value: "b" }]), ValidationError);
    assert.throws(() => checkTolerations([{ operator: "Equal" }]), /required unless/);
  });
});
