import assert from "node:assert/strict";
import { AllocationLedger, allocationsByNode, trackAllocations } from "../../../../hub/core/allocation";
import type { Node, Task } from "../../../../hub/core/model";
import { gpus, hardware, newCore, readyNode, report, role, type Harness } from "./harness";

/**
 * The allocation ledger (core.allocations) against the rebuild from the store
 * (allocationsByNode, what every read computed before issue 15): after each placement, task
 * event, preemption, lost node and rolled-back transaction they must agree, and the node's
 * version must have moved.
 */
describe("core: the allocation ledger follows every task write", () => {
  let h: Harness;
  let a: Node;
  let b: Node;

  beforeEach(() => {
    h = newCore();
    a = readyNode(h.core, "a", { hw: hardware({ cores: 8, memoryMiB: 16384, gpus: gpus(2, "GPU-a-") }) });
    b = readyNode(h.core, "b", { hw: hardware({ cores: 8, memoryMiB: 16384, gpus: gpus(2, "GPU-b-") }) });
  });
  afterEach(() => h.store.close());

  /** The ledger's view, as plain numbers per node. */
  const ledger = () =>
    Object.fromEntries(
      [a, b].map((n) => {
        const u = h.core.nodes.allocationOf(n.id);
        return [n.name, { cpuMilli: u.cpuMilli, memoryMiB: u.memoryMiB, gpus: [...u.gpus].sort() }];
      }),
    );
  /** The same, rebuilt from the store's rows. */
  const rebuilt = () => {
    const used = allocationsByNode(h.store);
    return Object.fromEntries(
      [a, b].map((n) => {
        const u = used.get(n.id);
        return [
          n.name,
          { cpuMilli: u?.cpuMilli ?? 0, memoryMiB: u?.memoryMiB ?? 0, gpus: [...(u?.gpus ?? [])].sort() },
        ];
      }),
    );
  };
  const agree = (why: string) => assert.deepEqual(ledger(), rebuilt(), why);
  const submit = (cpuMilli: number, gpu = 0, over: { priority?: number; preemptible?: boolean } = {}) =>
    h.core.workloads.submit({
      name: `w${cpuMilli}-${gpu}-${Math.random()}`,
      owner: "alice",
      roles: [role({ resources: { cpuMilli, memoryMiB: cpuMilli, gpu } })],
      ...over,
    });
  const task = (id: string) => h.store.tasks.byId(id) as Task;

  it("a placement holds the task's request and GPUs on its node at once, and its end gives them back", () => {
    // Read once first, so the ledger is built and then kept current (not rebuilt) from here on.
    assert.deepEqual(ledger().a, { cpuMilli: 0, memoryMiB: 0, gpus: [] });
    const before = h.core.allocations.versionOf(a.id) + h.core.allocations.versionOf(b.id);
    const { tasks } = submit(3000, 1);
    assert.equal(h.core.placement.runOnce(), 1);
    const t = task((tasks[0] as Task).id);
    const node = t.nodeId === a.id ? "a" : "b";
    assert.deepEqual(ledger()[node], { cpuMilli: 3000, memoryMiB: 3000, gpus: t.gpuUuids });
    assert.ok(h.core.allocations.versionOf(a.id) + h.core.allocations.versionOf(b.id) > before);
    agree("after placement");

    h.core.lifecycle.applyReport(t.nodeId as string, report(t.id));
    assert.deepEqual(ledger()[node], { cpuMilli: 3000, memoryMiB: 3000, gpus: t.gpuUuids }, "running holds");
    h.core.lifecycle.applyReport(t.nodeId as string, report(t.id, { state: "succeeded", exitCode: 0 }));
    assert.deepEqual(
      ledger()[node],
      { cpuMilli: 0, memoryMiB: 0, gpus: [] },
      "a finished task holds nothing",
    );
    agree("after the finish");
  });

  it("sums several tasks per node and follows a stop", () => {
    ledger();
    const w1 = submit(2000);
    submit(1000, 1);
    submit(500);
    assert.equal(h.core.placement.runOnce(), 3);
    agree("three placed");
    const total = ledger().a!.cpuMilli + ledger().b!.cpuMilli;
    assert.equal(total, 3500);
    h.core.workloads.stop(w1.workload);
    for (const t of h.store.tasks.byWorkload(w1.workload.id))
      if (t.nodeId) h.core.lifecycle.applyReport(t.nodeId, report(t.id, { state: "stopped" }));
    assert.equal(ledger().a!.cpuMilli + ledger().b!.cpuMilli, 1500);
    agree("after the stop");
  });

  it("an evicted task (drain, the preemption path) leaves its node and is held where it is placed next", () => {
    ledger();
    const { workload, tasks } = submit(1000, 0, { preemptible: true });
    h.core.placement.runOnce();
    const first = task((tasks[0] as Task).id);
    const from = first.nodeId === a.id ? a : b;
    const to = from === a ? b : a;
    h.core.lifecycle.applyReport(from.id, report(first.id));
    h.core.drains.drain(h.core.nodes.byId(from.id));
    // The agent stops the container; the task goes back to pending as its next attempt.
    h.core.lifecycle.applyReport(from.id, report(first.id, { state: "stopped" }));
    assert.deepEqual(
      ledger()[from.name],
      { cpuMilli: 0, memoryMiB: 0, gpus: [] },
      "the drained node is free",
    );
    agree("after the eviction");
    // The list pages' batched count of preemptions agrees with the per-workload one.
    assert.equal(h.core.preemptions.count(workload), 1);
    assert.deepEqual([...h.core.preemptions.counts([workload.id, "none"])], [[workload.id, 1]]);
    h.core.placement.runOnce();
    assert.equal(task(first.id).nodeId, to.id);
    assert.equal(ledger()[to.name]!.cpuMilli, 1000);
    agree("placed again elsewhere");
  });

  it("tasks lost with their node (gone past the disconnect timeout) free it", () => {
    ledger();
    h.core.workloads.submit({ name: "l", owner: "alice", roles: [role()], disconnectTimeoutSec: 30 });
    h.core.placement.runOnce();
    const t = h.store.tasks.byStates(["assigned"])[0] as Task;
    h.core.nodes.setStatus(t.nodeId as string, "notready");
    h.clock.advance(30_000);
    h.core.lifecycle.markLost();
    assert.equal(task(t.id).state, "lost");
    assert.deepEqual(ledger(), {
      a: { cpuMilli: 0, memoryMiB: 0, gpus: [] },
      b: { cpuMilli: 0, memoryMiB: 0, gpus: [] },
    });
    agree("after the loss");
  });

  it("a transaction rolled back after a task write leaves the ledger as the store is", () => {
    const { tasks } = submit(1000);
    const t = task((tasks[0] as Task).id);
    const own = new AllocationLedger(h.store);
    const tracked = trackAllocations(h.store, own);
    assert.equal(own.of(a.id).cpuMilli, 0);
    tracked.tasks.update({ ...t, state: "assigned", nodeId: a.id });
    assert.equal(own.of(a.id).cpuMilli, 1000, "a write outside a transaction counts at once");
    assert.throws(
      () =>
        tracked.transaction(() => {
          tracked.tasks.update({ ...t, state: "succeeded", nodeId: a.id });
          assert.equal(own.of(a.id).cpuMilli, 0, "inside the transaction the write is seen");
          throw new Error("rolled back");
        }),
      /rolled back/,
    );
    assert.equal(task(t.id).state, "assigned");
    assert.equal(own.of(a.id).cpuMilli, 1000, "the rolled-back finish is undone");
  });
});
